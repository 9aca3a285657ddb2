#!/usr/bin/env python3
"""Summarise async-profiler collapsed stacks written by the load harness (--profile).

usage: profile_summary.py [--top N] FILE.collapsed            # one profile: top-N, key frames, categories
       profile_summary.py --table FILE.collapsed [FILE ...]  # markdown table of categories, one row per file

Each FILE.collapsed has a FILE.collapsed.meta beside it (written by the harness) with the point's
CPU µs per PING; a category's µs/op is its share of the samples x that figure (samples of every
thread of the load JVM during the measured window, as the harness's CPU time is).

Categories (a stack goes to the first rule that matches, scanning from the leaf towards the root):
  pool    pool bookkeeping: sockpool's engine (io.sockpool.internal, SocketPool), commons-pool2,
          resilience4j, Jedis' pool glue (JedisPool, util.Pool, JedisFactory, Jedis.close);
          includes the park/unpark of hand-offs and lock contention reached from those frames
          (also shown on its own as 'handoff')
  wait    timed-wait machinery: Selector/epoll (PooledChannel.await), poll and the park of the
          JDK's NioSocketImpl timed read (what Jedis' soTimeout costs)
  sys     the socket reads and writes themselves: JDK read/write path, libc, kernel
  codec   the Redis client: Jedis' protocol and streams, io.sockpool.redis, the harness's RespPing
  other   JIT, GC, VM, the harness loop (LoadRunner, HdrHistogram), anything else
"""
import collections
import os
import re
import statistics
import sys

# low-level activities, matched leaf-first; the first frame matching any of them decides
SYS = re.compile(
    r"__x64_sys_(read|write|recvfrom|sendto|readv|writev)\b|\bksys_(read|write)\b"
    r"|SocketDispatcher\.(read|write)|FileDispatcherImpl\.(read|write)|IOUtil\.(read|write)"
    r"|SocketChannelImpl\.(read|write)|NioSocketImpl\.(tryRead|tryWrite|implRead|implWrite)"
    r"|^(__libc_)?(read|write|send|recv)$"
)
WAIT = re.compile(
    r"epoll|EPoll|SelectorImpl|SelectionKey|__x64_sys_poll|do_sys_poll|sun/nio/ch/Net\.poll"
    r"|NioSocketImpl\.(park|timedRead|timedWrite)|PooledChannel\.await|^(__)?poll$|__GI___poll"
)
PARK = re.compile(r"LockSupport\.(park|unpark)|Unsafe\.(park|unpark)|__x64_sys_futex|futex")
JITGC = re.compile(
    r"CompileBroker|C2Compiler|C1Compiler|Compile::|G1|GCTaskThread|ConcurrentGCThread"
    r"|SafepointSynchronize|VMThread|WorkerThread::run|Parallel"
)
# Java context, matched leaf-first when no low-level activity matched (and for PARK)
POOL = re.compile(
    r"io/sockpool/internal/|io/sockpool/SocketPool|org/apache/commons/pool2|io/github/resilience4j"
    r"|redis/clients/jedis/(JedisPool|util/Pool|JedisFactory|Jedis\.close|Jedis\.resetState)"
)
CODEC = re.compile(r"redis/clients/jedis|io/sockpool/redis|io/sockpool/bench/load/RespPing")
TIMED_READ = re.compile(r"NioSocketImpl|Net\.poll")

CATEGORIES = ["pool", "wait", "sys", "codec", "other"]

KEY_FRAMES = [
    ("sockpool checkout", r"KeyedChannelPool\.checkout"),
    ("  hot path (HotSlots.serveOwn)", r"HotSlots\.serveOwn"),
    ("  full path (Checkout.run)", r"Checkout\.run"),
    ("sockpool return (Lease.close)", r"internal/Lease\.close"),
    ("  ReturnPath.giveBack", r"ReturnPath\.giveBack"),
    ("Waiters.park (waiting for a hand-off)", r"Waiters\.park"),
    ("Waiters give/nudge (handing off)", r"Waiters\.(give|handOff|nudge)"),
    ("PooledChannel.write", r"PooledChannel\.write"),
    ("PooledChannel.read", r"PooledChannel\.read"),
    ("PooledChannel.await (Selector wait)", r"PooledChannel\.await"),
    ("PooledChannel.probe", r"PooledChannel\.probe"),
    ("Selector (SelectorImpl.select)", r"SelectorImpl\.select"),
    ("listeners (Listeners, TrafficRecorder, WaitHistogram)", r"internal/(Listeners|TrafficRecorder|WaitHistogram)\."),
    ("commons-pool2", r"org/apache/commons/pool2"),
    ("resilience4j", r"io/github/resilience4j"),
    ("JedisPool.getResource", r"JedisPool\.getResource|util/Pool\.getResource"),
    ("Jedis.close (return to pool)", r"jedis/Jedis\.close"),
    ("Jedis.ping", r"jedis/Jedis\.ping"),
    ("RedisClient", r"io/sockpool/redis/RedisClient\."),
    ("JDK socket read (SocketChannelImpl/NioSocketImpl)", r"SocketChannelImpl\.read|NioSocketImpl\.read"),
    ("JDK socket write (SocketChannelImpl/NioSocketImpl)", r"SocketChannelImpl\.write|NioSocketImpl\.write"),
    ("LockSupport.park", r"LockSupport\.park"),
    ("LockSupport.unpark", r"LockSupport\.unpark"),
    ("kernel: read/recvfrom", r"(__x64_sys_(read|recvfrom)|ksys_read|__sys_recvfrom)_\[k\]"),
    ("kernel: write/sendto", r"(__x64_sys_(write|sendto)|ksys_write|__sys_sendto)_\[k\]"),
    ("kernel: epoll_wait", r"(__x64_sys_epoll_(p)?wait|do_epoll_wait)_\[k\]"),
    ("kernel: epoll_ctl", r"(__x64_sys_epoll_ctl|do_epoll_ctl)_\[k\]"),
    ("kernel: poll", r"(__x64_sys_(poll|ppoll)|do_sys_poll)_\[k\]"),
    ("kernel: futex", r"(__x64_sys_futex|do_futex)_\[k\]"),
    ("kernel: context switch (finish_task_switch, __schedule)", r"(finish_task_switch|__schedule)"),
    ("kernel: any frame", r"_\[k\]$"),
    ("JIT compiler threads", r"CompileBroker|C2Compiler|C1Compiler"),
    ("GC", r"G1|GCTaskThread|ConcurrentGCThread"),
]


def load(path):
    stacks = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            stacks.append((stack.split(";"), int(count)))
    meta = {}
    if os.path.exists(path + ".meta"):
        with open(path + ".meta", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                meta[key] = value
    return stacks, meta


def strip(frame):
    return re.sub(r"_\[[jik0-9]\]$", "", frame) if not frame.endswith("_[k]") else frame[:-4]


def classify(frames):
    """Returns (category, is_handoff)."""
    for i in range(len(frames) - 1, -1, -1):
        f = strip(frames[i])
        if SYS.search(f):
            return "sys", False
        if WAIT.search(f):
            return "wait", False
        if JITGC.search(f):
            return "other", False
        if PARK.search(f):
            for j in range(i - 1, -1, -1):
                g = strip(frames[j])
                if TIMED_READ.search(g):
                    return "wait", False
                if POOL.search(g):
                    return "pool", True
                if CODEC.search(g):
                    return "codec", False
            return "other", False
        if POOL.search(f):
            return "pool", False
        if CODEC.search(f):
            return "codec", False
    return "other", False


def categories(stacks):
    cat = collections.Counter()
    handoff = 0
    for frames, n in stacks:
        c, h = classify(frames)
        cat[c] += n
        if h:
            handoff += n
    return cat, handoff


def summary(path, top):
    stacks, meta = load(path)
    total = sum(n for _, n in stacks)
    cpu = float(meta["cpu_us_per_op"]) if meta.get("cpu_us_per_op") else None
    print(f"== {path}")
    print(
        f"   {meta.get('client', '?')} {meta.get('point', '?')} pinned={meta.get('pinned', '?')}"
        f" {meta.get('profiler', '')}; {total} samples; ops {meta.get('ops', '?')};"
        f" CPU µs/op {meta.get('cpu_us_per_op', '?')}; p99 µs {meta.get('p99_us', '?')}"
    )
    if meta.get("latency_us"):
        print(f"   latency µs {meta['latency_us']}")
    if total == 0:
        print("   no samples")
        return

    def us(share):
        return f"{share * cpu:7.2f} µs/op" if cpu is not None else ""

    print(f"\n-- self time, top {top} frames")
    selfc = collections.Counter()
    for frames, n in stacks:
        selfc[frames[-1]] += n
    for frame, n in selfc.most_common(top):
        print(f"   {100.0 * n / total:5.1f} %  {us(n / total)}  {frame[:110]}")
    print("\n-- time under key frames (inclusive)")
    for label, rx in KEY_FRAMES:
        r = re.compile(rx)
        n = sum(c for frames, c in stacks if any(r.search(f) for f in frames))
        if n:
            print(f"   {100.0 * n / total:5.1f} %  {us(n / total)}  {label}")
    cat, handoff = categories(stacks)
    print("\n-- categories (see --help)")
    for c in CATEGORIES:
        print(f"   {100.0 * cat[c] / total:5.1f} %  {us(cat[c] / total)}  {c}")
    print(f"   {100.0 * handoff / total:5.1f} %  {us(handoff / total)}  (of pool: park/unpark, hand-offs)")
    print()


def table(paths):
    """One row per client and point; rounds of the same client and point are pooled (samples
    added, CPU µs/op the median of the rounds')."""
    groups = {}
    for path in paths:
        stacks, meta = load(path)
        key = (meta.get("point", "?"), meta.get("client", path))
        g = groups.setdefault(key, {"stacks": [], "cpu": [], "rounds": 0})
        g["stacks"].extend(stacks)
        if meta.get("cpu_us_per_op"):
            g["cpu"].append(float(meta["cpu_us_per_op"]))
        g["rounds"] += 1
    head = (
        "| thr/pool | client | rounds | CPU µs/op | "
        + " | ".join(CATEGORIES)
        + " | of pool: park/unpark | samples |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    order = {"dedicated": 0, "jedispool": 1, "sockpool": 2, "sockpool-validate": 3, "redisclient": 4}
    for (point, client), g in sorted(
        groups.items(),
        key=lambda kv: ((int(kv[0][0].split("/")[0]), -int(kv[0][0].split("/")[1])) if "/" in kv[0][0] else (0, 0), order.get(kv[0][1], 9)),
    ):
        total = sum(n for _, n in g["stacks"]) or 1
        cpu = statistics.median(g["cpu"]) if g["cpu"] else None
        cat, handoff = categories(g["stacks"])

        def cell(n):
            share = n / total
            return f"{100 * share:.0f} % ({share * cpu:.2f})" if cpu is not None else f"{100 * share:.0f} %"

        cells = [cell(cat[c]) for c in CATEGORIES] + [cell(handoff)]
        print(
            f"| {point} | {client} | {g['rounds']} | {cpu:.2f} | " + " | ".join(cells) + f" | {total} |"
        )


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == "--table":
        table(argv[1:])
        return 0
    top = 25
    if argv[0] == "--top":
        top = int(argv[1])
        argv = argv[2:]
    for path in argv:
        summary(path, top)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
