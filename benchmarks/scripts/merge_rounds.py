#!/usr/bin/env python3
"""Merges the per-round results.csv files written by compare_jars.sh into one markdown table.

usage: merge_rounds.py OUT

Per build, point (threads/pool) and client: the median over the rounds of ops/s, CPU us/op, p50,
p99 and p99.9 (each round's own percentiles), the maximum over the rounds of max, and the median of
the per-round ratios to the dedicated channel and to JedisPool (each ratio is taken within one
round, one JVM), with the lowest and highest round's ratio.
"""
import collections
import csv
import glob
import os
import statistics
import sys


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(2)
    rows = collections.defaultdict(list)
    labels = []
    for f in sorted(glob.glob(os.path.join(sys.argv[1], "*-*", "results.csv"))):
        label = os.path.basename(os.path.dirname(f)).rsplit("-", 1)[0]
        if label not in labels:
            labels.append(label)
        for r in csv.DictReader(open(f, encoding="utf-8")):
            rows[(label, r["threads"] + "/" + r["pool_size"], r["client"])].append(r)
    points = sorted({k[1] for k in rows}, key=lambda p: (int(p.split("/")[0]), -int(p.split("/")[1])))
    clients = ["dedicated", "jedispool", "sockpool", "sockpool-validate", "redisclient", "lettuce", "connect"]
    print("| build | thr/pool | client | ops/s | CPU µs/op | p50 µs | p99 µs | p99.9 µs | max µs "
          "| /dedicated | /jedispool (rounds' min-max) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in labels:
        for point in points:
            for client in clients:
                rs = rows.get((label, point, client))
                if not rs:
                    continue
                jr = values(rs, "ratio_to_jedispool")
                spread = f" ({min(jr):.2f}-{max(jr):.2f})" if jr else ""
                print(f"| {label} | {point} | {client} | {fmt(median(rs, 'ops_per_s'))} "
                      f"| {fmt(median(rs, 'cpu_us_per_op'), 2)} | {fmt(median(rs, 'p50_us'), 1)} "
                      f"| {fmt(median(rs, 'p99_us'), 1)} | {fmt(median(rs, 'p999_us'), 1)} "
                      f"| {fmt(max(values(rs, 'max_us')), 1)} | {fmt(median(rs, 'ratio_to_dedicated'), 2)} "
                      f"| {fmt(median(rs, 'ratio_to_jedispool'), 2)}{spread} |")


def values(rs, key):
    return [float(r[key]) for r in rs if r[key] != ""]


def median(rs, key):
    v = values(rs, key)
    return statistics.median(v) if v else None


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}".replace(",", " ")


if __name__ == "__main__":
    main()
