-- POST a journal entry: two lines, a unique reference per request (so every
-- request posts a new entry; no idempotency key, which would make repeats free).
package.path = os.getenv("ERP_BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup
local path = c.env("ERP_BENCH_JOURNAL_PATH")
local headers = c.headers(true)
local prefix = string.format('{"journal_id":"%s","date":"%s","reference":"',
  c.env("ERP_BENCH_JOURNAL"), c.env("ERP_BENCH_DATE"))
local suffix = string.format('","lines":[{"account_id":"%s","debit":"1.00"},{"account_id":"%s","credit":"1.00"}]}',
  c.env("ERP_BENCH_DEBIT"), c.env("ERP_BENCH_CREDIT"))
local n = 0
local run = tostring(os.time())

function request()
  n = n + 1
  local body = prefix .. "b" .. run .. "-" .. tostring(tid) .. "-" .. tostring(n) .. suffix
  return wrk.format("POST", path, headers, body)
end

done = c.done("post_journal")
