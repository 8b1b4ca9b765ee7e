-- POST a stock move: one unit from the supplier location into stock at a
-- unit cost (always possible, valued, perpetual entry when the category says so),
-- a unique reference per request.
package.path = os.getenv("ERP_BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup
local path = c.env("ERP_BENCH_MOVE_PATH")
local headers = c.headers(true)
local prefix = string.format(
  '{"product_id":"%s","quantity":"1","location_id":"%s","location_dest_id":"%s","date":"%s","unit_cost":"1.00","reference":"',
  c.env("ERP_BENCH_PRODUCT"), c.env("ERP_BENCH_SUPPLIER"), c.env("ERP_BENCH_STOCK"), c.env("ERP_BENCH_DATE"))
local n = 0
local run = tostring(os.time())

function request()
  n = n + 1
  return wrk.format("POST", path, headers, prefix .. "m" .. run .. "-" .. tostring(tid) .. "-" .. tostring(n) .. '"}')
end

done = c.done("post_move")
