"""scale.py - C8, many workers at once (bench/scale.c): operations per second against N
for every workload and worker kind, efficiency with one worker per PU, false sharing
like for like, the TLB shootdowns the workers caused, and what pinning compact or
scatter changes against unpinned."""
import os

from verdicts import engine
from verdicts import stats
from contract.describe import in_table_order
from report.i18n import C_, N_, NC_, _, sentences
from report.kit import (derived, draw, figure, fmt, mode_bit, quotient, table, who,
                        write_data)
from report import why

# A tie in a Reading: the two medians within this fraction of each other; a difference
# needs more than that and the U test's p below SIGNIFICANCE.
TIE = 0.10
SIGNIFICANCE = 0.05


# The operation one unit of a workload is (bench/scale.c's labels), in the report's words.
OPERATION_WORDS = {"1000 rounds": N_("1000 rounds"), "64-byte line": N_("64-byte line"),
                   "atomic add": N_("atomic add"),
                   "map, 16 faults, unmap": N_("map, 16 faults, unmap")}


def operation_words(label):
    return _(OPERATION_WORDS[label]) if label in OPERATION_WORDS else label


def points(run, workload, kind, pin="none"):
    """{N: Bench} of one series that ran."""
    return {b.args["workers"]: b for b in run.select("scale", "rate", variant=workload,
                                                     kind=kind, pin=pin) if b.usable}


def first_of_mode(run, kinds, mode):
    return next((k for k in kinds if run.mode_of(k) == mode), None)


def interval_words(coverages):
    """The caption's words for intervals of these real coverages (stats.median_ci's):
    "93.75% interval" when all are alike, else the range."""
    covs = sorted({round(c * 100, 2) for c in coverages if c > 0})
    if not covs:
        return _("no interval (one repetition)")
    if len(covs) == 1:
        # xgettext: no-python-format
        return _("{coverage}% interval").format(coverage=f"{covs[0]:g}")
    # xgettext: no-python-format
    return _("{low}-{high}% intervals").format(low=f"{covs[0]:g}", high=f"{covs[-1]:g}")


def efficiency(series, n):
    """The speed-up at n over n, or None. The speed-up is the median of the per-repetition
    `speedup` counter (n workers over one worker measured beside them in the same
    repetition); a run without it (an older tvp-bench) falls back to the median rate at n
    over the median one-worker rate."""
    b, one = series.get(n), series.get(1)
    if not b:
        return None
    paired = b.counters.get("speedup")
    if paired:
        return stats.median_ci(paired)[0] / n
    return quotient(b.counter("ops_per_s"), n * one.counter("ops_per_s")) if one else None


# A workload's name as a figure's panel title: the name in English (the tables use it);
# in another language what it does, with the name beside it. msgctxt "workload": "cpu"
# and "memory" are the workloads, not the machine's CPU or memory.
WORKLOAD_WORDS = {"cpu": NC_("workload", "cpu"), "memory": NC_("workload", "memory"),
                  "shared_counter": NC_("workload", "shared_counter"),
                  "false_sharing": NC_("workload", "false_sharing"),
                  "false_sharing_shared": NC_("workload", "false_sharing_shared"),
                  "padded": NC_("workload", "padded"),
                  "page_fault": NC_("workload", "page_fault")}
# And a placement policy's (the pin:compact and pin:scatter rows).
PIN_WORDS = {"compact": NC_("placement", "compact"), "scatter": NC_("placement", "scatter")}


def workload_words(w):
    return C_("workload", WORKLOAD_WORDS[w]) if w in WORKLOAD_WORDS else w


def pin_words(p):
    return C_("placement", PIN_WORDS[p]) if p in PIN_WORDS else p


def top_of(path):
    """The largest value in a data file written by write_series (its first column, N,
    left out), or 0: where the panel's axis ends, for its big numbers (style.gp)."""
    top = 0.0
    with open(path) as f:
        for line in list(f)[1:]:
            for cell in line.split()[1:]:
                try:
                    v = float(cell)
                except ValueError:
                    continue
                if v == v:  # not NaN
                    top = max(top, v)
    return top


def write_series(run, folder, w, kinds, titles):
    """data/scale.W.dat: N, then median lo hi per kind, then per kind N times its
    one-worker rate up to N = PUs (NaN beyond: no line past the machine). Returns the
    Ns written and the coverages of their intervals."""
    series = [points(run, w, k) for k in kinds]
    ns = sorted(set.intersection(*[set(s) for s in series if s]))
    lines, covs = [], []
    for n in ns:
        cells = [str(n)]
        for s in series:
            med, lo, hi, cov = stats.median_ci(s[n].counters["ops_per_s"]) if s \
                else (float("nan"),) * 4
            cells += [f"{med:.6g}", f"{lo:.6g}", f"{hi:.6g}"]
            covs.append(cov)
        for s in series:
            one = s.get(1)
            linear = one and run.pus and n <= run.pus
            cells.append(f"{n * one.counter('ops_per_s'):.6g}" if linear else "NaN")
        lines.append(" ".join(cells))
    head = "N " + " ".join(f'"{t}" lo hi' for t in titles) + " " + " ".join(
        '"' + _("{series}, linear").format(series=t) + '"' for t in titles)
    path = write_data(folder, f"scale.{w}.dat", head + "\n" + "\n".join(lines) + "\n")
    return ns, covs, path[:-len(f".{w}.dat")]


def section(run, folder):
    out = ["## " + _("C8, context — many workers at once"), "",
           _("Parallelism is not concurrency: N busy workers on N PUs say how fast work "
             "runs side by side, not how many activities a program keeps in flight, which "
             "is what C8's sentence is about (the section above, whose table lists "
             "these workloads' predictions as context): none counts in a verdict."), ""]
    rows = [b for b in run.select("scale", "rate") if b.usable]
    kinds = in_table_order(run.describe.kinds, {run.kind_of(b) for b in rows})
    workloads = in_table_order(run.describe.workloads,
                               {b.variant for b in rows if b.args.get("pin") == "none"})
    if not workloads:
        return out + [_("*No scaling data in this run.*"), ""]
    titles = [who(run, k, kinds, plural=True) for k in kinds]
    ticks, covs, panels = [], [], {}
    prefix = os.path.join(folder, "data", "scale")
    for i, w in enumerate(workloads, 1):  # data/scale.W.dat (data/LANG/ in another language)
        ns, c, prefix = write_series(run, folder, w, kinds, titles)
        ticks.append(",".join(str(n) for n in ns) or "1")
        covs += c
        panels[f"L_PANEL{i}"] = workload_words(w)
        panels[f"L_TOP{i}"] = f"{top_of(f'{prefix}.{w}.dat'):.3f}"  # no exponent: gnuplot's real()
    labels = {
        "L_TITLE": _("N workers doing the same work at once (median, {interval}; threads and "
                     "processes set side by side at each N)").format(
                         interval=interval_words(covs)),
        "L_XLABEL": _("workers, N"),
        "L_YLABEL": _("operations per second"),
        "L_LINEAR": _("N x one worker (up to N = PUs)"),
        **panels,
    }
    out += draw(folder, "scale.gp", prefix, "scale", _("Scaling"),
                " ".join(workloads), " ".join(str(mode_bit(run.mode_of(k))) for k in kinds),
                " ".join(ticks), interval_words(covs), labels=labels)
    out += [_("*Figure: the median of each point with its {interval} (the real coverage of "
              "[min, max] for that many repetitions); threads and processes are set slightly "
              "apart at each N so that neither hides the other; the dotted line is N times one "
              "worker of the same kind, drawn up to N = PUs ({pus} here).*").format(
                  interval=interval_words(covs), pus=run.pus), ""]
    pus = run.pus
    t_kind, p_kind = first_of_mode(run, kinds, "thread"), first_of_mode(run, kinds, "process")
    lines = []
    for w in workloads:
        series = {k: points(run, w, k) for k in kinds}
        if pus not in series.get(t_kind, {}) or pus not in series.get(p_kind, {}):
            continue
        cells = [w, operation_words(series[t_kind][pus].label)]
        for k in kinds:
            s = series[k]
            eff = efficiency(s, pus)
            cells += [f"{s[pus].counter('ops_per_s'):.3g}" if pus in s else "–",
                      f"{eff:.0%}" if eff is not None else "–"]
        t, p = (series[k][pus] for k in (t_kind, p_kind))
        r = quotient(p.counter("ops_per_s"), t.counter("ops_per_s"))
        lines.append(cells + [f"1 : {r:.2f}" if r is not None else "–", p_text(t, p)])
    header = [_("workload"), _("one operation")]
    for title in titles:
        header += [_("{series} /s").format(series=title), _("efficiency")]
    ratio_head = _("{threads} : {processes}").format(
        threads=who(run, t_kind, kinds, True), processes=who(run, p_kind, kinds, True)) \
        if t_kind and p_kind else _("threads : processes")
    out += [_("With one worker per PU ({pus} here, unpinned): operations per second of all "
              "workers together (medians), the efficiency (the median over repetitions of "
              "each one's speed-up against one worker of the same kind measured beside it, "
              "over N), and threads against processes with the two-sided Mann-Whitney U "
              "test's p.").format(pus=pus), ""]
    out += table(header + [ratio_head, "p"], lines) + [""]
    return out + false_sharing_part(run, t_kind, p_kind) + tlb_part(run, workloads, t_kind,
                                                                    p_kind) \
        + reading(run, workloads, t_kind, p_kind) + placement_part(run, folder, workloads, kinds)


def values(b):
    return b.counters.get("ops_per_s", []) if b else []


def p_value(a, b):
    return stats.u_test(values(a), values(b))


def p_text(a, b):
    p = p_value(a, b)
    return "–" if p is None else f"{p:.3f}"


def at_pus(run, w, kind):
    return points(run, w, kind).get(run.pus) if kind else None


def false_sharing_part(run, t_kind, p_kind):
    """The packed counters three ways, one worker per PU: threads in the global array,
    processes in one MAP_SHARED array (the same shared lines), processes each in their own
    copy of the global array (no line shared)."""
    t = at_pus(run, "false_sharing", t_kind)
    t_sh = at_pus(run, "false_sharing_shared", t_kind)
    p_sh = at_pus(run, "false_sharing_shared", p_kind)
    p_own = at_pus(run, "false_sharing", p_kind)
    padded = at_pus(run, "padded", p_kind)
    if not (t and p_sh and p_own):
        return []
    rows = [[_("threads, one global array"), _("shared by all"), fmt(t.counter("ops_per_s"))]]
    if t_sh:
        rows.append([_("threads, one MAP_SHARED array"), _("shared by all"),
                     fmt(t_sh.counter("ops_per_s"))])
    rows += [[_("processes, one MAP_SHARED array"), _("shared by all"),
              fmt(p_sh.counter("ops_per_s"))],
             [_("processes, the global array"), _("each its own copy: none shared"),
              fmt(p_own.counter("ops_per_s"))]]
    if padded:
        rows.append([_("processes, padded (one counter per line)"), _("none shared"),
                     fmt(padded.counter("ops_per_s"))])
    return ["### " + _("False sharing, like for like"), "",
            _("Each worker adds to its own counter, the counters packed 8 to a 64-byte line. "
              "`false_sharing` keeps them in an ordinary global array: threads share it, but "
              "each forked process adds in its own copy-on-write copy, so its line is shared "
              "with nobody. `false_sharing_shared` puts them in one `MAP_SHARED` array, so "
              "processes share the lines exactly as threads do: the same shared work on both "
              "sides. Atomic adds per second, all workers together, {pus} workers:").format(
                  pus=run.pus), ""] + \
        table([_("who adds"), _("the counters' lines"), _("adds /s (median)")], rows) + [""]


def tlb_part(run, workloads, t_kind, p_kind):
    """The TLB-shootdown interrupts counted in each window (machine-wide, so other
    processes' count too), per operation and per second, one worker per PU."""
    rows = []
    for w in workloads:
        t, p = at_pus(run, w, t_kind), at_pus(run, w, p_kind)
        if not (t and p) or t.counter("tlb_shootdowns_per_op") is None:
            continue
        rows.append([w] + [fmt(b.counter(c)) for b in (t, p)
                           for c in ("tlb_shootdowns_per_op", "tlb_shootdowns_per_s")])
    if not rows:
        return []
    return [_("TLB-shootdown interrupts during each window (`TLB:` of `/proc/interrupts`, "
              "summed over CPUs; machine-wide, so the cpu workload, which maps nothing, shows "
              "what the rest of the machine causes), medians:"), ""] + table(
        [_("workload"), _("threads: per operation"), _("threads: per second"),
         _("processes: per operation"), _("processes: per second")], rows) + [""]


def reading(run, workloads, t_kind, p_kind):
    pair = {}
    for w in workloads:
        t, p = at_pus(run, w, t_kind), at_pus(run, w, p_kind)
        r = quotient(t.counter("ops_per_s"), p.counter("ops_per_s")) if t and p else None
        if r is not None:
            pair[w] = (r, p_value(t, p), t, p)
    if not pair:
        return []

    def said(ws):
        return _(", ").join(
            (_("{workload} {ratio} (p = {p})") if pair[w][1] is not None else
             _("{workload} {ratio}")).format(
                workload=w, ratio=f"{pair[w][0]:.2f}",
                p=f"{pair[w][1]:.3f}" if pair[w][1] is not None else "")
            for w in ws)

    def apart(w):
        return is_apart(pair[w])

    def said_tost(ws):
        """A workload judged on equivalence, with that test's own p (the larger of its
        two one-sided tests), never the U test's."""
        out = []
        for w in ws:
            e = equivalence(pair[w][2], pair[w][3])
            if e is None or e.p is None:
                out.append(_("{workload} {ratio}").format(workload=w, ratio=f"{pair[w][0]:.2f}"))
                continue
            out.append(_("{workload} {ratio} (equivalence p = {p})").format(
                workload=w, ratio=f"{pair[w][0]:.2f}",
                p=derived(e.p, f"scale {w}: TOST p of threads against processes within "
                               f"{TIE:.0%} (engine.comparison, similar)", spec=".3f")))
        return _(", ").join(out)

    # "Within x%" only where the equivalence test the rules use (TOST) shows it; a
    # ratio near 1 that it cannot show is "not distinguishable here".
    ties = [w for w in pair if equivalent(pair[w][2], pair[w][3])]
    near = [w for w in pair if w not in ties and abs(pair[w][0] - 1) <= TIE]
    proc = [w for w in pair if apart(w) and pair[w][0] < 1]
    thr = [w for w in pair if apart(w) and pair[w][0] > 1]
    loose = [w for w in pair if w not in ties + near + proc + thr]
    text = [_("**Reading.** Threads' operations per second over processes', {pus} workers:")
            .format(pus=run.pus)]
    if ties:
        text.append(_("within {tie} of each other at {workloads}, by the equivalence test "
                      "(two one-sided exact rank tests, p < {alpha}): on those workloads "
                      "sharing an address space bought threads no more throughput.").format(
                          tie=f"{TIE:.0%}", workloads=said_tost(ties), alpha=SIGNIFICANCE))
    if near:
        text.append(_("Not distinguishable here at {workloads}: the medians are within {tie} "
                      "of each other, but the repetitions cannot show the two are within "
                      "{tie}.").format(tie=f"{TIE:.0%}", workloads=said_tost(near)))
    if proc:
        text.append(_("Processes ahead at {workloads}.").format(workloads=said(proc)))
    if thr:
        text.append(_("Threads ahead at {workloads}.").format(workloads=said(thr)))
    if loose:
        text.append(_("More than {tie} apart but not significantly (p ≥ {alpha}) at "
                      "{workloads}.").format(tie=f"{TIE:.0%}", alpha=SIGNIFICANCE,
                                              workloads=said(loose)))
    text += false_sharing_words(pair)
    text += page_fault_words(pair, run)
    return [sentences(text), ""]


def equivalence(t, p):
    """The rules' equivalence test (engine.comparison, relation "similar") of threads'
    and processes' operations per second within TIE: its Outcome, or None."""
    a, b = t.values("ops_per_s"), p.values("ops_per_s")
    if len(a) < 2 or len(b) < 2:
        return None
    rule = engine.Rule("C8", "", t.key, p.key, "similar", TIE, "ops_per_s")
    return engine.comparison(rule, a, b)


def equivalent(t, p):
    """Whether that test shows the two within TIE of each other."""
    out = equivalence(t, p)
    return out is not None and out.holds is True


def is_apart(entry):
    """(ratio, p, ...) of threads over processes: more than TIE apart, and the U test says
    so."""
    r, p = entry[0], entry[1]
    return abs(r - 1) > TIE and p is not None and p < SIGNIFICANCE


def false_sharing_words(pair):
    if "false_sharing" not in pair or "false_sharing_shared" not in pair:
        return []
    r_own, p_own, t, p_priv = pair["false_sharing"]
    r_sh, p_sh, _u, p_shared = pair["false_sharing_shared"]
    own = (_("With the counters in the global array, processes do {processes} adds/s "
             "against threads' {threads} (threads : processes 1 : {ratio}, p = {p})")
           if p_own is not None else
           _("With the counters in the global array, processes do {processes} adds/s "
             "against threads' {threads} (threads : processes 1 : {ratio})")).format(
        processes=fmt(p_priv.counter('ops_per_s')), threads=fmt(t.counter('ops_per_s')),
        ratio=f"{1 / r_own:.2f}", p=f"{p_own:.3f}" if p_own is not None else "")
    shared = (_("with the same counters in one MAP_SHARED array, processes do {processes} "
                "adds/s (1 : {ratio}, p = {p})") if p_sh is not None else
              _("with the same counters in one MAP_SHARED array, processes do {processes} "
                "adds/s (1 : {ratio})")).format(
        processes=fmt(p_shared.counter('ops_per_s')), ratio=f"{1 / r_sh:.2f}",
        p=f"{p_sh:.3f}" if p_sh is not None else "")
    if is_apart(pair["false_sharing"]) and r_own < 1:
        words = (_("{own}: not because processes share lines better, but because a process "
                   "does not share the lines at all: it does not share the data. Made equal, "
                   "{shared}: shared lines cost processes what they cost threads.") if not
                 is_apart(pair["false_sharing_shared"]) else
                 _("{own}: not because processes share lines better, but because a process "
                   "does not share the lines at all: it does not share the data. Made equal, "
                   "{shared}: even with the work made equal, the two are apart.")).format(
            own=own, shared=shared)
    else:
        words = _("{own}, and {shared}: false sharing does not set threads apart from "
                  "processes in this run. A hypothesis, not tested here: lines bounce only "
                  "between workers that run at once, and where the efficiency column is far "
                  "below 100% the two workers seldom did.").format(own=own, shared=shared)
    return [words]


def page_fault_words(pair, run):
    """What the TLB-shootdown counts show about page_fault: measured where threads cause
    many times the interrupts processes and the background do; the cost of them, and the
    address space's lock, stay hypotheses (neither is isolated)."""
    if "page_fault" not in pair:
        return []
    r, p, t, proc = pair["page_fault"]
    t_tlb, p_tlb = t.counter("tlb_shootdowns_per_op"), proc.counter("tlb_shootdowns_per_op")
    differ = is_apart(pair["page_fault"])
    words = [(_("At page_fault threads do {ratio} of what processes do.") if differ else
              _("At page_fault threads do {ratio} of what processes do, which does not set "
                "them apart here.")).format(ratio=f"{r:.2f}")]
    sampled = why.page_fault_words(run)
    if t_tlb is None or p_tlb is None:
        return [sentences(words + [sampled or
            _("Why is not measured in this run (no TLB-shootdown count): the one address "
              "space's lock and TLB shootdowns on munmap are hypotheses.")])]
    t_s = t.counter("tlb_shootdowns_per_s")
    cpu = pair.get("cpu")
    background = max(b.counter("tlb_shootdowns_per_s") or 0 for b in cpu[2:]) if cpu else None
    counts = _("During it threads caused {per_op} TLB-shootdown interrupts per operation "
               "({per_s} a second), processes {processes}").format(
        per_op=fmt(t_tlb), per_s=fmt(t_s), processes=fmt(p_tlb))
    if background is not None:
        counts += _("; the cpu workload, which maps nothing, saw {per_s} a second").format(
            per_s=fmt(background))
    many = t_tlb > 10 * max(p_tlb, 1e-9) and (background is None or t_s > 10 * background)
    if many:
        words.append(_("{counts}. So a munmap in a thread interrupts the other CPUs that run "
                       "the same address space to flush their TLBs, and a process's does not: "
                       "that is measured.").format(counts=counts))
        if differ:
            words.append(sampled or
                         _("Whether those interrupts cost threads the difference, or "
                           "contention on the address space's mmap lock does (not measured "
                           "here), is a hypothesis this run does not isolate."))
    elif differ and sampled:
        words += [_("{counts}: the counts do not set threads apart from "
                    "processes.").format(counts=counts), sampled]
    elif differ:
        words.append(_("{counts}: the counts do not set threads apart from processes, so the "
                       "cause of the difference is not shown here (the address space's mmap "
                       "lock is a hypothesis, not measured).").format(counts=counts))
    else:
        words.append(_("{counts}: the counts do not set threads apart from processes "
                       "either.").format(counts=counts))
    return [sentences(words)]


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
    titles = [_("{workers} {pin}").format(workers=who(run, k, kinds, plural=True),
                                          pin=pin_words(p)) for k, p in columns]
    labels = {
        "L_TITLE": _("Placement with one worker per PU: pinned against unpinned (1 = no "
                     "change)"),
        "L_YLABEL": _("operations per second / unpinned"),
    }
    out = ["### " + _("Placement"), ""]
    out += figure(folder, "placement.gp", "placement.dat",
                  "workload " + " ".join(
                      '"' + _("{workers}, {pin}").format(
                          workers=who(run, k, kinds, plural=True), pin=pin_words(p)) + '"'
                      for k, p in columns) + "\n"
                  + "\n".join(" ".join([f'"{workload_words(r[0])}"'] + r[1:]) for r in rows)
                  + "\n",
                  _("Placement against unpinned"),
                  " ".join(str(mode_bit(run.mode_of(k))) for k, _p in columns),
                  " ".join(str(pins.index(p)) for _k, p in columns), labels=labels)
    out += table([_("workload")] + titles, rows)
    return out + ["", _("Ratios to the unpinned run with the same number of workers. On a "
                        "machine with one package and no SMT, compact and scatter put one "
                        "worker on each PU alike; on a larger machine they differ, and this "
                        "table shows how much."), ""]
