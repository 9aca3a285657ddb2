#!/usr/bin/env bash
# System calls, CPU and allocation per pooled PING over TLS: sockpool's raw exchange, RedisClient
# and JedisPool, one thread each, against the embedded redis-server with only a TLS port.
#
# usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`):
#   benchmarks/scripts/tls_syscalls.sh [OUT_DIR=tls-syscalls] [PINGS_PER_BLOCK=2000] [ROUNDS=2] [JAR]
# Runs TlsPingProbe twice: once under `strace -f` (system calls per PING of the load thread between
# the probe's markers, and of the JVM's other threads; strace slows everything, only the counts
# mean something), once without (wall/CPU µs, bytes allocated and GCs per PING). Both pinned to CPU
# CPUS (default 0) with taskset. Output: OUT_DIR/syscalls.txt, OUT_DIR/costs.txt, OUT_DIR/strace.log.
set -euo pipefail
out=${1:-tls-syscalls}
pings=${2:-2000}
rounds=${3:-2}
jar=${4:-benchmarks/target/benchmarks.jar}
cpus=${CPUS:-0}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
filter() { grep -v -E '^SLF4J|INFO|DEBUG|^Note:' || true; }
echo "load: $(uptime)" | tee "$out/costs.txt"
taskset -c "$cpus" java -cp "$jar" "$here/probes/TlsPingProbe.java" "$((pings * 10))" 5 2>&1 \
  | filter | tee -a "$out/costs.txt"
strace -f -o "$out/strace.log" taskset -c "$cpus" java -cp "$jar" "$here/probes/TlsPingProbe.java" \
  "$pings" "$rounds" > /dev/null 2>&1
python3 "$here/tls_syscalls.py" "$out/strace.log" | tee "$out/syscalls.txt"
