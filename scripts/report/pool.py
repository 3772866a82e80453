"""pool.py - C5, C6 and C7 (bench/pool.c, and the Pool rows of bench/py_bench.py): pools
against a worker per task, what a pool costs per task, whether it reuses its workers; the
notes' Pool(3) schedule (pool_schedule.py) and what the caller sees when a task fails, and
a stray write (pool_faults.py), in the section's order.

Every sentence here is a number of the run it reports, or says where it comes from."""
import statistics

from verdicts import stats
from contract.describe import in_table_order
from report.i18n import _
from report.kit import by_mode, figure, fmt, human_ns, mode_bit, table, who
from report.pool_faults import fault_table
# median_repetition and schedule are read from here by handout_figures.py, greedy by tests.
from report.pool_schedule import (TASKS, greedy, median_repetition, notes_schedule,  # noqa: F401
                                  schedule)
from report.verdicts import claim_part

SCENARIOS = ("pool",)


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
