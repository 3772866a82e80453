"""py_create.py - C2 in the notes' Python: a worker started and joined, n times in a row
(threading.Thread, multiprocessing.Process under each start method), and the fair bases
of Process(): posix_spawn of this interpreter, and libc's fork() called from it."""
import multiprocessing as mp
import os
import sys
import threading
import time

from py_contract import name
from py_harness import rollup


def noop():
    pass


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
