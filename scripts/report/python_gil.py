"""python_gil.py - the GIL figure of each interpreter the run used (N workers doing the
same fixed pure-Python work, beside C's threads and processes from scale, against the
machine's parallel capacity around the run) and the table of the run's interpreters.
Part of the Python section (python.py)."""
import json
import os

from verdicts import stats
from report.i18n import N_, _, current
from report.kit import draw, fmt, lang_dir, table, write_data
from report.python_rows import rows_of


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


def gil_label(info):
    gil = info.get("python_gil_enabled")
    build = info.get("python_gil_disabled_build")
    words = {"1": _("GIL on"), "0": _("GIL off")}.get(gil) or _("GIL not recorded")
    if build == "1":
        words = _("{gil} (free-threaded build)").format(gil=words)
    return _("Python {version}, {gil}").format(version=info.get("python") or "?", gil=words)


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
