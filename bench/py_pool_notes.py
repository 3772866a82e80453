"""py_pool_notes.py - C5, the notes' Pool(3): ten random sleeps on three workers, the
sleeps drawn as src/pool_tasks.c draws them, each task's worker, start and end, and the
greedy in-order schedule of the same sleeps as the ideal."""
import multiprocessing as mp
import os
import time

from py_contract import name

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
