#!/usr/bin/env bash
# Routing without HTTP (docs/routing.md, results in bench/README.md):
#   bench/routing.sh simulation [transactions [seed...]]   smart against the static strategies, 20,000 charges, seed 7
#   bench/routing.sh benchmark [decisions]                 the cost of one routing decision, 10 providers x 5 dimensions
# BENCH_JAVA=/path/to/java picks the JDK (default: java on the PATH); BENCH_JAVA_OPTS adds JVM options, such as
# -Dpayroute.routing.success-value-percent=50 to try other routing settings than application.yaml's.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-}"
case "$what" in
  simulation) main=io.payroute.routing.RoutingSimulation ;;
  benchmark) main=io.payroute.routing.RoutingBenchmark ;;
  *) echo "usage: bench/routing.sh simulation|benchmark [arguments]" >&2; exit 2 ;;
esac
shift

mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/routing-bench.classpath
# the simulation reads the routing settings from application.yaml; its log lines would only interleave the table
exec "${BENCH_JAVA:-java}" ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/quiet-logback.xml \
  -cp "target/classes:target/test-classes:$(cat target/routing-bench.classpath)" "$main" "$@"
