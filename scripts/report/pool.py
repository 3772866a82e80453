"""pool.py - C5, C6 and C7 (bench/pool.c): pools against a worker per task, the notes'
Pool(3) schedule, what the caller sees when a task fails, and a stray write."""
from describe import in_table_order
from report.kit import by_mode, figure, fmt, human_ns, mode_bit, table, who
from report.verdicts import claim_part


def all_series(run):
    """[(title, way, kind, {task_ns: tasks per second})] with one worker per PU: each way
    (the pool, a worker per task) in registration order, processes first."""
    rows = [b for b in run.select("pool", "throughput", workers=run.pus)
            if b.usable and "items_per_second" in b.counters]
    fam = run.describe.family("pool", "throughput") or {}
    ways = in_table_order(fam.get("variants", []), {b.variant for b in rows})
    out = []
    for way in ways:
        mine = [b for b in rows if b.variant == way]
        kinds = by_mode(run, in_table_order(run.describe.kinds, {run.kind_of(b) for b in mine}),
                        "process")
        for kind in kinds:
            rates = {b.args["task_ns"]: b.counter("items_per_second") for b in mine
                     if run.kind_of(b) == kind}
            title = f"{who(run, kind, kinds)} {'per task' if way == 'per_task' else way}"
            out.append((title, way, kind, rates))
    return out


def break_even(a, b):
    """The shortest task length at which series a reaches 90% of series b, as text."""
    lengths = sorted(set(a) & set(b))
    for i, t in enumerate(lengths):
        if a[t] >= 0.9 * b[t]:
            if i == 0:
                return "at every length measured"
            return f"between {human_ns(lengths[i - 1])} and {human_ns(t)}"
    return f"beyond {human_ns(lengths[-1])}" if lengths else "–"


def first(series, way, mode, run):
    return next((s for s in series if s[1] == way and run.mode_of(s[2]) == mode), None)


def section(run, folder):
    out = ["## C5, C6 and C7 — pools, failures and isolation", ""]
    out += claim_part("C5", run, "### C5") + claim_part("C6", run, "### C6")
    series = all_series(run)
    if not series:
        return out + ["*No pool data in this run.*", ""]
    blocks = ["\n".join([f'"{title}"'] + [f"{t} {v:.6g} {mode_bit(run.mode_of(kind))}"
                                         for t, v in sorted(rates.items())])
              for title, _, kind, rates in series]
    pools = sum(s[1] == series[0][1] for s in series)
    out += ["### Pool against a worker per task", ""]
    out += figure(folder, "pool_throughput.gp", "pool_throughput.dat",
                  "\n\n\n".join(blocks) + "\n", "Pool throughput", str(pools))
    lengths = sorted(set().union(*[set(s[3]) for s in series]))
    out += [f"Tasks per second with {run.pus} workers (one per PU).", ""]
    out += table(["task length"] + [s[0] for s in series],
                 [[human_ns(t)] + [f"{s[3][t]:,.0f}" if t in s[3] else "–" for s in series]
                  for t in lengths])
    per_task, proc_pool, thread_pool = (first(series, "per_task", "process", run),
                                        first(series, "pool", "process", run),
                                        first(series, "pool", "thread", run))
    if per_task and proc_pool and thread_pool:
        out += ["", f"**Break-even** (the task length from which the first does at least 90% "
                f"of the second's tasks per second): {per_task[0]} against a {proc_pool[0]} "
                f"{break_even(per_task[3], proc_pool[3])}; a {proc_pool[0]} against a "
                f"{thread_pool[0]} {break_even(proc_pool[3], thread_pool[3])}. Below it, "
                "creating the worker is the cost; above it, the task is."]
    out += [""] + notes_schedule(run, folder) + fault_table(run)
    return out + claim_part("C7", run, "### C7 — protection")


def notes_schedule(run, folder):
    rows = {run.kind_of(b): b for b in run.select("pool", "notes") if b.usable}
    kinds = by_mode(run, in_table_order(run.describe.kinds, rows), "process")
    data, tics = [], []
    for n, kind in enumerate(kinds):
        b = rows[kind]
        # Each pool gets four lines of the chart: its three workers and a gap.
        tics += [f'"{who(run, kind, kinds)} pool, worker 0" {4 * n}', f'"worker 1" {4 * n + 1}',
                 f'"worker 2" {4 * n + 2}']
        for i in range(10):
            w = b.counter(f"task{i}_worker")
            if w is None:
                continue
            data.append(f"{4 * n + int(w)} {i} {b.counter(f'task{i}_start_ms'):.3f} "
                        f"{b.counter(f'task{i}_end_ms'):.3f} {mode_bit(b.mode)}")
    if not data:
        return []
    out = ["### The notes' Pool(3)", ""]
    out += figure(folder, "pool_schedule.gp", "pool_schedule.dat", "\n".join(data) + "\n",
                  "Pool(3) schedule", f"set ytics ({', '.join(tics)})")
    lines = []
    for kind in kinds:
        b, ideal = rows[kind], rows[kind].counter("ideal_ms")
        lines.append([who(run, kind, kinds), f"{b.median / 1e3:.1f}", f"{ideal:.1f}",
                      f"{b.median / 1e3 / ideal - 1:+.0%}"])
    return out + table(["pool", "total ms", "ideal ms", "over ideal"], lines) + [
        "", "Ideal: no schedule of these ten tasks on three workers can end "
        "sooner (the larger of the longest task and a third of their sum). The "
        "pool hands each task to whichever worker is free, in submission order.", ""]


def fault_table(run):
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
            lines.append([b.args["failure"], pool, f"skipped: {b.error}", "", "", "", ""])
            continue
        surv = b.counter("pool_survived")
        lines.append([b.args["failure"], pool, b.label, "yes" if surv else "**no**",
                      fmt(b.counter("results_lost")), fmt(b.counter("replacement_us")),
                      fmt(b.counter("recover_us")) if surv else "–"])
    for b in sorted(scribbles, key=lambda b: kinds.index(run.kind_of(b))):
        pool = who(run, run.kind_of(b), kinds)
        lines.append(["stray write", pool, f"skipped: {b.error}" if b.error else b.label]
                     + ["–" if not b.error else ""] * 4)
    return ["### C6 — what the caller sees when a task fails", "",
            "Three 20 ms tasks are in flight when the failing one runs; then one more task "
            "is submitted. Thread pools meet exit, SIGSEGV and abort inside a sacrificial "
            "child process, so the run survives to report it.", ""] + table(
        ["failure", "pool", "the caller sees", "pool survived", "other results lost",
         "replacement µs", "next task after µs"], lines) + [
        "", "Every failure reaches the caller of `pool_wait` as a distinct result — "
        "the task's error, the worker's exit status, the signal that killed it, a "
        "timeout — and nothing is run twice. The notes' lost exception is Python's "
        "`apply_async`, whose error waits in the result until someone calls "
        "`get()`.", ""]
