-- wrk script: POST /v1/customer-invoices/manual with 1 to 5 lines, a random seeded customer
-- and an invoice number that no other request, thread or run uses.
--
-- Environment (set by bench/create-invoices.sh):
--   BENCH_TOKEN           API token (a key with a large --rate-limit)
--   BENCH_CUSTOMERS_FILE  file with one customer id per line
--   BENCH_RUN_PREFIX      unique per wrk run; invoice numbers are PREFIX-tTHREAD-COUNTER
--
-- done() prints one line `bench-result requests=N non201=N ...`; any response other than
-- 201, or any socket error, prints `bench-failed` and makes wrk exit with status 3.

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
local customers_file = os.getenv("BENCH_CUSTOMERS_FILE") or error("BENCH_CUSTOMERS_FILE is not set")
local run_prefix = os.getenv("BENCH_RUN_PREFIX") or error("BENCH_RUN_PREFIX is not set")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- Per thread (each wrk thread has its own Lua state).
local customers = {}
local counter = 0
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}
-- Read back by done() through thread:get.
responses = 0
non201 = 0
statuses = {}
first_failure = ""

local descriptions = {
  "Consultancy, April",
  "Hosting (monthly)",
  "Support hours",
  "Licence renewal",
  "Travel expenses",
}
local vat_rates = { 0, 9, 21 }

function init(args)
  for line in io.lines(customers_file) do
    if line ~= "" then
      table.insert(customers, line)
    end
  end
  if #customers == 0 then
    error("no customer ids in " .. customers_file)
  end
  math.randomseed(os.time() + 7919 * thread_id)
end

function request()
  counter = counter + 1
  local lines = {}
  for i = 1, math.random(1, 5) do
    local cents = math.random(100, 250000)
    lines[i] = string.format(
      '{"description":"%s","amountExclVat":"%d.%02d","vatRate":%d}',
      descriptions[math.random(#descriptions)],
      math.floor(cents / 100), cents % 100,
      vat_rates[math.random(#vat_rates)])
  end
  local body = string.format(
    '{"customerId":"%s","invoiceNumber":"%s-t%d-%d","issuedAt":"2025-04-14","lines":[%s]}',
    customers[math.random(#customers)], run_prefix, thread_id, counter,
    table.concat(lines, ","))
  return wrk.format("POST", nil, headers, body)
end

function response(status, _, body)
  responses = responses + 1
  if status ~= 201 then
    non201 = non201 + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if first_failure == "" then
      first_failure = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, _, _)
  local total_responses, total_non201 = 0, 0
  local by_status = {}
  local failure = ""
  for _, thread in ipairs(threads) do
    total_responses = total_responses + thread:get("responses")
    total_non201 = total_non201 + thread:get("non201")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
    if failure == "" then
      failure = thread:get("first_failure")
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, status .. ":" .. count)
  end
  table.sort(parts)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "bench-result requests=%d responses=%d non201=%d statuses=%s socket_errors=%d\n",
    summary.requests, total_responses, total_non201,
    #parts > 0 and table.concat(parts, ",") or "-", socket_errors))
  if total_non201 > 0 or socket_errors > 0 then
    io.write(string.format(
      "bench-failed non201=%d (connect %d, read %d, write %d, timeout %d); first: %s\n",
      total_non201, e.connect, e.read, e.write, e.timeout, failure))
    io.stdout:flush()
    os.exit(3)
  end
end
