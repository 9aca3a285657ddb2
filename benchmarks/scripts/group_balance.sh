#!/usr/bin/env bash
# Replica groups: a slow member (+20 ms per reply) among three, under N threads: slow share and
# p50/p99 for the group (P2C over peak EWMA), round robin, and the two healthy members only.
# Rounds interleave the three modes; prints medians (min-max). Output: stdout and
# benchmarks/target/group-balance.txt. Usage: group_balance.sh [threads=16] [seconds=5] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -pl benchmarks -am package -DskipTests
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee benchmarks/target/group-balance.txt
taskset -c 0,1 java -cp benchmarks/target/benchmarks.jar io.sockpool.bench.group.GroupHarness \
  "${1:-16}" "${2:-5}" "${3:-3}" 2>/dev/null | tee -a benchmarks/target/group-balance.txt
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a benchmarks/target/group-balance.txt
