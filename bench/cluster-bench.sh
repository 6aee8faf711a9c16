#!/usr/bin/env bash
# Throughput of bench/cluster.sh's topology (standalone Artemis, simulators at 0 ms in their own process, PayRoute on
# PostgreSQL): synchronous charges (bench/charge.lua, each a new charge with its own Idempotency-Key) to two instances
# at once, then to one with the other stopped. Reports charges/s, latency and the PayRoute processes' CPU per 1,000
# charges. Everything shares this machine's cores: it shows whether two instances contend (shared tables, queues),
# not what two machines would do. Needs wrk (apt-get install wrk) besides what bench/cluster.sh needs.
#   WARMUP=60 DURATION=30 bench/cluster-bench.sh        (about 4 minutes; BENCH_JAVA picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk"; exit 2; }
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-30}
# JDK 21+ if present: virtual threads, as bench/service.sh
JAVA=${BENCH_JAVA:-$(ls -d /usr/lib/jvm/temurin-2[1-9]*/bin/java /usr/lib/jvm/*-2[1-9]-*/bin/java 2>/dev/null | head -n 1)}
export JAVA=${JAVA:-java} MERCHANT_KEY=sk_bench_merchant_key_000000000000 DRILL_LATENCY_MS=0 DRILL_JITTER_MS=0
export CLUSTER_DIR CLUSTER_SCHEMA=payroute_cluster_bench CLUSTER_API_PORTS="19380 19381" CLUSTER_BROKER_PORT=61686 CLUSTER_SIM_PORT=19390
export CLUSTER_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
CLUSTER_DIR=$(mktemp -d /tmp/payroute-cluster-bench.XXXXXX)
DRILL_NAME="cluster bench"
. bench/cluster.sh
trap 'cluster_stop; rm -rf "$CLUSTER_DIR"' EXIT

cpu_seconds() { # the PayRoute instances' user+system CPU seconds
  local n hz
  hz=$(getconf CLK_TCK)
  for n in 1 2; do
    if alive "instance-$n"; then awk -v hz="$hz" '{ print ($14 + $15) / hz }' "/proc/$(pid_of "instance-$n")/stat"; fi
  done |
    awk '{ s += $1 } END { print s + 0 }'
}
wrk_on() { # instance connections threads seconds → RESULT line
  BENCH_STREAM="i$1-" wrk -t"$3" -c"$2" -d"$4"s --latency -s bench/charge.lua "$(api "$1")" | grep '^RESULT\|^STATUSES'
}
measure() { # label instances...: 64 connections in all, split over the instances
  local before after out n per=$((64 / ($# - 1))) label=$1
  shift
  before=$(cpu_seconds)
  local pids=()
  for n in "$@"; do wrk_on "$n" "$per" $((2 / $#)) "$DURATION" > "$CLUSTER_DIR/wrk-$n.out" & pids+=("$!"); done
  # the instances are children of this shell too: wait for the load only
  wait "${pids[@]}"
  after=$(cpu_seconds)
  out=
  for n in "$@"; do out+=$(cat "$CLUSTER_DIR/wrk-$n.out"); out+=$'\n'; done
  awk -v label="$label" -v cpu="$(echo "$after - $before" | bc -l)" '
    /^STATUSES/ { statuses = statuses " " substr($0, 10) }
    /^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2]; if (kv[1] == "p99_ms" && kv[2] > p99) p99 = kv[2]; if (kv[1] == "p50_ms") p50 = p50 " " kv[2] } }
    END { printf "%-26s charges/s=%.0f requests=%d errors=%d p50_ms=%s p99_ms(max)=%.1f cpu_s_per_1000=%.2f statuses:%s\n",
                 label, v["rps"], v["requests"], v["errors"], p50, p99, cpu * 1000 / v["requests"], statuses }' <<<"$out"
}

require_tools
require_postgres
cluster_start
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); java: $("$JAVA" -version 2>&1 | head -n 1)"
echo "warm-up ${WARMUP} s on both instances"
warmers=()
for n in 1 2; do BENCH_STREAM="w$n-" wrk -t1 -c16 -d"${WARMUP}"s -s bench/charge.lua "$(api "$n")" >/dev/null & warmers+=("$!"); done
wait "${warmers[@]}"
measure "two instances" 1 2
instance_stop 2
measure "one instance" 1
echo "charges in the database: $(sql "SELECT count(*) FROM charges"), outbox backlog $(sql "SELECT count(*) FROM outbox")"
