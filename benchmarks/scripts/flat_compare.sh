#!/bin/bash
# Flatness (checkout + return at 1 vs 1,000 endpoints, 1 thread) of two or more builds, run in
# the same minutes: per pass, JMH (hotpath_table.sh with SKIP_PING=1, one run) for each build in
# turn, then FlatProbe (thread CPU time, pinned to CPU 0) for each build in turn. Compare the
# ratios within one pass; the load average is logged before every run.
#
# usage: flat_compare.sh OUT PASSES NAME=JAR [NAME=JAR...]
#   e.g. # build each commit's jar (mvn -B -q -pl benchmarks -am package -DskipTests), copy it aside
#        benchmarks/scripts/flat_compare.sh /tmp/flatcmp 2 old=/tmp/old.jar new=/tmp/new.jar
# env:   PROBE_ARGS  FlatProbe's cycles per block and rounds (default: 600000 7)
#        JMH_ARGS    passed on to hotpath_table.sh
# Writes OUT/log (every result line, with the load) and OUT/jmh-NAME-PASS/ (hotpath_table's files).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 OUT PASSES NAME=JAR [NAME=JAR...]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
passes=$2
shift 2
mkdir -p "$out/trees"
names=()
for nj in "$@"; do
  n=${nj%%=*}
  j=${nj#*=}
  if [ ! -f "$j" ]; then
    echo "no jar at $j (for $n)" >&2
    exit 2
  fi
  t=$out/trees/$n
  mkdir -p "$t/benchmarks/target"
  rm -rf "$t/benchmarks/scripts"
  cp -r "$root/benchmarks/scripts" "$t/benchmarks/scripts" # this checkout's scripts, each jar
  cp "$j" "$t/benchmarks/target/benchmarks.jar"
  names+=("$n")
done
log() { echo "== $1 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log"; }
for p in $(seq 1 "$passes"); do
  for n in "${names[@]}"; do
    log "pass $p $n jmh"
    (cd "$out/trees/$n" && SKIP_PING=1 benchmarks/scripts/hotpath_table.sh "$out/jmh-$n-$p" 1 \
      | grep -E "^\| 1(,000)? \||^Flat") | tee -a "$out/log"
  done
  for n in "${names[@]}"; do
    log "pass $p $n flatprobe"
    # shellcheck disable=SC2086 # PROBE_ARGS is a list of arguments
    (cd "$out/trees/$n" && taskset -c 0 java -Xms512m -Xmx512m -cp benchmarks/target/benchmarks.jar \
      benchmarks/scripts/probes/FlatProbe.java ${PROBE_ARGS:-600000 7} | tail -3) | tee -a "$out/log"
  done
done
log "end"
