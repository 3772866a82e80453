"""py_gil.py - the GIL figure: N workers (threads, processes under each start method,
executors) each doing the same fixed count of pure-Python work (cpu) or of 2 ms sleeps
(io), released together; operations per second and each repetition's paired speed-up."""
import concurrent.futures as cf
import multiprocessing as mp
import os
import threading
import time

from py_contract import name
from py_harness import now

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
