-- wrk script: GET requests for bench/read-invoices.sh, all expecting 200.
--
-- Environment:
--   BENCH_TOKEN     API token (a key with a large --rate-limit)
--   BENCH_PATH      path and query to GET, e.g. /v1/customer-invoices?page=5000;
--                   the text {id} is replaced by a random seeded invoice ID each request
--   BENCH_INVOICES  how many invoices were seeded (inv_seed0000000001 ...), for {id}
--
-- done() prints `bench-result requests=N non200=N socket_errors=N`; any response other
-- than 200, or any socket error, makes wrk exit with status 3.

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")
local invoices = tonumber(os.getenv("BENCH_INVOICES") or "1")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
non200 = 0
first_failure = ""

function init(args)
  math.randomseed(os.time() + 7919 * thread_id)
end

function request()
  local p = path
  if string.find(p, "{id}", 1, true) then
    p = string.gsub(p, "{id}", string.format("inv_seed%010d", math.random(1, invoices)))
  end
  return wrk.format("GET", p, headers)
end

function response(status, _, body)
  if status ~= 200 then
    non200 = non200 + 1
    if first_failure == "" then
      first_failure = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, _, _)
  local total, failure = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("non200")
    if failure == "" then failure = thread:get("first_failure") end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("bench-result requests=%d non200=%d socket_errors=%d\n",
    summary.requests, total, socket_errors))
  if total > 0 or socket_errors > 0 then
    io.write("bench-failed first: " .. failure .. "\n")
    io.stdout:flush()
    os.exit(3)
  end
end
