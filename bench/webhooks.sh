#!/usr/bin/env bash
# Provider webhook intake benchmark: starts PayRoute from target/payroute.jar (bench/service.sh) and measures how
# fast POST /v1/webhooks/paystack answers signed webhooks (verify + persistent send to the inbound queue), the
# figure the issue sets at p99 < 50 ms; then waits until the consumers have applied them all (each is a distinct
# provider event for an unknown reference, so each is stored as "unmatched").
# REQUESTS (default 20000, after 5000 warm-up) from CONCURRENCY clients (default 16).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-20000}
CONCURRENCY=${CONCURRENCY:-16}
source bench/service.sh
SECRET=sk_test_payroute_sim_paystack
"$JAVA" bench/WebhookAck.java "http://127.0.0.1:$PORT" 5000 "$CONCURRENCY" "$SECRET" > /dev/null
echo "measured run:"
"$JAVA" bench/WebhookAck.java "http://127.0.0.1:$PORT" "$REQUESTS" "$CONCURRENCY" "$SECRET"
applied() {
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^payroute_provider_webhooks_total/ {n += $2} END {printf "%d", n}'
}
start=$(date +%s.%N)
for _ in $(seq 1 600); do
  [ "$(applied)" -ge $((REQUESTS + 5000)) ] && break
  sleep 0.5
done
echo "applied by the consumers: $(applied) of $((REQUESTS + 5000)) (drained $(echo "$(date +%s.%N) - $start" | bc -l | cut -c1-5) s after the last answer)"
