#!/usr/bin/env python3
"""Counts system calls per PING over TLS from an `strace -f` log of TlsPingProbe.

usage: tls_syscalls.py STRACE_LOG

TlsPingProbe's load thread looks up /tmp/tlsprobe-mark-CLIENT-start-N before a measured block of N
PINGs and /tmp/tlsprobe-mark-CLIENT-end-N after it. Per client: the load thread's calls between its
two markers, per PING, summed over the blocks; and the calls of the JVM's other threads in the same
intervals (the pool's watchdog, GC, JIT), per PING. redis-server's calls (its execve) are left out.
"""
import collections
import re
import sys

MARK = re.compile(r'"/tmp/tlsprobe-mark-([\w-]+?)-(start|end)-(\d+)"')
CALL = re.compile(r"(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()")


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(2)
    lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
    redis = set()
    for l in lines:
        if 'execve("' in l and "redis-server" in l:
            redis.add(l.split()[0])
    own = collections.defaultdict(collections.Counter)
    others = collections.defaultdict(collections.Counter)
    pings = collections.Counter()
    current, loader = None, None
    for l in lines:
        m = MARK.search(l)
        if m and "resumed>" not in l:
            client, edge, n = m.group(1), m.group(2), int(m.group(3))
            loader = l.split()[0]
            if edge == "start":
                current = client
            else:
                pings[client] += n
                current = None
            continue
        if current is None:
            continue
        c = CALL.match(l)
        if not c or l.rstrip().endswith("<unfinished ...>"):
            continue
        pid, name = c.group(1), c.group(2) or c.group(3)
        if pid in redis:
            continue
        name += " (EAGAIN)" if "= -1 EAGAIN" in l else ""
        (own if pid == loader else others)[current][name] += 1
    if not pings:
        sys.exit("no marker pair in the log: was it TlsPingProbe under strace -f?")
    for client, n in pings.items():
        total = sum(own[client].values()) / n
        rest = sum(others[client].values()) / n
        print(f"{client}: {n} PINGs; load thread {total:.2f} calls per PING, other JVM threads {rest:.3f}")
        for name, k in own[client].most_common():
            if k / n >= 0.01:
                print(f"  {name:20s} {k / n:6.3f} per PING")
        for name, k in others[client].most_common(4):
            if k / n >= 0.01:
                print(f"  (other) {name:12s} {k / n:6.3f} per PING")


if __name__ == "__main__":
    main()
