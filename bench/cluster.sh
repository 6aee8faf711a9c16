#!/usr/bin/env bash
# docker-compose.yml's topology from local processes (docs/scaling.md): a standalone Artemis broker with persistence
# (an instance of the Artemis bin distribution, configured by bench/cluster/broker.xml, with PayRoute's users, roles
# and the SenderStampPlugin), the provider simulators as their own process, and two PayRoute instances on one
# PostgreSQL schema, all on 127.0.0.1.
#
#   bench/cluster.sh start | stop | status
#   bench/cluster.sh plugin-jar      (target/payroute-broker-plugin.jar, which docker-compose.yml mounts into the broker)
#
# Run it, or source it: the drills (bench/drills/*-drill.sh) use its functions to start, kill and restart the parts.
# Needs target/payroute.jar and target/artemis-dist (mvn -B package -DskipTests), curl, psql and PostgreSQL on
# 127.0.0.1:5432 (database "test", trust auth). `start` drops and recreates the schema.
# Settings (environment): CLUSTER_DIR (/tmp/payroute-cluster: broker instance, logs, pids, keys), CLUSTER_SCHEMA
# (payroute_cluster), CLUSTER_API_PORTS ("19180 19181": one instance per port), CLUSTER_BROKER_PORT (61666),
# CLUSTER_SIM_PORT (19190; providers on the next three), CLUSTER_JAVA_OPTS, CLUSTER_SERVICE_ARGS (more options for
# every instance), JAVA, DRILL_LATENCY_MS / DRILL_JITTER_MS
# (simulators, 150 / 100 ms), PAYROUTE_BROKER_PASSWORD / PAYROUTE_PRODUCER_PASSWORD / PAYROUTE_SUBSCRIBER_PASSWORD.
# Merchant calls take `Authorization: Bearer $MERCHANT_KEY`; the admin key is in $CLUSTER_DIR/keys.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DRILL_NAME=${DRILL_NAME:-cluster}
# shellcheck source=drills/lib.sh
. "$ROOT/bench/drills/lib.sh"

CLUSTER_DIR=${CLUSTER_DIR:-/tmp/payroute-cluster}
SCHEMA=${CLUSTER_SCHEMA:-payroute_cluster}
read -r -a API_PORTS <<<"${CLUSTER_API_PORTS:-19180 19181}"
BROKER_PORT=${CLUSTER_BROKER_PORT:-61666}
SIM_PORT=${CLUSTER_SIM_PORT:-19190}
CLUSTER_JAVA_OPTS=${CLUSTER_JAVA_OPTS:--Xms256m -Xmx768m -XX:+UseParallelGC}
BROKER_DIR=$CLUSTER_DIR/broker
BROKER_PASSWORD=${PAYROUTE_BROKER_PASSWORD:-payroute-dev-only}
# where the instances find PostgreSQL: a drill may put a proxy in between (DB_PORT)
DB_PORT=${DB_PORT:-$PG_PORT}
WORK=$CLUSTER_DIR
API=http://127.0.0.1:${API_PORTS[0]}
api() { echo "http://127.0.0.1:${API_PORTS[$(($1 - 1))]}"; }   # instance number (1, 2, ...) → its base URL

pid_of() { cat "$CLUSTER_DIR/$1.pid" 2>/dev/null || true; }   # part name → pid, empty when not started
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# ------------------------------------------------------------------------------------------------------ keys
# every instance needs the same master key (work messages sealed on one open on another) and admin key
cluster_keys() {
  mkdir -p "$CLUSTER_DIR"
  if [ ! -f "$CLUSTER_DIR/keys" ]; then
    (umask 077; printf 'PAYROUTE_MASTER_KEY=%s\nPAYROUTE_ADMIN_API_KEY=%s\n' \
      "$(head -c 32 /dev/urandom | base64)" "ak_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$CLUSTER_DIR/keys")
  fi
  set -a; . "$CLUSTER_DIR/keys"; set +a
}

# ---------------------------------------------------------------------------------------------------- broker
# an Artemis instance made by the distribution's own `artemis create`, then PayRoute's broker.xml, users and roles,
# and the sender-stamp plugin in a jar of its own (the broker cannot load classes from the Spring Boot jar)
broker_create() {
  [ -d "$BROKER_DIR" ] && return 0
  JAVA_HOME=$ARTEMIS_JAVA_HOME "$ARTEMIS_HOME/bin/artemis" create --silent --require-login --user payroute \
    --password "$BROKER_PASSWORD" --role payroute --host 127.0.0.1 --default-port "$BROKER_PORT" --no-web --nio \
    --no-autotune --java-memory 512M "$BROKER_DIR" </dev/null > "$CLUSTER_DIR/broker-create.log" 2>&1 \
    || { tail -n 20 "$CLUSTER_DIR/broker-create.log"; die "artemis create failed"; }
  cp "$ROOT/bench/cluster/broker.xml" "$ROOT/bench/cluster/artemis-roles.properties" "$BROKER_DIR/etc/"
  printf 'payroute = %s\nproducer = %s\nsubscriber = %s\n' "$BROKER_PASSWORD" "$PRODUCER_PASSWORD" \
    "${PAYROUTE_SUBSCRIBER_PASSWORD:-subscriber-dev-only}" > "$BROKER_DIR/etc/artemis-users.properties"
  # (the profile ends without a newline)
  printf '\nJAVA_ARGS="$JAVA_ARGS -Dpayroute.broker.host=127.0.0.1 -Dpayroute.broker.port=%s"\n' "$BROKER_PORT" >> "$BROKER_DIR/etc/artemis.profile"
  broker_plugin_jar "$BROKER_DIR/lib/payroute-broker-plugin.jar"
}
broker_plugin_jar() { # target jar (docs/queues.md, "The plugin class")
  local tmp
  tmp=$(mktemp -d)
  local jar_tool
  jar_tool=$(dirname "$(readlink -f "$JAVA_BIN")")/jar
  (cd "$tmp" && "$jar_tool" xf "$JAR" BOOT-INF/classes/io/payroute/broker/SenderStampPlugin.class)
  "$jar_tool" cf "$1" -C "$tmp/BOOT-INF/classes" io
  rm -rf "$tmp"
}
broker_start() {
  broker_create
  (cd "$BROKER_DIR" && JAVA_HOME=$ARTEMIS_JAVA_HOME exec bin/artemis run </dev/null >> "$CLUSTER_DIR/broker.log" 2>&1) &
  echo $! > "$CLUSTER_DIR/broker.pid"
  for _ in $(seq 1 120); do
    port_open "$BROKER_PORT" && return 0
    alive broker || break
    sleep 0.5
  done
  tail -n 30 "$CLUSTER_DIR/broker.log"; die "the broker did not start"
}
broker_stop() { stop_pid "$(pid_of broker)"; rm -f "$CLUSTER_DIR/broker.pid"; }

# ------------------------------------------------------------------------------------------------- simulators
simulators_start() { start_simulators; echo "$SIM_PID" > "$CLUSTER_DIR/simulators.pid"; wait_simulators; }

# ------------------------------------------------------------------------------------------------- instances
instance_start() { # n: starts instance n in the background (instance_wait waits for it)
  local n=$1 args
  mapfile -t args < <(service_args)
  # service_args points at $PG_PORT; the instances go through $DB_PORT
  args=("${args[@]/:$PG_PORT\//:$DB_PORT/}")
  # shellcheck disable=SC2086
  (cd "$ROOT" && PAYROUTE_INSTANCES=${#API_PORTS[@]} exec "$JAVA" $CLUSTER_JAVA_OPTS -jar "$JAR" "${args[@]}" \
    --server.port="${API_PORTS[$((n - 1))]}" \
    --spring.artemis.embedded.enabled=false --spring.artemis.mode=native \
    --spring.artemis.broker-url="tcp://127.0.0.1:$BROKER_PORT" \
    --spring.artemis.user=payroute --spring.artemis.password="$BROKER_PASSWORD" ${CLUSTER_SERVICE_ARGS:-} \
    >> "$CLUSTER_DIR/instance-$n.log" 2>&1) &
  echo $! > "$CLUSTER_DIR/instance-$n.pid"
}
instance_wait() { # n
  wait_ready "$(api "$1")" "$(pid_of "instance-$1")" "$CLUSTER_DIR/instance-$1.log" || die "instance $1 did not become ready"
}
instance_kill() { # n: SIGKILL, no shutdown hook, nothing flushed that was not already durable
  local pid
  pid=$(pid_of "instance-$1")
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$CLUSTER_DIR/instance-$1.pid"
}
instance_stop() { stop_pid "$(pid_of "instance-$1")"; rm -f "$CLUSTER_DIR/instance-$1.pid"; }

# ----------------------------------------------------------------------------------------------------- whole
cluster_start() {
  require_tools
  require_postgres
  require_free_ports "${API_PORTS[@]}" "$BROKER_PORT" "$SIM_PORT" $((SIM_PORT + 1)) $((SIM_PORT + 2)) $((SIM_PORT + 3))
  cluster_keys
  reset_schema
  broker_start
  simulators_start
  # the first instance migrates the schema and creates the merchant alone; the others start once it is ready
  instance_start 1
  instance_wait 1
  local n
  for n in $(seq 2 ${#API_PORTS[@]}); do instance_start "$n"; done
  for n in $(seq 2 ${#API_PORTS[@]}); do instance_wait "$n"; done
}
cluster_stop() {
  local n
  for n in $(seq 1 ${#API_PORTS[@]}); do instance_stop "$n"; done
  stop_pid "$(pid_of simulators)"; rm -f "$CLUSTER_DIR/simulators.pid"
  broker_stop
}
cluster_status() {
  local part n ready
  for part in broker simulators $(for n in $(seq 1 ${#API_PORTS[@]}); do echo "instance-$n"; done); do
    ready=
    case $part in
      broker) port_open "$BROKER_PORT" && ready="tcp://127.0.0.1:$BROKER_PORT" ;;
      simulators) curl -fs "http://127.0.0.1:$SIM_PORT/sim" >/dev/null 2>&1 && ready="http://127.0.0.1:$SIM_PORT" ;;
      *) curl -fs "$(api "${part#instance-}")/actuator/health/readiness" >/dev/null 2>&1 && ready="$(api "${part#instance-}")" ;;
    esac
    printf '%-12s %-8s %s\n' "$part" "$(alive "$part" && echo "pid $(pid_of "$part")" || echo down)" "${ready:-not answering}"
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case ${1:-} in
    start) cluster_start; cluster_status
           echo "merchant key: $MERCHANT_KEY; admin key and master key: $CLUSTER_DIR/keys; logs: $CLUSTER_DIR/*.log" ;;
    stop) cluster_stop ;;
    status) cluster_status ;;
    # for docker-compose.yml's broker
    plugin-jar) require_tools; broker_plugin_jar "$ROOT/target/payroute-broker-plugin.jar"; echo "$ROOT/target/payroute-broker-plugin.jar" ;;
    *) echo "usage: $0 start | stop | status | plugin-jar" >&2; exit 2 ;;
  esac
fi
