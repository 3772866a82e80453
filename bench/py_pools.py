"""py_pools.py - C5's pools: tasks of a set length through Pool, ThreadPool and both
executors (the time per task, and the workers that ran them), and when Pool(3) and
ProcessPoolExecutor(3) make their workers and how many run ten tasks."""
import concurrent.futures as cf
import multiprocessing as mp
import multiprocessing.pool
import os
import threading
import time

from py_contract import name


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
