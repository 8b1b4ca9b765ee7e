-- The ceiling: GET /api/v1/ping touches no store and needs no session.
package.path = os.getenv("ERP_BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup
wrk.method = "GET"
wrk.path = "/api/v1/ping"
done = c.done("ping")
