#!/usr/bin/env bash
# Cluster drills: faults injected into bench/cluster.sh's topology (standalone Artemis, simulators in their own
# process, two PayRoute instances on one PostgreSQL schema) while REST charges are sent to both instances, alternately,
# with a quarter of the Idempotency-Keys sent to both at once. Each phase reports what it injected and measured, and
# ends with the invariants checked in PostgreSQL against the simulators' ledgers (lib.sh: check_invariants).
#
#   instance-kill     kill -9 instance 1 a third of the way through asynchronous charges, with synchronous ones in
#                     flight on it too; instance 2 must keep answering (a batch sent to it alone while 1 is down);
#                     instance 1 restarts; requests the kill left unanswered are re-sent with their key, as a client
#                     would.
#   broker-restart    queue requests and REST charges in flight; the broker is stopped for DRILL_DOWN_SECONDS (10 s)
#                     while charges keep coming, then started again; the instances must reconnect by themselves
#                     (a queue request sent after the restart is answered, the outbox drains) and nothing is lost.
#   database-outage   the instances reach PostgreSQL through a TCP proxy of the drill's own (TcpProxy.java; the
#                     machine's PostgreSQL is shared and is never restarted); the proxy is killed for
#                     DRILL_DOWN_SECONDS while synchronous charges come in: they must fail with 503 problem+json
#                     within the pool's connection timeout, nothing may be half-written, and the instances must
#                     recover without a restart once the proxy is back.
#   provider-faults   synchronous charges carrying every provider's token, DRILL_LOAD_RATE (20) a second to both
#                     instances whatever the answers take: 5 s healthy, then DRILL_STAGE_SECONDS (15 s) each of one
#                     provider refusing connections, one answering after 10 s (beyond the 3 s response timeout), one
#                     flapping between 503 and normal every 1.5 s, with 10 s of the same load after each (its
#                     breakers let calls through again by then). Each fault goes to the provider that took most charges just before (a provider
#                     the routing left does not win its traffic back within a drill); DRILL_FAULT_PROVIDER pins it.
#                     Per stage at least 99 % of the charges must succeed (the healthy providers decline none), also
#                     counting those answered pending that reconciliation settled (an UNKNOWN never fails over), and
#                     the p99 answer time must stay within 2 × (connect + response timeout) + 1 s.
#   webhook-endpoint-down  two merchant endpoints (WebhookReceiver.java, which checks the signatures), one on a port
#                     where nothing listens, during 10 s of that load and DRILL_DOWN_SECONDS more: the one that is up
#                     must get every event of those charges once, at the first attempt, before the other comes back;
#                     then the other must get them all once within the (shortened) retry schedule.
#
#   bench/drills/cluster-drills.sh [phase ...]     (default: all five, in this order, on one topology)
#
# Exits 1 when an invariant is violated, 2 when the drill cannot run; without PostgreSQL it says SKIPPED and exits 0.
# Needs what bench/cluster.sh needs. Loopback only; about 8 minutes.
# Settings (environment): JAVA, DRILL_CLUSTER_CHARGES (400 per phase), DRILL_DOWN_SECONDS (10), DRILL_SETTLE_TIMEOUT
# (150 s), DRILL_LOAD_RATE (20 charges/s), DRILL_STAGE_SECONDS (15), DRILL_FAULT_PROVIDER, DRILL_CLUSTER_SCHEMA
# (payroute_cluster_drill), DRILL_CLUSTER_API_PORTS ("19280 19281"), DRILL_CLUSTER_BROKER_PORT (61676),
# DRILL_CLUSTER_SIM_PORT (19290; providers on the next three), DRILL_CLUSTER_PROXY_PORT (19289),
# DRILL_CLUSTER_RECEIVER_PORTS ("19286 19287"), DRILL_LATENCY_MS / DRILL_JITTER_MS (simulators, 50 / 50 ms),
# DRILL_KEEP=1 keeps the work directory (logs, inputs) also after a pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DRILL_NAME="cluster drills"
read -r -a PHASES <<<"${*:-instance-kill broker-restart database-outage provider-faults webhook-endpoint-down}"
CHARGES=${DRILL_CLUSTER_CHARGES:-400}
DOWN_SECONDS=${DRILL_DOWN_SECONDS:-10}
SETTLE_TIMEOUT=${DRILL_SETTLE_TIMEOUT:-150}
PROXY_PORT=${DRILL_CLUSTER_PROXY_PORT:-19289}
read -r -a RECEIVER_PORTS <<<"${DRILL_CLUSTER_RECEIVER_PORTS:-19286 19287}"
LOAD_RATE=${DRILL_LOAD_RATE:-20}
STAGE_SECONDS=${DRILL_STAGE_SECONDS:-15}
export CLUSTER_DIR CLUSTER_SCHEMA=${DRILL_CLUSTER_SCHEMA:-payroute_cluster_drill}
export CLUSTER_API_PORTS=${DRILL_CLUSTER_API_PORTS:-19280 19281}
export CLUSTER_BROKER_PORT=${DRILL_CLUSTER_BROKER_PORT:-61676} CLUSTER_SIM_PORT=${DRILL_CLUSTER_SIM_PORT:-19290}
CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/payroute-cluster-drill.XXXXXX")
DB_PORT=$PROXY_PORT
# A synchronous charge cut between the provider's answer and its settle (instance killed, database gone) has no message
# to resume it: the abandoned-charge sweep settles it once its round lease and abandoned-after have run out (1 min and
# 10 min in production). An asynchronous one must be resumed by its own message, which the instance that gets it
# puts off until the 30 s lease has run out (a fresh work message due at 31 s): well before the sweep (at 75 s), so
# the sweep only finishes what nothing else can.
export DRILL_ROUND_LEASE=30s
# merchant webhooks retried after 5 s and then every 10 s (1 min ... 24 h in production), 65 s in all: the endpoint
# the webhook-endpoint-down phase keeps down is back well before its deliveries run out; its receivers are on loopback
WEBHOOK_RETRY_MAX_S=10
CLUSTER_SERVICE_ARGS="--payroute.reconciliation.abandoned-after=45s --payroute.webhooks.allow-loopback=true
  --payroute.webhooks.retry-schedule=5s$(printf ",${WEBHOOK_RETRY_MAX_S}s%.0s" 1 2 3 4 5 6)"
# an open provider breaker lets trial calls through after 5 s (30 s in production): when provider-faults injects its
# next fault, 10 s after the last one ended, the breakers of that provider let calls through again, so failover can
# use it
CLUSTER_SERVICE_ARGS+="$(printf " --payroute.providers.%s.circuit-breaker.wait-duration-in-open-state=5s" paystack flutterwave stripe)"
RUN=$(date +%H%M%S)
# shellcheck source=../cluster.sh
. "$ROOT/bench/cluster.sh"

require_tools
require_postgres
PROXY_PID=
cleanup() {
  local rc=$?
  kill_background
  cluster_stop
  stop_pid "$PROXY_PID"
  if [ "$rc" -eq 0 ] && [ -z "${DRILL_KEEP:-}" ]; then rm -rf "$CLUSTER_DIR"; else echo "$DRILL_NAME: logs and inputs kept in $CLUSTER_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
require_free_ports "$PROXY_PORT" "${RECEIVER_PORTS[@]}"

# ------------------------------------------------------------------------------------------------------ parts
proxy_start() {
  "$JAVA" "$ROOT/bench/drills/TcpProxy.java" "$PROXY_PORT" "$PG_PORT" >> "$WORK/proxy.log" 2>&1 &
  PROXY_PID=$!
  for _ in $(seq 1 100); do port_open "$PROXY_PORT" && return 0; sleep 0.2; done
  die "the database proxy did not start"
}
proxy_kill() { kill -KILL "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null || true; PROXY_PID=; }
# a merchant's webhook endpoint on RECEIVER_PORTS[n-1] (WebhookReceiver.java): deliveries in $WORK/receiver-<n>.deliveries
receiver_start() { # n secret
  local port=${RECEIVER_PORTS[$(($1 - 1))]}
  run_bg "$JAVA" "$ROOT/bench/drills/WebhookReceiver.java" "$port" "$2" "$WORK/receiver-$1.deliveries" >> "$WORK/receiver-$1.log" 2>&1
  for _ in $(seq 1 100); do port_open "$port" && return 0; sleep 0.2; done
  die "webhook receiver $1 did not start"
}

# ------------------------------------------------------------------------------------------------------- load
# label count: charges <RUN>-<label>-<i>; odd i go to instance 1, even i to instance 2, and every fourth also to
# instance 1 at the same time (a shared key). Starts both streams in the background (STREAM_PIDS).
send_both() {
  local i
  for i in $(seq 1 "$2"); do
    if [ $((i % 2)) -eq 0 ]; then echo "$RUN-$1-$i $ALL_TOKENS"; else echo "$RUN-$1-$i $STRIPE_ONLY"; fi
  done > "$WORK/$1.req"
  awk 'NR % 2 == 1 || NR % 4 == 0' "$WORK/$1.req" > "$WORK/$1-1.req"
  awk 'NR % 2 == 0' "$WORK/$1.req" > "$WORK/$1-2.req"
  STREAM_PIDS=()
  for n in 1 2; do
    REST_URL=$(api "$n") run_bg rest_send "$WORK/$1-$n.req" "$WORK/$1-$n.out"; STREAM_PIDS+=("$LAST_PID")
  done
}
wait_pids() { local pid; for pid in "$@"; do wait "$pid" || true; done; }
# label seconds: open-loop load of synchronous charges carrying every provider's token, so any of them can take
# each one: every second LOAD_RATE new ones, half to each instance, however long the answers take (a slow provider
# must not slow the arrivals down). Charges <RUN>-<label>-<i>; answers in $WORK/<label>-<second>-<instance>.out.
paced_load() {
  local label=$1 s n i=0 t0 pids=()
  : > "$WORK/$label.req"
  for s in $(seq 1 "$2"); do
    t0=$(ms)
    for n in 1 2; do
      for _ in $(seq 1 $((LOAD_RATE / 2))); do i=$((i + 1)); echo "$RUN-$label-$i $ALL_TOKENS"; done > "$WORK/$label-$s-$n.req"
      cat "$WORK/$label-$s-$n.req" >> "$WORK/$label.req"
      REST_SYNC=1 REST_PARALLEL=$LOAD_RATE REST_URL=$(api "$n") run_bg rest_send "$WORK/$label-$s-$n.req" "$WORK/$label-$s-$n.out"
      pids+=("$LAST_PID")
    done
    sleep "$(awk -v left=$((t0 + 1000 - $(ms))) 'BEGIN { printf "%.3f", (left > 0 ? left / 1000 : 0) }')"
  done
  wait_pids "${pids[@]}"
}
since() { [ -n "$2" ] && echo "$(secs "$1" "$2") s" || echo never; }   # start-ms end-ms (empty: never)
final_count() { sql "SELECT count(*) FROM charges WHERE reference LIKE '$RUN-$1-%' AND status <> 'pending'"; }
wait_final() { # label count timeout-seconds: until that many charges of the label are final
  local deadline=$(( $(ms) + $3 * 1000 ))
  while [ "$(final_count "$1")" -lt "$2" ] && [ "$(ms)" -lt "$deadline" ]; do sleep 0.2; done
}
answers() { # out-files...: "<status> x<count>, ..." over all answers
  cat "$@" 2>/dev/null | awk '{ n[$2]++ } END { for (c in n) printf "%s%s x%d", (k++ ? ", " : ""), c, n[c] }'
}
# label: every request of the label that got no 2xx on any stream is re-sent with its key, alternately to the live
# instances, until it is accepted (409: the other copy is still in flight; 503: a dependency is still down); then
# every request of the label is expected to have exactly one charge
settle_requests() {
  local label=$1 attempt n=0 live=()
  for n in $(seq 1 ${#API_PORTS[@]}); do alive "instance-$n" && live+=("$n"); done
  cat "$WORK/$label"-*.out | awk '$2 ~ /^20[0-2]$/ { print $1 }' | sort -u > "$WORK/$label.accepted"
  cut -d' ' -f1 "$WORK/$label.req" | sort | comm -23 - "$WORK/$label.accepted" > "$WORK/$label.unanswered"
  RESENT=$(wc -l < "$WORK/$label.unanswered")
  : > "$WORK/$label.resent"
  for attempt in $(seq 1 40); do
    [ -s "$WORK/$label.unanswered" ] || break
    awk 'NR == FNR { want[$1]; next } ($1 in want)' "$WORK/$label.unanswered" "$WORK/$label.req" > "$WORK/$label.retry.req"
    REST_URL=$(api "${live[$((attempt % ${#live[@]}))]}") run_fg rest_send "$WORK/$label.retry.req" "$WORK/$label.retry.out"
    cat "$WORK/$label.retry.out" >> "$WORK/$label.resent"
    awk '$2 !~ /^20[0-2]$/ { print $1 }' "$WORK/$label.retry.out" | sort > "$WORK/$label.unanswered"
    [ -s "$WORK/$label.unanswered" ] && sleep 2
  done
  record "$([ -s "$WORK/$label.unanswered" ] && echo FAIL || echo PASS)" "$label: every request accepted (first try or re-sent)" \
    "re-sent $RESENT, answers to re-sends: $(answers "$WORK/$label.resent"), still unanswered $(wc -l < "$WORK/$label.unanswered")"
  cut -d' ' -f1 "$WORK/$label.req" | awk '{ print $1 ",rest,1" }' >> "$WORK/expected.csv"
}
# label: attempts of the label's charges that a killed instance left unanswered and that were sent again as they were
# (by an asynchronous charge's message, or a synchronous charge's retry), with their outcomes
resent_attempts() {
  sql "SELECT count(*) || ' (' || COALESCE(string_agg(DISTINCT a.outcome, '/'), '-') || ')'
       FROM charge_attempts a JOIN charges c ON c.id = a.charge_id WHERE c.reference LIKE '$RUN-$1-%' AND a.resent_at IS NOT NULL"
}
settle_and_check() { # label
  local t0 settled=yes
  t0=$(ms)
  wait_settled "$SETTLE_TIMEOUT" || { settled=no; dump_pending; }
  say "settled=$settled $(secs "$t0" "$(ms)") s after the last request was accepted; outcomes so far: $(outcomes_line)"
  check_invariants "$1"
}
# provider: unavailable (503) and back every 1.5 s while $WORK/flapping exists; it ends in normal mode
flap() {
  while [ -f "$WORK/flapping" ]; do sim_mode "$1" '{"mode": "unavailable"}'; sleep 1.5; sim_mode "$1" '{"mode": "normal"}'; sleep 1.5; done
}
# stage provider p99-bound: the figures and checks of one provider-faults stage, once its charges are final. A
# charge counts as a success when its first answer was 201 and it ended succeeded, also if reconciliation settled
# it after an answer of pending (counted apart).
provider_stage_report() {
  local label=pf-$1 sent ok rate p99s slowest pending_ok calls refused unknown failed_over at
  cat "$WORK/$label"-*-*.out > "$WORK/$label.answers"
  sql "SELECT reference, status FROM charges WHERE reference LIKE '$RUN-$label-%'" > "$WORK/$label.final"
  sent=$(wc -l < "$WORK/$label.req")
  ok=$(awk 'NR == FNR { st[$1] = $2; next } $2 == 201 && st[$1] == "succeeded"' "$WORK/$label.final" "$WORK/$label.answers" | wc -l)
  rate=$(awk -v ok="$ok" -v n="$sent" 'BEGIN { printf "%.1f", 100 * ok / n }')
  p99s=$(awk '{ print $3 }' "$WORK/$label.answers" | p99)
  slowest=$(awk '{ print $3 }' "$WORK/$label.answers" | sort -n | tail -n 1)
  pending_ok=$(awk 'NR == FNR { st[$1] = $2; next } st[$1] == "succeeded"' "$WORK/$label.final" "$WORK/$label.pending" | wc -l)
  read -r calls refused unknown failed_over < <(sql "SELECT count(*) FILTER (WHERE a.provider = '$2'),
      count(*) FILTER (WHERE a.provider = '$2' AND coalesce(a.resolved_from_outcome, a.outcome) = 'NOT_CHARGED'),
      count(*) FILTER (WHERE a.provider = '$2' AND coalesce(a.resolved_from_outcome, a.outcome) = 'UNKNOWN'),
      count(DISTINCT a.charge_id) FILTER (WHERE a.seq > 1)
    FROM charge_attempts a JOIN charges c ON c.id = a.charge_id WHERE c.reference LIKE '$RUN-$label-%'")
  at=$(sql "SELECT string_agg(coalesce(provider, '-') || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT provider, count(*) n
            FROM charges WHERE reference LIKE '$RUN-$label-%' AND status = 'succeeded' GROUP BY 1) p")
  record "$([ $((ok * 100)) -ge $((sent * 99)) ] && echo PASS || echo FAIL)" \
    "provider-faults: $1: at least 99 % of the charges succeed" "$ok of $sent ($rate %), $pending_ok of them answered pending and settled by reconciliation; answers $(answers "$WORK/$label.answers")"
  record "$(awk -v p="$p99s" -v b="$3" 'BEGIN { exit !(p <= b) }' && echo PASS || echo FAIL)" \
    "provider-faults: $1: p99 latency within $3 s" "p99 $p99s s, slowest $slowest s"
  SUMMARY+=("$(printf '  %-10s %4d charges: %5s %% succeeded (%d after pending), p99 %5.2f s, slowest %5.2f s; %s calls %d (not charged %d, unknown %d), failed over %d; succeeded at %s' \
    "$1" "$sent" "$rate" "$pending_ok" "$p99s" "$slowest" "$2" "$calls" "$refused" "$unknown" "$failed_over" "$at")")
}
# n → the events of $WORK/wh.events that receiver n has not received (with a valid signature)
undelivered() {
  awk '$4 == "verified" { print $2 }' "$WORK/receiver-$1.deliveries" 2>/dev/null | sort -u | comm -13 - <(cut -d' ' -f1 "$WORK/wh.events") | wc -l
}
wait_delivered() { # n timeout-seconds: until receiver n has every event; returns 1 on timeout
  local deadline=$(( $(ms) + $2 * 1000 ))
  while [ "$(undelivered "$1")" -gt 0 ]; do [ "$(ms)" -lt "$deadline" ] || return 1; sleep 0.3; done
}
# n → "<events> <received> <duplicates> <unverified> <retried> <lag p99 ms> <lag max ms>" of receiver n, over the
# events of $WORK/wh.events; the lag is from the event's creation to its first delivery
receiver_figures() {
  local d=$WORK/receiver-$1.deliveries
  touch "$d"
  printf '%s %s %s %s %s %s %s\n' "$(wc -l < "$WORK/wh.events")" "$(awk '{ print $2 }' "$d" | sort -u | wc -l)" \
    "$(awk '{ print $2 }' "$d" | sort | uniq -d | wc -l)" "$(awk '$4 != "verified"' "$d" | wc -l)" "$(awk '$3 != 1' "$d" | wc -l)" \
    "$(awk 'NR == FNR { created[$1] = $2; next } ($2 in created) && !seen[$2]++ { print $1 - created[$2] }' "$WORK/wh.events" "$d" | p99)" \
    "$(awk 'NR == FNR { created[$1] = $2; next } ($2 in created) && !seen[$2]++ { print $1 - created[$2] }' "$WORK/wh.events" "$d" | sort -n | tail -n 1)"
}

# a charge is half-written when it has no charge.created event, or is final without the event of its status, or a
# key holds a charge that does not exist
check_whole() { # label
  local out
  out=$(sql "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM charge_events e WHERE e.charge_id = c.id AND e.type = 'charge.created'))
                  + count(*) FILTER (WHERE c.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM charge_events e WHERE e.charge_id = c.id AND e.type = 'charge.' || c.status)),
                  (SELECT count(*) FROM idempotency_keys k WHERE k.charge_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM charges x WHERE x.id = k.charge_id)),
                  (SELECT count(*) FROM outbox)
           FROM charges c")
  read -r broken orphan_keys outbox <<<"$out"
  record "$([ "$broken" -eq 0 ] && [ "$orphan_keys" -eq 0 ] && [ "$outbox" -eq 0 ] && echo PASS || echo FAIL)" "$1: nothing half-written" \
    "charges missing their events $broken, keys bound to no charge $orphan_keys, outbox rows unsent $outbox"
}

# ============================================================================================================
say "work dir $CLUSTER_DIR; java $("$JAVA" -version 2>&1 | head -n 1); PostgreSQL $PG_USER@$PG_HOST:$PG_PORT/$PG_DATABASE schema $SCHEMA through proxy :$PROXY_PORT"
T_UP=$(ms)
proxy_start
LATENCY_MS=${DRILL_LATENCY_MS:-50} JITTER_MS=${DRILL_JITTER_MS:-50}
cluster_start
say "topology up in $(secs "$T_UP" "$(ms)") s: broker :$BROKER_PORT, simulators :$SIM_PORT (${LATENCY_MS}+0..${JITTER_MS} ms), instances ${API_PORTS[*]}"
: > "$WORK/expected.csv"
declare -a SUMMARY=()

for phase in "${PHASES[@]}"; do
  echo
  case $phase in
  # ---------------------------------------------------------------------------------------------- instance-kill
  instance-kill)
    echo "== instance-kill: kill -9 instance 1 during $CHARGES async charges to both instances, restart it"
    T0=$(ms)
    send_both kill "$CHARGES"
    # synchronous charges to instance 1 too, some in flight when it dies: their clients retry them with the same key
    for i in $(seq 1 40); do echo "$RUN-killsync-$i $ALL_TOKENS"; done > "$WORK/killsync.req"
    REST_SYNC=1 REST_PARALLEL=8 REST_URL=$(api 1) run_bg rest_send "$WORK/killsync.req" "$WORK/killsync-1.out"
    STREAM_PIDS+=("$LAST_PID")
    # a third of the charges stored: REST requests and their work are still in flight on both instances
    deadline=$(( $(ms) + 60000 ))
    while [ "$(sql "SELECT count(*) FROM charges WHERE reference LIKE '$RUN-kill-%'")" -lt $((CHARGES / 3)) ] && [ "$(ms)" -lt "$deadline" ]; do sleep 0.1; done
    read -r k_pending k_inflight < <(sql "SELECT count(*) FILTER (WHERE status = 'pending'),
        (SELECT count(*) FROM charge_attempts WHERE outcome IS NULL) FROM charges")
    instance_kill 1
    T_KILL=$(ms)
    say "SIGKILL instance 1 after $(secs "$T0" "$T_KILL") s: $(final_count kill) final, $k_pending pending, $k_inflight provider calls in flight"
    # instance 2 alone, while 1 is down
    for i in $(seq 1 100); do echo "$RUN-alone-$i $ALL_TOKENS"; done > "$WORK/alone.req"
    T_ALONE=$(ms)
    REST_URL=$(api 2) run_fg rest_send "$WORK/alone.req" "$WORK/alone-2.out"
    alone_ok=$(awk '$2 == 202' "$WORK/alone-2.out" | wc -l)
    alone_p99=$(awk '{ print $3 }' "$WORK/alone-2.out" | p99)
    record "$([ "$alone_ok" -eq 100 ] && echo PASS || echo FAIL)" "instance-kill: instance 2 carries on while 1 is down" \
      "$alone_ok of 100 accepted in $(secs "$T_ALONE" "$(ms)") s, p99 ${alone_p99} s"
    wait_pids "${STREAM_PIDS[@]}"
    T_RESTART=$(ms)
    instance_start 1
    instance_wait 1
    T_READY=$(ms)
    say "instance 1 ready $(secs "$T_RESTART" "$T_READY") s after the restart; answers: instance 1 $(answers "$WORK/kill-1.out"); instance 2 $(answers "$WORK/kill-2.out")"
    settle_requests kill
    kill_resent=$RESENT
    REST_SYNC=1 settle_requests killsync
    sync_resent=$RESENT sync_answers=$(answers "$WORK/killsync.resent")
    settle_requests alone
    settle_and_check instance-kill
    SUMMARY+=("instance-kill    injected SIGKILL of instance 1 after $(secs "$T0" "$T_KILL") s ($k_pending charges pending, $k_inflight calls in flight);" \
              "                 measured instance 2 alone: $alone_ok/100 accepted, p99 $alone_p99 s; restart to ready $(secs "$T_RESTART" "$T_READY") s; re-sent after restart $kill_resent;" \
              "                 attempts cut off by the kill and sent again: asynchronous $(resent_attempts kill), synchronous $(resent_attempts killsync);" \
              "                 synchronous requests cut off and retried with their key: $sync_resent, answers to the retries: ${sync_answers:-none}")
    ;;
  # --------------------------------------------------------------------------------------------- broker-restart
  broker-restart)
    echo "== broker-restart: stop the broker for $DOWN_SECONDS s during $CHARGES async REST charges and queue requests"
    T0=$(ms)
    run_fg produce before "$RUN-q-before" "$ALL_TOKENS" 200
    echo "$RUN-q-before,queue,$(produced before)" >> "$WORK/expected.csv"
    send_both broker "$CHARGES"
    wait_final broker $((CHARGES / 4)) 60
    broker_stop
    T_STOP=$(ms)
    say "broker stopped after $(secs "$T0" "$T_STOP") s ($(final_count broker) REST charges final, $(sql "SELECT count(*) FROM outbox") outbox rows)"
    # charges keep coming while the broker is down: respond-async writes its work message to the outbox
    for i in $(seq 1 100); do echo "$RUN-brokerdown-$i $ALL_TOKENS"; done > "$WORK/brokerdown.req"
    REST_URL=$(api 1) run_fg rest_send "$WORK/brokerdown.req" "$WORK/brokerdown-1.out"
    down_ok=$(awk '$2 == 202' "$WORK/brokerdown-1.out" | wc -l)
    while [ $(( $(ms) - T_STOP )) -lt $((DOWN_SECONDS * 1000)) ]; do sleep 0.2; done
    outbox_peak=$(sql "SELECT count(*) FROM outbox")
    broker_start
    T_START_B=$(ms)
    say "broker started again after $(secs "$T_STOP" "$T_START_B") s down; $down_ok of 100 charges sent meanwhile accepted; $outbox_peak outbox rows waiting"
    # reconnection: the outbox drains and a queue request sent now is taken by an intake consumer
    run_fg produce after "$RUN-q-after" "$ALL_TOKENS" 1
    echo "$RUN-q-after,queue,$(produced after)" >> "$WORK/expected.csv"
    t_drained= t_intake=
    for _ in $(seq 1 600); do
      [ -n "$t_drained" ] || { [ "$(sql "SELECT count(*) FROM outbox")" -eq 0 ] && t_drained=$(ms); }
      [ -n "$t_intake" ] || { [ "$(sql "SELECT count(*) FROM charges WHERE reference = '$RUN-q-after' AND status <> 'pending'")" -eq 1 ] && t_intake=$(ms); }
      [ -n "$t_drained" ] && [ -n "$t_intake" ] && break
      sleep 0.2
    done
    drained_after=$(since "$T_START_B" "$t_drained")
    record "$([ -n "$t_drained" ] && [ -n "$t_intake" ] && echo PASS || echo FAIL)" "broker-restart: the instances reconnected by themselves" \
      "outbox drained $drained_after, queue request answered $(since "$T_START_B" "$t_intake") after the broker started"
    wait_pids "${STREAM_PIDS[@]}"
    settle_requests broker
    settle_requests brokerdown
    settle_and_check broker-restart
    SUMMARY+=("broker-restart   injected broker stopped $(secs "$T_STOP" "$T_START_B") s under load (200 queue requests before, $CHARGES REST around it);" \
              "                 measured $down_ok/100 REST accepted while down, $outbox_peak outbox rows held; drained $drained_after after restart")
    ;;
  # -------------------------------------------------------------------------------------------- database-outage
  database-outage)
    echo "== database-outage: cut PostgreSQL (kill the proxy) for $DOWN_SECONDS s during $CHARGES synchronous charges"
    T0=$(ms)
    REST_SYNC=1 send_both db "$CHARGES"
    wait_final db $((CHARGES / 4)) 60
    proxy_kill
    T_CUT=$(ms)
    say "database cut after $(secs "$T0" "$T_CUT") s ($(final_count db) final)"
    # what a merchant sees meanwhile: status, content type and time of one request to each instance, then a batch
    probe_ok=PASS probes=
    for n in 1 2; do
      read -r code ctype took < <(curl -s -o /dev/null -w '%{http_code} %{content_type} %{time_total}\n' --max-time 30 \
        -X POST "$(api "$n")/v1/charges" -H "Authorization: Bearer $MERCHANT_KEY" -H 'Content-Type: application/json' \
        -H "Idempotency-Key: $RUN-dbprobe-$n" -d "$(body "$RUN-dbprobe-$n" "$ALL_TOKENS")")
      probes+="instance $n: $code $ctype in $took s; "
      [ "$code" = 503 ] && [[ $ctype == application/problem+json* ]] || probe_ok=FAIL
    done
    # 20 requests at once, 10 to each instance, each its own connection: every one must wait for the pool's
    # connection timeout (5 s) at most, not for one another
    for i in $(seq 1 20); do echo "$RUN-dbdown-$i $ALL_TOKENS"; done > "$WORK/dbdown.req"
    down_pids=()
    for n in 1 2; do
      awk -v n="$n" 'NR % 2 == n - 1' "$WORK/dbdown.req" > "$WORK/dbdown-$n.req"
      REST_SYNC=1 REST_PARALLEL=10 REST_URL=$(api "$n") run_bg rest_send "$WORK/dbdown-$n.req" "$WORK/dbdown-$n.out"
      down_pids+=("$LAST_PID")
    done
    wait_pids "${down_pids[@]}"
    down_max=$(cat "$WORK"/dbdown-*.out | awk '{ print $3 }' | sort -n | tail -n 1)
    down_answers=$(answers "$WORK"/dbdown-*.out)
    down_503=$(cat "$WORK"/dbdown-*.out | awk '$2 == 503' | wc -l)
    record "$probe_ok" "database-outage: 503 problem+json while the database is away" "$probes"
    record "$([ "$down_503" -eq 20 ] && awk -v m="$down_max" 'BEGIN { exit !(m < 12) }' && echo PASS || echo FAIL)" \
      "database-outage: requests during the outage fail with 503 within the pool's connection timeout" \
      "20 requests at once: $down_answers; slowest $down_max s"
    while [ $(( $(ms) - T_CUT )) -lt $((DOWN_SECONDS * 1000)) ]; do sleep 0.2; done
    proxy_start
    T_BACK=$(ms)
    # recovery without a restart: each instance takes a charge again
    recovered=
    for n in 1 2; do
      for _ in $(seq 1 150); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$(api "$n")/v1/charges" \
          -H "Authorization: Bearer $MERCHANT_KEY" -H 'Content-Type: application/json' \
          -H "Idempotency-Key: $RUN-dbprobe-$n" -d "$(body "$RUN-dbprobe-$n" "$ALL_TOKENS")")
        [ "$code" = 201 ] && { recovered+="instance $n after $(secs "$T_BACK" "$(ms)") s; "; break; }
        sleep 0.2
      done
      echo "$RUN-dbprobe-$n,rest,1" >> "$WORK/expected.csv"
    done
    record "$([[ $recovered == *"instance 2"* ]] && [[ $recovered == *"instance 1"* ]] && echo PASS || echo FAIL)" \
      "database-outage: both instances recovered without a restart" "${recovered:-none}"
    wait_pids "${STREAM_PIDS[@]}"
    say "answers: instance 1 $(answers "$WORK/db-1.out"); instance 2 $(answers "$WORK/db-2.out")"
    # a request whose charge was mid-way at the cut (provider attempt, settle) is answered 503 too, never 500
    cut_500=$(cat "$WORK"/db-*.out | awk '$2 >= 500 && $2 != 503' | wc -l)
    record "$([ "$cut_500" -eq 0 ] && echo PASS || echo FAIL)" \
      "database-outage: requests in flight at the cut answered 503, never another 5xx" "other 5xx: $cut_500"
    REST_SYNC=1 settle_requests db
    REST_SYNC=1 settle_requests dbdown
    settle_and_check database-outage
    check_whole database-outage
    SUMMARY+=("database-outage  injected PostgreSQL unreachable (proxy killed) for $(secs "$T_CUT" "$T_BACK") s under $CHARGES synchronous charges;" \
              "                 measured during the outage: $down_answers, slowest $down_max s; recovered: ${recovered:-never}")
    ;;
  # --------------------------------------------------------------------------------------------- provider-faults
  provider-faults)
    echo "== provider-faults: the leading provider hard down, slow, then flapping ($STAGE_SECONDS s each) under $LOAD_RATE synchronous charges/s"
    # a synchronous charge waits on at most one call that can time out (an UNKNOWN never fails over) and the status
    # query to the same provider right after it; refused calls and 503s fail over at once; 1 s for all the rest
    bound=$((2 * (PROVIDER_CONNECT_TIMEOUT_S + PROVIDER_RESPONSE_TIMEOUT_S) + 1))
    paced_load pf-healthy 5
    : > "$WORK/pf-healthy.pending"
    say "healthy for 5 s; provider timeouts ${PROVIDER_CONNECT_TIMEOUT_S} s connect, ${PROVIDER_RESPONSE_TIMEOUT_S} s response"
    declare -A pf_fault=()
    pf_stages=(healthy) previous=healthy
    for stage in down slow flapping; do
      if [ "$previous" != healthy ]; then
        # the provider of the last fault is back: 10 s of the same load, by the end of which its breakers let calls
        # through again
        paced_load "pf-after-$previous" 10
        sql "SELECT reference FROM charges WHERE reference LIKE '$RUN-pf-after-$previous-%' AND status = 'pending'" > "$WORK/pf-after-$previous.pending"
        pf_fault[after-$previous]=${pf_fault[$previous]}
        previous=after-$previous
        pf_stages+=("$previous")
      fi
      # the fault goes where it hurts most: to the provider that took most charges in the last 3 s. A provider the
      # routing left does not win its traffic back within a drill (it must outscore an incumbent with a spotless
      # record through the 5 % exploration share), so without DRILL_FAULT_PROVIDER each stage may hit another one
      fault=${DRILL_FAULT_PROVIDER:-$(sql "SELECT provider FROM charges WHERE reference LIKE '$RUN-pf-$previous-%' AND status = 'succeeded'
          AND created_at > (SELECT max(created_at) - interval '3 seconds' FROM charges WHERE reference LIKE '$RUN-pf-$previous-%')
          GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")}
      pf_fault[$stage]=$fault
      pf_stages+=("$stage")
      T_STAGE=$(ms)
      case $stage in
        down) sim_mode "$fault" '{"mode": "refuse"}' ;;
        slow) sim_behaviour "$fault" '{"latency_ms": 10000}' ;;
        flapping) touch "$WORK/flapping"; run_bg flap "$fault"; flap_pid=$LAST_PID ;;
      esac
      paced_load "pf-$stage" "$STAGE_SECONDS"
      # answered pending: what reconciliation has to settle once the provider answers again
      sql "SELECT reference FROM charges WHERE reference LIKE '$RUN-pf-$stage-%' AND status = 'pending'" > "$WORK/pf-$stage.pending"
      case $stage in
        down) sim_mode "$fault" '{"mode": "normal"}' ;;
        slow) sim_behaviour "$fault" "{\"latency_ms\": $LATENCY_MS}" ;;
        flapping) rm -f "$WORK/flapping"; wait_pids "$flap_pid" ;;
      esac
      say "$stage ($fault): $(wc -l < "$WORK/pf-$stage.req") charges in $(secs "$T_STAGE" "$(ms)") s, answers $(answers "$WORK/pf-$stage"-*-*.out), $(wc -l < "$WORK/pf-$stage.pending") pending at the end"
      previous=$stage
    done
    pf_fault[healthy]=${pf_fault[down]}
    for stage in "${pf_stages[@]}"; do REST_SYNC=1 settle_requests "pf-$stage"; done
    settle_and_check provider-faults
    SUMMARY+=("provider-faults  injected ${pf_fault[down]} refusing connections, then ${pf_fault[slow]} answering after 10 s, then ${pf_fault[flapping]} flapping" \
              "                 503/normal every 1.5 s, $STAGE_SECONDS s each, 10 s apart; measured per stage ($LOAD_RATE charges/s to both instances, p99 bound $bound s):")
    for stage in "${pf_stages[@]}"; do provider_stage_report "$stage" "${pf_fault[$stage]}" "$bound"; done
    ;;
  # ----------------------------------------------------------------------------------------- webhook-endpoint-down
  webhook-endpoint-down)
    echo "== webhook-endpoint-down: two merchant endpoints; one is down during $((LOAD_RATE * 10)) charges in 10 s and $DOWN_SECONDS s after, then comes up"
    declare -A hook_id=() hook_secret=()
    for n in 1 2; do
      reply=$(curl -fs -X POST "$API/v1/webhook-endpoints" -H "Authorization: Bearer $MERCHANT_KEY" -H 'Content-Type: application/json' \
        -d "{\"url\": \"http://127.0.0.1:${RECEIVER_PORTS[$((n - 1))]}/payroute\", \"enabled_events\": [\"*\"], \"description\": \"drill receiver $n\"}") \
        || die "cannot register webhook endpoint $n"
      hook_id[$n]=$(grep -o '"id" *: *"[^"]*"' <<<"$reply" | head -n 1 | cut -d'"' -f4)
      hook_secret[$n]=$(grep -o '"secret" *: *"[^"]*"' <<<"$reply" | cut -d'"' -f4)
      [ -n "${hook_id[$n]}" ] && [ -n "${hook_secret[$n]}" ] || die "webhook endpoint $n: no id or secret in $reply"
    done
    receiver_start 1 "${hook_secret[1]}"
    T0=$(ms)
    paced_load wh 10
    REST_SYNC=1 settle_requests wh
    wait_final wh "$(wc -l < "$WORK/wh.req")" 60
    T_FINAL=$(ms)
    # every event of the phase's charges: what each endpoint must receive, once
    sql "SELECT e.event_id, (extract(epoch FROM e.created_at) * 1000)::bigint FROM charge_events e JOIN charges c ON c.id = e.charge_id
         WHERE c.reference LIKE '$RUN-wh-%' AND e.event_id IS NOT NULL ORDER BY 1" > "$WORK/wh.events"
    wait_delivered 1 30 || true
    read -r events got dup unverified retried lag_p99 lag_max < <(receiver_figures 1)
    record "$([ "$(undelivered 1)" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$unverified" -eq 0 ] && [ "$retried" -eq 0 ] && echo PASS || echo FAIL)" \
      "webhook-endpoint-down: the endpoint that is up got every event once, at the first attempt, while the other was down" \
      "$events events, received $got, missing $(undelivered 1), duplicates $dup, bad signatures $unverified, retried $retried; lag p99 $lag_p99 ms, max $lag_max ms"
    up_line="$events events, lag p99 $lag_p99 ms, max $lag_max ms"
    while [ $(( $(ms) - T_FINAL )) -lt $((DOWN_SECONDS * 1000)) ]; do sleep 0.2; done
    read -r down_attempts down_waiting < <(sql "SELECT (SELECT count(*) FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
        WHERE d.endpoint_id = '${hook_id[2]}'), count(*) FILTER (WHERE status <> 'succeeded') FROM webhook_deliveries WHERE endpoint_id = '${hook_id[2]}'")
    say "$(secs "$T0" "$(ms)") s after the first charge, the endpoint that is down has $down_waiting deliveries waiting after $down_attempts failed attempts; it comes up"
    receiver_start 2 "${hook_secret[2]}"
    T_UP=$(ms)
    # each waiting delivery is due again within the longest wait of the schedule (+10 % jitter)
    wait_delivered 2 $((WEBHOOK_RETRY_MAX_S * 11 / 10 + 10)) || true
    T_ALL=$(ms)
    read -r events got dup unverified retried lag_p99 lag_max < <(receiver_figures 2)
    record "$([ "$(undelivered 2)" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$unverified" -eq 0 ] && echo PASS || echo FAIL)" \
      "webhook-endpoint-down: the endpoint that was down got every event once after it came back" \
      "$events events, received $got, missing $(undelivered 2), duplicates $dup, bad signatures $unverified; all in $(secs "$T_UP" "$T_ALL") s after it came up"
    # the first attempts to both endpoints, from the event: the one that is down must not have held the other back
    first_tries=$(sql "SELECT string_agg(format('%s p99 %s ms', CASE endpoint_id WHEN '${hook_id[1]}' THEN 'up' ELSE 'down' END, round(p99)), ', ' ORDER BY endpoint_id <> '${hook_id[1]}')
      FROM (SELECT d.endpoint_id, percentile_cont(0.99) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM a.attempted_at - e.created_at)) p99
            FROM webhook_deliveries d JOIN webhook_delivery_attempts a ON a.delivery_id = d.id AND a.attempt = 1
            JOIN charge_events e ON e.event_id = d.event_id
            WHERE d.endpoint_id IN ('${hook_id[1]}', '${hook_id[2]}') GROUP BY 1) x")
    failed=$(sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'")
    record "$([ "$failed" -eq 0 ] && echo PASS || echo FAIL)" "webhook-endpoint-down: no delivery given up" "failed deliveries $failed"
    for n in 1 2; do curl -fs -o /dev/null -X DELETE "$API/v1/webhook-endpoints/${hook_id[$n]}" -H "Authorization: Bearer $MERCHANT_KEY" || true; done
    settle_and_check webhook-endpoint-down
    SUMMARY+=("webhook-endpoint-down injected one of two endpoints refusing connections for $(secs "$T0" "$T_UP") s ($((LOAD_RATE * 10)) charges, then $DOWN_SECONDS s);" \
              "                 measured endpoint up: $up_line; endpoint down: $down_attempts failed attempts, all $events events $(secs "$T_UP" "$T_ALL") s after it came up;" \
              "                 first attempts from the event: $first_tries")
    ;;
  *) die "unknown phase $phase (instance-kill, broker-restart, database-outage, provider-faults, webhook-endpoint-down)" ;;
  esac
done

echo
echo "== cluster drills report ($(secs "$T_START" "$(ms)") s)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "outcomes  $(outcomes_line)"
report_and_exit
