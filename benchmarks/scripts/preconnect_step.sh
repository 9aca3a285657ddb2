#!/bin/bash
# The predictive preconnect step-load measurement (docs/benchmarks.md, "Predictive preconnect: a
# step in load"): open-loop checkoutAsync at --low/s, then a step to --high/s, against an in-process
# peer whose connect takes 20 ms (its first reply), with and without SocketPool.preconnect; the
# runs of a round alternate (off, on), so both see the same machine load. Pinned to cores 0-1 with
# taskset (the load JVM and its peer share them). Prints one line per run and a Markdown table of
# medians [min-max]; OUT/preconnect-step.csv has every run.
#
# usage: benchmarks/scripts/preconnect_step.sh OUT [PreconnectStep flags...]
#   e.g. benchmarks/scripts/preconnect_step.sh /tmp/preconnect --rounds 5
set -euo pipefail
out=$1
shift
jar=${JAR:-benchmarks/target/benchmarks.jar}
mkdir -p "$out"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
taskset -c 0,1 java -cp "$jar" io.sockpool.bench.preconnect.PreconnectStep --out "$out" "$@" \
  | tee "$out/preconnect-step.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
