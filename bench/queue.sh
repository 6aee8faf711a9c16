#!/usr/bin/env bash
# Queue intake benchmark: starts PayRoute (embedded persistent broker, durable H2 file database, simulators at
# 0 ms), has an external producer (the Artemis CLI "producer", over CORE/TCP) put charge requests on
# payroute.charges.requests, and reports
#   accepted/s  - messages/s the producer got onto the intake queue (persistent sends, acknowledged by the broker)
#   completed/s - charges/s the workers finished (payroute_charges_total), over the window the queue was not empty
# Each message is its own charge (no idempotencyKey property: the broker message id is the key).
# Bounded: a few minutes. MESSAGES (default 60000) per measured run, WARMUP_MESSAGES (default 30000) before it.
set -euo pipefail
cd "$(dirname "$0")/.."

ACCEPTOR=127.0.0.1:61636
MESSAGES=${MESSAGES:-60000}
THREADS=${PRODUCER_THREADS:-4}
ARTEMIS=target/artemis-dist/apache-artemis-2.44.0/bin/artemis
[ -x "$ARTEMIS" ] || mvn -B -q process-test-resources
source bench/service.sh

BODY='{"amount": 5000, "currency": "NGN", "customer": {"email": "bench@example.com"}, "payment_method": {"type": "tokens", "tokens": {"paystack": "AUTH_bench", "flutterwave": "flw-t1nf-bench", "stripe": "pm_bench"}}}'
charges() { # charges finished so far, by status
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^payroute_charges_total/ {n += $2} END {printf "%d", n}'
}
produce() { # messages per thread -> prints elapsed seconds
  local start end
  start=$(date +%s.%N)
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")") "$ARTEMIS" producer --silent \
    --url "tcp://$ACCEPTOR" --user producer --password producer-dev-only \
    --destination queue://payroute.charges.requests --message "$BODY" \
    --threads "$THREADS" --message-count "$1" --commit-interval 100 </dev/null > "$WORK/producer.txt" 2>&1
  end=$(date +%s.%N)
  grep -q "Produced: $1 messages" "$WORK/producer.txt" || { cat "$WORK/producer.txt"; exit 1; }
  echo "$end - $start" | bc -l
}
drain() { # expected total -> waits until the service finished that many charges (bounded)
  for _ in $(seq 1 600); do
    [ "$(charges)" -ge "$1" ] && return 0
    sleep 0.5
  done
  echo "only $(charges) of $1 charges finished"; exit 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); java: $("$JAVA" -version 2>&1 | head -n 1)"
WARM=${WARMUP_MESSAGES:-30000}
echo "warm-up: $WARM messages"
produce $((WARM / THREADS)) >/dev/null
drain "$WARM"

base=$(charges)
per_thread=$((MESSAGES / THREADS))
total=$((per_thread * THREADS))
t0=$(date +%s.%N)
produce_s=$(produce "$per_thread")
# completed/s over the window from the first message to the last charge finished
drain $((base + total))
t1=$(date +%s.%N)
statuses=$(curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" | awk -F'status="' '/^payroute_charges_total/ {split($2, s, "\"} "); n[s[1]] += s[2]} END {for (k in n) printf "%s=%d ", k, n[k]}')
printf 'producer: %d messages in %.1f s = %.0f accepted/s (%d threads, transactions of 100)\n' "$total" "$produce_s" "$(echo "$total / $produce_s" | bc -l)" "$THREADS"
printf 'workers:  %d charges in %.1f s = %.0f completed/s (first message to last charge)\n' "$total" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$total / ($t1 - $t0)" | bc -l)"
echo "charges by status since start (warm-up included): $statuses"
