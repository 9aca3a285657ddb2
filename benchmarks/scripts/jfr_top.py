#!/usr/bin/env python3
"""Summarises a JFR recording's stack samples: top frames (self) and inclusive frames.

usage: jfr_top.py RECORDING.jfr [FILTER] [EVENTS]
  FILTER  keep only samples with a frame containing this text (default: jmh_generated, i.e. the
          JMH benchmark threads; use LoadRunner for the load harness threads)
  EVENTS  jdk.ExecutionSample (threads running Java code: CPU) or jdk.NativeMethodSample
          (threads in native code, e.g. blocked in epoll_wait: wall clock); default: both

Needs the JDK's `jfr` tool on the PATH. Record with a 1 ms sampling period, e.g.
  -XX:StartFlightRecording=filename=rec.jfr,settings=benchmarks/scripts/sampling-1ms.jfc
"""
import collections
import re
import subprocess
import sys


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(2)
    recording = sys.argv[1]
    keep = sys.argv[2] if len(sys.argv) > 2 else "jmh_generated"
    events = sys.argv[3] if len(sys.argv) > 3 else "jdk.ExecutionSample,jdk.NativeMethodSample"
    out = subprocess.run(["jfr", "print", "--events", events, "--stack-depth", "40", recording],
                         capture_output=True, text=True, check=True).stdout
    samples = re.split(r"^jdk\.(?:ExecutionSample|NativeMethodSample)", out, flags=re.M)
    self_count = collections.Counter()
    inclusive = collections.Counter()
    n = 0
    for sample in samples:
        frames = re.findall(r"^\s+([\w.$<>]+)\(.*?line: \d+", sample, re.M)
        if not frames or not any(keep in f for f in frames):
            continue
        n += 1
        self_count[frames[0]] += 1
        for f in set(frames):
            inclusive[f] += 1
    print(f"samples: {n}")
    if n == 0:
        return
    print("--- top frames (self)")
    for f, c in self_count.most_common(30):
        print(f"{100 * c / n:5.1f}% {f}")
    print("--- inclusive (>= 1 %)")
    for f, c in inclusive.most_common():
        if c / n < 0.01:
            break
        print(f"{100 * c / n:5.1f}% {f}")


if __name__ == "__main__":
    main()
