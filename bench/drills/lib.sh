# Shared helpers of the fault drills (bench/drills/*.sh) and of bench/cluster.sh. Source it after setting
# DRILL_NAME (the name in messages) and, where the helpers need them, WORK, JAR, JAVA, SIM_PORT, BROKER_PORT, API
# (the instance the load and the admin checks go to) and SCHEMA. Nothing here starts anything by itself.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
JAVA=${JAVA:-java}
JAR=${JAR:-$ROOT/target/payroute.jar}
ARTEMIS_HOME=${ARTEMIS_HOME:-$(ls -d "$ROOT"/target/artemis-dist/apache-artemis-* 2>/dev/null | head -n 1)}
PG_HOST=${DRILL_PG_HOST:-127.0.0.1}
PG_PORT=${DRILL_PG_PORT:-5432}
PG_DATABASE=${DRILL_PG_DATABASE:-test}
LATENCY_MS=${DRILL_LATENCY_MS:-150}
JITTER_MS=${DRILL_JITTER_MS:-100}
PRODUCER_PASSWORD=${PAYROUTE_PRODUCER_PASSWORD:-producer-dev-only}
# the merchant the REST charges are sent as (each drill has its own schema, so its own merchant)
MERCHANT_KEY=${MERCHANT_KEY:-sk_drill_merchant_key_0000000000000}

# ---------------------------------------------------------------------------------------------------- basics
ms() { date +%s%3N; }
p99() { sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int(NR * 0.99 + 0.5)] : "-" }'; }   # numbers in → 99th percentile
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
T_START=${T_START:-$(ms)}
say() { printf '[%s %5ss] %s\n' "$DRILL_NAME" "$(secs "$T_START" "$(ms)")" "$*"; }
die() { echo "$DRILL_NAME: $*" >&2; exit 2; }

# the tools every drill needs; sets JAVA_BIN and ARTEMIS_JAVA_HOME (the Artemis CLI runs on the drill's JDK)
require_tools() {
  command -v curl >/dev/null || die "needs curl"
  command -v psql >/dev/null || die "needs psql (apt-get install postgresql-client)"
  JAVA_BIN=$(command -v "$JAVA") || die "no java at '$JAVA' (set JAVA)"
  [ -f "$JAR" ] || die "no $JAR: run mvn -DskipTests package first"
  [ -x "$ARTEMIS_HOME/bin/artemis" ] || die "no Artemis distribution under target/artemis-dist: run mvn process-test-resources first"
  ARTEMIS_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA_BIN")")")
}

# finds a PostgreSQL login (trust auth) or, as the PostgreSQL tests do, reports the drill skipped and exits 0
require_postgres() {
  PG_USER=${DRILL_PG_USER:-}
  if [ -z "$PG_USER" ]; then
    for u in postgres root "$(id -un)"; do
      if psql -h "$PG_HOST" -p "$PG_PORT" -U "$u" -d "$PG_DATABASE" -Xqtc 'select 1' >/dev/null 2>&1; then PG_USER=$u; break; fi
    done
  fi
  if [ -z "$PG_USER" ]; then
    echo "$DRILL_NAME SKIPPED: PostgreSQL is not reachable at $PG_HOST:$PG_PORT/$PG_DATABASE (trust auth)"
    exit 0
  fi
}
psql_() { PGOPTIONS="-c search_path=$SCHEMA -c client_min_messages=warning" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" -X -q -v ON_ERROR_STOP=1 "$@"; }
sql() { psql_ -At -F ' ' -c "$1"; }
reset_schema() { psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" >/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
require_free_ports() {
  local port
  for port in "$@"; do port_open "$port" && die "port $port is already in use on 127.0.0.1"; done
  return 0
}

stop_pid() { # pid: TERM, then KILL after 15 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
BG_PIDS=()
run_bg() { "$@" & BG_PIDS+=("$!"); LAST_PID=$!; }
run_fg() { "$@" & BG_PIDS+=("$!"); wait "$!" || true; }
kill_background() { local pid; for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done; BG_PIDS=(); }

# ------------------------------------------------------------------------------------------------- simulators
# the providers, in their own process so their ledgers survive whatever the drill does to PayRoute
SIM_PID=
start_simulators() {
  local p i=1 args=()
  for p in paystack flutterwave stripe; do
    args+=(--payroute.simulators.providers.$p.port=$((SIM_PORT + i))
           --payroute.simulators.providers.$p.latency-ms="$LATENCY_MS"
           --payroute.simulators.providers.$p.latency-jitter-ms="$JITTER_MS")
    i=$((i + 1))
  done
  "$JAVA" -Xmx256m -XX:+UseSerialGC -Dsun.net.httpserver.nodelay=true \
    -Dloader.main=io.payroute.simulator.SimulatorsMain -jar "$JAR" \
    --payroute.simulators.host=127.0.0.1 --payroute.simulators.control-port="$SIM_PORT" "${args[@]}" \
    > "$WORK/simulators.log" 2>&1 &
  SIM_PID=$!
}
wait_simulators() {
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$SIM_PORT/sim" >/dev/null 2>&1 && return 0
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$WORK/simulators.log"; die "the simulators did not start"
}
sim_mode() { # provider mode-json
  curl -fs -X PUT "http://127.0.0.1:$SIM_PORT/sim/$1/mode" -H 'Content-Type: application/json' -d "$2" >/dev/null
}
sim_behaviour() { # provider behaviour-json (only the fields to change)
  curl -fs -X PUT "http://127.0.0.1:$SIM_PORT/sim/$1/behaviour" -H 'Content-Type: application/json' -d "$2" >/dev/null
}

# The service as production runs it against external providers (the simulators), with the timers shortened so a
# drill settles in minutes, not hours: reconciliation polls every second and asks on a 1 s, 2 s, 5 s schedule; an
# attempt cut off by a kill is due 2 × (1 s connect + 3 s response) + 2 s after it started, and one the provider
# never saw fails after 90 s (give-up-after, 3 days in production): as in production, after the round lease has run
# out, so an asynchronous charge's own message sends such an attempt again first. The round lease stays 1 min (DRILL_ROUND_LEASE),
# longer than a restart takes; redeliveries every 10 s at most (1 s doubling, 10 deliveries: 65 s) outlast that lease.
PROVIDER_CONNECT_TIMEOUT_S=1
PROVIDER_RESPONSE_TIMEOUT_S=3
service_args() {
  local p i=1
  printf '%s\n' \
    --spring.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DATABASE?currentSchema=$SCHEMA" \
    --spring.datasource.username="$PG_USER" --spring.datasource.password= \
    --spring.flyway.schemas="$SCHEMA" \
    --payroute.bootstrap.api-key="$MERCHANT_KEY" \
    --payroute.rate-limit.per-second=1000000 --payroute.rate-limit.burst=1000000 \
    --payroute.simulators.enabled=false --payroute.raw-cards=false \
    --payroute.reconciliation.poll-interval=1s --payroute.reconciliation.schedule=1s,2s,5s \
    --payroute.reconciliation.in-flight-grace=2s --payroute.reconciliation.claim-timeout=10s \
    --payroute.reconciliation.give-up-after=90s \
    --payroute.retries.backoff=5s --payroute.retries.max-backoff=5s --payroute.retries.max-rounds=10 \
    --payroute.retries.round-lease="${DRILL_ROUND_LEASE:-60s}" --payroute.idempotency.in-flight-lease=20s \
    --payroute.outbox.claim-lease=5s --payroute.broker.redelivery.max-delay=10s \
    --payroute.mappings.cache=true --camel.main.routes-reload-enabled=false \
    --logging.level.io.payroute.provider.ProviderCalls=WARN
  for p in paystack flutterwave stripe; do
    printf '%s\n' --payroute.providers.$p.base-url=http://127.0.0.1:$((SIM_PORT + i)) \
      --payroute.providers.$p.connect-timeout=${PROVIDER_CONNECT_TIMEOUT_S}s --payroute.providers.$p.response-timeout=${PROVIDER_RESPONSE_TIMEOUT_S}s
    i=$((i + 1))
  done
}
wait_ready() { # url pid log: waits up to 2 min for readiness; returns 1 if it never came
  for _ in $(seq 1 240); do
    curl -fs "$1/actuator/health/readiness" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 40 "$3"; return 1
}

# ------------------------------------------------------------------------------------------------------ load
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
  sed -n 's/.*Produced: \([0-9]*\) messages.*/\1/p' "$WORK/produce-$1.out" | awk '{ s += $1 } END { print s + 0 }'
}

# one curl config per REST batch: "<reference> <tokens>" lines in → POST /v1/charges to $REST_URL (default $API),
# each with its reference as Idempotency-Key, Prefer: respond-async unless REST_SYNC=1, at most $REST_MAX_TIME (20) s;
# each transfer prints "<reference> <http status> <seconds>" (000: no answer)
rest_config() {
  local b sep= url=${REST_URL:-$API} prefer='header = "Prefer: respond-async"'
  [ -z "${REST_SYNC:-}" ] || prefer=
  while read -r ref tokens; do
    b=$(body "$ref" "$tokens")
    # "next" separates transfers: one after the last would be an empty transfer that fails the whole run
    printf '%surl = "%s/v1/charges"\nheader = "Content-Type: application/json"\n%s\nheader = "Authorization: Bearer %s"\n' "$sep" "$url" "$prefer" "$MERCHANT_KEY"
    # max-time per transfer: on the command line it would bound only the first one
    printf 'header = "Idempotency-Key: %s"\ndata = "%s"\noutput = "/dev/null"\nmax-time = %s\nwrite-out = "%s %%{http_code} %%{time_total}\\n"\n' \
      "$ref" "${b//\"/\\\"}" "${REST_MAX_TIME:-20}" "$ref"
    sep=$'next\n'
  done
}
rest_send() { # requests-file out-file: sends them, $REST_PARALLEL (16) at a time (run in the background: its pid is curl's)
  rest_config < "$1" > "$1.curl"
  exec curl -s --parallel --parallel-immediate --parallel-max "${REST_PARALLEL:-16}" -K "$1.curl" > "$2" 2>>"$WORK/curl.err"
}

# ---------------------------------------------------------------------------------------------------- checks
FAILED=0
declare -a REPORT=()
record() { # verdict name detail
  REPORT+=("$(printf '%-4s  %s%s' "$1" "$2" "${3:+  ($3)}")")
  [ "$1" = PASS ] || FAILED=1
}
report_and_exit() { # prints the invariants and the result; exits 1 when one failed
  echo "invariants"
  local line
  for line in "${REPORT[@]}"; do echo "$line"; done
  if [ "$FAILED" -eq 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; exit 1; fi
}
admin_key() { echo "${PAYROUTE_ADMIN_API_KEY:-$(cat "$WORK/admin-api-key")}"; }
load_ledgers() {
  : > "$WORK/ledgers.jsonl"
  for p in paystack flutterwave stripe; do
    curl -fs "http://127.0.0.1:$SIM_PORT/sim/$p/ledger" >> "$WORK/ledgers.jsonl" || die "cannot read the $p ledger"
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
# the invariants over every charge the drill expects ($WORK/expected.csv: reference,channel,count) and everything
# in the ledgers
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
              coalesce(sum(expected) FILTER (WHERE channel = 'rest'), 0), coalesce(sum(expected) FILTER (WHERE channel = 'queue'), 0),
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
  dlq=$(curl -fs -H "Authorization: Bearer $(admin_key)" "$API/v1/admin/dead-letters?limit=1000" || echo unreadable)
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
  local deadline=$(( $(ms) + $1 * 1000 )) exp have pending
  exp=$(awk -F, '{ s += $3 } END { print s + 0 }' "$WORK/expected.csv")
  while :; do
    read -r have pending < <(sql "SELECT count(*), count(*) FILTER (WHERE status = 'pending') FROM charges")
    [ "$have" -ge "$exp" ] && [ "$pending" -eq 0 ] && return 0
    [ "$(ms)" -lt "$deadline" ] || { say "not settled after $1 s: $have of $exp charges, $pending pending"; return 1; }
    sleep 0.5
  done
}
outcomes_line() { # the charges' outcomes, one line
  sql "SELECT coalesce(string_agg(status || coalesce('/' || failure_code, '') || ' ' || n, ', ' ORDER BY n DESC), 'none')
       FROM (SELECT status, failure_code, count(*) n FROM charges GROUP BY 1, 2) s"
}
