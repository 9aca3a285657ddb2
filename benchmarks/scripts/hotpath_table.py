#!/usr/bin/env python3
"""Prints the hot-path table from what hotpath_table.sh wrote.

usage: hotpath_table.py OUT

From OUT/ping-N/results.csv (one harness JVM per round): per point (threads/pool) and client, the
median over the rounds of ops/s with the slowest and fastest round, of p99 and of CPU us/op; then
the ratios taken within each round (one JVM, the clients minutes apart at most) as the median
over the rounds with the lowest and highest round: RedisClient / raw pooled, raw pooled /
dedicated, raw pooled / JedisPool, RedisClient / JedisPool, and RedisClient's p99 / JedisPool's.
From OUT/jmh-N.csv (one JMH run per round): checkout + return at 1 and 1,000 endpoints, 1 thread,
ns per cycle and bytes per cycle, and the flatness ratio 1,000 / 1 of each run.
"""
import collections
import csv
import glob
import os
import statistics
import sys

CLIENTS = [("sockpool", "raw pooled"), ("redisclient", "RedisClient.ping()"),
           ("jedispool", "JedisPool"), ("dedicated", "dedicated")]
RATIOS = [("redisclient", "sockpool", "RedisClient / raw"), ("sockpool", "dedicated", "raw / dedicated"),
          ("sockpool", "jedispool", "raw / JedisPool"), ("redisclient", "jedispool", "RedisClient / JedisPool")]


def spread(values, fmt):
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med)
    return f"{fmt(med)} ({fmt(min(values))}-{fmt(max(values))})"


def ops(x):
    return f"{x / 1000:.1f}k"


def ratio(x):
    return f"{x:.2f}"


def us(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def ping_table(out):
    rounds = []
    for f in sorted(glob.glob(os.path.join(out, "ping-*", "results.csv"))):
        rounds.append({(r["threads"] + "/" + r["pool_size"], r["client"]): r
                       for r in csv.DictReader(open(f, encoding="utf-8"))})
    if not rounds:
        return
    points = sorted({k[0] for rd in rounds for k in rd},
                    key=lambda p: (int(p.split("/")[0]), -int(p.split("/")[1])))
    print(f"PING, {len(rounds)} rounds: ops/s median (slowest-fastest round); p99 and CPU µs/op medians\n")
    print("| thr/pool | " + " | ".join(name for _, name in CLIENTS) + " |")
    print("|---|" + "---:|" * len(CLIENTS))
    for p in points:
        cells = []
        for client, _ in CLIENTS:
            rs = [rd[(p, client)] for rd in rounds if (p, client) in rd]
            if not rs:
                cells.append("-")
                continue
            cells.append(spread([float(r["ops_per_s"]) for r in rs], ops)
                         + f", p99 {us(statistics.median(float(r['p99_us']) for r in rs))} µs"
                         + f", {statistics.median(float(r['cpu_us_per_op']) for r in rs):.2f} µs CPU")
        print(f"| {p} | " + " | ".join(cells) + " |")
    print("\nRatios within each round: median (lowest-highest round)\n")
    print("| thr/pool | " + " | ".join(name for _, _, name in RATIOS) + " | RedisClient p99 / JedisPool p99 |")
    print("|---|" + "---:|" * (len(RATIOS) + 1))
    for p in points:
        cells = []
        for a, b, _ in RATIOS:
            vs = [float(rd[(p, a)]["ops_per_s"]) / float(rd[(p, b)]["ops_per_s"]) for rd in rounds
                  if (p, a) in rd and (p, b) in rd and float(rd[(p, b)]["ops_per_s"]) > 0]
            cells.append(spread(vs, ratio))
        vs = [float(rd[(p, "redisclient")]["p99_us"]) / float(rd[(p, "jedispool")]["p99_us"]) for rd in rounds
              if (p, "redisclient") in rd and (p, "jedispool") in rd and float(rd[(p, "jedispool")]["p99_us"]) > 0]
        cells.append(spread(vs, ratio))
        print(f"| {p} | " + " | ".join(cells) + " |")


def jmh_table(out):
    runs = []
    for f in sorted(glob.glob(os.path.join(out, "jmh-*.csv"))):
        score, alloc = {}, {}
        for r in csv.DictReader(open(f, encoding="utf-8")):
            name = r["Benchmark"]
            if not name.startswith("io.sockpool.bench.jmh.CheckoutReturnBench.sockpool"):
                continue
            e = int(r["Param: endpoints"])
            if name.endswith(".sockpool"):
                score[e] = float(r["Score"])
            elif name.endswith("gc.alloc.rate.norm"):
                alloc[e] = float(r["Score"])
        if 1 in score and 1000 in score:
            runs.append((score, alloc))
    if not runs:
        return
    print(f"\nCheckout + return, 1 thread, {len(runs)} JMH runs: median (lowest-highest run)\n")
    print("| endpoints | ns per cycle | B per cycle |")
    print("|---:|---:|---:|")
    for e in (1, 1000):
        print(f"| {e:,} | {spread([s[e] for s, _ in runs], lambda x: f'{x:.0f}')} | "
              f"{spread([a[e] for _, a in runs if e in a], lambda x: f'{x:.0f}')} |")
    print(f"\nFlat (1,000 endpoints / 1, within each run): "
          f"{spread([s[1000] / s[1] for s, _ in runs], ratio)}")


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(2)
    ping_table(sys.argv[1])
    jmh_table(sys.argv[1])
    load = os.path.join(sys.argv[1], "load.txt")
    if os.path.exists(load):
        print("\nLoad average (1, 5, 15 min) during the runs:\n")
        for line in open(load, encoding="utf-8"):
            print("    " + line.rstrip())


if __name__ == "__main__":
    main()
