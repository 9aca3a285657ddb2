#!/bin/bash
# The predictive preconnect step-load measurement (docs/benchmarks.md, "Predictive preconnect: a
# step in load"): open-loop checkoutAsync at --low/s, then a step to --high/s, against an in-process
# peer whose connect takes 20 ms (its first reply), with and without SocketPool.preconnect; the
# runs of a round alternate (off, on), so both see the same machine load. Pinned to the cores CPUS
# (default 0,1) with taskset; the peer shares them unless --peer-core N runs it in a JVM of its own
# on CPU N (then set CPUS to the other cores). Prints one line per run and a Markdown table of
# medians [min-max]; OUT/preconnect-step.csv has every run.
#
# usage: [CPUS=0,1] benchmarks/scripts/preconnect_step.sh OUT [PreconnectStep flags...]
#   e.g. benchmarks/scripts/preconnect_step.sh /tmp/preconnect --rounds 5
#        CPUS=0 benchmarks/scripts/preconnect_step.sh /tmp/pre-own --rounds 5 --peer-core 1
set -euo pipefail
out=$1
shift
jar=${JAR:-benchmarks/target/benchmarks.jar}
mkdir -p "$out"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
taskset -c "${CPUS:-0,1}" java -cp "$jar" io.sockpool.bench.preconnect.PreconnectStep --out "$out" "$@" \
  | tee "$out/preconnect-step.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
