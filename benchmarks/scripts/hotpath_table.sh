#!/bin/bash
# The hot-path table: raw pooled PING (sockpool: checkout, write, readFully, exchangeComplete,
# return), RedisClient.ping() on the same kind of pool, JedisPool and a dedicated channel per thread
# at 1/1, 8/8, 64/64 (and 64/16 for the ratios to JedisPool), pinned, ROUNDS interleaved rounds
# (one harness JVM per round, every client in turn within it), medians with the rounds' spread;
# then checkout + return at 1 and 1,000 endpoints (JMH CheckoutReturnBench, 1 thread), one JMH
# run per round, and the flatness ratio (1,000 / 1) of each run.
#
# usage: hotpath_table.sh [OUT] [ROUNDS] [harness flags...]
#   e.g. benchmarks/scripts/hotpath_table.sh                      # OUT=benchmarks/target/hotpath, 3 rounds
#        benchmarks/scripts/hotpath_table.sh /tmp/hot 3 --duration 5s --warmup 2s
#   harness flags replace the default "--duration 3s --warmup 1s" (points, clients and pinning are
#   the script's)
# env:   JMH_ARGS  JMH options for the flatness runs (default: -wi 3 -w 1 -i 5 -r 1)
#        SKIP_JMH  non-empty: the PING table only;  SKIP_PING  non-empty: the flatness runs only
#        PIN       0: run unpinned (the harness without --pin, JMH without taskset)
# Writes OUT/ping-N/results.csv, OUT/jmh-N.csv, OUT/load.txt and OUT/table.md (printed at the end).
# On a shared machine, wrap it: flock /tmp/bench.lock benchmarks/scripts/hotpath_table.sh ...
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/benchmarks/target/hotpath}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
jar=$root/benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
harness=("$@")
if [ ${#harness[@]} -eq 0 ]; then
  harness=(--duration 3s --warmup 1s)
fi
mkdir -p "$out"
pin_flag=--pin
jmh_pin=(taskset -c 0)
if [ "${PIN:-1}" = 0 ] || ! command -v taskset > /dev/null; then
  pin_flag=
  jmh_pin=()
fi
load() { echo "$(date -u +%FT%TZ) $1 load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"; }
for r in $(seq 1 "$rounds"); do
  if [ -z "${SKIP_PING:-}" ]; then
    load "ping round $r start"
    java -cp "$jar" io.sockpool.bench.load.LoadHarness --rounds 1 $pin_flag \
      --threads 1/1,8/8,64/64,64/16 --clients dedicated,jedispool,sockpool,redisclient \
      "${harness[@]}" --out "$out/ping-$r" | grep -E "pinned|^(dedicated|jedispool|sockpool|redisclient) "
  fi
  if [ -z "${SKIP_JMH:-}" ]; then
    load "jmh round $r start"
    # shellcheck disable=SC2086 # JMH_ARGS is a list of options
    "${jmh_pin[@]}" java -jar "$jar" 'CheckoutReturnBench.sockpool' -p poolSize=10 -p endpoints=1,1000 \
      -t 1 -f 1 ${JMH_ARGS:--wi 3 -w 1 -i 5 -r 1} -prof gc -rf csv -rff "$out/jmh-$r.csv" \
      | grep -E "^CheckoutReturnBench.sockpool +[0-9]" || true
  fi
done
load "end"
"$root/benchmarks/scripts/hotpath_table.py" "$out" | tee "$out/table.md"
