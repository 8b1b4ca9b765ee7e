-- GET /api/v1/entities/core.partner/{id}: resume the session, read one entity.
package.path = os.getenv("ERP_BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup
wrk.method = "GET"
wrk.path = "/api/v1/entities/core.partner/" .. c.env("ERP_BENCH_PARTNER")
wrk.headers = c.headers(false)
done = c.done("get_entity")
