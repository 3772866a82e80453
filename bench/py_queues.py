"""py_queues.py - C4's queues: bytes items from a producer waiting at a gate, through
queue.Queue (bounded and copying as C's queue) or multiprocessing.Queue, and the notes'
Queue(3); and the notes' own consumer loop, run as written in fresh interpreters."""
import multiprocessing as mp
import os
import queue
import sys
import time

from py_contract import name
from py_harness import run_gated

# C's bounded queue (src/ipc/queue.c DEFAULT_CAPACITY): queue.Queue gets the same bound.
C_QUEUE_CAPACITY = 16


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


def drain(q, copy=False):
    """Gets items until None; copy: each one copied out, as C's queue copies."""
    while True:
        item = q.get()
        if item is None:
            return
        if copy:
            bytes(item)


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
