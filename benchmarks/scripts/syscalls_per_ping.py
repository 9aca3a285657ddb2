#!/usr/bin/env python3
"""Counts the load thread's system calls per Redis PING from an `strace -f` log of the load harness.

usage: syscalls_per_ping.py STRACE_LOG

Record with one load thread and one client, e.g.
  strace -f -e trace=read,readv,write,epoll_wait,epoll_ctl,poll,futex,execve -o /tmp/st.txt \\
      java -cp benchmarks/target/benchmarks.jar io.sockpool.bench.load.LoadHarness \\
      --duration 2s --warmup 500ms --threads 1 --clients sockpool --out /tmp/st-out
PINGs are counted on the server side: reads by the redis-server process (found by its execve)
whose data shows PING. The thread with the most system calls outside redis-server is taken as
the load thread. strace slows everything down; only the counts per PING are meaningful.
"""
import collections
import re
import sys


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(2)
    lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
    redis = {l.split()[0] for l in lines if 'execve("' in l and "redis-server" in l}
    if not redis:
        sys.exit("no execve of redis-server in the log: was it recorded with -f and execve?")
    pings = 0
    per_thread = collections.defaultdict(collections.Counter)
    for l in lines:
        # a call is either complete on one line, "PID name(args) = result", or split by another
        # thread's call into "PID name(args <unfinished ...>" and "PID <... name resumed>...= result"
        m = re.match(r"(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()", l)
        if not m or l.rstrip().endswith("<unfinished ...>"):
            continue
        pid, name = m.group(1), m.group(2) or m.group(3)
        if pid in redis:
            if name == "read" and "PING" in l:
                pings += 1
            continue
        per_thread[pid][name + (" (EAGAIN)" if "= -1 EAGAIN" in l else "")] += 1
    if pings == 0:
        sys.exit("redis-server read no PING in the log")
    tid, calls = max(per_thread.items(), key=lambda kv: sum(kv[1].values()))
    print(f"PINGs served by redis-server: {pings}; load thread {tid}")
    for name, n in calls.most_common():
        if n / pings >= 0.05:
            print(f"  {name:20s} {n / pings:5.2f} per PING")


if __name__ == "__main__":
    main()
