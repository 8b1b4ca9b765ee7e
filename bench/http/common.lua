-- Shared by the wrk scripts of scripts/bench-http.sh: the bearer token and
-- the fixture ids come from the environment (ERP_BENCH_*), every thread
-- gets a number so that bodies stay unique across threads, and done()
-- prints one machine-readable line:
--   RESULT <name> <requests/s> <p50 ms> <p99 ms> <requests> <non-2xx> <socket errors>
local M = {}

function M.env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    error(name .. " is not set")
  end
  return v
end

function M.headers(json)
  local h = { ["Authorization"] = "Bearer " .. M.env("ERP_BENCH_TOKEN") }
  if json then
    h["Content-Type"] = "application/json"
  end
  return h
end

-- setup() runs once per thread in the main state: number the threads.
local next_thread = 0
function M.setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

function M.done(name)
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format("RESULT %s %.1f %.3f %.3f %d %d %d\n", name,
      summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
  end
end

return M
