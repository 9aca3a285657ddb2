#!/bin/bash
# Interleaved rounds of the load harness from two builds (e.g. main and a branch), one JVM per
# build per round, so that both see the same machine load; each round's results.csv goes to
# OUT/<label>-<round>/. Merge with merge_rounds.py.
#
# usage: compare_jars.sh OUT ROUNDS LABEL_A JAR_A LABEL_B JAR_B [harness flags...]
#   e.g. compare_jars.sh /tmp/cmp 3 base /tmp/base.jar new benchmarks/target/benchmarks.jar \
#          --duration 3s --warmup 1s --pin \
#          --threads 1/1,8/8,64/64,64/16 --clients dedicated,jedispool,sockpool,sockpool-validate,redisclient
set -euo pipefail
out=$1 rounds=$2 label_a=$3 jar_a=$4 label_b=$5 jar_b=$6
shift 6
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for pair in "$label_a=$jar_a" "$label_b=$jar_b"; do
    label=${pair%%=*} jar=${pair#*=}
    echo "=== $label round $r $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    java -cp "$jar" io.sockpool.bench.load.LoadHarness --rounds 1 "$@" --out "$out/$label-$r" \
      | grep -E "pinned|ops/s|^(dedicated|jedispool|sockpool|sockpool-validate|redisclient|lettuce|connect) "
  done
done
