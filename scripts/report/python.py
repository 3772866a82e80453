"""python.py - the notes' own Python (bench/py_bench.py), under each interpreter the run
used, as one section: the interpreters and the GIL figure (python_gil.py), each Python
operation beside its fair base, Python's answers to C1, C3, C4, C5, C7 (idle memory, the
nums example, payloads, crashes, pool facts: python_answers.py), the notes' question
about a pool worker's lost exception, and Python's verdicts. python_rows.py reads the
rows they share."""
from verdicts import stats
from contract.results import PUS, key
from verdicts import claims
from verdicts import py_rules
from report.i18n import N_, _, reason
from report.kit import fmt, table
from report.verdicts import context, measured_text, prediction, threshold_text, verdict_word, why_text
from report.python_answers import (crash_part, memory_part, notes_loop_part, nums_part,
                                   payload_part, reuse_part, said)
# speedups is read from here by tests/test_behaviours.py.
from report.python_gil import gil_part, interpreters_part, speedups  # noqa: F401
from report.python_rows import interpreters, shown, yes_no

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


# How the notes' caller treats the result of apply_async, in the order the table tells it.
FETCH_WORDS = [("never_fetched", N_("never fetches the result")),
               ("get", N_("calls `get()`")),
               ("error_callback", N_("passes `error_callback`"))]


def per_item_us(b):
    """µs per operation: a C pool's from its tasks per second, else the time."""
    rates = b.counters.get("items_per_second")
    if rates and b.scenario == "pool":
        return stats.median_ci([1e6 / r for r in rates if r])[0]
    return b.median


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
           _("From the rules in `scripts/verdicts/py_rules.py`, read from the first interpreter's rows "
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
