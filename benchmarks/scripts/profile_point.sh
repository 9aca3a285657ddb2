#!/bin/bash
# Profiles ONE load-harness point for ONE client (10 s after 3 s of warm-up): async-profiler runs inside the load JVM for the
# measured window only (LoadHarness --profile), then profile_summary.py prints the top frames, the
# time under the key frames and the per-category split (% and µs per PING).
#
# usage: profile_point.sh CLIENT THREADS/POOL [--pin] [more harness flags...]
#   e.g. benchmarks/scripts/profile_point.sh sockpool 8/8 --pin
#        PROFILE_EVENT=cpu,interval=1ms benchmarks/scripts/profile_point.sh jedispool 64/16 --duration 10s
# env:   PROFILE_EVENT  async-profiler options (default itimer: process CPU time at the kernel tick,
#                       user frames only; cpu,interval=1ms adds
#                       kernel frames (needs kernel.perf_event_paranoid <= 1) but costs far more,
#                       see docs/benchmarks.md "Profiling")
#        OUT            output directory (default benchmarks/target/profiles/CLIENT-THREADSxPOOL)
# Writes OUT/profile-CLIENT-THREADSxPOOL-r1.collapsed (+ .meta), results.csv, summary.txt.
# Several clients or points at once: run LoadHarness with --profile yourself (see docs/benchmarks.md).
# On a shared machine, wrap it: flock /tmp/bench.lock benchmarks/scripts/profile_point.sh ...
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
client=$1 point=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ap_version=4.1
ap_jar=benchmarks/target/profiler/async-profiler-$ap_version.jar
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  mvn -B -q -pl benchmarks -am package -DskipTests
fi
if [ ! -f "$ap_jar" ]; then
  # from Maven Central through Maven (the jar carries libasyncProfiler.so for linux-x64/arm64, macOS)
  mvn -B -q -N dependency:copy -Dartifact=tools.profiler:async-profiler:$ap_version \
    -DoutputDirectory="$root/benchmarks/target/profiler"
fi
event=${PROFILE_EVENT:-itimer}
label="$client-${point//\//x}"
out=${OUT:-benchmarks/target/profiles/$label}
mkdir -p "$out"
echo "profiling $client at $point ($event), load $(cut -d' ' -f1-3 /proc/loadavg), perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo ?)"
java -cp "$jar:$ap_jar" io.sockpool.bench.load.LoadHarness \
  --duration 10s --warmup 3s --rounds 1 --clients "$client" --threads "$point" \
  --profile "$event" --out "$out" "$@" | grep -v '^wrote '
benchmarks/scripts/profile_summary.py "$out/profile-$label-r1.collapsed" | tee "$out/summary.txt"
