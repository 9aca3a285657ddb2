#!/bin/bash
# The contended point (64 threads on 16 connections) at several sockpool fairness windows, with
# JedisPool beside each one in the same JVM: ROUNDS rounds, each round one JVM per window in turn
# (so every window sees the same machine load), results in OUT/fw<W>-<round>/results.csv.
#
# usage: fairness_sweep.sh OUT ROUNDS "5ms 20ms 100ms" [harness flags...]
#   e.g. benchmarks/scripts/fairness_sweep.sh /tmp/fw 3 "10ms 50ms 100ms 200ms" --pin
# Summarise with fairness_summary.py OUT. On a shared machine, wrap it in flock /tmp/bench.lock.
set -euo pipefail
out=$1 rounds=$2 windows=$3
shift 3
jar=${JAR:-benchmarks/target/benchmarks.jar}
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for w in $windows; do
    echo "=== fairnessWindow $w round $r $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    java -cp "$jar" io.sockpool.bench.load.LoadHarness --rounds 1 --duration 3s --warmup 1s \
      --threads 64/16 --clients jedispool,sockpool --fairness-window "$w" "$@" --out "$out/fw$w-$r" \
      | grep -E "^(jedispool|sockpool) " || true
  done
done
