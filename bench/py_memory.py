"""py_memory.py - C1 in the notes' Python: N idle workers alive, and what each owns
(Pss, private and Rss per worker), read as the footprint scenario reads them."""
import multiprocessing as mp
import os
import sys
import threading
import time

from py_contract import name
from py_harness import rollup


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
