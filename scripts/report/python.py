"""python.py - the notes' own Python (bench/py_bench.py), under each interpreter the run
used: the GIL figure (N workers doing the same fixed pure-Python work, beside C's threads
and processes from scale), each Python operation beside its fair base, Python's answers
to C1, C3, C4, C5, C7 (idle memory, the nums example, payloads, crashes, pool facts), the
notes' question about a pool worker's lost exception, and Python's verdicts."""
import json
import os

import stats
from results import PUS, key
import claims
import py_rules
from report.kit import draw, fmt, table, write_data
from report.verdicts import measured_text, threshold_text

# A Python operation against its fair base: (Python's words, its key, the base's words,
# the base's key, what the pair compares). Both sides name their mode; PUS is the
# machine's PUs.
C_FORK_EMPTY = key("create", "fork", "process", "round_trip", parent="minimal",
                   layout="private", parent_mib=0)
PY_SPAWN_BASE = key("python", "interpreter", "process", "create", how="posix_spawn")
PY_C_FORK = key("python", "c_fork", "process", "create")
PY_PAIRS = [
    ("Thread().start(); join()", key("python", "thread", "thread", "create"),
     "pthread_create + join",
     key("create", "pthread", "thread", "round_trip", parent="tvp",
         layout="private", parent_mib=0),
     "one OS thread either way; the gap is Python's Thread object and its start handshake"),
    ("Process() fork: start; join",
     key("python", "process", "process", "create", start_method="fork"),
     "libc fork() of this interpreter, _exit, waitpid (measured here)", PY_C_FORK,
     "a fork of the same parent; the gap is what multiprocessing does around it (the "
     "Process object, a sentinel pipe, the child's bootstrap and clean-up)"),
    ("libc fork() of this interpreter", PY_C_FORK, "fork, exit, wait from the minimal C parent",
     C_FORK_EMPTY, "the same system call; the gap is the interpreter's own memory, which "
     "fork copies as page tables"),
    ("Process() spawn", key("python", "process", "process", "create", start_method="spawn"),
     "posix_spawn of this interpreter with -c pass (measured here)", PY_SPAWN_BASE,
     "a new interpreter either way; the gap is spawn's re-import of the main module, "
     "the pickled Process and the handshake"),
    ("Process() forkserver",
     key("python", "process", "process", "create", start_method="forkserver"),
     "posix_spawn of this interpreter with -c pass (measured here)", PY_SPAWN_BASE,
     "the server forks a started interpreter; the gap is that fork and the handshake, "
     "against starting one from nothing"),
    ("posix_spawn of this interpreter with -c pass", PY_SPAWN_BASE,
     "posix_spawn of a static C program",
     key("create", "posix_spawn", "process", "round_trip", parent="tvp",
         layout="private", parent_mib=0),
     "the same call; the gap is starting an interpreter"),
    ("multiprocessing.Queue, 64 B item",
     key("python", "mp_queue", "process", "queue", item_bytes=64),
     "pipe, 64 B message between processes",
     key("ipc", "pipe", "process", "throughput", kind="fork", pin="none", msg_bytes=64),
     "a pipe underneath; the gap is pickling and the queue's feeder thread"),
    ("queue.Queue(16), 64 B item copied in and out",
     key("python", "queue", "thread", "queue", item_bytes=64),
     "C's queue of 16 slots, 64 B copied in and out, threads",
     key("ipc", "queue", "thread", "throughput", kind="pthread", pin="none", msg_bytes=64),
     "the same bound and the same copies between two threads; the gap is the interpreter"),
    ("multiprocessing.Queue(3)", key("python", "mp_queue", "process", "queue3"),
     "Queue(3), processes", key("ipc", "queue", "process", "queue3", kind="fork", pin="none"),
     "the notes' queue of three between processes"),
    ("queue.Queue(3)", key("python", "queue", "thread", "queue3"),
     "Queue(3), threads", key("ipc", "queue", "thread", "queue3", kind="pthread", pin="none"),
     "the notes' queue of three between threads, items copied as C's are"),
    ("Pool.apply_async, empty task", key("python", "mp_pool", "process", "pool", task_us=0),
     "process pool, empty task",
     key("pool", "pool", "process", "throughput", kind="fork", task_ns=0, workers=PUS),
     "a task through a pool of forked workers, one per PU"),
    ("ThreadPool.apply_async, empty task",
     key("python", "thread_pool", "thread", "pool", task_us=0),
     "thread pool, empty task",
     key("pool", "pool", "thread", "throughput", kind="pthread", task_ns=0, workers=PUS),
     "a task through a pool of threads, one per PU"),
]
# How the notes' caller treats the result of apply_async, in the order the table tells it.
FETCH_WORDS = [("never_fetched", "never fetches the result"), ("get", "calls `get()`"),
               ("error_callback", "passes `error_callback`")]
# The GIL figure's series: (variant, mode, fixed args, title); C's from scale after them.
GIL_SERIES = [("thread", "thread", {}, "threading.Thread"),
              ("process", "process", {"start_method": "fork"}, "Process (fork)"),
              ("process", "process", {"start_method": "spawn"}, "Process (spawn)"),
              ("process", "process", {"start_method": "forkserver"}, "Process (forkserver)"),
              ("thread_executor", "thread", {}, "ThreadPoolExecutor"),
              ("process_executor", "process", {"start_method": "fork"},
               "ProcessPoolExecutor (fork)")]
C_SERIES = [("pthread", "thread", "C threads (pthread)"), ("fork", "process", "C processes (fork)")]
INTERP_KEYS = ("python", "python_implementation", "executable", "python_gil_enabled",
               "python_gil_disabled_build", "python_default_start_method", "python_rss_kib",
               "python_private_kib", "python_tag", "python_interp_tag", "start_methods")


def interpreters(run):
    """[(tag, info)] of every interpreter the run used, the rules' first (tag None)."""
    raw = run.ctx.get("python_interpreters")
    infos = json.loads(raw) if raw else [{k: run.ctx.get(k, "") for k in INTERP_KEYS}]
    return [(c.get("python_interp_tag") or None, c) for c in infos]


def rows_of(run, tag, measure, **fields):
    """The usable python rows of one interpreter (tag None: the first one's)."""
    return [b for b in run.select("python", measure, **fields)
            if b.usable and b.args.get("interp") == tag]


def bench_of(run, tag, variant, mode, measure, **args):
    if tag:
        args["interp"] = tag
    b = run.get("python", variant, mode, measure, **args)
    return b if b and b.usable else None


def per_item_us(b):
    """µs per operation: a C pool's from its tasks per second, else the time."""
    rates = b.counters.get("items_per_second")
    if rates and b.scenario == "pool":
        return stats.median_ci([1e6 / r for r in rates if r])[0]
    return b.median


def gil_label(info):
    gil = info.get("python_gil_enabled")
    build = info.get("python_gil_disabled_build")
    words = {"1": "GIL on", "0": "GIL off"}.get(gil, "GIL not recorded")
    if build == "1":
        words += " (free-threaded build)"
    return f"Python {info.get('python') or '?'}, {words}"


# --- the GIL figure -------------------------------------------------------------------

def speedups(points):
    """{N: (median, lo, hi)} of ops_per_s(N) / median ops_per_s(1), or {} without N = 1."""
    one = points.get(1)
    base = one.counter("ops_per_s") if one else None
    if not base:
        return {}
    out = {}
    for n, b in points.items():
        vals = b.counters.get("ops_per_s")
        if vals:
            med, lo, hi, _ = stats.median_ci(vals)
            out[n] = (med / base, lo / base, hi / base)
    return out


def gil_series(run, tag, work):
    """[(title, style letter, {N: Bench})] of the series that ran, C's last (cpu only)."""
    out = []
    for variant, mode, args, title in GIL_SERIES:
        pts = {b.args["workers"]: b for b in rows_of(run, tag, "gil", variant=variant,
                                                      work=work, **args)}
        if pts:
            out.append((title, "t" if mode == "thread" else "p", pts))
    if work == "cpu":
        for kind, mode, title in C_SERIES:
            pts = {b.args["workers"]: b for b in run.select("scale", "rate", variant="cpu",
                                                            kind=kind, pin="none") if b.usable}
            if pts:
                out.append((title, "T" if mode == "thread" else "P", pts))
    return out


def parallel_capacity(run, scenario):
    """(before, after) the sentinel's parallel_pus around one interpreter's scenario
    (python, or python@TAG as run.py names it), or None."""
    try:
        sentinel = json.loads(run.ctx.get("sentinel") or "{}")
    except ValueError:
        return None
    names = list(sentinel)
    if scenario not in names:
        return None
    i = names.index(scenario)
    before = sentinel[names[i - 1]].get("parallel_pus") if i else None
    return before, sentinel[scenario].get("parallel_pus")


def gil_part(run, folder, tag, info):
    suffix = tag or "main"
    series = {w: gil_series(run, tag, w) for w in ("cpu", "io")}
    if not any(s for w, s in series.items() if any(t in "tp" for _, t, _ in s)):
        return []
    pus = run.pus or int(run.ctx.get("pus") or 0) or 1
    for work, ss in series.items():
        ns = sorted({n for _, _, pts in ss for n in pts})
        lines = []
        ups = [speedups(pts) for _, _, pts in ss]
        for n in ns:
            cells = [str(n)]
            for u in ups:
                cells += [f"{v:.4g}" for v in u[n]] if n in u else ["NaN"] * 3
            lines.append(" ".join(cells))
        head = "N " + " ".join(f'"{t}" lo hi' for t, _, _ in ss)
        write_data(folder, f"python_gil.{suffix}.{work}.dat",
                   head + "\n" + "\n".join(lines) + "\n")
    styles = [" ".join(s for _, s, _ in series[w]) or "t" for w in ("cpu", "io")]
    cap = parallel_capacity(run, f"python@{tag}" if tag else "python")
    known = cap and all(c is not None for c in cap)
    # The machine's capacity goes into the title: a slide shown alone must say when the
    # processes could not have scaled.
    title = f"{gil_label(info)}: N workers, each doing the same work ({pus} PUs" + (
        f"; {min(cap):.1f}-{max(cap):.1f} PUs' worth free around the run)" if known else ")")
    out = [f"### The GIL: {gil_label(info)}", ""]
    out += draw(folder, "python_gil.gp", os.path.join(folder, "data", f"python_gil.{suffix}"),
                f"python_gil_{suffix}", f"The GIL, {gil_label(info)}", styles[0], styles[1],
                str(pus), title)
    rows = []
    for work, ss in series.items():
        for t, _, pts in ss:
            u = speedups(pts)
            one = pts.get(1)
            cells = [("CPU" if work == "cpu" else "I/O"), t,
                     f"{one.counter('ops_per_s'):.3g}" if one else "–"]
            cells += [f"{u[n][0]:.2f}x" if n in u else "–" for n in sorted(
                {n for _, _, p in series["cpu"] + series["io"] for n in p})]
            rows.append(cells)
    ns = sorted({n for w in series for _, _, p in series[w] for n in p})
    out += ["Speed-up against one worker of the same kind (median); one worker's rate is "
            "operations per second (CPU: loop rounds of `s += i & 7`, I/O: 2 ms sleeps; C: "
            "scale's cpu operations, 1000 xorshift rounds each, in the same run). The "
            "window opens at a start gate (or the first submit) and closes at the last "
            "worker's end stamp: starting and joining the workers are outside it.", ""]
    out += table(["work", "workers", "one worker /s"] + [f"N = {n}" for n in ns], rows)
    if known:
        out += ["", f"Parallel capacity of the machine around this scenario (the sentinel's "
                f"spin loops): {cap[0]:.2f} PUs' worth before, {cap[1]:.2f} after, of {pus}. "
                "A process speed-up cannot exceed it; read the figure against it."]
    return out + [""]


# --- the fair pairs -------------------------------------------------------------------

def pairs_part(run):
    def usable(k):
        b = run.bench(k)
        return b if b and b.usable else None

    lines = []
    for pl, pk, cl, ck, what in PY_PAIRS:
        pb, cb = usable(pk), usable(ck)
        if not pb:
            continue
        py_us = per_item_us(pb)
        c_us = per_item_us(cb) if cb else None
        if pk == PY_C_FORK or ck == PY_C_FORK:
            fb = usable(PY_C_FORK)
            if fb and fb.counter("parent_private_kib"):
                what += (f" (the interpreter here: {fb.counter('parent_private_kib') / 1024:.1f}"
                         f" MiB private, {fb.counter('parent_rss_kib') / 1024:.1f} MiB Rss)")
        lines.append([pl, fmt(py_us), cl, fmt(c_us) if c_us else "–",
                      f"{py_us / c_us:.1f}x" if c_us else "–", what])
    if not lines:
        return []
    return ["### Each Python operation beside its fair base", "",
            "Median µs per operation; the ratio is the Python operation over its base, and "
            "the last column says what the pair compares. A base measured by py_bench.py "
            "itself runs in the same interpreter.", ""] + table(
        ["Python", "µs", "base", "µs", "ratio", "what is compared"], lines) + [""]


# --- the claims' Python answers -------------------------------------------------------

def memory_part(run):
    rows = []
    for b in rows_of(run, None, "memory"):
        who = "threading.Thread" if b.mode == "thread" else \
            f"Process ({b.args.get('start_method')})"
        rows.append([who, str(b.args.get("workers")), fmt(b.counter("pss_kib")),
                     fmt(b.counter("private_kib")), fmt(b.counter("rss_kib"))])
    if not rows:
        return []
    c = []
    for kind, mode in (("pthread", "thread"), ("fork", "process")):
        cb = run.ok("footprint", kind, mode, "memory", parent="tvp", workers=10, parent_mib=0)
        if cb:
            c.append(f"{kind} {fmt(cb.counter('pss_kib'))} KiB Pss, "
                     f"{fmt(cb.counter('private_kib'))} KiB private")
    return ["### C1 in Python: what an idle worker owns", "",
            "N idle workers alive at once (waiting on an event); per worker, the children's "
            "own `smaps_rollup` for processes and the growth of this process's for threads, "
            "as the footprint scenario reads them (KiB). A process of a start method that "
            "starts a new interpreter owns that interpreter.", ""] + table(
        ["worker", "N", "Pss", "private", "Rss"], rows) + (
        ["", "C's idle workers (footprint, 10 workers, empty parent): " + "; ".join(c) + "."]
        if c else []) + [""]


NUMS_WORDS = {"global": "the notes' global list", "array": "multiprocessing.Array + Value",
              "shared_memory": "shared_memory", "manager": "a Manager's list"}


def nums_part(run):
    rows = []
    for b in rows_of(run, None, "nums"):
        who = "threading.Thread" if b.mode == "thread" else \
            f"Process ({b.args.get('start_method')})"
        via = b.args.get("via", "global")
        notes = ("5 (threads share)" if b.mode == "thread" else "2 (processes do not share)") \
            if via == "global" else "– (not in the notes)"
        rows.append([who, NUMS_WORDS.get(via, via), fmt(b.counter("parent_sees_items")),
                     notes])
    if not rows:
        return []
    return ["### C3 in Python: the notes' nums example", "",
            "A worker appends 0, 1, 2 to `nums = [11, 22]`; how many items the parent then "
            "sees. The shared objects are how a \"global\" does work between processes.",
            ""] + table(["worker", "the list is", "parent sees", "the notes predict"],
                        rows) + [""]


PAYLOAD_WORDS = {"bytes": "bytes", "ints": "list of small ints", "strs": "dict of strings"}
TRANSPORTS = [("queue", "queue.Queue (threads)"), ("mp_queue", "multiprocessing.Queue"),
              ("mp_pipe", "Pipe"), ("shared_memory", "shared_memory ring"),
              ("pickle", "pickle alone")]


def payload_part(run):
    got = {}
    for b in rows_of(run, None, "payload"):
        got[(b.args["payload"], b.args["item_bytes"], b.variant)] = b
    if not got:
        return []
    rows = []
    for kind, size in sorted({(k, s) for k, s, _ in got},
                             key=lambda ks: (list(PAYLOAD_WORDS).index(ks[0]), ks[1])):
        any_b = next(b for (k, s, _), b in got.items() if (k, s) == (kind, size))
        cells = [PAYLOAD_WORDS.get(kind, kind), str(size), fmt(any_b.counter("pickle_bytes"))]
        cells += [fmt(got[(kind, size, t)].median) if (kind, size, t) in got else "–"
                  for t, _ in TRANSPORTS]
        rows.append(cells)
    lost = [b.name for b in got.values() if b.counter("delivered") != 1]
    return ["### C4 in Python: what passing data costs", "",
            "µs per item from a producer to this thread, by what the item is and its size "
            "(bytes as C would hold it: n small ints are 8n bytes, a dict entry is a "
            "16-character key and value). Between threads, `queue.Queue` passes a reference; "
            "between processes every transport pickles (shared_memory too, unless the item "
            "is bytes), which is what \"pickle alone\" costs.", ""] + table(
        ["item", "bytes", "pickled bytes"] + [w for _, w in TRANSPORTS], rows) + [
        "", "Every item arrived whole." if not lost else
        "**Items lost or damaged:** " + ", ".join(lost), ""]


CRASH_WORDS = {"raise": "raises ValueError", "exit": "calls os._exit(3)",
               "segv": "is killed by SIGSEGV"}
CRASH_VARIANTS = [("process", "Process"), ("mp_pool", "Pool"),
                  ("process_executor", "ProcessPoolExecutor"), ("thread", "Thread"),
                  ("thread_executor", "ThreadPoolExecutor")]


def crash_part(run):
    rows = []
    for variant, words in CRASH_VARIANTS:
        for failure, fw in CRASH_WORDS.items():
            b = bench_of(run, None, variant, "process" if variant in (
                "process", "mp_pool", "process_executor") else "thread", "crash",
                failure=failure)
            if not b:
                continue
            yes = lambda c: "–" if b.counter(c) is None else (  # noqa: E731
                "yes" if b.counter(c) else "**no**")
            rows.append([words, fw, yes("caller_survived"), yes("seen"), yes("others_done"),
                         yes("pool_usable"), b.label])
    out = []
    pp = [bench_of(run, None, v, m, "pingpong") for v, m in (("thread_pipe", "thread"),
                                                              ("mp_pipe", "process"))]
    if all(pp):
        out += ["### C7 in Python: talking and protection", "",
                f"An 8-byte round trip through one `multiprocessing.Pipe`: {fmt(pp[0].median)} "
                f"µs with a thread at the other end, {fmt(pp[1].median)} µs with a forked "
                f"process ({pp[1].median / pp[0].median:.1f}x).", ""]
    if rows:
        if not out:
            out += ["### C7 in Python: protection", ""]
        out += ["A task that fails beside a sibling task, each case in a sandbox process of "
                "its own: whether the caller lives on, whether it was told, whether the "
                "sibling's work finished, whether the pool still runs a task.", ""]
        out += table(["worker", "the task", "caller survived", "caller told",
                      "sibling finished", "pool usable", "what the caller saw"], rows) + [""]
    return out


def reuse_part(run):
    rows = []
    for b in rows_of(run, None, "reuse"):
        rows.append(["Pool(3)" if b.variant == "mp_pool" else "ProcessPoolExecutor(3)",
                     fmt(b.counter("workers_up_front")),
                     fmt(b.counter("workers_after_first_task")),
                     fmt(b.counter("distinct_workers"))])
    if not rows:
        return []
    return ["### C5 in Python: when a pool's workers start, and reuse", "",
            "The notes: a pool makes a new process for a request while it is not full, and "
            "reuses its processes once it is. Child processes alive right after the pool "
            "is made, after its first task, and the distinct pids that ran ten 5 ms tasks "
            "(fork start method):", ""] + table(
        ["pool", "workers before any task", "after the first task",
         "distinct workers over 10 tasks"], rows) + [""]


def interpreters_part(run, interps):
    rows = []
    for tag, info in interps:
        cells = [tag or info.get("python_tag") or "–", info.get("python") or "?",
                 f"`{info.get('executable', '')}`",
                 {"1": "on", "0": "**off**"}.get(info.get("python_gil_enabled"), "?"),
                 {"1": "yes", "0": "no"}.get(info.get("python_gil_disabled_build"), "?"),
                 info.get("python_default_start_method") or "?",
                 fmt(float(info["python_private_kib"]) / 1024)
                 if info.get("python_private_kib") else "–"]
        pus = run.pus
        for variant, mode, args in (("thread", "thread", {}),
                                    ("process", "process", {"start_method": "fork"})):
            pts = {b.args["workers"]: b for b in rows_of(run, tag, "gil", variant=variant,
                                                          work="cpu", **args)}
            u = speedups(pts)
            cells.append(f"{u[pus][0]:.2f}x" if pus in u else "–")
        rows.append(cells + ["the rules'" if tag is None else "beside it"])
    return ["The interpreters of this run (the first is the one Python's verdicts read):",
            ""] + table(["tag", "version", "executable", "GIL", "free-threaded build",
                         "default start method", "own private MiB",
                         f"CPU speed-up, {run.pus} threads",
                         f"CPU speed-up, {run.pus} processes (fork)", ""], rows) + [""]


def section(run, folder):
    interps = interpreters(run)
    if not run.select("python"):
        return []
    main = interps[0][1]
    out = ["## The notes' own Python beside C", "",
           f"The notes' constructs through Python {main.get('python', '')}'s "
           "`multiprocessing` and `threading`, each beside a fair base, and Python's answer "
           "to each claim. Families measured one after another (the GIL figure's "
           "repetitions interleave).", ""]
    out += interpreters_part(run, interps)
    for tag, info in interps:
        out += gil_part(run, folder, tag, info)
    out += pairs_part(run)
    out += [f"- `{b.name}` skipped: {b.error}" for b in run.select("python") if b.error]
    out += memory_part(run) + nums_part(run) + payload_part(run) + crash_part(run) + \
        reuse_part(run)
    out += ["### The notes' question: where does a pool worker's exception go?", "",
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
    return out + [""] + rules_part(run)


def rules_part(run):
    """Python's verdict per claim and each prediction tested; the predictions whose rows
    this run lacks (a run of an older Python layer, or a filter) listed apart."""
    rows, absent = [], []
    for claim in claims.CLAIMS:
        verdict, outcomes = claims.judge(claim, run, py_rules.PY_RULES)
        tested = [o for o in outcomes if o.holds is not None]
        for i, o in enumerate(tested):
            p = "–" if o.p is None else f"{o.p:.3f}"
            rows.append([claim if i == 0 else "", f"**{verdict}**" if i == 0 else "",
                         o.rule.prediction, measured_text(o, "x"), threshold_text(o.rule), p,
                         "yes" if o.holds else "**no**"])
        absent += [f"{claim}: {o.rule.prediction} ({o.why})" for o in outcomes
                   if o.holds is None]
    out = ["### Python's verdicts", "",
           "From the rules in `scripts/py_rules.py`, read from the first interpreter's rows "
           "(a comparison holds when the ratio of medians reaches its threshold and the "
           "Mann-Whitney U test gives p < 0.05; a verdict counts the predictions tested):",
           ""]
    out += table(["claim", "verdict", "prediction", "measured", "threshold", "p", "holds"],
                 rows) + [""]
    if absent:
        out += ["Not tested here, their rows being absent from this run:", ""] + [
            f"- {a}" for a in absent] + [""]
    return out
