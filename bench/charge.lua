-- wrk script: every request is a new charge with its own Idempotency-Key and reference.
-- Tokens carry no simulator marker, so outcomes follow the simulators' configured behaviour (success by default).
-- each wrk thread has its own Lua state: the thread number set in setup() keeps their keys apart
local counter = 0
local prefix

request = function()
  -- BENCH_STREAM keeps apart the keys of several wrk processes started in the same second (bench/cluster-bench.sh)
  if prefix == nil then prefix = (os.getenv("BENCH_STREAM") or "") .. tostring(os.time()) .. "-t" .. tostring(thread_id) end
  counter = counter + 1
  local id = prefix .. "-" .. counter
  local body = '{"amount": 5000, "currency": "NGN", "reference": "bench-' .. id .. '",'
    .. ' "customer": {"email": "bench@example.com"},'
    .. ' "payment_method": {"type": "tokens", "tokens": {"paystack": "AUTH_bench",'
    .. ' "flutterwave": "flw-t1nf-bench", "stripe": "pm_bench"}}}'
  return wrk.format("POST", "/v1/charges",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. id,
     ["Authorization"] = "Bearer sk_bench_merchant_key_000000000000"}, body)
end

-- per-thread status counts, summed in done()
statuses = {}
response = function(status, headers, body)
  local key = status
  if status == 201 then
    -- a 201 carries the charge: count its outcome, not just the HTTP status
    key = "201/" .. (string.match(body, '"status":"(%a+)"') or "?")
  end
  statuses[key] = (statuses[key] or 0) + 1
end

local threads = {}
setup = function(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

done = function(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, code .. ":" .. n) end
  io.write("STATUSES " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
