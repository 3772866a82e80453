#!/usr/bin/python3
"""py_bench.py - the notes' own Python, measured: multiprocessing beside threading.

    py_bench.py [--profile quick|full] [--filter REGEX] [--repetitions N]
                [--min-time SECONDS] --out FILE

Standard library only. Writes Google Benchmark-shaped JSON (one row per repetition,
names py_*/variant/mode/arg:value, real_time in µs), so the report, statistics and
comparison read it as they read the C suite's:
  py_create/METHOD/process     Process(target=f).start(); join() under each start method
  py_create/thread/thread      Thread(target=f).start(); join()
  py_queue/mp_queue/process/item_bytes:N   multiprocessing.Queue, producer process
  py_queue/queue/thread/item_bytes:N       queue.Queue, producer thread
  py_queue3/...                            the same with Queue(3), the notes' size
  py_pool/POOL/MODE/task_us:T  per task through Pool, ThreadPool and both executors
  py_pool_notes/mp_pool/process the notes' Pool(3): 10 random sleeps (0-30 ms, seeded)
  py_exception/HOW/process     what happens to an exception raised in apply_async when
                               the result is never fetched, fetched with get(), or
                               given an error_callback
"""
import argparse
import concurrent.futures as cf
import contextlib
import io
import json
import multiprocessing as mp
import multiprocessing.pool
import os
import platform
import queue
import random
import re
import sys
import threading
import time

PROFILES = {"quick": (5, 0.2), "full": (10, 0.3)}  # repetitions, seconds of work each


def noop():
    pass


def busy(us):
    end = time.perf_counter_ns() + int(us * 1000)
    while time.perf_counter_ns() < end:
        pass
    return us


def sleep_ms(ms):
    time.sleep(ms / 1000)
    return ms


def fail(x):
    raise ValueError(f"task {x} failed")


def produce(q, n, size):
    item = b"x" * size
    for _ in range(n):
        q.put(item)
    q.put(None)


class Suite:
    def __init__(self, profile, pattern):
        self.reps, self.budget = PROFILES[profile]
        self.pattern = re.compile(pattern) if pattern else None
        self.rows = []

    def wanted(self, name):
        return self.pattern is None or self.pattern.search(name)

    def skip(self, name, why):
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

    suite.measure("py_create/thread/thread", thread_once, suite.calibrate(thread_once))
    for method in ("fork", "spawn", "forkserver"):
        name = f"py_create/{method}/process"
        if not suite.wanted(name):
            continue
        if method not in mp.get_all_start_methods():
            suite.skip(name, f"start method {method} is not available on {sys.platform}")
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
        suite.measure(name, once, suite.calibrate(once, cap=2000))


def queues(suite, sizes):
    for size in sizes:
        for cap, scen in ((0, "py_queue"), (3, "py_queue3")):
            if cap and size != 8:
                continue
            arg = f"/item_bytes:{size}" if not cap else ""
            mp_name, th_name = f"{scen}/mp_queue/process{arg}", f"{scen}/queue/thread{arg}"

            def mp_once(n, size=size, cap=cap):
                q = mp.get_context("fork").Queue(cap)
                p = mp.get_context("fork").Process(target=produce, args=(q, n, size))
                t0 = time.perf_counter()
                p.start()
                while q.get() is not None:
                    pass
                t = time.perf_counter() - t0
                p.join()
                return t

            def th_once(n, size=size, cap=cap):
                q = queue.Queue(cap)
                t = threading.Thread(target=produce, args=(q, n, size))
                t0 = time.perf_counter()
                t.start()
                while q.get() is not None:
                    pass
                t1 = time.perf_counter() - t0
                t.join()
                return t1

            if suite.wanted(mp_name):
                suite.measure(mp_name, mp_once, suite.calibrate(mp_once, start=100))
            if suite.wanted(th_name):
                suite.measure(th_name, th_once, suite.calibrate(th_once, start=100))


def pools(suite, task_us):
    makers = {
        "py_pool/mp_pool/process": lambda: mp.get_context("fork").Pool(os.cpu_count()),
        "py_pool/thread_pool/thread": lambda: mp.pool.ThreadPool(os.cpu_count()),
        "py_pool/process_executor/process": lambda: cf.ProcessPoolExecutor(
            os.cpu_count(), mp_context=mp.get_context("fork")),
        "py_pool/thread_executor/thread": lambda: cf.ThreadPoolExecutor(os.cpu_count()),
    }
    for base, make in makers.items():
        for us in task_us:
            name = f"{base}/task_us:{us}"
            if not suite.wanted(name):
                continue
            pool = make()
            executor = isinstance(pool, cf.Executor)

            def once(n, pool=pool, us=us, executor=executor):
                t0 = time.perf_counter()
                if executor:
                    for f in [pool.submit(busy, us) for _ in range(n)]:
                        f.result()
                else:
                    for r in [pool.apply_async(busy, (us,)) for _ in range(n)]:
                        r.get()
                return time.perf_counter() - t0

            once(10)  # the workers exist before timing, as a pool's should
            suite.measure(name, once, suite.calibrate(once, start=10, cap=20000))
            if executor:
                pool.shutdown()
            else:
                pool.close()
                pool.join()


def notes_pool(suite):
    name = "py_pool_notes/mp_pool/process"
    if not suite.wanted(name):
        return
    rng = random.Random(20261127)
    sleeps = [rng.random() * 30 for _ in range(10)]  # the notes: random.random() * 3 s
    ideal = max(max(sleeps), sum(sleeps) / 3)

    def once(n):
        total = 0
        for _ in range(n):
            po = mp.get_context("fork").Pool(3)
            t0 = time.perf_counter()
            for ms in sleeps:
                po.apply_async(sleep_ms, (ms,))
            po.close()
            po.join()
            total += time.perf_counter() - t0
        return total

    suite.measure(name, once, 1, counters={"ideal_ms": ideal})


def never_fetched():
    """Is anything printed, does anything raise?"""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        po = mp.get_context("fork").Pool(2)
        po.apply_async(fail, (1,))
        po.close()
        po.join()
    if err.getvalue():
        return 1, f"printed: {err.getvalue()[:80]}"
    return 0, ("nothing raised and nothing printed: the exception stays in the result "
               "nobody fetched, and goes with it")


def fetched_with_get():
    po = mp.get_context("fork").Pool(2)
    r = po.apply_async(fail, (2,))
    try:
        r.get(timeout=10)
        outcome = 0, "get() returned normally"
    except ValueError as e:
        outcome = 1, f"get() raised {type(e).__name__}: {e}"
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
        return 0, "error_callback was not called"
    return 1, f"error_callback got {type(seen[0]).__name__}: {seen[0]}"


def exceptions(suite):
    """The notes' question: is an exception in a pool worker shown in the main process?
    Each way is run as an experiment; its time is that of the whole experiment (a Pool of
    two made, the task failed, the pool joined)."""
    for how, case in (("never_fetched", never_fetched), ("get", fetched_with_get),
                      ("error_callback", with_error_callback)):
        outcome = []

        def once(n, case=case):
            t0 = time.perf_counter()
            for _ in range(n):
                outcome[:] = case()
            return time.perf_counter() - t0

        suite.measure(f"py_exception/{how}/process", once, 1,
                      counters=lambda: {"shown": outcome[0]}, label=lambda: outcome[1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="quick", choices=sorted(PROFILES))
    ap.add_argument("--filter", default="")
    ap.add_argument("--repetitions", type=int, help="override the profile's repetitions")
    ap.add_argument("--min-time", type=float, help="override the seconds per repetition")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    suite = Suite(args.profile, args.filter)
    if args.repetitions:
        suite.reps = args.repetitions
    if args.min_time:
        suite.budget = args.min_time
    full = args.profile == "full"
    create(suite)
    queues(suite, [8, 64, 4096, 65536] if full else [8, 64, 65536])
    pools(suite, [0, 10, 100, 1000] if full else [0, 1000])
    notes_pool(suite)
    exceptions(suite)
    doc = {"context": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "host_name": platform.node(), "executable": sys.executable,
                       "python": platform.python_version(), "profile": args.profile,
                       "placement": "none", "tvp_version": "python",
                       "start_methods": ",".join(mp.get_all_start_methods())},
           "benchmarks": suite.rows}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
