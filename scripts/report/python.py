"""python.py - the notes' own Python beside C (bench/py_bench.py): each operation of
multiprocessing and threading beside the C operation it is built on, the notes'
question about a pool worker's lost exception, and Python's verdicts."""
import stats
from results import PUS, key
from report.kit import fmt, table
from report.verdicts import python_rules_table

# A Python operation against the C operation it is built on: (Python's words, its key,
# C's words, C's key). Both sides name their mode; PUS is the machine's PUs.
PY_PAIRS = [
    ("Thread().start(); join()", key("python", "thread", "thread", "create"),
     "pthread_create + join",
     key("create", "pthread", "thread", "round_trip", layout="private", parent_mib=0)),
    ("Process() fork: start; join",
     key("python", "process", "process", "create", start_method="fork"),
     "fork, exit, wait",
     key("create", "fork", "process", "round_trip", layout="private", parent_mib=0)),
    ("Process() forkserver",
     key("python", "process", "process", "create", start_method="forkserver"),
     "fork, exit, wait",
     key("create", "fork", "process", "round_trip", layout="private", parent_mib=0)),
    ("Process() spawn", key("python", "process", "process", "create", start_method="spawn"),
     "posix_spawn of a static program",
     key("create", "posix_spawn", "process", "round_trip", layout="private", parent_mib=0)),
    ("multiprocessing.Queue, 64 B item",
     key("python", "mp_queue", "process", "queue", item_bytes=64),
     "pipe, 64 B message between processes",
     key("ipc", "pipe", "process", "throughput", kind="fork", pin="none", msg_bytes=64)),
    ("queue.Queue, 64 B item", key("python", "queue", "thread", "queue", item_bytes=64),
     "mutex + condvar queue, 64 B, threads",
     key("ipc", "queue", "thread", "throughput", kind="pthread", pin="none", msg_bytes=64)),
    ("multiprocessing.Queue(3)", key("python", "mp_queue", "process", "queue3"),
     "Queue(3), processes", key("ipc", "queue", "process", "queue3", kind="fork", pin="none")),
    ("queue.Queue(3)", key("python", "queue", "thread", "queue3"),
     "Queue(3), threads", key("ipc", "queue", "thread", "queue3", kind="pthread", pin="none")),
    ("Pool.apply_async, empty task", key("python", "mp_pool", "process", "pool", task_us=0),
     "process pool, empty task",
     key("pool", "pool", "process", "throughput", kind="fork", task_ns=0, workers=PUS)),
    ("ThreadPool.apply_async, empty task",
     key("python", "thread_pool", "thread", "pool", task_us=0),
     "thread pool, empty task",
     key("pool", "pool", "thread", "throughput", kind="pthread", task_ns=0, workers=PUS)),
]
# How the notes' caller treats the result of apply_async, in the order the table tells it.
FETCH_WORDS = [("never_fetched", "never fetches the result"), ("get", "calls `get()`"),
               ("error_callback", "passes `error_callback`")]


def per_item_us(b):
    """µs per operation: a C pool's from its tasks per second, else the time."""
    rates = b.counters.get("items_per_second")
    if rates and b.scenario == "pool":
        return stats.median_ci([1e6 / r for r in rates if r])[0]
    return b.median


def section(run, folder):
    def usable(k):
        b = run.bench(k)
        return b if b and b.usable else None

    rows = [(pl, usable(pk), cl, usable(ck)) for pl, pk, cl, ck in PY_PAIRS]
    rows = [r for r in rows if r[1]]
    if not rows:
        return []
    lines = []
    for pl, pb, cl, cb in rows:
        py_us = per_item_us(pb)
        c_us = per_item_us(cb) if cb else None
        lines.append([pl, fmt(py_us), cl, fmt(c_us) if c_us else "–",
                      f"{py_us / c_us:.1f}x" if c_us else "–"])
    out = ["## The notes' own Python beside C", "",
           f"The same operations through Python {run.ctx.get('python', '')}'s `multiprocessing` "
           "and `threading`, beside the C operation each is built on (median µs per "
           "operation; the ratio is Python over C). The difference is Python's own "
           "overhead: pickling, its locks and threads, an interpreter to start.", ""]
    out += table(["Python", "µs", "C", "µs", "Python : C"], lines)
    out += [f"- `{b.name}` skipped: {b.error}" for b in run.select("python") if b.error]
    out += ["", "### The notes' question: where does a pool worker's exception go?", "",
            "The notes observe that an exception inside a `Pool` worker is not shown in the "
            "main process, and ask how to handle it. What this run saw, for a task that "
            "raises `ValueError` under `apply_async`:", ""]
    seen = []
    for how, text in FETCH_WORDS:
        b = run.ok("python", "mp_pool", "process", "exception", fetch=how)
        if b:
            seen.append([text, "yes" if b.counter("shown") else "**no**", b.label])
    out += table(["the caller", "shown", "what happened"], seen)
    notes = run.ok("python", "mp_pool", "process", "pool_notes")
    if notes:
        out += ["", f"The notes' `Pool(3)` with its ten random sleeps (0-30 ms here, seeded) took "
                f"{notes.median / 1e3:.1f} ms against an ideal of "
                f"{notes.counter('ideal_ms'):.1f} ms."]
    return out + ["", "Python's verdicts, from the rules in `py_rules.PY_RULES`:", ""] + \
        python_rules_table(run)
