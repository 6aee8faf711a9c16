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

JAVA=${JAVA:-java}
QUEUE_CHARGES=${DRILL_QUEUE_CHARGES:-1200}
REST_CHARGES=${DRILL_REST_CHARGES:-800}
RETRY_CHARGES=${DRILL_RETRY_CHARGES:-20}
SETTLE_TIMEOUT=${DRILL_SETTLE_TIMEOUT:-180}
API_PORT=${DRILL_API_PORT:-18480}
BROKER_PORT=${DRILL_BROKER_PORT:-61646}
SIM_PORT=${DRILL_SIM_PORT:-18490}
PG_HOST=${DRILL_PG_HOST:-127.0.0.1}
PG_PORT=${DRILL_PG_PORT:-5432}
PG_DATABASE=${DRILL_PG_DATABASE:-test}
SCHEMA=${DRILL_SCHEMA:-payroute_drill}
LATENCY_MS=${DRILL_LATENCY_MS:-150}
JITTER_MS=${DRILL_JITTER_MS:-100}
JAVA_OPTS=${DRILL_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseParallelGC}
PRODUCER_PASSWORD=${PAYROUTE_PRODUCER_PASSWORD:-producer-dev-only}

API=http://127.0.0.1:$API_PORT
CTL=http://127.0.0.1:$SIM_PORT
JAR=$ROOT/target/payroute.jar
# the merchant the REST charges are sent as (the drill's own, on its own schema)
MERCHANT_KEY=sk_drill_merchant_key_0000000000000
ARTEMIS_HOME=${ARTEMIS_HOME:-$(ls -d "$ROOT"/target/artemis-dist/apache-artemis-* 2>/dev/null | head -n 1)}
TOTAL=$((QUEUE_CHARGES + REST_CHARGES))
KILL_AFTER=$((TOTAL / 3))
RUN=$(date +%H%M%S)

# ---------------------------------------------------------------------------------------------------- helpers
ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
say() { printf '[drill %5ss] %s\n' "$(secs "$T_START" "$(ms)")" "$*"; }
die() { echo "crash drill: $*" >&2; exit 2; }
T_START=$(ms)

command -v curl >/dev/null || die "needs curl"
command -v psql >/dev/null || die "needs psql (apt-get install postgresql-client)"
JAVA_BIN=$(command -v "$JAVA") || die "no java at '$JAVA' (set JAVA)"
[ -f "$JAR" ] || die "no $JAR: run mvn -DskipTests package first"
[ -x "$ARTEMIS_HOME/bin/artemis" ] || die "no Artemis CLI under target/artemis-dist: run mvn process-test-resources first"
# the Artemis CLI runs on the same JDK as the drill
ARTEMIS_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA_BIN")")")

PG_USER=${DRILL_PG_USER:-}
if [ -z "$PG_USER" ]; then
  for u in postgres root "$(id -un)"; do
    if psql -h "$PG_HOST" -p "$PG_PORT" -U "$u" -d "$PG_DATABASE" -Xqtc 'select 1' >/dev/null 2>&1; then PG_USER=$u; break; fi
  done
fi
if [ -z "$PG_USER" ]; then
  # as the PostgreSQL tests do: skipped with the reason where there is no PostgreSQL (CI always has one)
  echo "crash drill SKIPPED: PostgreSQL is not reachable at $PG_HOST:$PG_PORT/$PG_DATABASE (trust auth)"
  exit 0
fi
psql_() { PGOPTIONS="-c search_path=$SCHEMA -c client_min_messages=warning" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" -X -q -v ON_ERROR_STOP=1 "$@"; }
sql() { psql_ -At -F ' ' -c "$1"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/payroute-drill.XXXXXX")
SIM_PID=
SVC_PID=
BG_PIDS=()
stop_pid() { # pid: TERM, then KILL after 15 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done
  stop_pid "$SVC_PID"
  stop_pid "$SIM_PID"
  if [ "$rc" -eq 0 ] && [ -z "${DRILL_KEEP:-}" ]; then rm -rf "$WORK"; else echo "crash drill: logs and inputs kept in $WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$API_PORT" "$BROKER_PORT" "$SIM_PORT" $((SIM_PORT + 1)) $((SIM_PORT + 2)) $((SIM_PORT + 3)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use on 127.0.0.1"; fi
done

# ------------------------------------------------------------------------------------------------ processes
start_simulators() {
  "$JAVA" -Xmx256m -XX:+UseSerialGC -Dsun.net.httpserver.nodelay=true \
    -Dloader.main=io.payroute.simulator.SimulatorsMain -jar "$JAR" \
    --payroute.simulators.host=127.0.0.1 \
    --payroute.simulators.control-port="$SIM_PORT" \
    --payroute.simulators.providers.paystack.port=$((SIM_PORT + 1)) \
    --payroute.simulators.providers.flutterwave.port=$((SIM_PORT + 2)) \
    --payroute.simulators.providers.stripe.port=$((SIM_PORT + 3)) \
    --payroute.simulators.providers.paystack.latency-ms="$LATENCY_MS" \
    --payroute.simulators.providers.flutterwave.latency-ms="$LATENCY_MS" \
    --payroute.simulators.providers.stripe.latency-ms="$LATENCY_MS" \
    --payroute.simulators.providers.paystack.latency-jitter-ms="$JITTER_MS" \
    --payroute.simulators.providers.flutterwave.latency-jitter-ms="$JITTER_MS" \
    --payroute.simulators.providers.stripe.latency-jitter-ms="$JITTER_MS" \
    > "$WORK/simulators.log" 2>&1 &
  SIM_PID=$!
}
wait_simulators() {
  for _ in $(seq 1 120); do
    curl -fs "$CTL/sim" >/dev/null 2>&1 && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$WORK/simulators.log"; die "the simulators did not start"
}

# The service as production would run it against external providers: PostgreSQL, persistent embedded broker,
# simulators off (they are the "providers"). Timers are shortened so the drill settles in minutes, not hours:
# reconciliation polls every second and asks on a 1 s, 2 s, 5 s schedule; an attempt cut off by the kill is due
# 2 × (1 s connect + 3 s response) + 2 s after it started, and one the provider never saw fails after 30 s
# (give-up-after, 3 days in production). The round lease stays 1 min, longer than a restart takes, so a message
# redelivered after the restart meets a round its dead holder still leases; redeliveries every 10 s at most (1 s
# doubling, 10 deliveries: 65 s) outlast that lease. abandoned-after stays 10 min: every charge here is async, so
# its own message must resume it; the sweep for charges nothing can resume must not be what makes the drill pass.
SVC_ARGS=(
  --server.port="$API_PORT"
  --spring.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DATABASE?currentSchema=$SCHEMA"
  --spring.datasource.username="$PG_USER" --spring.datasource.password=
  --spring.flyway.schemas="$SCHEMA"
  --spring.artemis.embedded.persistent=true
  --spring.artemis.embedded.data-directory="$WORK/artemis"
  --payroute.broker.acceptor-url="tcp://127.0.0.1:$BROKER_PORT?protocols=CORE,AMQP"
  --payroute.secrets.key-file="$WORK/master.key"
  --payroute.admin.api-key-file="$WORK/admin-api-key"
  --payroute.bootstrap.api-key="$MERCHANT_KEY"
  --payroute.rate-limit.per-second=1000000 --payroute.rate-limit.burst=1000000
  --payroute.simulators.enabled=false
  --payroute.raw-cards=false
  --payroute.providers.paystack.base-url=http://127.0.0.1:$((SIM_PORT + 1))
  --payroute.providers.flutterwave.base-url=http://127.0.0.1:$((SIM_PORT + 2))
  --payroute.providers.stripe.base-url=http://127.0.0.1:$((SIM_PORT + 3))
  --payroute.providers.paystack.connect-timeout=1s --payroute.providers.paystack.response-timeout=3s
  --payroute.providers.flutterwave.connect-timeout=1s --payroute.providers.flutterwave.response-timeout=3s
  --payroute.providers.stripe.connect-timeout=1s --payroute.providers.stripe.response-timeout=3s
  --payroute.reconciliation.poll-interval=1s
  --payroute.reconciliation.schedule=1s,2s,5s
  --payroute.reconciliation.in-flight-grace=2s
  --payroute.reconciliation.claim-timeout=10s
  --payroute.reconciliation.give-up-after=30s
  --payroute.retries.backoff=5s --payroute.retries.max-backoff=5s --payroute.retries.max-rounds=10
  --payroute.retries.round-lease=60s
  --payroute.idempotency.in-flight-lease=20s
  --payroute.outbox.claim-lease=5s
  --payroute.broker.redelivery.max-delay=10s
  --payroute.mappings.cache=true
  --camel.main.routes-reload-enabled=false
  --logging.level.io.payroute.provider.ProviderCalls=WARN
)
INSTANCE=0
start_service() {
  INSTANCE=$((INSTANCE + 1))
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS -jar "$JAR" "${SVC_ARGS[@]}" > "$WORK/service-$INSTANCE.log" 2>&1 &
  SVC_PID=$!
  local ready=
  for _ in $(seq 1 240); do
    if curl -fs "$API/actuator/health/readiness" >/dev/null 2>&1; then ready=yes; break; fi
    kill -0 "$SVC_PID" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$ready" ] || { tail -n 40 "$WORK/service-$INSTANCE.log"; die "service instance $INSTANCE did not become ready"; }
  # readiness does not cover the broker's TCP acceptor, which the producers need
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null; then
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

# ------------------------------------------------------------------------------------------------- load
# charge body: reference, tokens (JSON object)
body() { printf '{"amount": 150000, "currency": "NGN", "reference": "%s", "customer": {"email": "drill@example.com"}, "payment_method": {"type": "tokens", "tokens": %s}}' "$1" "$2"; }
ALL_TOKENS='{"paystack": "AUTH_success", "flutterwave": "flw-t1nf-success", "stripe": "pm_card_success"}'
PAYSTACK_ONLY='{"paystack": "AUTH_success"}'
STRIPE_ONLY='{"stripe": "pm_card_success"}'

# the Artemis CLI producer, in the background (its pid is the producer's JVM, so the exit trap can stop it):
# label reference tokens count → $WORK/produce-<label>.out, which ends with "Produced: N messages"
produce() {
  JAVA_HOME=$ARTEMIS_JAVA_HOME exec "$ARTEMIS_HOME/bin/artemis" producer --silent \
    --url "tcp://127.0.0.1:$BROKER_PORT" --user producer --password "$PRODUCER_PASSWORD" \
    --destination queue://payroute.charges.requests --message "$(body "$2" "$3")" --message-count "$4" \
    --commit-interval 50 </dev/null > "$WORK/produce-$1.out" 2>&1
}
produced() { # label → messages the producer reported as sent
  local n
  n=$(sed -n 's/.*Produced: \([0-9]*\) messages.*/\1/p' "$WORK/produce-$1.out" | awk '{ s += $1 } END { print s + 0 }')
  echo "$n"
}

# one curl config per REST batch: "<reference> <tokens>" lines in → transfers with their own Idempotency-Key;
# each prints "<reference> <http status>" (000: no answer)
rest_config() {
  local b sep=
  while read -r ref tokens; do
    b=$(body "$ref" "$tokens")
    # "next" separates transfers: one after the last would be an empty transfer that fails the whole run
    printf '%surl = "%s/v1/charges"\nheader = "Content-Type: application/json"\nheader = "Prefer: respond-async"\nheader = "Authorization: Bearer %s"\n' "$sep" "$API" "$MERCHANT_KEY"
    printf 'header = "Idempotency-Key: %s"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%s %%{http_code}\\n"\n' \
      "$ref" "${b//\"/\\\"}" "$ref"
    sep=$'next\n'
  done
}
rest_send() { # requests-file out-file: sends them, 16 at a time (run in the background: its pid is curl's)
  rest_config < "$1" > "$1.curl"
  exec curl -s --parallel --parallel-max 16 --max-time 20 -K "$1.curl" > "$2" 2>>"$WORK/curl.err"
}
run_bg() { "$@" & BG_PIDS+=("$!"); LAST_PID=$!; }
run_fg() { "$@" & BG_PIDS+=("$!"); wait "$!" || true; }

# -------------------------------------------------------------------------------------------------- checks
FAILED=0
declare -a REPORT=()
record() { # verdict name detail
  REPORT+=("$(printf '%-4s  %s%s' "$1" "$2" "${3:+  ($3)}")")
  [ "$1" = PASS ] || FAILED=1
}
load_ledgers() {
  : > "$WORK/ledgers.jsonl"
  for p in paystack flutterwave stripe; do
    curl -fs "$CTL/sim/$p/ledger" >> "$WORK/ledgers.jsonl" || die "cannot read the $p ledger"
    echo >> "$WORK/ledgers.jsonl"
  done
  psql_ <<SQL
DROP TABLE IF EXISTS drill_ledger_raw, drill_ledger, drill_expected;
CREATE TABLE drill_ledger_raw (doc jsonb);
\copy drill_ledger_raw (doc) FROM '$WORK/ledgers.jsonl' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
CREATE TABLE drill_ledger AS
  SELECT r.doc->>'provider' AS provider, e->>'id' AS entry_id, e->>'reference' AS reference,
         e->'metadata'->>'payroute_charge_id' AS charge_id, e->>'status' AS status, (e->>'amount')::bigint AS amount,
         (e->>'created_at')::timestamptz AS created_at
  FROM drill_ledger_raw r, jsonb_array_elements(r.doc->'entries') e;
CREATE TABLE drill_expected (reference varchar(255) PRIMARY KEY, channel text, expected int);
\copy drill_expected FROM '$WORK/expected.csv' WITH (FORMAT csv)
SQL
}
# the invariants over every charge the drill expects (expected.csv) and everything in the ledgers
check_invariants() { # label
  load_ledgers
  local out n=0
  out=$(psql_ -At <<'SQL'
WITH per_ref AS (
  SELECT e.reference, e.channel, e.expected, count(c.id) AS actual
  FROM drill_expected e LEFT JOIN charges c ON c.reference = e.reference GROUP BY 1, 2, 3),
dc AS (SELECT c.* FROM charges c JOIN drill_expected e ON e.reference = c.reference),
stray AS (SELECT count(*) AS n FROM charges c WHERE c.reference IS NULL OR c.reference NOT IN (SELECT reference FROM drill_expected)),
led AS (SELECT l.*, c.status AS charge_status, c.provider AS charge_provider, c.amount AS charge_amount
        FROM drill_ledger l LEFT JOIN charges c ON c.id = l.charge_id),
twice AS (SELECT charge_id FROM drill_ledger GROUP BY charge_id HAVING count(*) > 1)
SELECT CASE WHEN sum(greatest(expected - actual, 0)) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'no accepted request lost',
       format('accepted %s (REST %s, queue %s), charges %s, missing %s', sum(expected),
              sum(expected) FILTER (WHERE channel = 'rest'), coalesce(sum(expected) FILTER (WHERE channel = 'queue'), 0),
              sum(actual), sum(greatest(expected - actual, 0)))
FROM per_ref
UNION ALL
SELECT CASE WHEN sum(greatest(actual - expected, 0)) + (SELECT n FROM stray) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'no duplicate charge',
       format('charges beyond their request %s, charges of no accepted request %s',
              sum(greatest(actual - expected, 0)), (SELECT n FROM stray))
FROM per_ref
UNION ALL
SELECT CASE WHEN count(*) FILTER (WHERE status = 'pending') = 0 THEN 'PASS' ELSE 'FAIL' END,
       'every charge final',
       (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) n FROM dc GROUP BY 1) s)
FROM dc
UNION ALL
SELECT CASE WHEN (SELECT count(*) FROM twice) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'ledgers: no charge taken twice',
       format('%s ledger entries (%s), charges with more than one: %s', (SELECT count(*) FROM drill_ledger),
              (SELECT string_agg(provider || ' ' || n, ', ' ORDER BY provider) FROM (SELECT provider, count(*) n FROM drill_ledger GROUP BY 1) p),
              (SELECT count(*) FROM twice))
UNION ALL
SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'ledgers: every succeeded charge has its entry',
       format('succeeded charges without a ledger entry: %s', count(*))
FROM dc WHERE dc.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM drill_ledger l WHERE l.charge_id = dc.id)
UNION ALL
SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'ledgers: no entry for a charge that did not succeed',
       format('entries of unknown charges %s, of charges not succeeded %s',
              count(*) FILTER (WHERE charge_status IS NULL), count(*) FILTER (WHERE charge_status <> 'succeeded'))
FROM led WHERE charge_status IS DISTINCT FROM 'succeeded'
UNION ALL
SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'ledgers: entry matches its charge (provider, amount, succeeded)',
       format('mismatches %s', count(*))
FROM led WHERE charge_status = 'succeeded'
  AND (provider IS DISTINCT FROM charge_provider OR amount IS DISTINCT FROM charge_amount OR status <> 'succeeded');
SQL
  ) || true
  while IFS='|' read -r verdict name detail; do
    [ -n "$verdict" ] || continue
    record "$verdict" "$1: $name" "$detail"; n=$((n + 1))
  done <<<"$out"
  # a query that failed must not pass for a check that passed
  [ "$n" -eq 7 ] || record FAIL "$1: invariant queries ran" "7 expected, $n answered"
  local dlq
  dlq=$(curl -fs -H "Authorization: Bearer ${PAYROUTE_ADMIN_API_KEY:-$(cat "$WORK/admin-api-key")}" "$API/v1/admin/dead-letters?limit=1000" || echo unreadable)
  if [[ $dlq == *'"data":[]'* ]]; then record PASS "$1: dead-letter queue empty"; else
    record FAIL "$1: dead-letter queue empty" "$(grep -o '"code":"[^"]*"' <<<"$dlq" | sort | uniq -c | tr -s ' \n' ' ')"
  fi
}
# the charges still pending, in full, for the report
dump_pending() {
  psql_ -c "SELECT c.id, c.reference, c.rounds, c.round_claimed_until, c.next_round_at, c.updated_at,
                   (SELECT string_agg(a.seq || ':' || a.provider || ':' || coalesce(a.outcome, 'in-flight') || coalesce(':' || a.code, '')
                                      || ' next_check ' || coalesce(a.next_check_at::text, '-'), '; ' ORDER BY a.seq)
                    FROM charge_attempts a WHERE a.charge_id = c.id) AS attempts
            FROM charges c WHERE c.status = 'pending' ORDER BY c.created_at LIMIT 40"
}
# waits until every expected charge exists and none is pending; returns 1 on timeout
wait_settled() { # timeout-seconds
  local deadline=$(( $(ms) + $1 * 1000 )) exp
  exp=$(awk -F, '{ s += $3 } END { print s + 0 }' "$WORK/expected.csv")
  while :; do
    read -r have pending < <(sql "SELECT count(*), count(*) FILTER (WHERE status = 'pending') FROM charges")
    [ "$have" -ge "$exp" ] && [ "$pending" -eq 0 ] && return 0
    [ "$(ms)" -lt "$deadline" ] || { say "not settled after $1 s: $have of $exp charges, $pending pending"; return 1; }
    sleep 0.5
  done
}
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
psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" >/dev/null
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
curl -fs -X PUT "$CTL/sim/paystack/mode" -H 'Content-Type: application/json' -d '{"mode": "refuse"}' >/dev/null
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
curl -fs -X PUT "$CTL/sim/paystack/mode" -H 'Content-Type: application/json' -d '{"mode": "normal"}' >/dev/null
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
sql "SELECT '          outcomes: ' || string_agg(status || coalesce('/' || failure_code, '') || ' ' || n, ', ' ORDER BY n DESC)
     FROM (SELECT status, failure_code, count(*) n FROM charges GROUP BY 1, 2) s"
sql "SELECT '          ' || count(*) FILTER (WHERE resolved_from_code = 'interrupted') || ' attempts cut off by a kill resolved by reconciliation ('
            || count(*) FILTER (WHERE resolved_from_code = 'interrupted' AND outcome = 'SUCCESS') || ' had been charged, '
            || count(*) FILTER (WHERE resolved_from_code = 'interrupted' AND outcome <> 'SUCCESS') || ' never reached the provider: '
            || 'failed not_found_at_provider after give-up-after)'
     FROM charge_attempts"
echo "invariants"
for line in "${REPORT[@]}"; do echo "$line"; done
if [ "$FAILED" -eq 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; exit 1; fi
