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
from report import outcomes
from report.i18n import N_, _, current, reason
from report.kit import draw, fmt, lang_dir, table, write_data
from report.verdicts import context, measured_text, prediction, threshold_text, verdict_word, why_text

# A Python operation against its fair base: (Python's words, its key, the base's words,
# the base's key, what the pair compares). Both sides name their mode; PUS is the
# machine's PUs. Words are marked N_() and shown with _(); code names stay as written.
C_FORK_EMPTY = key("create", "fork", "process", "round_trip", parent="minimal",
                   layout="private", parent_mib=0)
PY_SPAWN_BASE = key("python", "interpreter", "process", "create", how="posix_spawn")
PY_C_FORK = key("python", "c_fork", "process", "create")
PY_PAIRS = [
    ("Thread().start(); join()", key("python", "thread", "thread", "create"),
     "pthread_create + join",
     key("create", "pthread", "thread", "round_trip", parent="tvp",
         layout="private", parent_mib=0),
     N_("one OS thread either way; the gap is Python's Thread object and its start handshake")),
    ("Process() fork: start; join",
     key("python", "process", "process", "create", start_method="fork"),
     N_("libc fork() of this interpreter, _exit, waitpid (measured here)"), PY_C_FORK,
     N_("a fork of the same parent; the gap is what multiprocessing does around it (the "
        "Process object, a sentinel pipe, the child's bootstrap and clean-up)")),
    (N_("libc fork() of this interpreter"), PY_C_FORK,
     N_("fork, exit, wait from the minimal C parent"), C_FORK_EMPTY,
     N_("the same system call; the gap is the interpreter's own memory, which fork copies "
        "as page tables")),
    ("Process() spawn", key("python", "process", "process", "create", start_method="spawn"),
     N_("posix_spawn of this interpreter with -c pass (measured here)"), PY_SPAWN_BASE,
     N_("a new interpreter either way; the gap is spawn's re-import of the main module, "
        "the pickled Process and the handshake")),
    ("Process() forkserver",
     key("python", "process", "process", "create", start_method="forkserver"),
     N_("posix_spawn of this interpreter with -c pass (measured here)"), PY_SPAWN_BASE,
     N_("the server forks a started interpreter; the gap is that fork and the handshake, "
        "against starting one from nothing")),
    (N_("posix_spawn of this interpreter with -c pass"), PY_SPAWN_BASE,
     N_("posix_spawn of a static C program"),
     key("create", "posix_spawn", "process", "round_trip", parent="tvp",
         layout="private", parent_mib=0),
     N_("the same call; the gap is starting an interpreter")),
    (N_("multiprocessing.Queue, 64 B item"),
     key("python", "mp_queue", "process", "queue", item_bytes=64),
     N_("pipe, 64 B message between processes"),
     key("ipc", "pipe", "process", "throughput", kind="fork", pin="none", msg_bytes=64),
     N_("a pipe underneath; the gap is pickling and the queue's feeder thread")),
    (N_("queue.Queue(16), 64 B item copied in and out"),
     key("python", "queue", "thread", "queue", item_bytes=64),
     N_("C's queue of 16 slots, 64 B copied in and out, threads"),
     key("ipc", "queue", "thread", "throughput", kind="pthread", pin="none", msg_bytes=64),
     N_("the same bound and the same copies between two threads; the gap is the interpreter")),
    ("multiprocessing.Queue(3)", key("python", "mp_queue", "process", "queue3"),
     N_("Queue(3), processes"), key("ipc", "queue", "process", "queue3", kind="fork", pin="none"),
     N_("the notes' queue of three between processes")),
    ("queue.Queue(3)", key("python", "queue", "thread", "queue3"),
     N_("Queue(3), threads"), key("ipc", "queue", "thread", "queue3", kind="pthread", pin="none"),
     N_("the notes' queue of three between threads, items copied as C's are")),
    (N_("Pool.apply_async, empty task"), key("python", "mp_pool", "process", "pool", task_us=0),
     N_("process pool, empty task"),
     key("pool", "pool", "process", "throughput", kind="fork", task_ns=0, workers=PUS),
     N_("a task through a pool of forked workers, one per PU")),
    (N_("ThreadPool.apply_async, empty task"),
     key("python", "thread_pool", "thread", "pool", task_us=0),
     N_("thread pool, empty task"),
     key("pool", "pool", "thread", "throughput", kind="pthread", task_ns=0, workers=PUS),
     N_("a task through a pool of threads, one per PU")),
]
# Code names, shown as written in every language (the other words of these tables are
# marked N_() and shown through the catalogue).
AS_WRITTEN = frozenset([
    "Thread().start(); join()", "pthread_create + join", "Process() fork: start; join",
    "Process() spawn", "Process() forkserver", "multiprocessing.Queue(3)", "queue.Queue(3)",
    "multiprocessing.Array + Value", "shared_memory", "bytes", "multiprocessing.Queue",
    "Pipe"])


def shown(text):
    """A table's word in the current language; a code name as written."""
    return text if text in AS_WRITTEN else _(text)


# How the notes' caller treats the result of apply_async, in the order the table tells it.
FETCH_WORDS = [("never_fetched", N_("never fetches the result")),
               ("get", N_("calls `get()`")),
               ("error_callback", N_("passes `error_callback`"))]
# The GIL figure's series: (variant, mode, fixed args, title); C's from scale after them.
GIL_SERIES = [("thread", "thread", {}, "threading.Thread"),
              ("process", "process", {"start_method": "fork"}, "Process (fork)"),
              ("process", "process", {"start_method": "spawn"}, "Process (spawn)"),
              ("process", "process", {"start_method": "forkserver"}, "Process (forkserver)"),
              ("thread_executor", "thread", {}, "ThreadPoolExecutor"),
              ("process_executor", "process", {"start_method": "fork"},
               "ProcessPoolExecutor (fork)")]
C_SERIES = [("pthread", "thread", N_("C threads (pthread)")),
            ("fork", "process", N_("C processes (fork)"))]
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
    words = {"1": _("GIL on"), "0": _("GIL off")}.get(gil) or _("GIL not recorded")
    if build == "1":
        words = _("{gil} (free-threaded build)").format(gil=words)
    return _("Python {version}, {gil}").format(version=info.get("python") or "?", gil=words)


# --- the GIL figure -------------------------------------------------------------------

def speedups(points):
    """{N: (median, lo, hi)} of the speed-up against one worker of the same kind, or {}
    without N = 1. From the per-repetition ratio (the `speedup` counter: each
    repetition's N over the N = 1 measured beside it), so one slow N = 1 repetition moves
    one ratio, not every N's base; a run of an older layer without the counter falls
    back to ops_per_s(N) over the median ops_per_s(1)."""
    one = points.get(1)
    base = one.counter("ops_per_s") if one else None
    if not base:
        return {}
    out = {}
    for n, b in points.items():
        if n == 1:
            out[n] = (1.0, 1.0, 1.0)
            continue
        paired = b.counters.get("speedup")
        if paired:
            med, lo, hi, _ = stats.median_ci(paired)
            out[n] = (med, lo, hi)
            continue
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
                out.append((_(title), "T" if mode == "thread" else "P", pts))
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



def short_series(series, run):
    """Why a series of the GIL figure stops before the others (the quick profile runs
    spawn and forkserver up to the PUs only: each start of a fresh interpreter would
    dominate it), said under the figure; [] when none does."""
    out = []
    for work, ss in series.items():
        top = max((n for _t, _s, pts in ss for n in pts), default=0)
        short = [(t, max(pts)) for t, _s, pts in ss if pts and max(pts) < top]
        if short:
            names = _(", ").join(t for t, _n in short)
            # py_bench's quick profile is the one that cuts them (bench/py_bench.py).
            why = run.ctx.get("profile") == "quick" and all(
                "spawn" in t or "forkserver" in t for t, _n in short)
            out.append(_("*{series}: no point at N = {n}. In the quick profile, spawn and "
                         "forkserver run up to the PUs only ({last} here): starting a fresh "
                         "interpreter per worker would take most of the run's time.*").format(
                series=names, n=top, last=max(n for _t, n in short)) if why else
                _("*{series}: no point at N = {n} in this run.*").format(series=names, n=top))
            break  # the CPU-bound panel's words say it for the I/O one too
    return out + [""] if out else []

def gil_part(run, folder, tag, info):
    suffix = tag or "main"
    series = {w: gil_series(run, tag, w) for w in ("cpu", "io")}
    if not any(s for w, s in series.items() if any(t in "tp" for _t, t, _p in s)):
        return []
    pus = run.pus or int(run.ctx.get("pus") or 0) or 1
    for work, ss in series.items():
        ns = sorted({n for _t, _s, pts in ss for n in pts})
        lines = []
        ups = [speedups(pts) for _t, _s, pts in ss]
        for n in ns:
            cells = [str(n)]
            for u in ups:
                cells += [f"{v:.4g}" for v in u[n]] if n in u else ["NaN"] * 3
            lines.append(" ".join(cells))
        head = "N " + " ".join(f'"{t}" lo hi' for t, _s, _p in ss)
        write_data(folder, f"python_gil.{suffix}.{work}.dat",
                   head + "\n" + "\n".join(lines) + "\n")
    styles = [" ".join(s for _t, s, _p in series[w]) or "t" for w in ("cpu", "io")]
    measured = [" ".join(str(n) for n in sorted({n for _t, _s, pts in series[w] for n in pts}))
                or "1" for w in ("cpu", "io")]
    cap = parallel_capacity(run, f"python@{tag}" if tag else "python")
    known = cap and all(c is not None for c in cap)
    python = gil_label(info)
    # The machine's capacity goes into the title: a slide shown alone must say when the
    # processes could not have scaled.
    if known and f"{min(cap):.1f}" == f"{max(cap):.1f}":  # one number, not "2.0-2.0"
        title = _("{python}: N workers, each doing the same work ({pus} PUs; {free} PUs' "
                  "worth free around the run)").format(python=python, pus=pus,
                                                       free=f"{min(cap):.1f}")
    elif known:
        title = _("{python}: N workers, each doing the same work ({pus} PUs; {low}-{high} "
                  "PUs' worth free around the run)").format(
            python=python, pus=pus, low=f"{min(cap):.1f}", high=f"{max(cap):.1f}")
    else:
        title = _("{python}: N workers, each doing the same work ({pus} PUs)").format(
            python=python, pus=pus)
    labels = {
        "L_TITLE": title,
        "L_XLABEL": _("workers (N), each doing the same work"),
        "L_YLABEL": _("speed-up against one worker"),
        "L_CPU": _("CPU-bound pure Python (a fixed count of loop rounds)"),
        "L_IO": _("I/O-bound (a fixed count of 2 ms sleeps)"),
        "L_IDEAL": _("ideal"),
    }
    out = ["### " + _("The GIL: {python}").format(python=python), ""]
    out += draw(folder, "python_gil.gp", os.path.join(lang_dir(folder, "data"),
                                                      f"python_gil.{suffix}"),
                f"python_gil_{suffix}", _("The GIL, {python}").format(python=python),
                styles[0], styles[1], str(pus), measured[0], measured[1], labels=labels)
    rows = []
    top = 0.0  # the largest CPU-bound speed-up, set beside the machine's capacity
    for work, ss in series.items():
        for t, _s, pts in ss:
            u = speedups(pts)
            if work == "cpu":
                top = max([top] + [v[0] for v in u.values()])
            one = pts.get(1)
            cells = [(_("CPU-bound") if work == "cpu" else _("I/O")), t,
                     f"{one.counter('ops_per_s'):.3g}" if one else "–"]
            cells += [f"{u[n][0]:.2f}x" if n in u else "–" for n in sorted(
                {n for _t, _s, p in series["cpu"] + series["io"] for n in p})]
            rows.append(cells)
    ns = sorted({n for w in series for _t, _s, p in series[w] for n in p})
    out += short_series(series, run)
    out += [_("Speed-up against one worker of the same kind: the median over repetitions of "
              "each repetition's own N against its own one worker, measured one after the "
              "other in alternating order (bars: the interval of that median); one "
              "worker's rate is operations per second (CPU: loop rounds of `s += i & 7`, I/O: 2 ms sleeps; C: "
              "scale's cpu operations, 1000 xorshift rounds each, in the same run). The "
              "window opens at a start gate (or the first submit) and closes at the last "
              "worker's end stamp: starting and joining the workers are outside it."), ""]
    # "workers" alone is the catalogue's unit ("3 workers"); the column heads a list of
    # worker kinds, which Chinese names with the singular's word.
    out += table([_("work"), "workers" if current() == "en" else _("worker"),
                  _("one worker /s")] + [f"N = {n}" for n in ns], rows)
    if known:
        # A speed-up divides two medians taken at different moments of the machine's
        # load, so it can pass the capacity (the reference run: 2.12x against 2.00).
        words = (_("Parallel capacity of the machine around this scenario (the sentinel's "
                   "spin loops): {before} PUs' worth before, {after} after, of {pus}. A "
                   "speed-up above it, as {top}× here, is not more CPUs than that: it divides "
                   "two medians taken at different moments of the machine's load, so either "
                   "the one-worker run had less than a whole PU or more was free while the N "
                   "workers ran than the probes saw; read the figure against it.") if top > max(cap) else
                 _("Parallel capacity of the machine around this scenario (the sentinel's "
                   "spin loops): {before} PUs' worth before, {after} after, of {pus}. A "
                   "speed-up above it would mean the load changed between the runs it "
                   "divides (each median is taken at its own moment); read the figure "
                   "against it."))
        out += ["", words.format(before=f"{cap[0]:.2f}", after=f"{cap[1]:.2f}", pus=pus,
                                 top=f"{top:.2f}")]
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
        what = _(what)
        if pk == PY_C_FORK or ck == PY_C_FORK:
            fb = usable(PY_C_FORK)
            if fb and fb.counter("parent_private_kib"):
                what = _("{what} (the interpreter here: {private} MiB private, {rss} MiB "
                         "Rss)").format(what=what,
                                        private=f"{fb.counter('parent_private_kib') / 1024:.1f}",
                                        rss=f"{fb.counter('parent_rss_kib') / 1024:.1f}")
        lines.append([shown(pl), fmt(py_us), shown(cl), fmt(c_us) if c_us else "–",
                      f"{py_us / c_us:.1f}x" if c_us else "–", what])
    if not lines:
        return []
    return ["### " + _("Each Python operation beside its fair base"), "",
            _("Median µs per operation; the ratio is the Python operation over its base, and "
              "the last column says what the pair compares. A base measured by py_bench.py "
              "itself runs in the same interpreter."), ""] + table(
        ["Python", "µs", _("base"), "µs", _("ratio"), _("what is compared")], lines) + [""]


# --- the claims' Python answers -------------------------------------------------------

def yes_no(value):
    """A table's yes, or its **no** (bold: what the notes' reader should see)."""
    return _("yes") if value else "**" + _("no") + "**"


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
            c.append(_("{kind} {pss} KiB Pss, {private} KiB private").format(
                kind=kind, pss=fmt(cb.counter("pss_kib")),
                private=fmt(cb.counter("private_kib"))))
    return ["### " + _("C1 in Python: what an idle worker owns"), "",
            _("N idle workers alive at once (waiting on an event); per worker, the children's "
              "own `smaps_rollup` for processes and the growth of this process's for threads, "
              "as the footprint scenario reads them (KiB). A process of a start method that "
              "starts a new interpreter owns that interpreter. User memory only: the kernel's "
              "share (page tables, a kernel stack, slab), which C's footprint counts, is not "
              "in these numbers nor in Python's C1 ratios."), ""] + table(
        [_("worker"), "N", "Pss", _("private"), "Rss"], rows) + (
        ["", _("C's idle workers (footprint, 10 workers, empty parent): {workers}.").format(
            workers=_("; ").join(c))] if c else []) + [""]


NUMS_WORDS = {"global": N_("the notes' global list"), "array": "multiprocessing.Array + Value",
              "shared_memory": "shared_memory", "manager": N_("a Manager's list")}


def nums_part(run):
    rows = []
    for b in rows_of(run, None, "nums"):
        who = "threading.Thread" if b.mode == "thread" else \
            f"Process ({b.args.get('start_method')})"
        via = b.args.get("via", "global")
        notes = (_("5 (threads share)") if b.mode == "thread" else
                 _("2 (processes do not share)")) if via == "global" else \
            _("– (not in the notes)")
        rows.append([who, shown(NUMS_WORDS.get(via, via)), fmt(b.counter("parent_sees_items")),
                     notes])
    if not rows:
        return []
    return ["### " + _("C3 in Python: the notes' nums example"), "",
            _("A worker appends 0, 1, 2 to `nums = [11, 22]`; how many items the parent then "
              "sees. The shared objects are how a \"global\" does work between processes."),
            ""] + table([_("worker"), _("the list is"), _("parent sees"),
                         _("the notes predict")], rows) + [""]


PAYLOAD_WORDS = {"bytes": "bytes", "ints": N_("list of small ints"),
                 "strs": N_("dict of strings")}
TRANSPORTS = [("queue", N_("queue.Queue (threads)")), ("mp_queue", "multiprocessing.Queue"),
              ("mp_pipe", "Pipe"), ("shared_memory", N_("shared_memory ring")),
              ("pickle", N_("pickle alone"))]


def payload_part(run):
    got = {}
    for b in rows_of(run, None, "payload"):
        got[(b.args["payload"], b.args["item_bytes"], b.variant)] = b
    if not got:
        return []
    rows = []
    for kind, size in sorted({(k, s) for k, s, _v in got},
                             key=lambda ks: (list(PAYLOAD_WORDS).index(ks[0]), ks[1])):
        any_b = next(b for (k, s, _v), b in got.items() if (k, s) == (kind, size))
        cells = [shown(PAYLOAD_WORDS.get(kind, kind)), str(size),
                 fmt(any_b.counter("pickle_bytes"))]
        cells += [fmt(got[(kind, size, t)].median) if (kind, size, t) in got else "–"
                  for t, _w in TRANSPORTS]
        rows.append(cells)
    lost = [b.name for b in got.values() if b.counter("delivered") != 1]
    return ["### " + _("C4 in Python: what passing data costs"), "",
            _("µs per item from a producer to this thread, by what the item is and its size "
              "(bytes as C would hold it: n small ints are 8n bytes, a dict entry is a "
              "16-character key and value). Between threads, `queue.Queue` passes a "
              "reference; between processes every transport pickles (shared_memory too, "
              "unless the item is bytes), which is what \"pickle alone\" costs."), ""] + table(
        [_("item"), _("bytes"), _("pickled bytes")] + [shown(w) for _t, w in TRANSPORTS],
        rows) + [
        "", _("Every item arrived whole.") if not lost else
        _("**Items lost or damaged:** {benchmarks}").format(benchmarks=", ".join(lost)), ""]


CRASH_WORDS = {"raise": N_("raises ValueError"), "exit": N_("calls os._exit(3)"),
               "segv": N_("is killed by SIGSEGV")}
CRASH_VARIANTS = [("process", "Process"), ("mp_pool", "Pool"),
                  ("process_executor", "ProcessPoolExecutor"), ("thread", "Thread"),
                  ("thread_executor", "ThreadPoolExecutor")]


# What the caller saw, as bench/py_bench.py codes it (outcome clauses of a row's label),
# in the catalogue's words; clauses are joined by "; ". An exception's own message and
# printed text stay as written, as C's error messages do.
SAID = {
    "exitcode": ((("signal",), N_("exitcode {code} ({signal}) on the Process object; the rest "
                                  "runs on")),
                 ((), N_("exitcode {code} on the Process object; the rest runs on"))),
    "excepthook": N_("join() returned as after success; the traceback went to "
                     "threading.excepthook ({exceptions})"),
    "get_timed_out": N_("get(timeout={s}) raised TimeoutError: the worker died, the pool made "
                        "a new one, and the result never comes (get() without a timeout waits "
                        "forever)"),
    "returned": N_("{call}() returned"),
    "returned_normally": N_("get() returned normally"),
    "raised": N_("{call}() raised {error}"),
    "sibling_raised": N_("the sibling task's result() raised {error}"),
    "submit_raised": N_("a new submit raised {error}"),
    "process_killed": N_("the whole process ended (killed by {signal}): the caller and every "
                         "other worker with it"),
    "process_exited": N_("the whole process ended (exit status {status}): the caller and "
                         "every other worker with it"),
    "silent": N_("nothing raised, and nothing reached fd 1 or 2 of the parent or of a worker: "
                 "the exception stays in the result nobody fetched, and goes with it"),
    "reached_fds": N_("reached fd 1/2 ({out} + {err} bytes): {text}"),
    "raised_in_caller": N_("raised in the caller: {error}"),
    "traceback": N_("the child printed its traceback to fd 2 ({bytes} bytes, ending '{last}'), "
                    "exitcode {code}"),
    "no_traceback": N_("no traceback reached fd 2 ({bytes} bytes); exitcode {code}"),
    "nothing_printed": N_("nothing raised and nothing printed: the exception stays in the "
                          "result nobody fetched, and goes with it"),
    "printed": N_("printed: {text}"),
    "error_callback": N_("error_callback got {error}"),
    "error_callback_not_called": N_("error_callback was not called"),
}


def said(label):
    """A crash or exception row's label in the current language."""
    return outcomes.words(label, SAID)


def crash_part(run):
    rows = []
    for variant, words in CRASH_VARIANTS:
        for failure, fw in CRASH_WORDS.items():
            b = bench_of(run, None, variant, "process" if variant in (
                "process", "mp_pool", "process_executor") else "thread", "crash",
                failure=failure)
            if not b:
                continue
            yes = lambda c: "–" if b.counter(c) is None else yes_no(  # noqa: E731
                b.counter(c))
            rows.append([words, _(fw), yes("caller_survived"), yes("seen"),
                         yes("others_done"), yes("pool_usable"), said(b.label)])
    out = []
    pp = [bench_of(run, None, v, m, "pingpong") for v, m in (("thread_pipe", "thread"),
                                                              ("mp_pipe", "process"))]
    if all(pp):
        out += ["### " + _("C7 in Python: talking and protection"), "",
                _("An 8-byte round trip through one `multiprocessing.Pipe`: {thread} µs with "
                  "a thread at the other end, {process} µs with a forked process "
                  "({ratio}x).").format(thread=fmt(pp[0].median), process=fmt(pp[1].median),
                                        ratio=f"{pp[1].median / pp[0].median:.1f}"), ""]
    if rows:
        if not out:
            out += ["### " + _("C7 in Python: protection"), ""]
        out += [_("A task that fails beside a sibling task, each case in a sandbox process of "
                  "its own: whether the caller lives on, whether it was told, whether the "
                  "sibling's work finished, whether the pool still runs a task."), ""]
        out += table([_("worker"), _("the task"), _("caller survived"), _("caller told"),
                      _("sibling finished"), _("pool usable"), _("what the caller saw")],
                     rows) + [""]
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
    return ["### " + _("C5 in Python: when a pool's workers start, and reuse"), "",
            _("The notes: a pool makes a new process for a request while it is not full, and "
              "reuses its processes once it is. Child processes alive right after the pool "
              "is made, after its first task, and the distinct pids that ran ten 5 ms tasks "
              "(fork start method):"), ""] + table(
        [_("pool"), _("workers before any task"), _("after the first task"),
         _("distinct workers over 10 tasks")], rows) + [""]


def interpreters_part(run, interps):
    """Each interpreter's own speed-ups at N = PUs, and its throughput against one thread
    of the first interpreter: a free-threaded build's threads may scale where the GIL's
    do not and still do less work than one GIL thread (its one thread is slower), which
    its own speed-up hides."""
    pus = run.pus

    def cpu_points(tag, variant, args):
        return {b.args["workers"]: b for b in rows_of(run, tag, "gil", variant=variant,
                                                      work="cpu", **args)}
    first = cpu_points(interps[0][0], "thread", {}).get(1) if interps else None
    base = first.counter("ops_per_s") if first else None
    rows = []
    for tag, info in interps:
        gil = info.get("python_gil_enabled")
        build = info.get("python_gil_disabled_build")
        cells = [tag or info.get("python_tag") or "–", info.get("python") or "?",
                 f"`{info.get('executable', '')}`",
                 _("on") if gil == "1" else "**" + _("off") + "**" if gil == "0" else "?",
                 _("yes") if build == "1" else _("no") if build == "0" else "?",
                 info.get("python_default_start_method") or "?",
                 fmt(float(info["python_private_kib"]) / 1024)
                 if info.get("python_private_kib") else "–"]
        against = []
        threads = cpu_points(tag, "thread", {})
        one = threads.get(1)
        against.append(fmt(one.counter("ops_per_s") / 1e6) if one else "–")
        for variant, args in (("thread", {}), ("process", {"start_method": "fork"})):
            pts = cpu_points(tag, variant, args)
            u = speedups(pts)
            cells.append(f"{u[pus][0]:.2f}x" if pus in u else "–")
            at = pts.get(pus)
            against.append(f"{at.counter('ops_per_s') / base:.2f}x" if at and base else "–")
        rows.append(cells + against + [_("the rules'") if tag is None else _("beside it")])
    return [_("The interpreters of this run (the first is the one Python's verdicts read). "
              "Speed-ups are each interpreter's against its own one worker, per repetition; "
              "the last columns set every interpreter's CPU-bound throughput against one "
              "thread of the first interpreter, the figure to read across interpreters:"),
            ""] + table([_("tag"), _("version"), _("executable"), "GIL",
                         _("free-threaded build"), _("default start method"),
                         _("own private MiB"),
                         _("CPU speed-up, {n} threads").format(n=pus),
                         _("CPU speed-up, {n} processes (fork)").format(n=pus),
                         _("one thread, M ops/s"),
                         _("{n} threads against the first's one thread").format(n=pus),
                         _("{n} processes (fork) against the first's one thread").format(
                             n=pus), ""],
                        rows) + [""]


def notes_loop_part(run):
    """C4's context: the notes' consumer loop, summed over the repetitions."""
    b = run.ok("python", "mp_queue", "process", "notes_loop")
    runs = sum(b.counters.get("runs") or []) if b else 0
    if not runs:
        return []
    runs = int(runs)
    short = int(sum(b.counters.get("runs_short") or []))
    lost = int(sum(b.counters.get("items_lost") or []))
    put = runs * int(b.counter("items_put") or 3)
    return ["### " + _("The notes' consumer loop (C4)"), "",
            _("The notes' C4 program as written, each run a fresh interpreter and nothing "
              "added: in {short} of {runs} runs ({pct}) the consumer's loop stopped before "
              "every item had arrived, leaving {lost} of {put} items untaken. The queue "
              "loses nothing: `if q.empty(): break` races with the producer's feeder "
              "thread, which may not have written the next item yet.").format(
                short=short, runs=runs, pct=f"{100 * short / runs:.0f}%", lost=lost,
                put=put), ""]


def section(run, folder):
    interps = interpreters(run)
    if not run.select("python"):
        return []
    main = interps[0][1]
    out = ["## " + _("The notes' own Python beside C"), "",
           _("The notes' constructs through Python {version}'s `multiprocessing` and "
             "`threading`, each beside a fair base, and Python's answer to each claim. "
             "Families measured one after another (the GIL figure's repetitions "
             "interleave).").format(version=main.get("python", "")), ""]
    out += interpreters_part(run, interps)
    for tag, info in interps:
        out += gil_part(run, folder, tag, info)
    out += pairs_part(run)
    out += ["- " + _("`{benchmark}` skipped: {error}").format(benchmark=b.name, error=reason(b.error))
            for b in run.select("python") if b.error]
    out += memory_part(run) + nums_part(run) + notes_loop_part(run) + payload_part(run) + \
        crash_part(run) + reuse_part(run)
    out += ["### " + _("The notes' question: where does a pool worker's exception go?"), "",
            _("The notes observe that an exception inside a `Pool` worker is not shown in the "
              "main process, and ask how to handle it. What this run saw, for a task that "
              "raises `ValueError` under `apply_async`:"), ""]
    seen = []
    for how, text in FETCH_WORDS:
        b = run.ok("python", "mp_pool", "process", "exception", fetch=how)
        if b:
            seen.append([_(text), yes_no(b.counter("shown")),
                         fmt(b.counter("stderr_bytes")) if b.counter("stderr_bytes")
                         is not None else "–", said(b.label)])
    # The notes' contrast (子进程会): a plain Process whose target raises.
    b = run.ok("python", "process", "process", "exception", fetch="none")
    if b:
        seen.append([_("a plain `Process` (fork) whose target raises"),
                     yes_no(b.counter("shown")), fmt(b.counter("stderr_bytes")),
                     said(b.label)])
    out += table([_("the caller"), _("shown"), _("bytes on fd 2"), _("what happened")], seen)
    out += ["", _("fd 1 and fd 2 of the parent and of every worker were redirected to files "
                  "before the pool (or the process) started and restored after it was "
                  "joined: \"shown\" means the exception was raised in the caller or a "
                  "traceback reached those descriptors, whoever wrote it.")]
    notes = run.ok("python", "mp_pool", "process", "pool_notes")
    if notes:
        out += ["", _("The notes' `Pool(3)` with its ten random sleeps (0-30 ms here, seeded) "
                      "took {ms} ms against an ideal of {ideal} ms.").format(
            ms=f"{notes.median / 1e3:.1f}", ideal=f"{notes.counter('ideal_ms'):.1f}")]
    return out + [""] + rules_part(run)


def rules_part(run):
    """Python's verdict per claim and each prediction tested; the predictions whose rows
    this run lacks (a run of an older Python layer, or a filter) listed apart."""
    rows, absent, undecided = [], [], []
    for claim in claims.CLAIMS:
        verdict, outcomes = claims.judge(claim, run, py_rules.PY_RULES)
        tested = [o for o in outcomes if o.holds is not None]
        for i, o in enumerate(tested):
            p = "–" if o.p is None else f"{o.p:.3f}"
            rows.append([claim if i == 0 else "",
                         f"**{verdict_word(verdict)}**" if i == 0 else "",
                         prediction(o.rule) if o.rule.counted else context(prediction(o.rule)),
                         measured_text(o, "x"), threshold_text(o.rule), p,
                         yes_no(o.holds)])
        for o in outcomes:
            if o.holds is None:
                (undecided if o.undecided else absent).append(
                    _("{claim}: {prediction} ({why})").format(
                        claim=claim, prediction=prediction(o.rule), why=why_text(o.why)))
    out = ["### " + _("Python's verdicts"), "",
           _("From the rules in `scripts/py_rules.py`, read from the first interpreter's rows "
             "(a comparison holds when the ratio of medians reaches its threshold and the "
             "Mann-Whitney U test gives p < 0.05, or, for rows that ran in a row, when every "
             "repetition is past it, with no p; a verdict needs more than half of its counted "
             "predictions decided):"),
           ""]
    out += table([_("claim"), _("verdict"), _("prediction"), _("measured"), _("threshold"),
                  "p", _("holds")], rows) + [""]
    if undecided:
        out += [_("Measured here but undecided:"), ""] + [f"- {a}" for a in undecided] + [""]
    if absent:
        out += [_("Not tested here, their rows being absent from this run:"), ""] + [
            f"- {a}" for a in absent] + [""]
    return out
