"""scale.py - C8, many workers at once (bench/scale.c): operations per second against N
for every workload and worker kind, efficiency with one worker per PU, and what pinning
compact or scatter changes against unpinned."""
import os

import stats
from describe import in_table_order
from report.kit import draw, figure, mode_bit, quotient, table, who, write_data
from report.verdicts import claim_part


def points(run, workload, kind, pin="none"):
    """{N: Bench} of one series that ran."""
    return {b.args["workers"]: b for b in run.select("scale", "rate", variant=workload,
                                                     kind=kind, pin=pin) if b.usable}


def first_of_mode(run, kinds, mode):
    return next((k for k in kinds if run.mode_of(k) == mode), None)


def section(run, folder):
    out = claim_part("C8", run, "## C8 — many workers at once")
    rows = [b for b in run.select("scale", "rate") if b.usable]
    kinds = in_table_order(run.describe.kinds, {run.kind_of(b) for b in rows})
    workloads = in_table_order(run.describe.workloads,
                               {b.variant for b in rows if b.args.get("pin") == "none"})
    if not workloads:
        return out + ["*No scaling data in this run.*", ""]
    titles = [who(run, k, kinds, plural=True) for k in kinds]
    for w in workloads:
        series = [points(run, w, k) for k in kinds]
        lines = []
        # The Ns every kind that ran this workload has; a kind that did not is NaN.
        for n in sorted(set.intersection(*[set(s) for s in series if s])):
            cells = [str(n)]
            for s in series:
                med, lo, hi, _ = stats.median_ci(s[n].counters["ops_per_s"]) if s \
                    else (float("nan"),) * 4
                cells += [f"{med:.6g}", f"{lo:.6g}", f"{hi:.6g}"]
            for s in series:
                one = s.get(1)
                cells.append(f"{n * one.counter('ops_per_s'):.6g}" if one else "NaN")
            lines.append(" ".join(cells))
        head = "N " + " ".join(f'"{t}" lo hi' for t in titles) + " " + " ".join(
            f'"{t}, linear"' for t in titles)
        write_data(folder, f"scale.{w}.dat", head + "\n" + "\n".join(lines) + "\n")
    out += draw(folder, "scale.gp", os.path.join(folder, "data", "scale"), "scale", "Scaling",
                " ".join(workloads), " ".join(str(mode_bit(run.mode_of(k)))
                                              for k in kinds))
    pus = run.pus
    t_kind, p_kind = first_of_mode(run, kinds, "thread"), first_of_mode(run, kinds, "process")
    lines = []
    for w in workloads:
        series = {k: points(run, w, k) for k in kinds}
        if pus not in series.get(t_kind, {}) or pus not in series.get(p_kind, {}):
            continue
        cells = [w, series[t_kind][pus].label]
        for k in kinds:
            s = series[k]
            one = s.get(1)
            eff = quotient(s[pus].counter("ops_per_s"), pus * one.counter("ops_per_s")) \
                if one and pus in s else None
            cells += [f"{s[pus].counter('ops_per_s'):.3g}" if pus in s else "–",
                      f"{eff:.0%}" if eff is not None else "–"]
        t, p = (series[k][pus].counter("ops_per_s") for k in (t_kind, p_kind))
        r = quotient(p, t)
        lines.append(cells + [f"1 : {r:.2f}" if r is not None else "–"])
    header = ["workload", "one operation"]
    for title in titles:
        header += [f"{title} /s", "efficiency"]
    ratio_head = f"{who(run, t_kind, kinds, True)} : {who(run, p_kind, kinds, True)}" \
        if t_kind and p_kind else "threads : processes"
    out += [f"With one worker per PU ({pus} here): operations per second, the efficiency "
            "against N times one worker of the same kind, and threads against processes.", ""]
    out += table(header + [ratio_head], lines) + [""]
    return out + reading(run, workloads, t_kind, p_kind) + placement_part(run, folder, workloads,
                                                                        kinds)


def reading(run, workloads, t_kind, p_kind):
    ratio_of = {}
    for w in workloads:
        t, p = points(run, w, t_kind).get(run.pus), points(run, w, p_kind).get(run.pus)
        r = quotient(t.counter("ops_per_s"), p.counter("ops_per_s")) if t and p else None
        if r is not None:
            ratio_of[w] = r
    if not ratio_of:
        return []
    ties = [w for w, r in ratio_of.items() if abs(r - 1) <= 0.1]
    proc = [w for w, r in ratio_of.items() if r < 0.9]
    thr = [w for w, r in ratio_of.items() if r > 1.1]
    text = ["**Reading.**"]
    if ties:
        text.append(f"Threads and processes tie ({', '.join(ties)}): the same work on the same "
                    "CPUs runs as fast in either; sharing an address space buys no concurrency.")
    if proc:
        # Why processes win at the two workloads made to show it, in Python's words.
        text.append(f"Processes win at {', '.join(proc)}" + (
            f": mapping and faulting memory takes the one address space's lock, which "
            f"threads share and processes do not (threads do {ratio_of['page_fault']:.2f} "
            f"of what processes do)" if "page_fault" in proc else "") + (
            f"; counters side by side in a global array share cache lines between threads, "
            f"while each process has its own copy of the array "
            f"({ratio_of['false_sharing']:.2f})" if "false_sharing" in proc else "") + ".")
    if thr:
        text.append(f"Threads win at {', '.join(thr)}.")
    return [" ".join(text), ""]


def placement_part(run, folder, workloads, kinds):
    """Each pinned policy against unpinned, one worker per PU, per workload and kind."""
    pins = [p for p in in_table_order(run.describe.pins, {b.args.get("pin") for b in
                                                          run.select("scale", "rate")})
            if p != "none"]
    columns = [(k, p) for k in kinds for p in pins]
    rows = []
    for w in workloads:
        cells = [w]
        for kind, pin in columns:
            base, b = points(run, w, kind).get(run.pus), points(run, w, kind, pin).get(run.pus)
            r = quotient(b.counter("ops_per_s"), base.counter("ops_per_s")) \
                if b and base else None
            cells.append(f"{r:.4f}" if r is not None else "NaN")
        if "NaN" not in cells:
            rows.append(cells)
    if not rows or not columns:
        return []
    titles = [f"{who(run, k, kinds, plural=True)} {p}" for k, p in columns]
    out = ["### Placement", ""]
    out += figure(folder, "placement.gp", "placement.dat",
                  "workload " + " ".join(f'"{who(run, k, kinds, plural=True)}, {p}"'
                                         for k, p in columns) + "\n"
                  + "\n".join(" ".join(r) for r in rows) + "\n", "Placement against unpinned",
                  " ".join(str(mode_bit(run.mode_of(k))) for k, _ in columns),
                  " ".join(str(pins.index(p)) for _, p in columns))
    out += table(["workload"] + titles, rows)
    return out + ["", "Ratios to the unpinned run with the same number of workers. On a "
                  "machine with one package and no SMT, compact and scatter put one worker on "
                  "each PU alike; on a larger machine they differ, and this table shows how "
                  "much.", ""]
