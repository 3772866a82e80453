#!/usr/bin/python3
"""py_bench.py - the notes' own Python, measured: multiprocessing beside threading.

    py_bench.py [--profile quick|full] [--filter REGEX] [--repetitions N]
                [--min-time SECONDS] --out FILE

Standard library only. Writes Google Benchmark-shaped JSON (one row per repetition,
real_time in µs), so the report, statistics and comparison read it as they read the C
suite's. The names have the C suite's shape (name schema 2), with the scenario python and
a Python construct (PYTHON_KINDS) as the variant:
  python/process/process/measure:create/start_method:METHOD
                               Process(target=f).start(); join() under each start method
  python/thread/thread/measure:create      Thread(target=f).start(); join()
  python/mp_queue/process/measure:queue/item_bytes:N   multiprocessing.Queue, producer
                                                       process
  python/queue/thread/measure:queue/item_bytes:N       queue.Queue, producer thread
  python/QUEUE/MODE/measure:queue3         the same with Queue(3), the notes' size
  python/POOL/MODE/measure:pool/task_us:T  per task through Pool, ThreadPool and both
                                           executors
  python/mp_pool/process/measure:pool_notes    the notes' Pool(3): 10 random sleeps
                                               (0-30 ms, seeded)
  python/mp_pool/process/measure:exception/fetch:HOW   what happens to an exception raised
                               in apply_async when the result is never fetched, fetched
                               with get(), or given an error_callback
The context carries name_schema "2" and tvp_describe: this scenario's description in the
C suite's shape (its families as run, and python_kinds), for scripts/run.py to merge.
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
NAME_SCHEMA = 2
SCENARIO = "python"
SCENARIO_DESC = "the notes' own Python: multiprocessing beside threading (C2-C6)"

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
]
MODE = {k["name"]: k["mode"] for k in PYTHON_KINDS}

# The families, in the order of the description.
FAMILIES = {
    "create": "start a worker that does nothing, and join it",
    "queue": "items from a producer through an unbounded queue",
    "queue3": "the notes' Queue(3): 8-byte items through a queue of three",
    "pool": "tasks of a set length through a pool, per task",
    "pool_notes": "the notes' Pool(3): ten random sleeps on three workers",
    "exception": "an exception raised in apply_async: what the caller sees, by how the "
                 "result is fetched",
}


def name(variant, measure, **args):
    """python/VARIANT/MODE/measure:MEASURE[/key:value]..., the mode the construct's."""
    return "/".join([SCENARIO, variant, MODE[variant], f"measure:{measure}"] +
                    [f"{k}:{v}" for k, v in args.items()])


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


def produce(q, n, size):
    item = b"x" * size
    for _ in range(n):
        q.put(item)
    q.put(None)


class Suite:
    def __init__(self, profile, pattern):
        self.profile = profile
        self.reps, self.budget = PROFILES[profile]
        self.pattern = re.compile(pattern) if pattern else None
        self.rows = []
        self.families = {}  # measure -> {"variants": [...], "args": {arg: [values]}}

    def wanted(self, name):
        """Whether the filter lets name run; every name passes here first, so the
        description records each family as the C side does, filtered or not."""
        self.record(name)
        return self.pattern is None or self.pattern.search(name)

    def record(self, name):
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


def queues(suite, sizes):
    for size in sizes:
        for cap, measure in ((0, "queue"), (3, "queue3")):
            if cap and size != 8:
                continue
            args = {} if cap else {"item_bytes": size}
            mp_name = name("mp_queue", measure, **args)
            th_name = name("queue", measure, **args)

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
# schedules and Python's can be set side by side (tests/test_scripts.py checks both).
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

        suite.measure(name("mp_pool", "exception", fetch=how), once, 1,
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
                       "start_methods": ",".join(mp.get_all_start_methods()),
                       "name_schema": str(NAME_SCHEMA),
                       "tvp_describe": json.dumps(suite.describe())},
           "benchmarks": suite.rows}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
