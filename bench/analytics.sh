#!/usr/bin/env bash
# Times every analytics query on 100,000 seeded charges (io.payroute.analytics.AnalyticsBench, a test-scoped main):
#   bench/analytics.sh h2 [charges]                 H2 file under target/analytics-bench
#   bench/analytics.sh postgres SCHEMA [charges]    PostgreSQL 127.0.0.1:5432/test; SCHEMA is dropped and recreated
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
JAVA=${BENCH_JAVA:-java}
"$JAVA" -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.payroute.analytics.AnalyticsBench "$@"
