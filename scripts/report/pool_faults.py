"""pool_faults.py - C6 and a stray write (bench/pool.c's fault and scribble rows, and
the notes' Pool in bench/py_bench.py): what the caller sees when a pool task fails, as a
figure of cells and a table, the outcome codes in the report's words (C_SAID,
PYTHON_SAID), and the Reading under them. Part of the pool section (pool.py).

Every sentence here is a number of the run it reports, or says where it comes from."""
import statistics

from verdicts import stats
from contract.describe import in_table_order
from report import outcomes
from report.cjk import wide, wrap
from report.i18n import N_, _, sentences, reason
from report.kit import by_mode, figure, fmt, table, who


# --- C6: failures -------------------------------------------------------------------

STATUS_WORDS = {1: "the task's error", 2: "the worker's exit status", 3: "the signal",
                4: "a timeout"}
# The figure's rows: C's failure and the Python row that answers the same question.
FAILURE_ROWS = [("error", N_("the task fails\n(C: returns an error;\nPython: raises)")),
                ("exit", N_("exit(3)")), ("segv", N_("bad pointer\n(SIGSEGV)")),
                ("abort", N_("abort()")), ("timeout", N_("hangs past\nthe timeout"))]
PY_FETCH = [("never_fetched", N_("Python Pool,\nresult never fetched")),
            ("get", N_("Python Pool,\nget() called"))]

# What C's pool scenario says its caller saw (outcome clauses of its label: bench/pool.c,
# src/pool.c pool_outcome), in the report's words: the table's, and the shorter ones a
# figure's cell gives them (the second where the pool went on).
C_SAID = {
    "result": N_("result {value}"), "error": N_("error {code} returned by the task"),
    "exited": N_("worker exited with status {status}"),
    "killed": N_("worker killed by {signal}"), "timed_out": N_("timed out; worker ended"),
    "process_killed": N_("the whole process died of {signal}"),
    "process_exited": N_("the whole process exited with status {status}"),
    "lost": N_("all {n} other tasks lost"),
    "owner_intact": N_("the owner's data is intact"),
    "owner_overwritten": N_("the owner's data was overwritten"),
}
C_CELL = dict(C_SAID, exited=N_("worker exited (status {status})"), timed_out=N_("timed out"),
              process_killed=N_("whole process died of {signal}"),
              process_exited=N_("whole process exited (status {status})"),
              lost=N_("the {n} other results lost"))
C_CELL_WENT_ON = dict(C_CELL, error=N_("error {code} returned"))


def c_words(label):
    """A C pool row's label in the current language."""
    return outcomes.words(label, C_SAID)


def per_rep(b, counter):
    return b.counters.get(counter) or []


def cell_lines(*parts, width=26, lines=4):
    """A cell's text: each part wrapped to width columns, centred on `lines` lines."""
    out = [w for p in parts if p for w in wrap(p, width)][:lines]
    pad = lines - len(out)
    return [""] * (pad // 2) + out + [""] * (pad - pad // 2)


def c_cell(b):
    """(class, lines) of a C fault row: what its caller saw, in how many repetitions."""
    survived = per_rep(b, "pool_survived")
    n = len(survived)
    ok = sum(v == 1 for v in survived)
    said = outcomes.clauses(b.label)
    words = C_CELL_WENT_ON if ok == n else C_CELL
    what = outcomes.clause_words(said[0], words) if said else b.label
    if ok == n:
        return 0, cell_lines(what, _("the pool went on"), of_n(n, n))
    rest = _("; ").join(outcomes.clause_words(c, words) for c in said[1:])
    return 1, cell_lines(what, rest, of_n(n - ok, n))


def of_n(k, n):
    """"(3 of 5)": in how many of the repetitions."""
    return _("({k} of {n})").format(k=k, n=n)


def c6_cells(run):
    """[(column, row, class, [four lines])]: class 0 the caller is told and the pool goes
    on, 1 the caller is told nothing (or the program is gone), 2 not measured."""
    faults = {(b.args["failure"], run.mode_of(run.kind_of(b))): b
              for b in run.select("pool", "fault") if b.usable}
    cols = [("thread", _("C thread pool")), ("process", _("C process pool"))]
    none = (2, cell_lines(_("not measured")))
    cells = []
    for r, (failure, _u) in enumerate(FAILURE_ROWS):
        for c, (mode, _u) in enumerate(cols):
            b = faults.get((failure, mode))
            cells.append((c, r) + (c_cell(b) if b and per_rep(b, "pool_survived") else none))
        for c, (fetch, _u) in enumerate(PY_FETCH, start=len(cols)):
            if failure in ("exit", "segv") and fetch == "get":
                cells.append((c, r) + python_crash_cell(run, failure, none))
                continue
            b = run.ok("python", "mp_pool", "process", "exception", fetch=fetch) \
                if failure == "error" else None
            shown = per_rep(b, "shown") if b else []
            if not shown:
                cells.append((c, r) + none)
                continue
            told, n = sum(v == 1 for v in shown), len(shown)
            if told == n:
                cells.append((c, r, 0, cell_lines(python_words(b.label), of_n(n, n))))
            else:
                cells.append((c, r, 1, cell_lines(_("nothing raised,"), _("nothing printed"),
                                                  of_n(n - told, n))))
    return cells, [w for _u, w in cols] + [_(w) for _u, w in PY_FETCH]


def python_crash_cell(run, failure, none):
    """(class, lines) of the notes' Pool whose worker exits or crashes, the caller in
    get(): the crash row's timeout (py_bench.py) is all that ends its wait."""
    b = run.ok("python", "mp_pool", "process", "crash", failure=failure)
    usable = per_rep(b, "pool_usable") if b else []
    waited = [a["s"] for code, a in outcomes.clauses(b.label) if code == "get_timed_out"] \
        if b else []
    if not usable or not waited:
        return none
    went_on = sum(v == 1 for v in usable)
    return 1, cell_lines(_("get(timeout={t}) raised").format(t=waited[0]),
                         _("TimeoutError, no result;"),
                         _("the pool went on") if went_on == len(usable) else "",
                         of_n(len(usable), len(usable)))


# py_bench.py's outcome clauses of the exception rows, in the report's words (Python's
# own message in them stays as Python wrote it).
PYTHON_SAID = {"raised": N_("{call}() raised {error}"),
               "error_callback": N_("error_callback got {error}")}


def python_words(label):
    return outcomes.words(label, PYTHON_SAID)


def c6_figure(run, folder):
    cells, cols = c6_cells(run)
    if all(c[2] == 2 for c in cells):
        return []
    data = "\n".join(f"{c} {r} {k} " + " ".join('"' + x.replace('"', "'") + '"' for x in t)
                     for c, r, k, t in cells) + "\n"
    xt = ", ".join(f'"{w}" {i}' for i, w in enumerate(cols))
    yt = ", ".join(f'"{_(w)}" {i}' for i, (_u, w) in enumerate(FAILURE_ROWS))
    labels = {"L_TITLE": _("C6: what the caller sees when a pool task fails")}
    if any(wide(x) for c in cells for x in c[3]):  # a CJK font's lines are taller
        labels["L_CELL_STEP"] = "0.85"
    return figure(folder, "pool_failures.gp", "pool_failures.dat", data,
                  _("What the caller sees when a pool task fails"),
                  f"set x2tics ({xt}); set ytics ({yt})", labels=labels) + [
        _("*Blue: the caller is told (a result naming what happened, or an exception) and "
          "the pool goes on. Orange: the caller is told nothing, or is gone with the whole "
          "process. Grey: not measured (the Python layer has no abort or hang, nor a dead "
          "worker whose result nobody fetches). Each cell is what this run saw, with how many "
          "of its repetitions.*"), ""]


def p_text(p):
    return "–" if p is None else f"{p:.2g}"


def fault_sentences(run, faults, failures):
    """The Reading under the failure table: each sentence from this run's rows (failures:
    the failure names in table order)."""
    by = {}
    for b in faults:
        if b.usable:
            by.setdefault(run.mode_of(run.kind_of(b)), {})[b.args["failure"]] = b
    out = []
    for mode, rows in sorted(by.items()):
        rows = {f: rows[f] for f in failures if f in rows}
        told = [f for f, b in rows.items()
                if per_rep(b, "pool_survived") and min(per_rep(b, "pool_survived")) == 1
                and min(per_rep(b, "seen_status")) >= 1]
        gone = [f for f in rows if f not in told]
        s = _("In the {mode} pool, {told} of {total} failures reached the caller of "
              "`pool_wait` as a result naming what happened ({failures})").format(
            mode=_(MODE_POOL.get(mode, mode)), told=len(told), total=len(rows),
            failures=_(", ").join(told) or _("none"))
        if gone:
            lost = [fmt(statistics.median(per_rep(rows[f], "results_lost"))) for f in gone]
            s += _("; {failures} ended the whole process, the caller with it, and the "
                   "results of the tasks in flight were lost ({lost} of 3)").format(
                failures=_(", ").join(gone), lost=_(", ").join(lost))
        out.append(s + _("."))
    runs = [(b, per_rep(b, "tasks_started"), per_rep(b, "tasks_submitted"),
             per_rep(b, "tasks_run_twice")) for b in faults if b.usable]
    runs = [r for r in runs if r[1] and r[2]]
    if runs:
        started = sum(sum(r[1]) for r in runs)
        submitted = sum(sum(r[2]) for r in runs)
        twice = sum(sum(r[3]) for r in runs)
        out.append(_("Where the caller lived to count ({rows} rows, every repetition), "
                     "workers took {started} tasks of {submitted} submitted, and {twice} a "
                     "second time: a failed task is reported, not retried.").format(
            rows=len(runs), started=f"{started:.0f}", submitted=f"{submitted:.0f}",
            twice=f"{twice:.0f}"))
    for failure in ("error", "timeout"):
        pair = [by.get(m, {}).get(failure) for m in ("thread", "process")]
        if None in pair:
            continue
        rec = [per_rep(b, "recover_us") for b in pair]
        if not all(rec):
            continue
        (mt, lt, ht, _u), (mp_, lp, hp, _u) = (stats.median_ci(r) for r in rec)
        p = stats.u_test(rec[0], rec[1])
        differ = p is not None and p < 0.05
        out.append((_("After a task's error, the next task's result came {thread} µs "
                      "[{thread_low}, {thread_high}] later in the thread pool and {process} µs "
                      "[{process_low}, {process_high}] in the process pool (Mann-Whitney p = "
                      "{p}, {n_thread} against {n_process}): {conclusion}")
                    if failure == "error" else
                    _("After a task's timeout, the next task's result came {thread} µs "
                      "[{thread_low}, {thread_high}] later in the thread pool and {process} µs "
                      "[{process_low}, {process_high}] in the process pool (Mann-Whitney p = "
                      "{p}, {n_thread} against {n_process}): {conclusion}")).format(
            thread=fmt(mt), thread_low=fmt(lt), thread_high=fmt(ht), process=fmt(mp_),
            process_low=fmt(lp), process_high=fmt(hp), p=p_text(p), n_thread=len(rec[0]),
            n_process=len(rec[1]),
            conclusion=_("the pools differ here.") if differ else
            _("this run shows no difference between them.")))
    py = {f: run.ok("python", "mp_pool", "process", "exception", fetch=f)
          for f in ("never_fetched", "get")}
    if all(py.values()):
        nf, g = (per_rep(py[f], "shown") for f in ("never_fetched", "get"))
        out.append(_("The notes' lost exception is Python's: a task raising under "
                     "`apply_async` was shown in {shown} of {n} repetitions when nobody fetched "
                     "its result, and in {shown_get} of {n_get} when the caller called "
                     "`get()`.").format(shown=f"{sum(nf):.0f}", n=len(nf),
                                        shown_get=f"{sum(g):.0f}", n_get=len(g)))
    return out


MODE_POOL = {"thread": N_("thread"), "process": N_("process")}


def fault_table(run, folder):
    faults = run.select("pool", "fault")
    scribbles = run.select("pool", "scribble")
    if not faults and not scribbles:
        return []
    kinds = by_mode(run, in_table_order(run.describe.kinds,
                                        {run.kind_of(b) for b in faults + scribbles}), "process")
    failures = in_table_order(run.describe.failures, {b.args["failure"] for b in faults})
    lines = []
    for b in sorted(faults, key=lambda b: (failures.index(b.args["failure"]),
                                           kinds.index(run.kind_of(b)))):
        pool = who(run, run.kind_of(b), kinds)
        if b.error:
            lines.append([b.args["failure"], pool, _("skipped: {error}").format(error=reason(b.error)),
                          "", "", "", ""])
            continue
        surv = b.counter("pool_survived")
        started, submitted = b.counter("tasks_started"), b.counter("tasks_submitted")
        lines.append([b.args["failure"], pool, c_words(b.label),
                      _("yes") if surv else _("**no**"), fmt(b.counter("results_lost")),
                      _("{value} of {total}").format(value=fmt(started), total=fmt(submitted))
                      if submitted else "–",
                      fmt(b.counter("replacement_us")),
                      fmt(b.counter("recover_us")) if surv else "–"])
    for b in sorted(scribbles, key=lambda b: kinds.index(run.kind_of(b))):
        pool = who(run, run.kind_of(b), kinds)
        lines.append([_("stray write"), pool, _("skipped: {error}").format(error=reason(b.error))
                      if b.error else c_words(b.label)]
                     + ["–" if not b.error else ""] * 5)
    return ["### " + _("C6 — what the caller sees when a task fails"), ""] + \
        c6_figure(run, folder) + [
        _("Three 20 ms tasks are in flight when the failing one runs; then one more task is "
          "submitted. Thread pools meet exit, SIGSEGV and abort inside a sacrificial child "
          "process, so the run survives to report it. Medians of the repetitions."), ""] + \
        table([_("failure"), _("pool"), _("the caller sees"), _("pool survived"),
               _("other results lost"), _("tasks started"), _("replacement µs"),
               _("next task after µs")], lines) + [
        ""] + [sentences(fault_sentences(run, faults, failures)), ""]
