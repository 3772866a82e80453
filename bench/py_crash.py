"""py_crash.py - C7, what the caller sees: a worker that raises, calls os._exit(3) or is
killed by SIGSEGV beside a sibling task, each case in a sandbox interpreter of its own
(py_bench.py --crash-case); what the caller was told and what survived."""
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time

from py_contract import label_of, name

# The sandbox is this layer's entry point, run with --crash-case.
PY_BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "py_bench.py")


def sleep_ms(ms):
    time.sleep(ms / 1000)
    return ms


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
    r = subprocess.run([sys.executable, PY_BENCH, "--crash-case", variant,
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
