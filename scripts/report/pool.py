"""pool.py - C5, C6 and C7 (bench/pool.c, and the Pool rows of bench/py_bench.py): pools
against a worker per task, what a pool costs per task, whether it reuses its workers, the
notes' Pool(3) schedule from one real repetition, what the caller sees when a task fails,
and a stray write.

Every sentence here is a number of the run it reports, or says where it comes from."""
import re
import statistics

import stats
from describe import in_table_order
from report import outcomes
from report.cjk import wide, wrap
from report.i18n import N_, _, sentences, reason
from report.kit import by_mode, figure, fmt, human_ns, mode_bit, table, who
from report.verdicts import claim_part

SCENARIOS = ("pool",)
TASKS = 10  # the notes' Pool(3): ten tasks (POOL_NOTES_TASKS in C and Python)


# --- one repetition -----------------------------------------------------------------

def repetition(b, i):
    """The counters of repetition i of a benchmark, as one dict, or None when its
    counters do not line up with its repetitions (a counter some rows lack)."""
    n = len(b.times_us)
    if not 0 <= i < n or any(len(v) != n for v in b.counters.values()):
        return None
    return {k: v[i] for k, v in b.counters.items()}


def median_repetition(b):
    """(index, counters) of the repetition whose time is the median one (the lower of
    the two middle ones for an even count): a schedule that really happened, rather than
    a median of each task's worker, which can draw one that never did."""
    if not b or not b.times_us:
        return None, None
    order = sorted(range(len(b.times_us)), key=lambda i: b.times_us[i])
    i = order[(len(order) - 1) // 2]
    return i, repetition(b, i)


def greedy(durations, workers=3):
    """The in-order schedule with free hand-offs (pool_greedy_ns in src/pool_tasks.c):
    each task, in order, to the worker free first. (worker of each, start of each,
    makespan)."""
    free_at = [0.0] * workers
    lanes, starts = [], []
    for d in durations:
        w = free_at.index(min(free_at))
        lanes.append(w)
        starts.append(free_at[w])
        free_at[w] += d
    return lanes, starts, max(free_at)


def schedule(rep):
    """[(lane, task, start_ms, end_ms)] of one repetition's counters."""
    out = []
    for i in range(TASKS):
        w, s, e = (rep.get(f"task{i}_{k}") for k in ("worker", "start_ms", "end_ms"))
        if None not in (w, s, e):
            out.append((int(w), i, s, e))
    return out


def sleeps_of(rep):
    """The sleeps the run recorded (ms), or None (a run from before they were)."""
    s = [rep.get(f"task{i}_sleep_ms") for i in range(TASKS)]
    return None if None in s else s


# --- throughput and cost per task ---------------------------------------------------

def rate_ci(b):
    """Median tasks per second with its interval and coverage, over the repetitions."""
    return stats.median_ci(b.counters["items_per_second"])


def all_series(run):
    """[(title, way, kind, {task_ns: Bench})] with one worker per PU: each way (the pool,
    a worker per task) in registration order, processes first."""
    rows = [b for b in run.select("pool", "throughput", workers=run.pus)
            if b.usable and b.counters.get("items_per_second")]
    fam = run.describe.family("pool", "throughput") or {}
    ways = in_table_order(fam.get("variants", []), {b.variant for b in rows})
    out = []
    for way in ways:
        mine = [b for b in rows if b.variant == way]
        kinds = by_mode(run, in_table_order(run.describe.kinds, {run.kind_of(b) for b in mine}),
                        "process")
        for kind in kinds:
            benches = {b.args["task_ns"]: b for b in mine if run.kind_of(b) == kind}
            title = way_words(who(run, kind, kinds), way)
            out.append((title, way, kind, benches))
    return out


def way_words(worker, way):
    """A series' name: "process pool", "fork per task"."""
    if way == "per_task":
        return _("{worker} per task").format(worker=worker)
    if way == "pool":
        return _("{worker} pool").format(worker=worker)
    return f"{worker} {way}"


def rates(series):
    return {t: rate_ci(b)[0] for t, b in series[3].items()}


def break_even(a, b):
    """The shortest task length at which series a reaches 90% of series b, as text."""
    lengths = sorted(set(a) & set(b))
    for i, t in enumerate(lengths):
        if a[t] >= 0.9 * b[t]:
            if i == 0:
                return _("at every length measured")
            return _("between {shorter} and {longer}").format(shorter=human_ns(lengths[i - 1]),
                                                              longer=human_ns(t))
    return _("beyond {length}").format(length=human_ns(lengths[-1])) if lengths else "–"


def first(series, way, mode, run):
    return next((s for s in series if s[1] == way and run.mode_of(s[2]) == mode), None)


def overhead_us(b, run):
    """µs per task beyond the task's own work spread over the CPUs its workers can use,
    per repetition: the pool's own cost per task (or a fresh worker's)."""
    cpus = max(1, min(run.pus or 1, b.args["workers"]))
    return [1e6 / r - b.args["task_ns"] / 1e3 / cpus
            for r in b.counters["items_per_second"] if r]


def coverage_words(cov, n):
    return (_("{n} repetitions; bars and brackets are the distribution-free interval of the "
              "median, which with {n} repetitions is [min, max] and covers {coverage}")
            if n <= 5 else
            _("{n} repetitions; bars and brackets are a distribution-free interval of the "
              "median covering {coverage}")).format(n=n, coverage=f"{cov:.2%}")


def throughput_part(run, folder, series):
    blocks, covs, ns = [], [], []
    for title, _u, kind, benches in series:
        lines = [f'"{title}"']
        for t, b in sorted(benches.items()):
            med, lo, hi, cov = rate_ci(b)
            covs.append(cov)
            ns.append(len(b.counters["items_per_second"]))
            lines.append(f"{t} {med:.6g} {lo:.6g} {hi:.6g} {mode_bit(run.mode_of(kind))}")
        blocks.append("\n".join(lines))
    pools = sum(s[1] == series[0][1] for s in series)
    out = ["### " + _("Pool against a worker per task"), ""]
    labels = {
        "L_TITLE": _("Tasks per second by task length, one worker per PU (median; bars: its "
                     "interval)"),
        "L_YLABEL": _("tasks per second (log scale)"),
        "L_EMPTY": _("0 ns (empty)"),
        "L_XLABEL0": _("task length"),
        "L_XLABEL": _("task length (busy CPU time; log scale)"),
    }
    out += figure(folder, "pool_throughput.gp", "pool_throughput.dat",
                  "\n\n\n".join(blocks) + "\n", _("Pool throughput"), str(pools),
                  labels=labels)
    n = min(ns)
    out += [_("*Tasks per second, median of {repetitions}. Empty tasks (0 ns) have their own "
              "panel: a log axis has no place for 0.*").format(
                  repetitions=coverage_words(min(covs), n)), ""]
    lengths = sorted(set().union(*[set(s[3]) for s in series]))
    out += [_("Tasks per second with {pus} workers (one per PU). One timed iteration submits "
              "4 × workers tasks at once (at most 256) and waits for them all; every figure "
              "here is per task (the iteration's time over its tasks).").format(pus=run.pus),
            ""]
    out += table([_("task length")] + [s[0] for s in series],
                 [[human_ns(t)] + [f"{rate_ci(s[3][t])[0]:,.0f}" if t in s[3] else "–"
                                   for s in series] for t in lengths])
    per_task, proc_pool, thread_pool = (first(series, "per_task", "process", run),
                                        first(series, "pool", "process", run),
                                        first(series, "pool", "thread", run))
    if per_task and proc_pool and thread_pool:
        # xgettext: no-python-format
        out += ["", _("**Break-even** (the task length from which the first does at least "
                      "90% of the second's tasks per second): {per_task} against a {process_pool} "
                      "{when}; a {process_pool} against a {thread_pool} {when_pools}.").format(
            per_task=per_task[0], process_pool=proc_pool[0], thread_pool=thread_pool[0],
            when=break_even(rates(per_task), rates(proc_pool)),
            when_pools=break_even(rates(proc_pool), rates(thread_pool)))]
    return out + [""] + cost_part(run, series, lengths, n)


def cost_part(run, series, lengths, n):
    """The pool's own cost per task, beside a fresh worker's."""
    rows = []
    for title, _u, _u, benches in series:
        cells = [title]
        for t in lengths:
            b = benches.get(t)
            if not b:
                cells.append("–")
                continue
            med, lo, hi, _u = stats.median_ci(overhead_us(b, run))
            cells.append(f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]" if t == 0 else fmt(med))
        rows.append(cells)
    return ["### " + _("What a pool costs per task"), "",
            _("µs per task beyond the task's own work: the time per task minus the task's "
              "length divided by the CPUs its workers can use (min(workers, {pus} PUs)). For a "
              "pool this is its own cost (in src/pool.c: the submit, the hand-off through its "
              "pipe, the result slot and the wait); for a worker per task, making and reaping "
              "the worker. Median of {n} repetitions; the empty task's with its interval, "
              "which is the pool's own cost with nothing else in it. At long tasks the "
              "difference is small beside the task's own length and inherits the spread of "
              "the throughput intervals above: it can come out negative.").format(
                  pus=run.pus, n=n), ""] \
        + table([_("way")] + [human_ns(t) for t in lengths], rows) + [""]


# --- reuse --------------------------------------------------------------------------

def spread(vals):
    lo, hi = min(vals), max(vals)
    return fmt(statistics.median(vals)) + ("" if lo == hi else f" ({fmt(lo)}–{fmt(hi)})")


def reuse_part(run):
    """Distinct workers against tasks: does a pool reuse its workers?"""
    rows = []
    for b in run.select("pool", "throughput", task_ns=0, workers=run.pus):
        d, t = b.counters.get("distinct_workers"), b.counters.get("tasks")
        if b.usable and d and t:
            way = _("pool") if b.variant == "pool" else _("a worker per task")
            rows.append([_("C, {kind}, {way}").format(kind=run.kind_of(b), way=way),
                         b.args["workers"], spread(t), spread(d)])
    for b in run.select("pool", "notes"):
        d = b.counters.get("distinct_workers")
        if b.usable and d:
            rows.append([_("C, {kind}, the notes' Pool(3)").format(kind=run.kind_of(b)), 3,
                         TASKS, spread(d)])
    for b in run.select("python", "pool", task_us=0):
        d, t = b.counters.get("distinct_workers"), b.counters.get("tasks")
        if b.usable and d and t:
            rows.append([_("Python, {pool}").format(
                pool=run.describe.label(b.variant) or b.variant),
                         run.ctx.get("nproc", "–"), spread(t), spread(d)])
    py = run.ok("python", "mp_pool", "process", "pool_notes")
    if py and py.counters.get("distinct_workers"):
        rows.append([_("Python, the notes' Pool(3)"), 3, TASKS,
                     spread(py.counters["distinct_workers"])])
    if not rows:
        return []
    return ["### " + _("Does a pool reuse its workers?"), "",
            _("Distinct workers are the distinct kernel ids (a thread's own id, a process's "
              "pid) of the workers that ran one repetition's tasks, counted by the benchmark; "
              "median over the repetitions, with the range when they differ. Empty tasks."),
            ""] + \
        table([_("what ran the tasks"), _("workers, N"), _("tasks per repetition"),
               _("distinct workers")], rows) + [""]


# --- the notes' Pool(3) -------------------------------------------------------------

def notes_rows(run):
    """[(words, mode, Bench)] of the notes' Pool(3): C's pools, processes first, then
    Python's."""
    rows = {run.kind_of(b): b for b in run.select("pool", "notes") if b.usable}
    kinds = by_mode(run, in_table_order(run.describe.kinds, rows), "process")
    out = [(f"{who(run, k, kinds)}", run.mode_of(k), rows[k]) for k in kinds]
    py = run.ok("python", "mp_pool", "process", "pool_notes")
    if py:
        out.append((_("Python Pool(3)"), "process", py))
    return out


def notes_schedule(run, folder):
    pools = notes_rows(run)
    drawn = []  # (words, mode, Bench, repetition index, counters, schedule)
    for words, mode, b in pools:
        i, rep = median_repetition(b)
        sched = schedule(rep) if rep else []
        if sched:
            drawn.append((words, mode, b, i, rep, sched))
    if not drawn:
        return []
    # The ideal from the sleeps the runs recorded: one group per distinct set (one when C
    # and Python share their generator). A run from before the sleeps were recorded gets
    # one ideal from the task times its first pool measured, and says so.
    ideals = []  # (sleeps, words of whose)
    recorded = [sleeps_of(d[4]) for d in drawn]
    if None in recorded:
        sched = sorted(drawn[0][5], key=lambda x: x[1])
        ideals.append(([e - s for _u, _u, s, e in sched], _("from measured task times")))
    else:
        for (words, *_u), sleeps in zip(drawn, recorded):
            if not any(len(s) == len(sleeps) and all(abs(x - y) < 1e-6 for x, y in zip(s, sleeps))
                       for s, _u in ideals):
                ideals.append((sleeps, _("{pool}'s sleeps").format(pool=words)))
    data, tics, row = [], [], 0
    groups = [(_("ideal") if len(ideals) == 1 and None not in recorded else
               _("ideal ({source})").format(source=src), 2, greedy(s), s) for s, src in ideals]
    for name, colour, (lanes, starts, _u), sleeps in groups:
        for t, (w, s) in enumerate(zip(lanes, starts)):
            data.append(f"{row + w} {t} {s:.3f} {s + sleeps[t]:.3f} {colour}")
        tics += [f'"{worker_tic(name, 0)}" {row}', f'"{worker_tic(None, 1)}" {row + 1}',
                 f'"{worker_tic(None, 2)}" {row + 2}']
        row += 4
    for words, mode, b, i, rep, sched in drawn:
        lanes = max(w for w, _u, _u, _u in sched) + 1
        for w, t, s, e in sched:
            data.append(f"{row + w} {t} {s:.3f} {e:.3f} {mode_bit(mode)}")
        # Where join returned (the makespan): a black bar across the group's lines.
        span = b.times_us[i] / 1e3
        data += [f"{row + w} {-2 if w == 0 else -1} {span - 0.15:.3f} {span + 0.15:.3f} 3"
                 for w in range(lanes)]
        name = words if b.scenario == "python" else _("C {pool} pool").format(pool=words)
        tics += [f'"{worker_tic(name, 0)}" {row}'] + [f'"{worker_tic(None, w)}" {row + w}'
                                                       for w in range(1, lanes)]
        row += lanes + 1
    ideal_ms = greedy(ideals[0][0])[2]
    out = ["### " + _("The notes' Pool(3)"), ""]
    labels = {
        "L_TITLE": _("The notes' Pool(3): 10 tasks sleeping 0-30 ms on 3 workers (one real "
                     "repetition each)"),
        "L_XLABEL": _("time since the first submit (ms)"),
        # printf formats: %.1f is a time in ms
        "L_IDEAL": _("ideal %.1f ms"),
        "L_MS": _("%.1f ms"),
    }
    out += figure(folder, "pool_schedule.gp", "pool_schedule.dat", "\n".join(data) + "\n",
                  _("Pool(3) schedule"), f"set ytics ({', '.join(tics)}); ideal = {ideal_ms:.3f}",
                  labels=labels)
    same = len(ideals) == 1 and None not in recorded
    python = any(d[2].scenario == "python" for d in drawn)
    out += [_("*Each pool's schedule is one real repetition: the one with the median makespan "
              "({repetitions}). Grey: the greedy in-order schedule of the same sleeps with free "
              "hand-offs (each task, in submission order, to the worker free first); the dashed "
              "line is where it ends. Black: where `join` returned, the makespan (from the "
              "first submit; it includes the pool's shutdown). Workers are numbered by first "
              "appearance in task order.*").format(repetitions=_(", ").join(
                  _("repetition {i} of {n} for {pool}").format(
                      i=d[3] + 1, n=len(d[2].times_us), pool=d[0]) for d in drawn)), ""]
    if same:
        sleeps_words = (_("C and Python draw the same ten sleeps from one seeded generator "
                          "(`pool_notes_sleeps` in src/pool_tasks.c, `notes_sleeps_us` in "
                          "bench/py_bench.py).") if python else
                        _("The pools draw the same ten sleeps from one seeded generator "
                          "(`pool_notes_sleeps` in src/pool_tasks.c, `notes_sleeps_us` in "
                          "bench/py_bench.py)."))
    else:
        sleeps_words = _("This run did not record one shared set of sleeps: each ideal is "
                         "computed from its own pool's sleeps (or, where none were recorded, "
                         "from the task times measured).")
    out += [sentences([_("Ten tasks sleeping 0–30 ms (the notes' `random.random() * 3` s, a "
                         "hundred times faster) on three workers."), sleeps_words]), ""]
    lines = []
    for words, mode, b, i, rep, sched in drawn:
        sleeps = sleeps_of(rep) or [e - s for _u, _u, s, e in sorted(sched, key=lambda x: x[1])]
        ideal = greedy(sleeps)[2]
        bound = max(max(sleeps), sum(sleeps) / 3)
        med, lo, hi, _u = b.median_ci()
        span = b.times_us[i] / 1e3
        cnt = [rep.get(k) for k in ("tasks_started", "tasks_submitted")]
        lines.append([words, f"{span:.1f}", f"{ideal:.1f}", f"{span / ideal - 1:+.0%}",
                      f"{med / 1e3:.1f} [{lo / 1e3:.1f}, {hi / 1e3:.1f}]", f"{bound:.1f}",
                      fmt(rep.get("distinct_workers")),
                      fmt(rep.get("workers_up_before_submit")),
                      _("{value} of {total}").format(value=fmt(cnt[0]), total=fmt(cnt[1]))
                      if None not in cnt else "–"])
    out += table([_("pool"), _("makespan ms (drawn)"), _("ideal ms"), _("over ideal"),
                  _("makespan ms, median [interval]"), _("lower bound ms"),
                  _("distinct workers"), _("workers up before the first submit"),
                  _("tasks started")], lines)
    gap = greedy(ideals[0][0])[2] - max(max(ideals[0][0]), sum(ideals[0][0]) / 3)
    out += ["", (_("*Ideal*: the greedy in-order schedule above. *Lower bound*: no schedule, in "
                   "order or not, ends sooner (the larger of the longest sleep and a third of "
                   "their sum); a pool that hands each task, in order, to the first free worker "
                   "ends {gap} ms after it with these sleeps, even with free hand-offs. *Workers "
                   "up*: how many of the three had run their first instruction (C: the worker "
                   "loop; Python: the Pool's initializer) before the first task was submitted, "
                   "in the repetition drawn.") if gap > 0.05 else
                 _("*Ideal*: the greedy in-order schedule above. *Lower bound*: no schedule, in "
                   "order or not, ends sooner (the larger of the longest sleep and a third of "
                   "their sum). *Workers up*: how many of the three had run their first "
                   "instruction (C: the worker loop; Python: the Pool's initializer) before the "
                   "first task was submitted, in the repetition drawn.")).format(
                       gap=f"{gap:.1f}")]
    return out + [""] + upfront_sentence(run, pools) + [""]


def worker_tic(name, w):
    """A line's name on the schedule's y axis: "ideal, worker 0", "worker 1"."""
    if name is None:
        return _("worker {n}").format(n=w)
    return _("{pool}, worker {n}").format(pool=name, n=w)


def upfront_sentence(run, pools):
    """When the workers start, against the notes' 'a new process only when the pool is not
    full'. Only from what the run counted."""
    parts = []
    for words, _u, b in pools:
        made = b.counters.get("workers_created_before_submit")
        up = b.counters.get("workers_up_before_submit")
        if made:
            parts.append((_("the {pool} pool had created {low}–{high} of its 3 workers before "
                            "the first submit in every repetition ({up_low}–{up_high} of them "
                            "already running)") if min(made) != max(made) else
                          _("the {pool} pool had created {low} of its 3 workers before the "
                            "first submit in each of {n} repetitions ({up_low}–{up_high} of them "
                            "already running)")).format(
                pool=words, low=fmt(min(made)), high=fmt(max(made)), n=len(made),
                up_low=fmt(min(up)), up_high=fmt(max(up))))
        elif up:
            parts.append(_("{pool} had {low}–{high} of its 3 workers running before the first "
                           "`apply_async`, over {n} repetitions").format(
                pool=words, low=fmt(min(up)), high=fmt(max(up)), n=len(up)))
    if not parts:
        return []
    return [_("**When workers start.** The notes say a pool makes a new process when a task "
              "comes and the pool is not full (如果池未满，就会创建一个新的进程). In this run "
              "{counts}. A worker still starting at the first submit counts as not running. "
              "(That C's `pool_create` starts all its workers is how src/pool.c is written; "
              "that `multiprocessing.Pool` does is CPython's `Pool.__init__`, which calls "
              "`_repopulate_pool`: background, the counts are this run's.)").format(
                  counts=_("; ").join(parts))]


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


# --- the section --------------------------------------------------------------------

def section(run, folder):
    out = ["## " + _("C5, C6 and C7 — pools, failures and isolation"), ""]
    out += claim_part("C5", run, "### C5") + claim_part("C6", run, "### C6")
    series = all_series(run)
    if not series:
        return out + [_("*No pool data in this run.*"), ""]
    out += throughput_part(run, folder, series)
    out += reuse_part(run) + notes_schedule(run, folder) + fault_table(run, folder)
    return out + claim_part("C7", run, "### " + _("C7 — protection"))
