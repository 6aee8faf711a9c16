#!/usr/bin/env bash
# Synchronous charge benchmark: starts PayRoute (embedded broker, durable H2 file database, simulators on),
# drives it with wrk / hey on loopback, and reports charges/s, latency percentiles and the service's
# CPU-seconds per 1,000 charges for
#   (a) simulators at zero latency: max throughput (wrk), and p99 at 1,000 charges/s offered (hey -q)
#   (b) simulators at 150 ms latency with 500 concurrent connections (wrk -c 500)
# Bounded: about 4 minutes. Needs wrk and hey (apt-get install wrk hey). BENCH_ONLY=a skips (b).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30}
command -v wrk >/dev/null && command -v hey >/dev/null || { echo "needs wrk and hey: apt-get install -y wrk hey"; exit 2; }
source bench/service.sh

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$PID/stat"; }
latency() {
  curl -fs -X PUT "http://127.0.0.1:28180/sim/$1/behaviour" -H 'Content-Type: application/json' \
    -d "{\"latency_ms\": $2, \"latency_jitter_ms\": 0}" >/dev/null
}
clear_ledgers() { for p in paystack flutterwave stripe; do curl -fs -X DELETE "http://127.0.0.1:28180/sim/$p/ledger" >/dev/null; done; }
run_wrk() { # connections duration label
  local before after result
  before=$(cpu_seconds)
  out=$(wrk -t2 -c"$1" -d"$2"s --latency -s bench/charge.lua "http://127.0.0.1:$PORT"); result=$(grep RESULT <<<"$out"); grep STATUSES <<<"$out" || true
  after=$(cpu_seconds)
  local requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
  printf '%-34s %s cpu_s_per_1000=%.2f\n' "$3" "${result#RESULT }" "$(echo "($after - $before) * 1000 / $requests" | bc -l)"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); java: $("$JAVA" -version 2>&1 | head -n 1)"
echo "warm-up (${WARMUP:-60} s: the JIT compiles for about a minute on 2 cores)"; wrk -t2 -c32 -d${WARMUP:-60}s -s bench/charge.lua "http://127.0.0.1:$PORT" >/dev/null; clear_ledgers

echo "== (a) simulators at 0 ms"
run_wrk 64 "$DURATION" "(a) max throughput, 64 connections"
clear_ledgers
BODY='{"amount": 5000, "currency": "NGN", "customer": {"email": "bench@example.com"}, "payment_method": {"type": "tokens", "tokens": {"paystack": "AUTH_bench", "flutterwave": "flw-t1nf-bench", "stripe": "pm_bench"}}}'
before=$(cpu_seconds)
hey -z "${DURATION}s" -c 50 -q 20 -m POST -T application/json -H "Authorization: Bearer $BENCH_KEY" -d "$BODY" "http://127.0.0.1:$PORT/v1/charges" > "$WORK/hey.txt"
after=$(cpu_seconds)
total=$(awk '/\[201\]/ {print $2}' "$WORK/hey.txt")
printf '%-34s rps=%s p50_ms=%s p95_ms=%s p99_ms=%s status201=%s cpu_s_per_1000=%.2f\n' "(a) 1,000 charges/s offered" \
  "$(awk '/Requests\/sec/ {print $2}' "$WORK/hey.txt")" \
  "$(awk '/50% in/ {printf "%.2f", $3*1000}' "$WORK/hey.txt")" \
  "$(awk '/95% in/ {printf "%.2f", $3*1000}' "$WORK/hey.txt")" \
  "$(awk '/99% in/ {printf "%.2f", $3*1000}' "$WORK/hey.txt")" \
  "$total" "$(echo "($after - $before) * 1000 / $total" | bc -l)"
clear_ledgers

[ "${BENCH_ONLY:-}" = a ] && exit 0
echo "== (b) simulators at 150 ms, 500 connections"
for p in paystack flutterwave stripe; do latency $p 150; done
run_wrk 500 "$DURATION" "(b) 150 ms providers, 500 conns"

