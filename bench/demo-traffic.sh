#!/usr/bin/env bash
# Demo traffic for a running PayRoute with its simulators on (README: "See it work"): 10,000 charges through the
# merchant API, one provider degrading half-way. Options (io.payroute.demo.DemoTraffic):
#   --charges=10000 --rate=90 --concurrency=48 --degrade=flutterwave --keep-degraded
#   --url=http://127.0.0.1:8080 --simulators=http://127.0.0.1:18080
#   --api-key=sk_... (default: PAYROUTE_MERCHANT_API_KEY, or the data/merchant-api-key the service generated)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/demo-classpath.txt
exec java -cp "target/classes:$(cat target/demo-classpath.txt)" io.payroute.demo.DemoTraffic "$@"
