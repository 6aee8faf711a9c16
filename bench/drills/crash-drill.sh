#!/usr/bin/env bash
# Crash drill: SIGKILL PayRoute while it works through >= 2,000 asynchronous charges, restart it, and prove that
# nothing was lost or done twice.
#
#   phase 1  1,200 charges on the intake queue (Artemis CLI producer) + 800 POST /v1/charges with
#            Prefer: respond-async (each with its own Idempotency-Key); kill -9 once a third of them are final;
#            restart; REST requests the crash left unanswered are re-sent with the same key, as a client would.
#   phase 2  a provider refuses connections; 20 async charges that only it can take (10 REST, 10 queue) get
#            their next round scheduled (broker scheduled delivery); kill -9; the provider comes back; restart:
#            the scheduled rounds fire after the restart and every charge succeeds once.
#
# Invariants (checked in PostgreSQL against the simulators' ledgers, which live in their own process and so
# survive the kill): every accepted request (REST 202, or a message the producer reported as produced) has
# exactly one charge (none lost, none extra); every charge reaches a final state; each succeeded charge has
# exactly one ledger entry across providers and no ledger entry belongs to a charge that did not succeed;
# the dead-letter queue is empty. Exits 1 when an invariant is violated, 2 when the drill cannot run; without a
# PostgreSQL to run against it says it is skipped and exits 0, as the PostgreSQL tests do.
#
# Needs: target/payroute.jar (mvn package), the Artemis distribution unpacked by mvn process-test-resources
# (target/artemis-dist), curl, psql and PostgreSQL on 127.0.0.1:5432 (database "test", trust auth; the drill
# drops and recreates schema payroute_drill). Loopback only. Runs in about 2-3 minutes.
# Settings (environment): JAVA (default java), DRILL_QUEUE_CHARGES (1200), DRILL_REST_CHARGES (800),
# DRILL_RETRY_CHARGES (20), DRILL_SETTLE_TIMEOUT (180 s), DRILL_API_PORT (18480), DRILL_BROKER_PORT (61646),
# DRILL_SIM_PORT (18490; providers on the next three), DRILL_PG_HOST/PORT/DATABASE/USER, DRILL_SCHEMA,
# DRILL_LATENCY_MS (150) / DRILL_JITTER_MS (100) of the simulators, DRILL_JAVA_OPTS, DRILL_KEEP=1 keeps the
# work directory (logs, inputs) also after a pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

DRILL_NAME="crash drill"
QUEUE_CHARGES=${DRILL_QUEUE_CHARGES:-1200}
REST_CHARGES=${DRILL_REST_CHARGES:-800}
RETRY_CHARGES=${DRILL_RETRY_CHARGES:-20}
SETTLE_TIMEOUT=${DRILL_SETTLE_TIMEOUT:-180}
API_PORT=${DRILL_API_PORT:-18480}
BROKER_PORT=${DRILL_BROKER_PORT:-61646}
SIM_PORT=${DRILL_SIM_PORT:-18490}
SCHEMA=${DRILL_SCHEMA:-payroute_drill}
JAVA_OPTS=${DRILL_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseParallelGC}
API=http://127.0.0.1:$API_PORT
TOTAL=$((QUEUE_CHARGES + REST_CHARGES))
KILL_AFTER=$((TOTAL / 3))
RUN=$(date +%H%M%S)
# shellcheck source=lib.sh
. "$ROOT/bench/drills/lib.sh"

require_tools
require_postgres

WORK=$(mktemp -d "${TMPDIR:-/tmp}/payroute-drill.XXXXXX")
SVC_PID=
cleanup() {
  local rc=$?
  kill_background
  stop_pid "$SVC_PID"
  stop_pid "$SIM_PID"
  if [ "$rc" -eq 0 ] && [ -z "${DRILL_KEEP:-}" ]; then rm -rf "$WORK"; else echo "crash drill: logs and inputs kept in $WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_free_ports "$API_PORT" "$BROKER_PORT" "$SIM_PORT" $((SIM_PORT + 1)) $((SIM_PORT + 2)) $((SIM_PORT + 3))

# ------------------------------------------------------------------------------------------------ processes
# The service with the drill's timers (lib.sh: service_args), the persistent embedded broker and its acceptor for the
# producers. abandoned-after stays 10 min: every charge here is async, so its own message must resume it; the
# sweep for charges nothing can resume must not be what makes the drill pass.
mapfile -t SVC_ARGS < <(service_args)
SVC_ARGS+=(
  --server.port="$API_PORT"
  --spring.artemis.embedded.persistent=true
  --spring.artemis.embedded.data-directory="$WORK/artemis"
  --payroute.broker.acceptor-url="tcp://127.0.0.1:$BROKER_PORT?protocols=CORE,AMQP"
  --payroute.secrets.key-file="$WORK/master.key"
  --payroute.admin.api-key-file="$WORK/admin-api-key"
)
INSTANCE=0
start_service() {
  INSTANCE=$((INSTANCE + 1))
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS -jar "$JAR" "${SVC_ARGS[@]}" > "$WORK/service-$INSTANCE.log" 2>&1 &
  SVC_PID=$!
  wait_ready "$API" "$SVC_PID" "$WORK/service-$INSTANCE.log" || die "service instance $INSTANCE did not become ready"
  # readiness does not cover the broker's TCP acceptor, which the producers need
  if ! port_open "$BROKER_PORT"; then
    sockets "acceptor-down-$INSTANCE"
    grep -o '"message":"AMQ[0-9]*: [^"]*' "$WORK/service-$INSTANCE.log" | head -n 5 >&2 || true
    echo "crash drill: FAIL: service instance $INSTANCE is ready but its broker acceptor 127.0.0.1:$BROKER_PORT is not listening" >&2
    exit 1
  fi
}
sockets() { # label: the TCP sockets on the drill's ports, for diagnosis
  command -v ss >/dev/null && ss -tanop 2>/dev/null | grep -E ":($BROKER_PORT|$API_PORT)\b" > "$WORK/sockets-$1.txt" || true
}
crash_service() { # SIGKILL: no shutdown hook, no graceful drain, nothing flushed that was not already durable
  kill -KILL "$SVC_PID"
  wait "$SVC_PID" 2>/dev/null || true
  SVC_PID=
  sockets "after-kill-$INSTANCE"
}

# -------------------------------------------------------------------------------------------------- checks
snapshot() { # at the kill: what the crash interrupted
  sql "SELECT count(*), count(*) FILTER (WHERE status <> 'pending'), count(*) FILTER (WHERE status = 'pending'),
              (SELECT count(*) FROM charge_attempts WHERE outcome IS NULL),
              (SELECT count(*) FROM charges c WHERE status = 'pending' AND round_claimed_until IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM charge_attempts a WHERE a.charge_id = c.id)),
              (SELECT count(*) FROM outbox),
              (SELECT count(*) FROM idempotency_keys WHERE charge_id IS NULL)
       FROM charges"
}

# ================================================================================================== phase 0
say "work dir $WORK; java $("$JAVA" -version 2>&1 | head -n 1); PostgreSQL $PG_USER@$PG_HOST:$PG_PORT/$PG_DATABASE schema $SCHEMA"
reset_schema
start_simulators
start_service
wait_simulators
say "service instance 1 ready (pid $SVC_PID); simulators up in their own process (pid $SIM_PID; latency ${LATENCY_MS}+0..${JITTER_MS} ms)"
: > "$WORK/expected.csv"

# ================================================================================================== phase 1
echo
echo "== phase 1: kill -9 during $TOTAL async charges ($QUEUE_CHARGES queue, $REST_CHARGES REST), restart"
QA=$((QUEUE_CHARGES / 2)); QB=$((QUEUE_CHARGES - QA))
for i in $(seq 1 "$REST_CHARGES"); do
  if [ $((i % 2)) -eq 0 ]; then echo "drill-$RUN-r-$i $ALL_TOKENS"; else echo "drill-$RUN-r-$i $STRIPE_ONLY"; fi
done > "$WORK/rest-1.req"
# a quarter of the REST requests is held back and sent just before the kill, so the crash cuts some of them off
REST_TAIL=$((REST_CHARGES / 4))
head -n $((REST_CHARGES - REST_TAIL)) "$WORK/rest-1.req" > "$WORK/rest-1a.req"
tail -n "$REST_TAIL" "$WORK/rest-1.req" > "$WORK/rest-1b.req"
T_LOAD=$(ms)
run_bg produce qa "drill-$RUN-qa" "$PAYSTACK_ONLY" "$QA"; QA_PID=$LAST_PID
run_bg produce qb "drill-$RUN-qb" "$ALL_TOKENS" "$QB"; QB_PID=$LAST_PID
run_bg rest_send "$WORK/rest-1a.req" "$WORK/rest-1a.out"; RA_PID=$LAST_PID

# kill once a third of all charges are final and the producers have reported (a producer cut off by the crash
# could not say what it sent), a moment after the last REST requests started to arrive
while :; do
  read -r final < <(sql "SELECT count(*) FROM charges WHERE status <> 'pending'")
  if [ "$final" -ge "$KILL_AFTER" ] && ! kill -0 "$QA_PID" 2>/dev/null && ! kill -0 "$QB_PID" 2>/dev/null; then break; fi
  [ $(( $(ms) - T_LOAD )) -lt 120000 ] || { say "load did not progress: $final final"; break; }
  sleep 0.2
done
run_bg rest_send "$WORK/rest-1b.req" "$WORK/rest-1b.out"; RB_PID=$LAST_PID
for _ in $(seq 1 50); do
  tail_in=$(sql "SELECT count(*) FROM charges WHERE reference LIKE 'drill-$RUN-r-%' AND split_part(reference, '-', 4)::int > $((REST_CHARGES - REST_TAIL))")
  [ "$tail_in" -ge $((REST_TAIL / 4)) ] && break
  sleep 0.2
done
crash_service
T_KILL1=$(ms)
read -r k_total k_final k_pending k_inflight k_claimed k_outbox k_keys < <(snapshot)
for pid in "$QA_PID" "$QB_PID" "$RA_PID" "$RB_PID"; do wait "$pid" || true; done; BG_PIDS=()
cat "$WORK/rest-1a.out" "$WORK/rest-1b.out" > "$WORK/rest-1.out"
P_QA=$(produced qa); P_QB=$(produced qb)
echo "drill-$RUN-qa,queue,$P_QA" >> "$WORK/expected.csv"
echo "drill-$RUN-qb,queue,$P_QB" >> "$WORK/expected.csv"
awk '$2 == 202' "$WORK/rest-1.out" | sort > "$WORK/rest-accepted.txt"
awk '$2 != 202 { print $1 }' "$WORK/rest-1.out" | sort > "$WORK/rest-unanswered.txt"
# requests curl never reported on (none expected) are unanswered too
cut -d' ' -f1 "$WORK/rest-1.req" | sort | comm -23 - <(cut -d' ' -f1 "$WORK/rest-1.out" | sort) >> "$WORK/rest-unanswered.txt"
say "SIGKILL after $(secs "$T_LOAD" "$T_KILL1") s of load: produced $((P_QA + P_QB))/$QUEUE_CHARGES queue messages," \
    "REST 202 $(wc -l < "$WORK/rest-accepted.txt")/$REST_CHARGES, $(wc -l < "$WORK/rest-unanswered.txt") cut off by the kill"
say "at the kill: $k_total charges, $k_final final, $k_pending pending; $k_inflight attempts in flight;" \
    "$k_claimed claimed rounds without an attempt; $k_outbox outbox rows; $k_keys idempotency keys without a charge"
record "$([ "$k_pending" -gt 0 ] && echo PASS || echo FAIL)" "phase 1: work in flight at the kill" \
  "$k_pending pending charges, $k_inflight provider calls in flight"
[ "$((P_QA + P_QB))" -eq "$QUEUE_CHARGES" ] || say "note: the producers reported $((P_QA + P_QB)) of $QUEUE_CHARGES messages (only those count as accepted)"

T_RESTART1=$(ms)
start_service
T_READY1=$(ms)
say "service instance 2 ready $(secs "$T_RESTART1" "$T_READY1") s after the restart"

# a client whose request the crash left unanswered sends it again with the same Idempotency-Key
retried=$(wc -l < "$WORK/rest-unanswered.txt")
for attempt in $(seq 1 40); do
  [ -s "$WORK/rest-unanswered.txt" ] || break
  awk 'NR == FNR { want[$1]; next } ($1 in want)' "$WORK/rest-unanswered.txt" "$WORK/rest-1.req" > "$WORK/rest-retry.req"
  run_fg rest_send "$WORK/rest-retry.req" "$WORK/rest-retry.out"
  cat "$WORK/rest-retry.out" >> "$WORK/rest-retries.log"
  awk '$2 ~ /^20[0-2]$/' "$WORK/rest-retry.out" >> "$WORK/rest-accepted.txt"
  awk '$2 !~ /^20[0-2]$/ { print $1 }' "$WORK/rest-retry.out" | sort > "$WORK/rest-unanswered.txt"
  [ -s "$WORK/rest-unanswered.txt" ] && sleep 2
done
accepted_rest=$(wc -l < "$WORK/rest-accepted.txt")
awk '{ print $1 ",rest,1" }' "$WORK/rest-accepted.txt" >> "$WORK/expected.csv"
retry_answers=$(awk '{ n[$2]++ } END { for (c in n) printf "%s%s x%d", (k++ ? ", " : ""), c, n[c] }' "$WORK/rest-retries.log" 2>/dev/null || true)
say "REST requests re-sent after the restart: $retried; answers: ${retry_answers:-none} (409: still in flight, sent again 2 s later)"
if [ -s "$WORK/rest-unanswered.txt" ]; then
  say "still unanswered: $(wc -l < "$WORK/rest-unanswered.txt") (last answers: $(awk '{ print $2 }' "$WORK/rest-retry.out" | sort | uniq -c | tr -s ' \n' ' '))"
fi
record "$([ -s "$WORK/rest-unanswered.txt" ] && echo FAIL || echo PASS)" "phase 1: every REST request accepted (first try or retry)" \
  "accepted $accepted_rest of $REST_CHARGES"

if wait_settled "$SETTLE_TIMEOUT"; then settled=yes; else settled=no; dump_pending; fi
T_SETTLED1=$(ms)
say "settled=$settled $(secs "$T_READY1" "$T_SETTLED1") s after instance 2 was ready"
check_invariants "phase 1"

# ================================================================================================== phase 2
echo
echo "== phase 2: $RETRY_CHARGES charges waiting for a retry round (paystack refusing), kill -9, paystack back, restart"
RR=$((RETRY_CHARGES / 2)); RQ=$((RETRY_CHARGES - RR))
sim_mode paystack '{"mode": "refuse"}'
for i in $(seq 1 "$RR"); do echo "drill-$RUN-retry-r-$i $PAYSTACK_ONLY"; done > "$WORK/rest-2.req"
run_fg rest_send "$WORK/rest-2.req" "$WORK/rest-2.out"
run_fg produce retry "drill-$RUN-retry-q" "$PAYSTACK_ONLY" "$RQ"
awk '$2 == 202 { print $1 ",rest,1" }' "$WORK/rest-2.out" >> "$WORK/expected.csv"
echo "drill-$RUN-retry-q,queue,$(produced retry)" >> "$WORK/expected.csv"
accepted2=$(( $(awk '$2 == 202' "$WORK/rest-2.out" | wc -l) + $(produced retry) ))
say "accepted $accepted2 of $RETRY_CHARGES (REST 202 $(awk '$2 == 202' "$WORK/rest-2.out" | wc -l), produced $(produced retry))"
waiting=0
for _ in $(seq 1 300); do
  waiting=$(sql "SELECT count(*) FROM charges WHERE reference LIKE 'drill-$RUN-retry-%' AND status = 'pending' AND next_round_at IS NOT NULL")
  [ "$waiting" -ge "$accepted2" ] && break
  sleep 0.2
done
rounds_before=$(sql "SELECT coalesce(max(rounds), 0) FROM charges WHERE reference LIKE 'drill-$RUN-retry-%'")
record "$([ "$waiting" -ge "$accepted2" ] && [ "$accepted2" -eq "$RETRY_CHARGES" ] && echo PASS || echo FAIL)" \
  "phase 2: retries scheduled before the kill" "$waiting of $RETRY_CHARGES pending with next_round_at set, rounds so far <= $rounds_before"
crash_service
T_KILL2=$(ms)
# the check above and the kill are not one instant: a round that came due in between is cut off mid-way (its
# message comes back after the restart and takes the round over once the dead holder's lease has run out)
read -r k2_waiting k2_running < <(sql "SELECT count(*) FILTER (WHERE next_round_at IS NOT NULL),
    count(*) FILTER (WHERE next_round_at IS NULL) FROM charges WHERE reference LIKE 'drill-$RUN-retry-%' AND status = 'pending'")
KILL2_TS=$(date -u -d "@$(awk -v t="$T_KILL2" 'BEGIN { printf "%.3f", t / 1000 }')" +%Y-%m-%dT%H:%M:%S.%3NZ)
sim_mode paystack '{"mode": "normal"}'
say "SIGKILL with $k2_waiting charges waiting for their next round, $k2_running in a round; paystack back to normal"
T_RESTART2=$(ms)
start_service
T_READY2=$(ms)
say "service instance 3 ready $(secs "$T_RESTART2" "$T_READY2") s after the restart"
if wait_settled 120; then settled2=yes; else settled2=no; dump_pending; fi
T_SETTLED2=$(ms)
say "settled=$settled2 $(secs "$T_READY2" "$T_SETTLED2") s after instance 3 was ready"
out2=$(psql_ -At -c "
  SELECT CASE WHEN count(*) = $RETRY_CHARGES AND count(*) FILTER (WHERE status = 'succeeded') = count(*) THEN 'PASS' ELSE 'FAIL' END,
         'every retried charge succeeded', format('%s of %s succeeded', count(*) FILTER (WHERE status = 'succeeded'), count(*))
  FROM charges WHERE reference LIKE 'drill-$RUN-retry-%'
  UNION ALL
  SELECT CASE WHEN count(*) = $RETRY_CHARGES THEN 'PASS' ELSE 'FAIL' END,
         'the scheduled round fired after the restart',
         format('%s charges succeeded in a round (>= 2) started after the kill; rounds %s..%s', count(*), min(rounds), max(rounds))
  FROM charges c WHERE reference LIKE 'drill-$RUN-retry-%' AND status = 'succeeded' AND rounds >= 2
    AND EXISTS (SELECT 1 FROM charge_attempts a WHERE a.charge_id = c.id AND a.outcome = 'SUCCESS' AND a.started_at > '$KILL2_TS')") || true
n2=0
while IFS='|' read -r verdict name detail; do
  [ -n "$verdict" ] || continue
  record "$verdict" "phase 2: $name" "$detail"; n2=$((n2 + 1))
done <<<"$out2"
[ "$n2" -eq 2 ] || record FAIL "phase 2: retry queries ran" "2 expected, $n2 answered"
check_invariants "all"

# ================================================================================================== report
echo
echo "== crash drill report"
echo "injected  phase 1: SIGKILL after $(secs "$T_LOAD" "$T_KILL1") s of load: $((P_QA + P_QB)) queue messages produced (Artemis CLI;"
echo "                   $P_QA paystack-only, $P_QB any provider) and $REST_CHARGES REST Prefer: respond-async requests, of which"
echo "                   $retried cut off by the kill and re-sent with their Idempotency-Key after the restart;"
echo "                   simulators in their own process, ${LATENCY_MS}+0..${JITTER_MS} ms per call"
echo "          phase 2: paystack refusing connections, $RETRY_CHARGES charges only it can take ($RR REST, $RQ queue) waiting"
echo "                   for their next round (up to round $rounds_before); SIGKILL with $k2_waiting waiting, $k2_running mid-round;"
echo "                   paystack back while the service was down"
echo "at kill 1 $k_total charges ($k_final final, $k_pending pending), $k_inflight provider calls in flight, $k_claimed rounds taken"
echo "          with no attempt written yet, $k_keys idempotency keys without their charge, $k_outbox outbox rows unsent"
echo "measured  restart to ready $(secs "$T_RESTART1" "$T_READY1") s / $(secs "$T_RESTART2" "$T_READY2") s; ready to all final" \
     "$(secs "$T_READY1" "$T_SETTLED1") s / $(secs "$T_READY2" "$T_SETTLED2") s; drill $(secs "$T_START" "$(ms)") s"
echo "          REST retries answered: ${retry_answers:-none}"
echo "          outcomes: $(outcomes_line)"
sql "SELECT '          ' || count(*) FILTER (WHERE resent_at IS NOT NULL) || ' attempts cut off by a kill sent again by their charge''s message ('
            || count(*) FILTER (WHERE resent_at IS NOT NULL AND resolved_from_code = 'duplicate_reference') || ' had reached the provider: '
            || 'refused as duplicates, answered by a status query; outcomes '
            || COALESCE((SELECT string_agg(o || ' ' || n, ', ') FROM (SELECT outcome AS o, count(*) AS n FROM charge_attempts
                         WHERE resent_at IS NOT NULL GROUP BY outcome ORDER BY outcome) r), 'none') || '); '
            || count(*) FILTER (WHERE resolved_from_code = 'interrupted') || ' resolved by reconciliation ('
            || count(*) FILTER (WHERE resolved_from_code = 'interrupted' AND outcome = 'SUCCESS') || ' had been charged, '
            || count(*) FILTER (WHERE resolved_from_code = 'interrupted' AND outcome <> 'SUCCESS') || ' never reached the provider: '
            || 'failed not_found_at_provider after give-up-after)'
     FROM charge_attempts"
report_and_exit
