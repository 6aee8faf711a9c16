# Sourced by the benchmarks: starts PayRoute from target/payroute.jar as the README runs it (embedded broker,
# durable H2 file database in a temporary directory, or PostgreSQL with BENCH_DATABASE=postgres, simulators on,
# mappings cached, route reload off) on $PORT, with simulators on 28180-28183 and the broker acceptor on
# 127.0.0.1:61636, and waits until it is ready.
# Sets PID, WORK, JAVA and BENCH_LOG; stops the service and removes WORK on exit.
PORT=${BENCH_PORT:-8090}
# the merchant key the load is sent with (rate limits lifted: the benchmark measures the service, not the limit)
BENCH_KEY=sk_bench_merchant_key_000000000000
WORK=$(mktemp -d /tmp/payroute-bench.XXXX)
# JDK 21+ if present: virtual threads (spring.threads.virtual.enabled) instead of a bounded thread pool
JAVA=${BENCH_JAVA:-$(ls -d /usr/lib/jvm/temurin-2[1-9]*/bin/java /usr/lib/jvm/*-2[1-9]-*/bin/java 2>/dev/null | head -n 1)}
JAVA=${JAVA:-java}
[ -f target/payroute.jar ] || mvn -B -q package -DskipTests
# BENCH_DATABASE=postgres: the machine's PostgreSQL (127.0.0.1:5432, database test) in schema payroute_bench, dropped
# and made anew for each run; otherwise the durable H2 file the README's quick start uses
if [ "${BENCH_DATABASE:-h2}" = postgres ]; then
  psql -h 127.0.0.1 -U postgres -d test -q -c "DROP SCHEMA IF EXISTS payroute_bench CASCADE; CREATE SCHEMA payroute_bench" \
    || { echo "bench: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 2; }
  DATABASE_ARGS=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=payroute_bench"
    --spring.datasource.username=postgres --spring.datasource.password= --spring.flyway.schemas=payroute_bench)
else
  DATABASE_ARGS=(--spring.datasource.url="jdbc:h2:file:$WORK/payroute;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=128;WRITE_DELAY=0")
fi

"$JAVA" ${BENCH_JAVA_OPTS:--Xms1g -Xmx2g -XX:+UseParallelGC} -jar target/payroute.jar ${BENCH_ARGS:-} \
  --server.port="$PORT" \
  "${DATABASE_ARGS[@]}" \
  --spring.artemis.embedded.data-directory="$WORK/artemis" \
  --payroute.secrets.key-file="$WORK/master.key" --payroute.admin.api-key-file="$WORK/admin-api-key" \
  --payroute.bootstrap.api-key="$BENCH_KEY" \
  --payroute.rate-limit.per-second=1000000 --payroute.rate-limit.burst=1000000 \
  --payroute.broker.acceptor-url="tcp://127.0.0.1:61636?protocols=CORE,AMQP" \
  --payroute.simulators.control-port=28180 \
  --payroute.simulators.providers.paystack.port=28181 \
  --payroute.simulators.providers.flutterwave.port=28182 \
  --payroute.simulators.providers.stripe.port=28183 \
  --payroute.providers.paystack.base-url=http://127.0.0.1:28181 \
  --payroute.providers.flutterwave.base-url=http://127.0.0.1:28182 \
  --payroute.providers.stripe.base-url=http://127.0.0.1:28183 \
  --payroute.mappings.cache=true --camel.main.routes-reload-enabled=false \
  --logging.level.io.payroute.provider.ProviderCalls=WARN \
  > "${BENCH_LOG:=$WORK/service.log}" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 1 90); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -50 "$BENCH_LOG"; exit 1; }
