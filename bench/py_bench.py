#!/usr/bin/python3
"""py_bench.py - the notes' own Python, measured: multiprocessing beside threading.

    py_bench.py [--profile quick|full] [--filter REGEX] [--repetitions N]
                [--min-time SECONDS] [--tag TAG] --out FILE
    py_bench.py --describe [--profile quick|full] [--tag TAG]
                (the description and every name it can register, as JSON; runs nothing)
    py_bench.py --crash-case VARIANT FAILURE     (one C7 case, run in a sandbox)

Standard library only. Writes Google Benchmark-shaped JSON (one row per repetition,
real_time in µs), so the report, statistics and comparison read it as they read the C
suite's. The names have the C suite's shape (name schema 2, built and checked by
scripts/contract/contract.py as bench_register does in C), with the scenario python and a Python
construct (PYTHON_KINDS) as the variant; FAMILIES says what each measure is.
With --tag (another interpreter beside the first, scripts/run.py --python), every name
ends in /interp:TAG, so the rows of several interpreters live in one run.

What every window holds and leaves out:
  create        a worker started and joined, n times in a row (calibrated count)
  gil           N workers (threads, processes, pool tasks) each doing the same fixed count
                of pure-Python work (cpu: a loop of `s += i & 7`; io: 2 ms sleeps): from
                the release of a start gate (or the first submit) to the last worker's end
                stamp (CLOCK_MONOTONIC, read by the worker): start and join are outside.
                N = 1, 2, 4 ... the PUs and twice the PUs (the quick profile takes spawn
                and forkserver up to the PUs: their starts would dominate it)
  queue, queue3, payload, pingpong   the producer or peer is started, waits at a gate,
                and the window runs from opening the gate to the last item received:
                start and join are outside
  memory        N idle workers alive: smaps_rollup of the children (processes), growth of
                the process's own (threads), per worker, as the footprint scenario does
  nums, crash, reuse, exception, notes_loop   experiments: what happened is in counters
                and a label; the time is the whole experiment's
The context carries name_schema "2", the interpreter (version, GIL, default start method,
its own memory) and tvp_describe: this scenario's description in the C suite's shape (its
families as run, and python_kinds), for scripts/run.py to merge.
"""
import argparse
import concurrent.futures as cf
import contextlib
import io
import json
import multiprocessing as mp
import multiprocessing.pool
import os
import pickle
import platform
import queue
import random
import re
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time

# The name contract and the profiles' numbers (bench/profiles.def), shared with C and the
# report: scripts/contract/contract.py, standard library only.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from contract import contract  # noqa: E402

# Repetitions and seconds of work each, by profile.
PROFILES = {p: (v["repetitions"], v["py_min_time"]) for p, v in contract.PROFILES.items()}
# Seconds of work one worker of the GIL figure does alone, by profile.
WORK_S = {p: v["py_work_s"] for p, v in contract.PROFILES.items()}
NAME_SCHEMA = contract.NAME_SCHEMA
SCENARIO = "python"
SCENARIO_DESC = "the notes' own Python: multiprocessing beside threading (C1-C8)"
# C's bounded queue (src/ipc/queue.c DEFAULT_CAPACITY): queue.Queue gets the same bound.
C_QUEUE_CAPACITY = 16
# The tag of another interpreter's rows (--tag), or None for the first one's.
INTERP_TAG = None

# The constructs the variants name, in display order: name, mode, label.
PYTHON_KINDS = [
    {"name": "thread", "mode": "thread", "label": "threading.Thread"},
    {"name": "process", "mode": "process", "label": "multiprocessing.Process"},
    {"name": "queue", "mode": "thread", "label": "queue.Queue"},
    {"name": "mp_queue", "mode": "process", "label": "multiprocessing.Queue"},
    {"name": "mp_pool", "mode": "process", "label": "multiprocessing.Pool"},
    {"name": "thread_pool", "mode": "thread", "label": "multiprocessing.pool.ThreadPool"},
    {"name": "process_executor", "mode": "process",
     "label": "concurrent.futures.ProcessPoolExecutor"},
    {"name": "thread_executor", "mode": "thread",
     "label": "concurrent.futures.ThreadPoolExecutor"},
    {"name": "interpreter", "mode": "process",
     "label": "posix_spawn of this interpreter with -c pass"},
    {"name": "c_fork", "mode": "process",
     "label": "libc fork() of this interpreter (through ctypes, no multiprocessing)"},
    {"name": "mp_pipe", "mode": "process", "label": "multiprocessing.Pipe between processes"},
    {"name": "thread_pipe", "mode": "thread", "label": "multiprocessing.Pipe between threads"},
    {"name": "shared_memory", "mode": "process",
     "label": "multiprocessing.shared_memory ring of 16 slots, two semaphores"},
    {"name": "pickle", "mode": "process", "label": "pickle.dumps and loads alone"},
]
MODE = {k["name"]: k["mode"] for k in PYTHON_KINDS}

# The families, in the order of the description.
FAMILIES = {
    "create": "start a worker that does nothing, and join it",
    "gil": "N workers each doing a fixed count of pure-Python work (cpu) or of 2 ms "
           "sleeps (io), released together: operations per second",
    "memory": "N idle workers alive: Pss, private and Rss per worker (KiB)",
    "nums": "the notes' nums example: a worker appends 3 items to [11, 22]; how many the "
            "parent sees, through a plain global or a shared object",
    "queue": "bytes items from a producer through a queue (queue.Queue bounded at C's 16, "
             "each item copied in and out as C's queue does; multiprocessing.Queue as is)",
    "queue3": "the notes' Queue(3): 8-byte items through a queue of three",
    "notes_loop": "the notes' C4 program as written (its consumer stops when q.empty()), "
                  "each run in a fresh interpreter: runs whose consumer got fewer items "
                  "than the producer put",
    "payload": "items of a kind (bytes, a list of small ints, a dict of strings) and a "
               "size from a producer to this thread: what pickling costs",
    "pingpong": "8-byte round trips through one multiprocessing.Pipe, peer a process or a "
                "thread",
    "crash": "a worker that raises, calls os._exit(3) or is killed by SIGSEGV: what the "
             "caller sees and what survives (each case in a sandbox process)",
    "reuse": "Pool(3) and ProcessPoolExecutor(3): workers alive before the first task, "
             "after it, and distinct workers over ten tasks",
    "pool": "tasks of a set length through a pool, per task",
    "pool_notes": "the notes' Pool(3): ten random sleeps on three workers",
    "exception": "an exception raised in apply_async, by how the result is fetched, and "
                 "in a plain Process: what the caller sees and what reaches fd 1 and 2 "
                 "of the parent and of every worker",
}
__import__("py_http").register(sys.modules[__name__])  # C8's servers' kinds and families


def name(variant, measure, **args):
    """python/VARIANT/MODE/measure:MEASURE[/key:value]...[/interp:TAG], the mode the
    construct's; the interp arg only for an interpreter other than the first. A variant
    not in PYTHON_KINDS, a measure not in FAMILIES or a field the grammar refuses is a
    contract.ContractError (main says it and exits 1), as bench_register dies in C."""
    if variant not in MODE:
        raise contract.ContractError(f"python/{variant}/...: the variant {variant!r} is not "
                                     f"in PYTHON_KINDS")
    if measure not in FAMILIES:
        raise contract.ContractError(f"python/{variant}/...: the measure {measure!r} is not "
                                     f"in FAMILIES")
    if INTERP_TAG:
        args["interp"] = INTERP_TAG
    return contract.build_name(SCENARIO, variant, MODE[variant], measure, args)


def fields(full_name):
    """The variant, the measure and the args of a name, as a dict (parsed by field)."""
    parts = full_name.split("/")
    f = {"variant": parts[1], "mode": parts[2]}
    for p in parts[3:]:
        if ":" in p:
            k, v = p.split(":", 1)
            f[k] = v
    return f


def noop():
    pass


def busy(us):
    end = time.perf_counter_ns() + int(us * 1000)
    while time.perf_counter_ns() < end:
        pass
    return us


def busy_who(us):
    """busy(us), then the kernel id of the thread that ran it (a pool's worker process
    runs its tasks in its main thread, whose id is its pid): does a pool reuse workers?"""
    busy(us)
    return threading.get_native_id()


def sleep_ms(ms):
    time.sleep(ms / 1000)
    return ms


def fail(x):
    raise ValueError(f"task {x} failed")


def now():
    """CLOCK_MONOTONIC in seconds: one clock for every process of the machine, so a
    worker's end stamp and the parent's start stamp can be subtracted."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def run_gated(ctx, target, args, consume, timeout=120):
    """Starts target(*args, ready, gate) as a thread (ctx None) or as a process of ctx,
    waits until it says it is ready, then times consume() from opening the gate to its
    return. Start and join are outside the window; a worker that does not end is
    terminated, so nothing outlives the call even when consume() fails."""
    if ctx is None:
        ready, gate = threading.Semaphore(0), threading.Event()
        w = threading.Thread(target=target, args=args + (ready, gate), daemon=True)
    else:
        ready, gate = ctx.Semaphore(0), ctx.Event()
        w = ctx.Process(target=target, args=args + (ready, gate))
    w.start()
    done = False
    try:
        if not ready.acquire(timeout=timeout):
            raise RuntimeError(f"{target.__name__}: the worker did not start")
        t0 = now()
        gate.set()
        consume()
        t = now() - t0
        done = True
        return t
    finally:
        gate.set()
        # After a failure the worker may wait for a reader that is gone: a process is
        # ended at once; a thread is a daemon, and ends with this process at the latest.
        w.join(timeout if done else 0.1)
        if ctx is not None and w.is_alive():
            w.terminate()
            w.join()


def gated_produce(q, n, size, copy, ready, gate):
    """The queue families' producer: n items of size bytes, then None. copy: each item a
    fresh copy (bytearray), as C's queue copies each message into its slot."""
    item = b"x" * size
    ready.release()
    gate.wait()
    if copy:
        for _ in range(n):
            q.put(bytearray(item))
    else:
        for _ in range(n):
            q.put(item)
    q.put(None)


# --- gil: a fixed count of work, not a deadline ------------------------------------

IO_SLEEP_S = 0.002


def count(n):
    """The CPU-bound work: n rounds of pure-Python arithmetic. A count, so a thread that
    waits for the GIL does no work meanwhile and its waiting shows as time."""
    s = 0
    for i in range(n):
        s += i & 7
    return s


def io_work(n):
    """The I/O-bound work: n blocking sleeps (the GIL is released while blocked)."""
    for _ in range(n):
        time.sleep(IO_SLEEP_S)
    return n


WORK = {"cpu": count, "io": io_work}


def gil_task(work, n):
    """One pool task: the work, then its end stamp."""
    WORK[work](n)
    return now()


def gil_worker(work, n, ends, i, ready, gate):
    """One hand-started worker: ready, wait at the gate, work, stamp the end."""
    ready.release()
    gate.wait()
    WORK[work](n)
    ends[i] = now()


def gil_by_hand(ctx, work, workers, n):
    """Seconds from opening the gate to the last end, for `workers` threads (ctx None) or
    processes of ctx, each doing WORK[work](n)."""
    if ctx is None:
        ready, gate, ends = threading.Semaphore(0), threading.Event(), [0.0] * workers
        ws = [threading.Thread(target=gil_worker, args=(work, n, ends, i, ready, gate),
                               daemon=True) for i in range(workers)]
    else:
        ready, gate = ctx.Semaphore(0), ctx.Event()
        ends = ctx.Array("d", workers, lock=False)
        ws = [ctx.Process(target=gil_worker, args=(work, n, ends, i, ready, gate))
              for i in range(workers)]
    try:
        for w in ws:
            w.start()
        for _ in ws:
            if not ready.acquire(timeout=120):
                raise RuntimeError("a gil worker did not start")
        t0 = now()
        gate.set()
        for w in ws:
            w.join(600)
        if any(e == 0.0 for e in ends):
            raise RuntimeError("a gil worker ended without its end stamp")
        return max(ends) - t0
    finally:
        gate.set()
        for w in ws:
            if ctx is not None and w.is_alive():
                w.terminate()
            if w.ident is not None:
                w.join()


def gil_by_pool(make, work, workers, n):
    """Seconds from the first submit to the last task's end stamp, on a pool of
    `workers` whose workers were made beforehand (2 x workers sleeping tasks first)."""
    with make(workers) as pool:
        list(pool.map(time.sleep, [0.02] * (2 * workers)))
        t0 = now()
        futures = [pool.submit(gil_task, work, n) for _ in range(workers)]
        return max(f.result() for f in futures) - t0


def worker_counts(pus):
    """1, 2, 4, ... below the PUs, the PUs, and twice the PUs."""
    ns, n = [], 1
    while n < pus:
        ns.append(n)
        n *= 2
    return ns + [pus, 2 * pus]


def gil(suite):
    """The GIL figure: for each way to get N workers and each N, the same fixed work per
    worker; repetitions interleave every cell, so a slow minute falls on all."""
    pus = len(os.sched_getaffinity(0))
    t0 = time.perf_counter()
    count(200000)
    rate = 200000 / (time.perf_counter() - t0)
    per_worker = {"cpu": max(10000, int(rate * suite.work_s)),
                  "io": max(5, int(suite.work_s / IO_SLEEP_S))}
    methods = [m for m in ("fork", "spawn", "forkserver") if m in mp.get_all_start_methods()]
    ways = [("thread", {}, "cpu io", lambda w, n, work: gil_by_hand(None, work, w, n))]
    for m in methods:
        ways.append(("process", {"start_method": m}, "cpu io" if m == "fork" else "cpu",
                     lambda w, n, work, m=m: gil_by_hand(mp.get_context(m), work, w, n)))
    ways.append(("thread_executor", {}, "cpu io",
                 lambda w, n, work: gil_by_pool(cf.ThreadPoolExecutor, work, w, n)))
    ways.append(("process_executor", {"start_method": "fork"}, "cpu io",
                 lambda w, n, work: gil_by_pool(
                     lambda k: cf.ProcessPoolExecutor(k, mp_context=mp.get_context("fork")),
                     work, w, n)))
    groups = []  # per way and work: its cells, N ascending
    for work in ("cpu", "io"):
        for variant, args, works, run in ways:
            if work not in works.split():
                continue
            ns = worker_counts(pus)
            if suite.profile == "quick" and args.get("start_method") in ("spawn",
                                                                          "forkserver"):
                ns = ns[:-1]  # their starts dominate the quick profile: up to the PUs
            cells = []
            for w in ns:
                full = name(variant, "gil", work=work, **args, workers=w)
                if suite.wanted(full):
                    cells.append((full, w, per_worker[work], work, run))
            if cells:
                groups.append(cells)
    # Paired speed-ups: a way's N = 1 and its N > 1 run one after another in the same
    # repetition, in alternating order (1, 2, 4 then 4, 2, 1), and each repetition's
    # speed-up is its own N over its own N = 1, so a slow N = 1 in one repetition moves
    # one ratio, not the median's base.
    samples = {c[0]: [] for cells in groups for c in cells}
    for rep in range(suite.reps):
        for cells in groups:
            for full, w, n, work, run in (cells if rep % 2 == 0 else cells[::-1]):
                samples[full].append(run(w, n, work))
    unit = {"cpu": "loop rounds (s += i & 7)", "io": f"{IO_SLEEP_S * 1e3:g} ms sleeps"}
    for cells in groups:
        one = next((c for c in cells if c[1] == 1), None)
        for full, w, n, work, run in cells:
            ops = w * n
            base = samples[one[0]] if one and w > 1 else None
            ups = [w * t1 / tn for t1, tn in zip(base, samples[full])] if base else None

            def counters(rep, sec, ops=ops, w=w, n=n, ups=ups):
                c = {"ops_per_s": ops / sec, "ops_per_s_per_worker": ops / sec / w,
                     "ops_per_worker": n}
                if ups:
                    c["speedup"] = ups[rep]
                return c
            suite.rows_of(full, [sec / ops for sec in samples[full]], ops, counters,
                          label=f"{n} {unit[work]} per worker")


# --- memory: an idle worker ---------------------------------------------------------

def rollup(pid="self"):
    """(rss, pss, private) KiB from /proc/PID/smaps_rollup."""
    vals = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                vals[parts[0][:-1]] = int(parts[1])
    return (vals.get("Rss", 0), vals.get("Pss", 0),
            vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0))


def idle(ready, gate):
    ready.release()
    gate.wait()


def memory(suite, workers):
    """C1: N idle workers; per worker, the children's own smaps_rollup (processes) or the
    growth of this process's (threads), as the footprint scenario reads them."""
    if not os.path.exists("/proc/self/smaps_rollup"):
        for variant, args in [("thread", {})] + [("process", {"start_method": m})
                                                 for m in ("fork", "spawn", "forkserver")]:
            suite.skip(name(variant, "memory", **args, workers=workers),
                       "/proc/self/smaps_rollup is missing (a kernel before 4.14)")
        return
    ways = [("thread", {}, None)] + [
        ("process", {"start_method": m}, m) for m in ("fork", "spawn", "forkserver")]
    for variant, args, method in ways:
        full = name(variant, "memory", **args, workers=workers)
        if not suite.wanted(full):
            continue
        if method and method not in mp.get_all_start_methods():
            suite.skip(full, f"start method {method} is not available on {sys.platform}")
            continue
        got = []

        def once(_n, method=method):
            ctx = mp.get_context(method) if method else None
            ready = ctx.Semaphore(0) if ctx else threading.Semaphore(0)
            gate = ctx.Event() if ctx else threading.Event()
            before = rollup() if not ctx else (0, 0, 0)
            make = ctx.Process if ctx else threading.Thread
            ws = [make(target=idle, args=(ready, gate)) for _ in range(workers)]
            t0 = time.perf_counter()
            try:
                for w in ws:
                    w.start()
                for _ in ws:
                    if not ready.acquire(timeout=120):
                        raise RuntimeError("an idle worker did not start")
                t = time.perf_counter() - t0
                if ctx:
                    after = [sum(x) for x in zip(*(rollup(w.pid) for w in ws))]
                else:
                    after = [a - b for a, b in zip(rollup(), before)]
            finally:
                gate.set()
                for w in ws:
                    if w.ident is not None:
                        w.join()
            got[:] = [v / workers for v in after]
            return t

        if method == "forkserver":
            once(1)  # the server starts on first use: not part of an idle worker
        suite.measure(full, once, workers, counters=lambda: {
            "rss_kib": got[0], "pss_kib": got[1], "private_kib": got[2]})


# --- nums: the notes' global list ---------------------------------------------------

nums = [11, 22]


def work_on_global():
    """The notes' work1: append 0, 1, 2 to the global list."""
    for i in range(3):
        nums.append(i)


def work_on_array(arr, length):
    """The same on a multiprocessing.Array with its length in a Value."""
    for i in range(3):
        arr[length.value] = i
        length.value += 1


def work_on_shm(shm):
    """The same on shared_memory: slot 0 holds the length, slots 1... the items."""
    view = shm.buf.cast("q")
    for i in range(3):
        view[1 + view[0]] = i
        view[0] += 1
    view.release()


def work_on_proxy(lst):
    """The same on a Manager's list proxy."""
    for i in range(3):
        lst.append(i)


def nums_experiment(method, via):
    """How many items the parent sees after one worker appended three to [11, 22]."""
    global nums
    nums = [11, 22]
    if method is None:
        t = threading.Thread(target=work_on_global)
        t.start()
        t.join()
        return len(nums)
    ctx = mp.get_context(method)
    if via == "global":
        p = ctx.Process(target=work_on_global)
        p.start()
        p.join()
        return len(nums)
    if via == "array":
        arr, length = ctx.Array("q", [11, 22, 0, 0, 0]), ctx.Value("q", 2)
        p = ctx.Process(target=work_on_array, args=(arr, length))
        p.start()
        p.join()
        return length.value
    if via == "shared_memory":
        from multiprocessing import shared_memory
        shm = shared_memory.SharedMemory(create=True, size=8 * 6)
        try:
            view = shm.buf.cast("q")
            view[0], view[1], view[2] = 2, 11, 22
            # Under fork the child keeps this mapping: nothing re-attaches by name, so the
            # resource tracker counts one segment, unlinked below.
            p = ctx.Process(target=work_on_shm, args=(shm,))
            p.start()
            p.join()
            seen = view[0]
            view.release()
            return seen
        finally:
            shm.close()
            shm.unlink()
    if via == "manager":
        with ctx.Manager() as manager:
            lst = manager.list([11, 22])
            p = ctx.Process(target=work_on_proxy, args=(lst,))
            p.start()
            p.join()
            return len(lst)
    raise ValueError(via)


def nums_family(suite):
    ways = [("thread", {"via": "global"}, None, "global")]
    for m in ("fork", "spawn", "forkserver"):
        ways.append(("process", {"start_method": m, "via": "global"}, m, "global"))
    for via in ("array", "shared_memory", "manager"):
        ways.append(("process", {"start_method": "fork", "via": via}, "fork", via))
    for variant, args, method, via in ways:
        full = name(variant, "nums", **args)
        if not suite.wanted(full):
            continue
        if method and method not in mp.get_all_start_methods():
            suite.skip(full, f"start method {method} is not available on {sys.platform}")
            continue
        seen = []

        def once(n, method=method, via=via):
            t0 = time.perf_counter()
            for _ in range(n):
                seen[:] = [nums_experiment(method, via)]
            return time.perf_counter() - t0

        suite.measure(full, once, 1, counters=lambda: {"parent_sees_items": seen[0]})


# --- payload: what pickling costs ---------------------------------------------------

PAYLOADS = ("bytes", "ints", "strs")


def make_payload(kind, size):
    """size bytes of data as C would hold it: bytes; size / 8 small ints (8 bytes each
    in C); a dict of size / 32 entries, each a 16-character key and value."""
    if kind == "bytes":
        return b"x" * size
    if kind == "ints":
        return [i % 100 for i in range(max(1, size // 8))]
    return {f"k{i:015d}": f"v{i:015d}" for i in range(max(1, size // 32))}


def payload_producer(transport, chan, kind, size, n, ready, gate):
    item = make_payload(kind, size)
    ready.release()
    gate.wait()
    if transport == "mp_queue" or transport == "queue":
        for _ in range(n):
            chan.put(item)
    elif transport == "mp_pipe":
        for _ in range(n):
            chan.send(item)
    else:  # shared_memory: (segment, free slots, filled slots, slot size)
        shm, free, filled, slot = chan
        buf = shm.buf
        for i in range(n):
            data = item if kind == "bytes" else pickle.dumps(item)
            free.acquire()
            at = (i % C_QUEUE_CAPACITY) * slot
            buf[at:at + 8] = len(data).to_bytes(8, "little")
            buf[at + 8:at + 8 + len(data)] = data
            filled.release()
        del buf


def payload_once(transport, kind, size, n, check):
    """Seconds for n items through the transport, from the gate to the last one; check
    holds whether every item arrived whole."""
    item = make_payload(kind, size)
    fork = mp.get_context("fork")
    got = [None, 0]
    if transport == "queue":
        q = queue.Queue(C_QUEUE_CAPACITY)

        def consume():
            for _ in range(n):
                got[0] = q.get()
                got[1] += 1
        t = run_gated(None, payload_producer, (transport, q, kind, size, n), consume)
    elif transport == "mp_queue":
        q = fork.Queue()

        def consume():
            for _ in range(n):
                got[0] = q.get()
                got[1] += 1
        try:
            t = run_gated(fork, payload_producer, (transport, q, kind, size, n), consume)
        finally:
            q.close()
            q.join_thread()
    elif transport == "mp_pipe":
        rx, tx = fork.Pipe(duplex=False)

        def consume():
            for _ in range(n):
                got[0] = rx.recv()
                got[1] += 1
        try:
            t = run_gated(fork, payload_producer, (transport, tx, kind, size, n), consume)
        finally:
            rx.close()
            tx.close()
    elif transport == "shared_memory":
        from multiprocessing import shared_memory
        slot = 8 + len(item if kind == "bytes" else pickle.dumps(item))
        shm = shared_memory.SharedMemory(create=True, size=slot * C_QUEUE_CAPACITY)
        free, filled = fork.Semaphore(C_QUEUE_CAPACITY), fork.Semaphore(0)
        try:
            buf = shm.buf

            def consume():
                for i in range(n):
                    filled.acquire()
                    at = (i % C_QUEUE_CAPACITY) * slot
                    length = int.from_bytes(buf[at:at + 8], "little")
                    data = bytes(buf[at + 8:at + 8 + length])
                    free.release()
                    got[0] = data if kind == "bytes" else pickle.loads(data)
                    got[1] += 1
            t = run_gated(fork, payload_producer,
                          (transport, (shm, free, filled, slot), kind, size, n), consume)
            del buf
        finally:
            shm.close()
            shm.unlink()
    else:  # pickle alone: what a process transport adds to a reference, per item
        t0 = now()
        for _ in range(n):
            got[0] = pickle.loads(pickle.dumps(item))
            got[1] += 1
        t = now() - t0
    check[:] = [int(got[1] == n and got[0] == item)]
    return t


def payload(suite, sizes):
    """C4: Queue, Pipe and shared_memory between processes, queue.Queue between threads
    (a reference passes; nothing is copied) and pickle alone, by payload kind and size."""
    for kind in PAYLOADS:
        for size in sizes:
            pickled = len(pickle.dumps(make_payload(kind, size)))
            for transport in ("queue", "mp_queue", "mp_pipe", "shared_memory", "pickle"):
                full = name(transport, "payload", payload=kind, item_bytes=size)
                if not suite.wanted(full):
                    continue
                check = []

                def once(n, transport=transport, kind=kind, size=size, check=check):
                    return payload_once(transport, kind, size, n, check)

                budget, suite.budget = suite.budget, suite.budget / 8
                try:
                    suite.measure(full, once, suite.calibrate(once, start=20, cap=50000),
                                  counters=lambda check=check, pickled=pickled: {
                                      "delivered": check[0], "pickle_bytes": pickled})
                finally:
                    suite.budget = budget


# --- pingpong: talking, thread or process peer --------------------------------------

def pong(conn, n, ready, gate):
    ready.release()
    gate.wait()
    for _ in range(n):
        conn.send_bytes(conn.recv_bytes())


def pingpong(suite):
    """C7's cost: 8-byte round trips through the same multiprocessing.Pipe, the peer a
    forked process or a thread."""
    for variant, ctx in (("thread_pipe", None), ("mp_pipe", mp.get_context("fork"))):
        full = name(variant, "pingpong")
        if not suite.wanted(full):
            continue

        def once(n, ctx=ctx):
            a, b = mp.Pipe()
            msg = b"x" * 8

            def consume():
                for _ in range(n):
                    a.send_bytes(msg)
                    a.recv_bytes()
            try:
                return run_gated(ctx, pong, (b, n), consume)
            finally:
                a.close()
                b.close()

        suite.measure(full, once, suite.calibrate(once, start=100))


# --- crash: what the caller sees ----------------------------------------------------

def label_of(clauses):
    """What happened, as the label of a crash or exception row: a JSON list of outcome
    clauses [code, argument...] (docs/results.md, outcome codes). The report holds the
    words, in its catalogue; an exception's own message travels as an argument."""
    return json.dumps(clauses, ensure_ascii=False, separators=(",", ":"))


CRASH_VARIANTS = ("process", "mp_pool", "process_executor", "thread", "thread_executor")
FAILURES = ("raise", "exit", "segv")
# A dead pool worker's result never comes: get() is given this long, after the sibling
# task has ended (so a result that does come has had the sibling's time too).
POOL_WAIT_S = 0.5
# Long enough to be running when the failing task fails, short enough that the crash
# rows repeat as every counted row does (15 cases a repetition, each a fresh sandbox).
SIBLING_MS = 100


def crash_task(failure):
    if failure == "raise":
        raise ValueError("the task failed")
    if failure == "exit":
        os._exit(3)
    os.kill(os.getpid(), signal.SIGSEGV)  # the default action: the whole process dies
    time.sleep(5)


def crash_case(variant, failure):
    """One C7 case, run in a sandbox process of its own (a thread's SIGSEGV takes its
    whole process): a task that fails beside a sibling task of SIBLING_MS. Prints one
    JSON line: what the caller saw (seen: 1 when it was told), whether the sibling's work
    finished (others_done), whether the pool still runs a task (pool_usable, pools)."""
    ctx = mp.get_context("fork")
    out = {"others_done": 0}
    if variant in ("process", "thread"):
        make = ctx.Process if variant == "process" else threading.Thread
        hooked = []
        threading.excepthook = lambda a: hooked.append(a.exc_type.__name__)
        w, sib = make(target=crash_task, args=(failure,)), make(target=sleep_ms,
                                                                   args=(SIBLING_MS,))
        sib.start()
        w.start()
        w.join(30)
        sib.join(30)
        if variant == "process":
            code = w.exitcode
            out["seen"] = int(code != 0)
            out["said"] = [["exitcode", code] + ([signal.Signals(-code).name]
                                                   if code and code < 0 else [])]
            out["others_done"] = int(sib.exitcode == 0)
        else:
            out["seen"] = 0
            out["said"] = [["excepthook", ", ".join(hooked)]]
            out["others_done"] = int(not sib.is_alive())
    elif variant == "mp_pool":
        pool = ctx.Pool(2)
        try:
            r = pool.apply_async(crash_task, (failure,))
            s = pool.apply_async(sleep_ms, (SIBLING_MS,))
            try:
                s.wait(timeout=10)
                r.get(timeout=POOL_WAIT_S)
                out["seen"], out["said"] = 0, [["returned", "get"]]
            except mp.TimeoutError:
                out["seen"] = 0
                out["said"] = [["get_timed_out", f"{POOL_WAIT_S:g}"]]
            except Exception as e:
                out["seen"], out["said"] = 1, [["raised", "get", f"{type(e).__name__}: {e}"]]
            try:
                out["others_done"] = int(s.get(timeout=10) == SIBLING_MS)
            except Exception:
                pass
            try:
                out["pool_usable"] = int(pool.apply_async(sleep_ms, (0,)).get(timeout=10) == 0)
            except Exception:
                out["pool_usable"] = 0
        finally:
            pool.terminate()
            pool.join()
    else:
        ex = (cf.ProcessPoolExecutor(2, mp_context=ctx) if variant == "process_executor"
              else cf.ThreadPoolExecutor(2))
        try:
            f = ex.submit(crash_task, failure)
            s = ex.submit(sleep_ms, SIBLING_MS)
            try:
                f.result(timeout=30)
                out["seen"], out["said"] = 0, [["returned", "result"]]
            except Exception as e:
                out["seen"], out["said"] = 1, [["raised", "result",
                                                f"{type(e).__name__}: {e}"]]
            try:
                out["others_done"] = int(s.result(timeout=10) == SIBLING_MS)
            except Exception as e:
                out["said"].append(["sibling_raised", type(e).__name__])
            try:
                out["pool_usable"] = int(ex.submit(sleep_ms, 0).result(timeout=10) == 0)
            except Exception as e:
                out["pool_usable"] = 0
                out["said"].append(["submit_raised", type(e).__name__])
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
    print(json.dumps(out), flush=True)


def crash_in_sandbox(variant, failure):
    """Runs crash_case in a fresh interpreter; (counters, label). The label is what the
    caller saw as outcome clauses (label_of): codes, never words."""
    # A SIGSEGV is plain death here, with no faulthandler dump.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--crash-case", variant,
                        failure], capture_output=True, text=True, timeout=120, env=env)
    line = next((ln for ln in reversed(r.stdout.splitlines()) if ln.startswith("{")), None)
    if r.returncode != 0 or line is None:
        how = (["process_killed", signal.Signals(-r.returncode).name] if r.returncode < 0
               else ["process_exited", r.returncode])
        return {"caller_survived": 0, "seen": 0, "others_done": 0}, label_of([how])
    got = json.loads(line)
    counters = {"caller_survived": 1, "seen": got["seen"], "others_done": got["others_done"]}
    if "pool_usable" in got:
        counters["pool_usable"] = got["pool_usable"]
    return counters, label_of(got["said"])


def crashes(suite):
    """Every case, repeated as every counted row is: the counters are what the last
    repetition saw (each repetition a fresh sandbox)."""
    for variant in CRASH_VARIANTS:
        for failure in FAILURES:
            full = name(variant, "crash", failure=failure)
            if not suite.wanted(full):
                continue
            got = [None, ""]

            def once(n, variant=variant, failure=failure):
                t0 = time.perf_counter()
                for _ in range(n):
                    got[:] = crash_in_sandbox(variant, failure)
                return time.perf_counter() - t0

            suite.measure(full, once, 1, counters=lambda: dict(got[0]),
                          label=lambda: got[1])


# --- reuse: when a pool's workers start, and how many run the tasks -------------------

def task_pid(ms):
    time.sleep(ms / 1000)
    return os.getpid()


def reuse(suite):
    """C5: Pool(3) and ProcessPoolExecutor(3) (fork): children alive right after the pool
    is made, after its first task, and the distinct pids that ran ten 5 ms tasks."""
    fork = mp.get_context("fork")
    for variant in ("mp_pool", "process_executor"):
        full = name(variant, "reuse", start_method="fork")
        if not suite.wanted(full):
            continue
        got = {}

        def once(n, variant=variant):
            t0 = time.perf_counter()
            for _ in range(n):
                base = len(mp.active_children())
                if variant == "mp_pool":
                    pool = fork.Pool(3)
                    submit = lambda ms: pool.apply_async(task_pid, (ms,)).get  # noqa: E731
                else:
                    pool = cf.ProcessPoolExecutor(3, mp_context=fork)
                    submit = lambda ms: pool.submit(task_pid, ms).result  # noqa: E731
                try:
                    up_front = len(mp.active_children()) - base
                    submit(0)()
                    after_first = len(mp.active_children()) - base
                    pids = {r() for r in [submit(5) for _ in range(10)]}
                finally:
                    if variant == "mp_pool":
                        pool.close()
                        pool.join()
                    else:
                        pool.shutdown()
                got.update(workers_up_front=up_front, workers_after_first_task=after_first,
                           distinct_workers=len(pids), pool_size=3)
            return time.perf_counter() - t0

        suite.measure(full, once, 1, counters=lambda: dict(got))



class Suite:
    def __init__(self, profile, pattern):
        self.profile = profile
        self.reps, self.budget = PROFILES[profile]
        self.work_s = WORK_S[profile]
        self.pattern = re.compile(pattern) if pattern else None
        self.rows = []
        self.families = {}  # measure -> {"variants": [...], "args": {arg: [values]}}
        self.names = []     # every name a family asked for, in order (--describe)
        self.dry = False    # --describe: every family asks for its names, none runs

    def wanted(self, name):
        """Whether the filter lets name run; every name passes here first, so the
        description records each family as the C side does, filtered or not."""
        self.record(name)
        return not self.dry and (self.pattern is None or self.pattern.search(name))

    def record(self, name):
        if name in self.names:
            return
        self.names.append(name)
        f = fields(name)
        fam = self.families.setdefault(f.pop("measure"), {"variants": [], "args": {}})
        if f["variant"] not in fam["variants"]:
            fam["variants"].append(f["variant"])
        for k, v in f.items():
            if k in ("variant", "mode"):
                continue
            values = fam["args"].setdefault(k, [])
            v = int(v) if v.isdigit() else v
            if v not in values:
                values.append(v)

    def describe(self):
        """This scenario's description, in the shape of tvp-bench --describe's."""
        families = [{"measure": m, "desc": FAMILIES[m], "variants": fam["variants"],
                     "args": list(fam["args"]), "values": fam["args"]}
                    for m, fam in sorted(self.families.items(),
                                         key=lambda kv: list(FAMILIES).index(kv[0]))]
        return {"name_schema": NAME_SCHEMA, "profile": self.profile,
                "modes": ["thread", "process"], "python_kinds": PYTHON_KINDS,
                "scenarios": [{"name": SCENARIO, "desc": SCENARIO_DESC, "in_a_row": True,
                               "families": families}]}

    def skip(self, name, why):
        self.record(name)
        if self.dry:
            return
        self.rows.append({"name": name, "run_name": name, "run_type": "iteration",
                          "repetitions": self.reps, "repetition_index": 0, "threads": 1,
                          "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "us",
                          "error_occurred": True, "error_message": why})
        print(f"{name:60s} skipped: {why}", flush=True)

    def measure(self, name, once, count, counters=None, label=None):
        """Runs once(count) per repetition; once returns the seconds it took for count
        operations. A row per repetition, time per operation in µs."""
        if not self.wanted(name):
            return
        full = name + "/manual_time"
        times = []
        for rep in range(self.reps):
            seconds = once(count)
            us = seconds / count * 1e6
            times.append(us)
            row = {"name": full, "run_name": full, "run_type": "iteration",
                   "repetitions": self.reps, "repetition_index": rep, "threads": 1,
                   "iterations": count, "real_time": us, "cpu_time": us, "time_unit": "us",
                   "items_per_second": 1e6 / us if us else 0}
            row.update((counters() if callable(counters) else counters) or {})
            if label:
                row["label"] = label() if callable(label) else label
            self.rows.append(row)
        times.sort()
        print(f"{full:60s} {times[len(times) // 2]:12.2f} us  ({count} x {self.reps})",
              flush=True)

    def rows_of(self, full, per_op_s, count, counters, label=None):
        """Rows of a name measured elsewhere (interleaved): per_op_s, seconds per
        operation for each repetition; counters(repetition, seconds of the whole
        window)."""
        full += "/manual_time"
        for rep, sec in enumerate(per_op_s):
            us = sec * 1e6
            row = {"name": full, "run_name": full, "run_type": "iteration",
                   "repetitions": len(per_op_s), "repetition_index": rep, "threads": 1,
                   "iterations": count, "real_time": us, "cpu_time": us, "time_unit": "us",
                   **counters(rep, sec * count)}
            if label:
                row["label"] = label
            self.rows.append(row)
        med = sorted(per_op_s)[len(per_op_s) // 2] * 1e6 if per_op_s else 0
        print(f"{full:60s} {med:12.4f} us  ({count} x {len(per_op_s)})", flush=True)

    def calibrate(self, once, start=1, cap=100000):
        """How many operations fill the profile's time per repetition, from one trial."""
        per_op = once(start) / start
        return max(start, min(cap, int(self.budget / max(per_op, 1e-9))))


def create(suite):
    def thread_once(n):
        t0 = time.perf_counter()
        for _ in range(n):
            t = threading.Thread(target=noop)
            t.start()
            t.join()
        return time.perf_counter() - t0

    suite.measure(name("thread", "create"), thread_once, suite.calibrate(thread_once))
    for method in ("fork", "spawn", "forkserver"):
        full = name("process", "create", start_method=method)
        if not suite.wanted(full):
            continue
        if method not in mp.get_all_start_methods():
            suite.skip(full, f"start method {method} is not available on {sys.platform}")
            continue
        ctx = mp.get_context(method)

        def once(n, ctx=ctx):
            t0 = time.perf_counter()
            for _ in range(n):
                p = ctx.Process(target=noop)
                p.start()
                p.join()
            return time.perf_counter() - t0

        once(1)  # a forkserver starts its server on first use: not part of the cost
        suite.measure(full, once, suite.calibrate(once, cap=2000))
    fair_bases(suite)


def fair_bases(suite):
    """The fair bases of Process(): posix_spawn of this same interpreter with -c pass
    (what spawn and forkserver cannot avoid: starting an interpreter), and libc's fork()
    called from this interpreter (a C fork whose parent holds exactly the interpreter's
    memory, without multiprocessing), its parent's memory beside it."""
    full = name("interpreter", "create", how="posix_spawn")
    if suite.wanted(full):
        argv = [sys.executable, "-c", "pass"]

        def spawn_once(n):
            t0 = time.perf_counter()
            for _ in range(n):
                pid = os.posix_spawn(sys.executable, argv, os.environ)
                os.waitpid(pid, 0)
            return time.perf_counter() - t0

        suite.measure(full, spawn_once, suite.calibrate(spawn_once, cap=500))
    full = name("c_fork", "create")
    if not suite.wanted(full):
        return
    try:
        import ctypes
        # PyDLL keeps the GIL across the call, so the child returns into a consistent
        # interpreter for the few bytecodes before its _exit.
        libc = ctypes.PyDLL(None)
        libc.fork.restype = ctypes.c_int
    except (ImportError, OSError, AttributeError) as e:
        suite.skip(full, f"ctypes cannot reach libc's fork here: {e}")
        return

    def fork_once(n):
        t0 = time.perf_counter()
        for _ in range(n):
            pid = libc.fork()
            if pid == 0:
                libc._exit(0)
            os.waitpid(pid, 0)
        return time.perf_counter() - t0

    rss, pss, private = rollup() if os.path.exists("/proc/self/smaps_rollup") else (0, 0, 0)
    suite.measure(full, fork_once, suite.calibrate(fork_once, cap=5000),
                  counters={"parent_rss_kib": rss, "parent_private_kib": private,
                            "parent_pss_kib": pss})


def queues(suite, sizes):
    """Items from a producer started beforehand and waiting at a gate: the window is the
    items alone. queue.Queue is bounded as C's queue (C_QUEUE_CAPACITY) and each item is
    copied in (bytearray) and out (bytes), as C's queue copies each message into and out
    of its slot; multiprocessing.Queue pickles into its pipe, which is its copy."""
    fork = mp.get_context("fork")
    for size in sizes:
        for cap, measure in ((0, "queue"), (3, "queue3")):
            if cap and size != 8:
                continue
            args = {} if cap else {"item_bytes": size}
            mp_name = name("mp_queue", measure, **args)
            th_name = name("queue", measure, **args)

            def mp_once(n, size=size, cap=cap):
                q = fork.Queue(cap)
                try:
                    return run_gated(fork, gated_produce, (q, n, size, False),
                                     lambda: drain(q))
                finally:
                    q.close()
                    q.join_thread()

            def th_once(n, size=size, cap=cap):
                q = queue.Queue(cap or C_QUEUE_CAPACITY)
                return run_gated(None, gated_produce, (q, n, size, True),
                                 lambda: drain(q, copy=True))

            if suite.wanted(mp_name):
                suite.measure(mp_name, mp_once, suite.calibrate(mp_once, start=100))
            if suite.wanted(th_name):
                suite.measure(th_name, th_once, suite.calibrate(th_once, start=100))


# Fresh interpreters per repetition of the notes' consumer loop, by profile: each run
# is a new `python3` of the notes' program (examples/ex3_queue_racy.py), as a student
# runs it; in one interpreter the race shows ten times less (examples/README.md).
NOTES_LOOP_RUNS = {"quick": 5, "full": 40}


def notes_loop_module():
    """examples/ex3_queue_racy.py, the notes' C4 program kept verbatim with its checker,
    imported (its run_once runs the program once in a fresh interpreter); None when the
    examples are not beside this file."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "examples", "ex3_queue_racy.py")
    if not os.path.exists(path):
        return None
    import importlib.util
    spec = importlib.util.spec_from_file_location("ex3_queue_racy", path)
    mod = importlib.util.module_from_spec(spec)
    stdout = sys.stdout
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.stdout = stdout  # it sets line buffering on its own stdout, not ours
    return mod


def notes_loop(suite):
    """C4's context: the notes' consumer loop (`if q.empty(): break`) races with the
    producer's feeder thread and may stop before every item arrived; the queue loses
    nothing. Runs the notes' program unchanged, each time in a fresh interpreter, no
    sleep added; counts the runs whose loop got fewer items than the producer put. The
    time is one whole run's (an interpreter started, the program run, its output read)."""
    full = name("mp_queue", "notes_loop")
    if not suite.wanted(full):
        return
    mod = notes_loop_module()
    if mod is None:
        suite.skip(full, "examples/ex3_queue_racy.py (the notes' program) is not beside "
                         "bench/")
        return
    got = {}

    def once(n):
        short = lost = none = whole = 0
        t0 = time.perf_counter()
        for _ in range(n):
            # What the loop got, and what was still in the queue once both children
            # ended: together they are what the producer put when the queue lost nothing.
            rc, _out, r, left = mod.run_once()
            whole += r is not None and left is not None and r + left == mod.DATA
            if r is None:
                none += 1
                short += 1
                lost += len(mod.DATA)
            elif len(r) < len(mod.DATA):
                short += 1
                lost += len(mod.DATA) - len(r)
        t = time.perf_counter() - t0
        got.update(runs=n, runs_short=short, items_lost=lost, runs_no_result=none,
                   items_put=len(mod.DATA), runs_queue_whole=whole)
        return t

    suite.measure(full, once, NOTES_LOOP_RUNS[suite.profile], counters=lambda: dict(got),
                  label=f"the notes' program, {len(mod.DATA) if mod else 3} items through "
                        "Queue(3), each run a fresh interpreter")


def drain(q, copy=False):
    """Gets items until None; copy: each one copied out, as C's queue copies."""
    while True:
        item = q.get()
        if item is None:
            return
        if copy:
            bytes(item)


def pools(suite, task_us):
    makers = {
        "mp_pool": lambda: mp.get_context("fork").Pool(os.cpu_count()),
        "thread_pool": lambda: mp.pool.ThreadPool(os.cpu_count()),
        "process_executor": lambda: cf.ProcessPoolExecutor(
            os.cpu_count(), mp_context=mp.get_context("fork")),
        "thread_executor": lambda: cf.ThreadPoolExecutor(os.cpu_count()),
    }
    for variant, make in makers.items():
        for us in task_us:
            full = name(variant, "pool", task_us=us)
            if not suite.wanted(full):
                continue
            pool = make()
            executor = isinstance(pool, cf.Executor)
            seen = {}  # the kernel ids of the workers that ran one repetition's tasks

            def once(n, pool=pool, us=us, executor=executor, seen=seen):
                t0 = time.perf_counter()
                if executor:
                    ids = [f.result() for f in [pool.submit(busy_who, us) for _ in range(n)]]
                else:
                    ids = [r.get() for r in [pool.apply_async(busy_who, (us,))
                                             for _ in range(n)]]
                t = time.perf_counter() - t0
                seen.update(tasks=n, distinct_workers=len(set(ids)))
                return t

            once(10)  # the workers exist before timing, as a pool's should
            suite.measure(full, once, suite.calibrate(once, start=10, cap=20000),
                          counters=lambda seen=seen: dict(seen))
            if executor:
                pool.shutdown()
            else:
                pool.close()
                pool.join()


# The notes' Pool(3) sleeps, drawn exactly as src/pool_tasks.c draws them
# (pool_notes_sleeps): the Park-Miller generator x <- 48271 x mod (2^31 - 1) from one
# seed, each sleep x mod 30000 µs. The same ten sleeps in C and Python, so the C pools'
# schedules and Python's can be set side by side (tests/test_pool_notes.py checks both).
POOL_NOTES_TASKS, POOL_NOTES_WORKERS = 10, 3
POOL_NOTES_SEED, POOL_NOTES_MAX_US = 20261127, 30000


def notes_sleeps_us(seed=POOL_NOTES_SEED, n=POOL_NOTES_TASKS):
    """The notes' random.random() * 3 s, a hundred times faster: n sleeps in whole µs."""
    m = 2 ** 31 - 1
    x = seed % m or 1  # 0 is the generator's one fixed point
    out = []
    for _ in range(n):
        x = x * 48271 % m
        out.append(x % POOL_NOTES_MAX_US)
    return out


def greedy_schedule(durations, workers):
    """The in-order schedule with free hand-offs: each task, in submission order, to the
    worker free first (the lowest-numbered on a tie), as pool_greedy_ns in C. Returns
    (worker of each task, start of each, makespan)."""
    free_at = [0] * workers
    who, starts = [], []
    for d in durations:
        w = free_at.index(min(free_at))
        who.append(w)
        starts.append(free_at[w])
        free_at[w] += d
    return who, starts, max(free_at)


_notes_up_ns = None
_notes_runs = None


def _notes_worker_up(runs):
    """Pool's initializer: runs once in each worker as it starts, so the worker's first
    moment is known (the notes: is a worker made only when a task finds the pool not
    full?), and hands it the shared per-task run counts (inherited through fork)."""
    global _notes_up_ns, _notes_runs
    _notes_up_ns = time.monotonic_ns()
    _notes_runs = runs


def notes_task(i, us):
    """The notes' worker: sleeps, and says who ran it and when (CLOCK_MONOTONIC, the
    clock every process of the machine shares, as C's now_ns)."""
    start = time.monotonic_ns()
    with _notes_runs.get_lock():
        _notes_runs[i] += 1
    time.sleep(us / 1e6)
    return os.getpid(), _notes_up_ns, start, time.monotonic_ns()


def notes_counters(t0, got, runs, sleeps_us):
    """One repetition's schedule and counts, under the C row's counter names: task{i}_worker
    numbers the workers by first appearance in task order, as bench/pool.c does."""
    lanes, up = {}, {}
    c = {}
    for i, (pid, up_ns, start, end) in enumerate(got):
        lane = lanes.setdefault(pid, len(lanes))
        up[lane] = up_ns
        c.update({f"task{i}_worker": lane, f"task{i}_sleep_ms": sleeps_us[i] / 1e3,
                  f"task{i}_start_ms": (start - t0) / 1e6, f"task{i}_end_ms": (end - t0) / 1e6})
    for lane, up_ns in sorted(up.items()):
        c[f"worker{lane}_up_ms"] = (up_ns - t0) / 1e6
    c.update({"distinct_workers": len(lanes),
              "workers_up_before_submit": sum(u < t0 for u in up.values()),
              "tasks_submitted": len(sleeps_us), "tasks_started": sum(runs),
              "tasks_run_twice": sum(r > 1 for r in runs)})
    return c


def notes_pool(suite):
    full = name("mp_pool", "pool_notes")
    if not suite.wanted(full):
        return
    sleeps = notes_sleeps_us()
    ctx = mp.get_context("fork")
    bound = max(max(sleeps), sum(sleeps) / POOL_NOTES_WORKERS) / 1e3
    ideal = greedy_schedule(sleeps, POOL_NOTES_WORKERS)[2] / 1e3
    last = {}

    def once(n):
        total = 0
        for _ in range(n):
            runs = ctx.Array("i", len(sleeps))
            po = ctx.Pool(POOL_NOTES_WORKERS, initializer=_notes_worker_up, initargs=(runs,))
            t0 = time.monotonic_ns()
            handles = [po.apply_async(notes_task, (i, us)) for i, us in enumerate(sleeps)]
            po.close()
            po.join()
            t1 = time.monotonic_ns()
            # Fetched after join, out of the timing, as the C side reads its results.
            last.update(counters=notes_counters(t0, [h.get() for h in handles], runs[:],
                                                sleeps))
            total += (t1 - t0) / 1e9
        return total

    suite.measure(full, once, 1, counters=lambda: dict(
        last["counters"], ideal_ms=ideal, bound_ms=bound))


@contextlib.contextmanager
def fd_capture():
    """fd 1 and fd 2 of this process pointed at two temporary files, and restored after:
    a worker forked (or spawned) meanwhile inherits them, so what the parent and every
    worker write to the terminal lands here, whichever way it is written (sys.stderr, a
    C library, os.write). Yields a function that returns (stdout bytes, stderr bytes)
    so far. Files, not pipes: a full pipe nobody reads would block the writer."""
    sys.stdout.flush()
    sys.stderr.flush()
    files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(files[0].fileno(), 1)
        os.dup2(files[1].fileno(), 2)

        def got():
            sys.stdout.flush()
            sys.stderr.flush()
            return tuple(os.pread(f.fileno(), os.fstat(f.fileno()).st_size, 0)
                         for f in files)
        yield got
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        for f in files:
            f.close()


TRACEBACK = b"Traceback (most recent call last)"


def shown_on_fds(out, err, message):
    """Whether a traceback or the exception's message reached fd 1 or 2."""
    return int(any(TRACEBACK in b or message.encode() in b for b in (out, err)))


def never_fetched(task=None):
    """The notes' code: apply_async, the result never fetched. fd 1 and 2 of the parent
    and of the pool's workers are captured from before the pool starts until it is
    joined: was anything shown, did anything raise in the caller? task: what the worker
    runs (fail by default; a test passes one that also writes to fd 2)."""
    task = task or fail
    with fd_capture() as got:
        try:
            po = mp.get_context("fork").Pool(2)
            po.apply_async(task, (1,))
            po.close()
            po.join()
            raised = None
        except Exception as e:  # the notes' caller would see this
            raised = e
        out, err = got()
    counters = {"stdout_bytes": len(out), "stderr_bytes": len(err)}
    if raised is not None:
        return dict(counters, shown=1), label_of([["raised_in_caller",
                                                     type(raised).__name__]])
    shown = shown_on_fds(out, err, "task 1 failed")
    if shown or out or err:
        text = (out + err).decode(errors="replace").strip().splitlines()
        return (dict(counters, shown=shown),
                label_of([["reached_fds", len(out), len(err), text[-1][:80] if text else ""]]))
    return dict(counters, shown=0), label_of([["silent"]])


def plain_process_raises():
    """The notes' contrast (子进程会): a plain Process (fork) whose target raises, its
    fd 1 and 2 captured as never_fetched's are. Shown: its traceback reached fd 2."""
    with fd_capture() as got:
        p = mp.get_context("fork").Process(target=fail, args=(4,))
        p.start()
        p.join()
        out, err = got()
    shown = int(TRACEBACK in err)
    counters = {"shown": shown, "stderr_bytes": len(err), "stdout_bytes": len(out),
                "exitcode": p.exitcode}
    if shown:
        last = err.decode(errors="replace").strip().splitlines()[-1]
        return counters, label_of([["traceback", len(err), last[:60], p.exitcode]])
    return counters, label_of([["no_traceback", len(err), p.exitcode]])


def fetched_with_get():
    po = mp.get_context("fork").Pool(2)
    r = po.apply_async(fail, (2,))
    try:
        r.get(timeout=10)
        outcome = {"shown": 0}, label_of([["returned_normally", "get"]])
    except ValueError as e:
        outcome = {"shown": 1}, label_of([["raised", "get", f"{type(e).__name__}: {e}"]])
    po.close()
    po.join()
    return outcome


def with_error_callback():
    seen = []
    po = mp.get_context("fork").Pool(2)
    po.apply_async(fail, (3,), error_callback=seen.append)
    po.close()
    po.join()
    if not seen:
        return {"shown": 0}, label_of([["error_callback_not_called"]])
    return {"shown": 1}, label_of([["error_callback", f"{type(seen[0]).__name__}: {seen[0]}"]])


def exceptions(suite):
    """The notes' question: is an exception in a pool worker shown in the main process?
    Each way is run as an experiment; its time is that of the whole experiment (a Pool of
    two made, the task failed, the pool joined). The notes' contrast beside it: a plain
    Process whose target raises."""
    for variant, how, case in (("mp_pool", "never_fetched", never_fetched),
                               ("mp_pool", "get", fetched_with_get),
                               ("mp_pool", "error_callback", with_error_callback),
                               ("process", "none", plain_process_raises)):
        outcome = [{}, ""]

        def once(n, case=case):
            t0 = time.perf_counter()
            for _ in range(n):
                outcome[:] = case()
            return time.perf_counter() - t0

        suite.measure(name(variant, "exception", fetch=how), once, 1,
                      counters=lambda: dict(outcome[0]), label=lambda: outcome[1])


def interpreter():
    """What the context says of the interpreter: version, whether the GIL is on now
    and whether the build can run without it, the default start method, its memory."""
    gil_disabled_build = sysconfig.get_config_var("Py_GIL_DISABLED") or 0
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    gil_on = is_enabled() if is_enabled else True
    rss, pss, private = rollup() if os.path.exists("/proc/self/smaps_rollup") else (0, 0, 0)
    return {"python": platform.python_version(),
            "python_implementation": platform.python_implementation(),
            "executable": sys.executable,
            "python_gil_enabled": str(int(bool(gil_on))),
            "python_gil_disabled_build": str(int(gil_disabled_build)),
            "python_default_start_method": mp.get_context().get_start_method(),
            "python_rss_kib": str(rss), "python_private_kib": str(private),
            "python_tag": default_tag()}


def default_tag():
    """A name for this interpreter that fits a name's value ([a-z0-9_]): py3112,
    py3135t (free-threaded build)."""
    v = sys.version_info
    ft = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    return f"py{v.major}{v.minor}{v.micro}{ft}"


def run_families(suite, profile):
    """Every family in the order of a run; with suite.dry, each only asks for its names."""
    full = profile == "full"
    # The fair bases' fork first, while this process has one thread.
    create(suite)
    # 4 workers in every profile: Python's C1 rules (scripts/verdicts/py_rules.py) read that row.
    for workers in (4, 16) if full else (4,):
        memory(suite, workers)
    nums_family(suite)
    gil(suite)
    queues(suite, [8, 64, 4096, 65536] if full else [8, 64, 65536])
    notes_loop(suite)
    payload(suite, [64, 4096, 65536, 1 << 20] if full else [64, 65536])
    pingpong(suite)
    pools(suite, [0, 10, 100, 1000] if full else [0, 1000])
    notes_pool(suite)
    exceptions(suite)
    reuse(suite)
    crashes(suite)
    __import__("py_http").run(suite, sys.modules[__name__])  # C8's servers: bench/py_http.py


def main(argv=None):
    global INTERP_TAG
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="quick", choices=sorted(PROFILES))
    ap.add_argument("--filter", default="")
    ap.add_argument("--repetitions", type=int, help="override the profile's repetitions")
    ap.add_argument("--min-time", type=float, help="override the seconds per repetition")
    ap.add_argument("--tag", help="another interpreter's rows: every name ends in "
                                  "/interp:TAG ([a-z0-9_]+)")
    ap.add_argument("--crash-case", nargs=2, metavar=("VARIANT", "FAILURE"),
                    help="run one C7 case and print what the caller saw (a sandbox)")
    ap.add_argument("--describe", action="store_true",
                    help="print this scenario's description and every name it can "
                         "register (JSON, as tvp-bench --describe), and run nothing")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.crash_case:
        crash_case(*args.crash_case)
        return 0
    if not args.out and not args.describe:
        ap.error("--out is required")
    if args.tag:
        if not contract.IDENT.fullmatch(args.tag):
            ap.error(f"--tag {args.tag!r}: only a-z, 0-9 and _ fit in a name")
        INTERP_TAG = args.tag
    try:
        if args.describe:
            suite = Suite(args.profile, None)
            suite.dry = True
            run_families(suite, args.profile)
            print(json.dumps(dict(suite.describe(), names=suite.names), indent=1))
            return 0
        interp = interpreter()  # before any worker: the interpreter's own memory
        suite = Suite(args.profile, args.filter)
        if args.repetitions:
            suite.reps = args.repetitions
        if args.min_time:
            suite.budget = args.min_time
            suite.work_s = min(suite.work_s, args.min_time)
        run_families(suite, args.profile)
    except contract.ContractError as e:
        print(f"py_bench.py: {e}", file=sys.stderr)
        return 1
    pus = len(os.sched_getaffinity(0))
    doc = {"context": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "host_name": platform.node(), "profile": args.profile,
                       "placement": "none", "tvp_version": "python", "pus": str(pus),
                       "start_methods": ",".join(mp.get_all_start_methods()),
                       "python_interp_tag": INTERP_TAG or "",
                       "name_schema": str(NAME_SCHEMA),
                       "tvp_describe": json.dumps(suite.describe()), **interp},
           "benchmarks": suite.rows}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
