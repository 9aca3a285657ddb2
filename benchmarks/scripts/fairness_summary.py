#!/usr/bin/env python3
"""Merges fairness_sweep.sh output: per fairness window, the median over rounds (and min-max) of
sockpool's ops/s ratio to JedisPool (same JVM), p99, p99.9 and max, sockpool against JedisPool.

usage: fairness_summary.py OUT
"""
import csv
import glob
import os
import re
import statistics
import sys


def main(out):
    runs = {}
    for path in glob.glob(os.path.join(out, "fw*-*", "results.csv")):
        m = re.match(r"fw(.+)-(\d+)$", os.path.basename(os.path.dirname(path)))
        rows = {r["client"]: r for r in csv.DictReader(open(path))}
        if "sockpool" in rows and "jedispool" in rows:
            runs.setdefault(m.group(1), []).append(rows)

    def ms(v):
        return float(v) / 1000.0

    def fmt(vals, f="{:.2f}"):
        return f.format(statistics.median(vals)) + " (" + f.format(min(vals)) + "-" + f.format(max(vals)) + ")"

    print("| fairnessWindow | rounds | sockpool / JedisPool ops/s | sockpool p99 ms | JedisPool p99 ms | sockpool p99.9 ms | JedisPool p99.9 ms | sockpool max ms | JedisPool max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def key(w):
        m = re.match(r"([\d.]+)(\w+)", w)
        return float(m.group(1)) * (1000 if m.group(2) == "s" else 1)

    for w in sorted(runs, key=key):
        rs = runs[w]
        s = [r["sockpool"] for r in rs]
        j = [r["jedispool"] for r in rs]
        ratio = [float(a["ops_per_s"]) / float(b["ops_per_s"]) for a, b in zip(s, j)]
        print(
            f"| {w} | {len(rs)} | {fmt(ratio)} | {fmt([ms(x['p99_us']) for x in s])} | {fmt([ms(x['p99_us']) for x in j])}"
            f" | {fmt([ms(x['p999_us']) for x in s], '{:.1f}')} | {fmt([ms(x['p999_us']) for x in j], '{:.1f}')}"
            f" | {fmt([ms(x['max_us']) for x in s], '{:.0f}')} | {fmt([ms(x['max_us']) for x in j], '{:.0f}')} |"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
