#!/bin/bash
# TLS handshake time, full vs resumed (TLS 1.2 and 1.3), interleaved rounds, medians + spread.
# Client pool and TLS peer run in one JVM pinned to one core (taskset), as docs/benchmarks.md pins.
#
# usage: benchmarks/scripts/tls_handshakes.sh [ROUNDS] [CONNECTIONS] [CPU]   (default 5 16 1)
# output: stdout, and benchmarks/results/tls-handshakes-<date>.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5} conns=${2:-16} cpu=${3:-1}
mvn -B -q -o -pl pool-testkit,pool-core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/tls-bench.classpath -Dmdep.includeScope=test >/dev/null
cp="pool-core/target/classes:pool-core/target/test-classes:$(cat pool-core/target/tls-bench.classpath)"
mkdir -p benchmarks/results
out=benchmarks/results/tls-handshakes-$(date +%Y%m%d-%H%M%S).txt
{
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; pinned to CPU $cpu"
  taskset -c "$cpu" java -cp "$cp" io.sockpool.tls.TlsHandshakeBench "$rounds" "$conns" 2>/dev/null
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
