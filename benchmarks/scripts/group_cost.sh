#!/bin/bash
# What a replica group costs the checkout hot path (JMH GroupCheckoutBench): a plain endpoint, a
# group of one, a group of three; one JMH fork per benchmark, interleaved in rounds (each round
# starts with the next benchmark); prints per benchmark the median ns/op with its spread, and the
# median of the per-round ratios to the plain endpoint (targets: group of one <= 1.05, three <= 1.15).
# Pinned to one core (CPUS, default 0) with taskset; the JMH forks inherit the affinity.
#
# usage: benchmarks/scripts/group_cost.sh [OUT_DIR] [ROUNDS] [JMH options...]
#   default OUT_DIR group-cost, ROUNDS 5, JMH -wi 3 -w 1 -i 5 -r 1
#   short check: benchmarks/scripts/group_cost.sh /tmp/gc 1 -wi 1 -w 500ms -i 2 -r 500ms
#   writes OUT_DIR/table.txt, OUT_DIR/rounds.csv and OUT_DIR/jmh.log
# Build the jar first: mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-group-cost}
rounds=${2:-5}
shift 2 || shift $# || true
jmh=("$@")
[ ${#jmh[@]} -eq 0 ] && jmh=(-wi 3 -w 1 -i 5 -r 1)
jar=${JAR:-benchmarks/target/benchmarks.jar}
cpus=${CPUS:-0}
benches=(plainEndpoint groupOfOne groupOfThree)
mkdir -p "$out"
: > "$out/jmh.log"
echo "round,benchmark,ns_per_op" > "$out/rounds.csv"
echo "start $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), pinned to CPU(s) $cpus" \
  | tee "$out/table.txt"
for ((r = 1; r <= rounds; r++)); do
  for ((k = 0; k < 3; k++)); do
    b=${benches[$(((k + r - 1) % 3))]}
    taskset -c "$cpus" java -jar "$jar" "GroupCheckoutBench\.$b\$" -f 1 "${jmh[@]}" \
      -rf csv -rff "$out/r$r-$b.csv" >> "$out/jmh.log" 2>&1
    score=$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["Score"])' \
      "$out/r$r-$b.csv")
    echo "$r,$b,$score" >> "$out/rounds.csv"
  done
done
python3 - "$out/rounds.csv" <<'PY' | tee -a "$out/table.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for row in rows:
    by.setdefault(row["benchmark"], {})[int(row["round"])] = float(row["ns_per_op"])
print("group checkout + close, ns/op, %d round(s): median (min-max); ratio to plainEndpoint" % len(by["plainEndpoint"]))
for b in ("plainEndpoint", "groupOfOne", "groupOfThree"):
    v = list(by[b].values())
    ratios = [by[b][r] / by["plainEndpoint"][r] for r in by[b]]
    print("%-14s %8.1f (%.1f-%.1f)  ratio %.3f (%.3f-%.3f)" % (
        b, statistics.median(v), min(v), max(v),
        statistics.median(ratios), min(ratios), max(ratios)))
PY
echo "end $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/table.txt"
