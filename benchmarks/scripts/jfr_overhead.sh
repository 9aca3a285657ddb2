#!/bin/bash
# What sockpool's JFR events cost the checkout hot path: JfrOverheadBench with JFR off, a recording
# with the io.sockpool events disabled, and one with them enabled at their default thresholds, one
# JMH fork each, interleaved in rounds; prints medians, spread and the ratios to "off".
# Pinned to one core (CPUS, default 0) with taskset; the JMH forks inherit the affinity.
#
# usage: benchmarks/scripts/jfr_overhead.sh [OUT_DIR] [runner flags and JMH options...]
#   default OUT_DIR jfr-overhead; writes OUT_DIR/table.txt and OUT_DIR/rounds.csv
#   e.g. benchmarks/scripts/jfr_overhead.sh /tmp/jfr --rounds 5 -wi 3 -w 1 -i 5 -r 1
#   short check: benchmarks/scripts/jfr_overhead.sh /tmp/jfr --rounds 1 -wi 1 -w 500ms -i 2 -r 500ms
# Build the jar first: mvn -B -q -pl benchmarks -am package -DskipTests
# JAR=path overrides benchmarks/target/benchmarks.jar (e.g. a jar of another build).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-jfr-overhead}
shift || true
jar=${JAR:-benchmarks/target/benchmarks.jar}
cpus=${CPUS:-0}
mkdir -p "$out"
echo "start $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), pinned to CPU(s) $cpus" \
  | tee "$out/table.txt"
taskset -c "$cpus" java -cp "$jar" io.sockpool.bench.jmh.JfrOverheadRunner --csv "$out/rounds.csv" "$@" \
  | tee "$out/jmh.log" | sed -n '/^JFR overhead/,$p' | tee -a "$out/table.txt"
echo "end $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/table.txt"
