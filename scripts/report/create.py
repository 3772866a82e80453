"""create.py - C2's creation cost (bench/create.c): every worker kind from an empty
parent, and the round trip against the memory the parent holds, in every layout. Every
word goes through the catalogue (report.i18n), the figures' too."""
from report.i18n import N_, _, sentences, reason
from report.kit import (ci_text, cv_text, derived, draw, figure, fmt, layout_words, mode_bit,
                        ratio, table, write_data)
from report.verdicts import claim_part
from report import why
from contract.describe import in_table_order


# Who created the workers, as the report says it (tvp-bench is a program's name, never
# translated).
PARENT_WORDS = {"tvp": "tvp-bench", "minimal": N_("minimal parent")}
MODE = {"thread": N_("thread"), "process": N_("process")}


def parents(run, measure="round_trip"):
    """The parents the run's family names ("tvp" first, as C registers them), or [None]
    for a run from before rows named their parent."""
    fam = run.describe.family("create", measure) or {}
    return list(fam.get("values", {}).get("parent", [])) or [None]


def parent_words(parent):
    if not parent or parent == "tvp":
        return "tvp-bench"
    return _(PARENT_WORDS[parent]) if parent in PARENT_WORDS else parent


def mode_words(mode):
    return _(MODE[mode]) if mode in MODE else mode


def _args(parent, **args):
    return dict(args, parent=parent) if parent else args


def round_trip(run, kind, mode, mib=0, layout="private", parent="tvp"):
    parent = parent if parents(run) != [None] else None
    return run.ok("create", kind, mode, "round_trip", **_args(parent, layout=layout,
                                                              parent_mib=mib))


def start(run, kind, mode, parent="tvp"):
    parent = parent if parents(run, "start") != [None] else None
    return run.ok("create", kind, mode, "start", **_args(parent, layout="private",
                                                         parent_mib=0))


def empty_parent_rows(run, parent="tvp"):
    """[Bench] of the round trip from an empty parent, one per kind, in table order."""
    fields = _args(parent if parents(run) != [None] else None, layout="private",
                   parent_mib=0)
    rows = {b.variant: b for b in run.select("create", "round_trip", **fields)}
    return [rows[k] for k in in_table_order(run.describe.kinds, rows)]


def base_row(run, rows):
    """The row every kind is compared with: the first thread kind's, if it ran."""
    return next((b for b in rows if b.mode == "thread" and b.usable), None)


def coverage_words(rows):
    """The real coverage of the intervals of these rows ("93.75%"), from the first row
    with repetitions: stats.median_ci says what [min, max] of so few reaches."""
    for b in rows:
        if b and b.usable and len(b.times_us) > 1:
            return f"{b.median_ci()[3] * 100:.4g}%"
    return "95%"


def skipped(error):
    return _("skipped: {error}").format(error=reason(error))


def parents_paragraph(run):
    """Each parent's resident memory and mappings, from the rows it created."""
    out = []
    for parent in parents(run):
        rows = [b for b in empty_parent_rows(run, parent or "tvp") if b.usable]
        rss = [b.counter("parent_rss_kib") for b in rows if b.counter("parent_rss_kib")]
        maps = [b.counter("parent_maps") for b in rows if b.counter("parent_maps")]
        if rss and maps:
            rss.sort()
            maps.sort()
            out.append(_("{parent}: {mib} MiB resident, {maps} mappings").format(
                parent=parent_words(parent), mib=fmt(rss[len(rss) // 2] / 1024),
                maps=f"{maps[len(maps) // 2]:.0f}"))
    if not out:
        return [_("*This run does not record its parents' size: the workers were created "
                  "by tvp-bench itself, which carries libstdc++, Google Benchmark and "
                  "hwloc.*"), ""]
    return [_("**The parents.** Every worker is created either by tvp-bench, a fat parent "
              "(libstdc++, Google Benchmark, hwloc's topology), or by the minimal parent, "
              "the static tvp-helper started for the purpose, which creates the workers on "
              "command and times them itself (median over the rows of each, read after "
              "each row): {parents}. *Background: fork walks every mapping of the parent "
              "and copies the page tables of those holding private pages of their own "
              "(the others are faulted in later), and the child tears its copy down at "
              "exit (Linux, mm/memory.c, vma_needs_copy).* So the minimal parent's round "
              "trip is closer to the cost of creating a process, and tvp-bench's adds the "
              "cost of its own address space.").format(parents=_("; ").join(out)),
            ""]


def section(run, folder):
    out = claim_part("C2", run, "## " + _("C2 — creation cost and copy-on-write"))
    ps = parents(run)
    by_parent = {p: {b.variant: b for b in empty_parent_rows(run, p or "tvp")} for p in ps}
    rows = empty_parent_rows(run)
    base = base_row(run, rows)
    base_label = run.describe.label(base.variant) if base else _("a thread")
    cover = coverage_words(rows)
    lines = []
    for b in rows:
        label = run.describe.label(b.variant)
        if b.error:
            lines.append([label, mode_words(b.mode), skipped(b.error)]
                         + [""] * (2 * len(ps) + 2))
            continue
        cells = []
        for p in ps:
            r = by_parent[p].get(b.variant)
            cells.append(ci_text(r) if r and r.usable else (
                skipped(r.error) if r and r.error else "–"))
        for p in ps:
            st = start(run, b.variant, b.mode, p or "tvp")
            cells.append(ci_text(st) if st else "–")
        cpu = b.counter("child_cpu_ns")
        x = f"{b.median / base.median:.1f}×" if base else "–"
        lines.append([label, mode_words(b.mode)] + cells
                     + [fmt(cpu / 1e3) if cpu else "–", x, cv_text(b)])
    head = [_("method"), _("mode")] + \
        [_("round trip µs, {parent}").format(parent=parent_words(p)) for p in ps] + \
        [_("start latency µs, {parent}").format(parent=parent_words(p)) for p in ps] + \
        [_("child CPU µs"), f"× {base_label}", _("CV")]
    out += ["### " + _("Cost by method (empty parent)"), ""] + parents_paragraph(run)
    out += [_("Median in µs with its {coverage} interval over the repetitions (the "
              "interval [min, max] of this many repetitions holds the median with that "
              "probability, not 95%). Round trip: create, the worker exits at once, reap. "
              "Start latency: from the create call to the worker's first instruction. Both "
              "are timed in the process that creates the worker; from the minimal parent, "
              "the helper takes the two clock readings and tvp-bench reports their "
              "difference as the iteration's time. Child CPU: the child's own user+system "
              "time (wait4), from tvp-bench. × and CV: tvp-bench's round trip (CV ⚠ over "
              "5%).").format(coverage=cover), ""]
    out += table(head, lines) + [""]
    data, yrange = methods_data(run, ps)
    if data:
        out += figure(folder, "create_methods.gp", "create_methods.dat", data,
                      _("Creation cost by method"), *yrange,
                      labels=methods_labels(cover, ps))
    out += methods_reading(run, rows) + parent_reading(run, ps)

    blocks, solid = memory_blocks(run)
    out += ["### " + _("Cost against the parent's memory"), ""]
    if blocks:
        path = write_data(folder, "create_memory.dat", "\n\n\n".join(blocks) + "\n")
        out += draw(folder, "create_memory.gp", path, "create_memory",
                    _("Creation cost against parent memory"), str(solid),
                    labels=memory_labels(coverage_words(swept(run))))
    return out + memory_reading(run) + memory_table(run)


def methods_labels(cover, ps):
    """The words of create_methods.gp; no legend entry for the minimal parent's bars in a
    run without them (gnuplot leaves an empty title out)."""
    return {
        "L_TITLE": _("Creating a worker and reaping it: round trip by method (median, "
                     "{coverage} interval)").format(coverage=cover),
        "L_YLABEL": _("round trip per worker (µs, log scale)"),
        "L_THREAD": _("thread"),
        "L_PROCESS": _("process"),
        "L_FAT": _("from tvp-bench (dark)"),
        "L_MINIMAL": _("from the minimal parent (light)") if "minimal" in ps else "",
    }


def memory_labels(cover):
    """The words of create_memory.gp."""
    return {
        "L_TITLE": _("Creating a worker while the parent holds memory (median, {coverage} "
                     "interval)").format(coverage=cover),
        "L_XLABEL": _("memory the parent holds and has touched (MiB, log scale)"),
        "L_YLABEL": _("round trip: create, exit, reap (µs, log scale)"),
    }


def methods_data(run, ps):
    """create_methods.dat: one line per kind that ran (the round trip from each parent,
    NaN where a parent did not run it), and the y range that fits them, as the figure's
    two extra arguments. ("", ()) when nothing ran."""
    lines, lows, highs = [], [], []
    rows = {p: {b.variant: b for b in empty_parent_rows(run, p or "tvp")} for p in ps}
    kinds = in_table_order(run.describe.kinds, set().union(*[set(r) for r in rows.values()]))
    for kind in kinds:
        cells, mode = [], None
        # The second bar NaN where there is no second parent (a run from before rows
        # named theirs has one, None): never the first parent's bar again.
        for p in (ps + ["", ""])[:2]:
            b = rows.get(p, {}).get(kind) if p in rows else None
            if b and b.usable:
                med, lo, hi, _c = b.median_ci()
                cells.append(f"{med:.4f} {lo:.4f} {hi:.4f}")
                lows.append(lo)
                highs.append(hi)
                mode = b.mode
            else:
                cells.append("NaN NaN NaN")
        if mode is None:
            continue
        lines.append(f'"{run.describe.label(kind)}" {mode_bit(mode)} ' + " ".join(cells))
    if not lines:
        return "", ()
    # A decade below the smallest bar's interval would waste the figure: fit the axis
    # to the data, a little room on either side, at a 1-2-5 value the axis labels.
    lo, hi = nice(min(lows) / 1.3, down=True), nice(max(highs) * 1.3, down=False)
    names = [PARENT_WORDS.get(p or "tvp", p) for p in (ps + [None])[:2]] if ps != [None] \
        else ["tvp-bench", ""]
    return ("# label mode then per parent (" + ", ".join(names) + "): med lo hi (µs)\n"
            + "\n".join(lines) + "\n"), (plain(lo), plain(hi))


def plain(x):
    """x as gnuplot reads a number from a string: no exponent ("1e+04" is refused)."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def nice(x, down):
    """The 1-2-5 value of x's decade just below (down) or above x."""
    import math
    if x <= 0:
        return 1.0
    e = math.floor(math.log10(x))
    steps = [m * 10 ** e for m in (1, 2, 5, 10)]
    return max(v for v in steps if v <= x) if down else min(v for v in steps if v >= x)


def parent_reading(run, ps):
    """fork from each parent: what tvp-bench's own address space adds."""
    if "minimal" not in ps:
        return []
    parts = []
    for kind in ("fork", "clone", "pthread", "vfork", "posix_spawn"):
        fat, small = round_trip(run, kind, run.mode_of(kind) or "process"), \
            round_trip(run, kind, run.mode_of(kind) or "process", parent="minimal")
        if fat and small:
            x = derived(fat.median / small.median, f"{kind}: median round trip from "
                        "tvp-bench / from the minimal parent", spec=".2f")
            parts.append(_("{kind} {minimal_us} µs against {fat_us} µs ({ratio}×)").format(
                kind=run.describe.label(kind), minimal_us=fmt(small.median),
                fat_us=fmt(fat.median), ratio=x))
    if not parts:
        return []
    return [_("**Reading.** From the minimal parent against tvp-bench (medians): "
              "{comparisons}. These are medians of runs taken one after the other on a "
              "shared machine, not a test: the rows of the two parents ran close together "
              "but not interleaved.").format(comparisons=_("; ").join(parts)), ""]


def methods_reading(run, rows):
    have = {b.variant: b for b in rows if b.usable}
    if not have:
        return [_("*No creation data in this run.*"), ""]
    label = run.describe.label
    base = base_row(run, rows)
    cheapest = min(have, key=lambda k: have[k].median)
    cheapest_words = (_("**Reading.** The cheapest worker from tvp-bench is {kind} ({us} µs "
                        "per round trip).") if parents(run) != [None] else
                      _("**Reading.** The cheapest worker is {kind} ({us} µs per round "
                        "trip)."))
    text = [cheapest_words.format(kind=label(cheapest), us=fmt(have[cheapest].median))]
    if base:
        # The kinds that make a process without exec, and posix_spawn, the other
        # answer of "A fork() in the road".
        rel = [f"{label(k)} " + derived(have[k].median / base.median,
                                        f"median round trip of {k} / of {base.variant}",
                                        spec=".1f") + "×"
               for k in ("fork", "vfork", "clone", "posix_spawn") if k in have]
        text.append(_("Against {kind}: {ratios}.").format(kind=label(base.variant),
                                                         ratios=_(", ").join(rel)))
    if all(k in have for k in ("fork", "fork_exec", "fork_sh")):
        f0 = have["fork"].median
        text.append(_("lmbench's ladder fork+exit : fork+exec : fork+sh -c is 1 : {exec} : "
                      "{sh} — exec and the shell each add a whole program start.").format(
            exec=derived(have['fork_exec'].median / f0,
                         "median round trip of fork_exec / of fork", spec=".1f"),
            sh=derived(have['fork_sh'].median / f0,
                       "median round trip of fork_sh / of fork", spec=".1f")))
    if "vfork" in have and "fork" in have:
        text.append(_("vfork skips copying the page tables (the child borrows the parent's "
                      "memory until it exits or execs) and costs {ratio}× fork.").format(
            ratio=derived(have['vfork'].median / have['fork'].median,
                          "median round trip of vfork / of fork", spec=".2f")))
    return [sentences(text), ""]


def swept(run):
    """[Bench] of the round trip from a parent holding memory, ordered by layout, kind
    (table order) and size."""
    rows = [b for b in run.select("create", "round_trip") if b.args.get("parent_mib", 0) > 0
            and b.args.get("parent", "tvp") == "tvp"]
    layouts = in_table_order(run.describe.layouts, {b.args["layout"] for b in rows})
    kinds = in_table_order(run.describe.kinds, {b.variant for b in rows})
    return sorted(rows, key=lambda b: (layouts.index(b.args["layout"]), kinds.index(b.variant),
                                       b.args["parent_mib"]))


def memory_blocks(run):
    """The figure's series, one block per (layout, kind) with at least two sizes, and how
    many of them, from the first, are in the first layout (drawn solid)."""
    series = {}
    for b in swept(run):
        if b.usable:
            series.setdefault((b.args["layout"], b.variant), []).append(b)
    blocks, first_layout, solid = [], None, 0
    for (layout, kind), pts in series.items():
        if len(pts) < 2:
            continue
        first_layout = first_layout or layout
        solid += layout == first_layout
        title = _("{kind}, {layout}").format(kind=run.describe.label(kind),
                                             layout=layout_words(run, layout))
        lines = [f'"{title}"']
        for b in pts:
            med, lo, hi, _c = b.median_ci()
            lines.append(f"{b.args['parent_mib']} {med:.4f} {lo:.4f} {hi:.4f} "
                         f"{mode_bit(b.mode)}")
        blocks.append("\n".join(lines))
    return blocks, solid


def memory_reading(run):
    text = []
    big = max((b.args["parent_mib"] for b in run.select("create", "round_trip", variant="fork",
                                                        layout="private") if b.usable
               and b.args.get("parent", "tvp") == "tvp"), default=0)
    if big:
        parts = []
        for b in swept(run):
            if b.args.get("layout") == "private" and b.args.get("parent_mib") == big and \
                    b.args.get("parent", "tvp") == "tvp" and b.usable:
                r = ratio(b, round_trip(run, b.variant, b.mode))
                if r:
                    parts.append(f"{run.describe.label(b.variant)} " + derived(
                        r, f"median round trip of {b.variant} at {big} MiB / at 0 MiB",
                        spec=".1f") + "×")
        text.append(_("**Reading.** From an empty parent to one holding {mib} MiB, the round "
                      "trip grows: {ratios}. fork copies one page-table entry per 4 KiB "
                      "page of the parent, and the child tears them down at exit; vfork and "
                      "posix_spawn copy none, and a thread shares them.").format(
            mib=big, ratios=_(", ").join(parts)))
        f = round_trip(run, "fork", "process", big)
        cpu = f.counter("child_cpu_ns") if f else None
        if cpu:
            text.append(why.fork_exit_words(run, fmt(f.median), fmt(cpu / 1e3)))
    fork_1g = round_trip(run, "fork", "process", 1024)
    thp = ratio(fork_1g, round_trip(run, "fork", "process", 1024, "thp"))
    maps = ratio(round_trip(run, "fork", "process", 1024, "maps"), fork_1g)
    shared = ratio(round_trip(run, "fork", "process", 1024, "shared"), fork_1g)
    if thp:
        thp = derived(thp, "fork at 1024 MiB: round trip in 4 KiB pages / in huge pages",
                      spec=".1f")
        text.append(_("In transparent huge pages the same 1024 MiB makes fork {ratio}× "
                      "cheaper (one entry per 2 MiB).").format(ratio=thp))
    if maps:
        maps = derived(maps, "fork at 1024 MiB: round trip in 64 KiB mappings / in one",
                       spec=".2f")
        text.append(_("Split into 64 KiB mappings it costs {ratio}× one mapping (fork walks "
                      "every mapping).").format(ratio=maps))
    if shared:
        shared = derived(shared, "fork at 1024 MiB: round trip in MAP_SHARED / in private "
                         "memory", spec=".2f")
        text.append(_("As MAP_SHARED memory it costs {ratio}× private memory: fork copies no "
                      "page tables for shared mappings, the child faults them in on "
                      "use.").format(ratio=shared))
    return [sentences(text), ""] if text else []


def memory_table(run):
    rows = swept(run)
    if not rows:
        return []
    lines = []
    for b in rows:
        head = [run.describe.label(b.variant), layout_words(run, b.args["layout"]),
                b.args["parent_mib"]]
        if b.error:
            lines.append(head + [skipped(b.error), "", "", ""])
            continue
        cpu, thp = b.counter("child_cpu_ns"), b.counter("parent_thp_kib")
        lines.append(head + [ci_text(b), fmt(cpu / 1e3) if cpu else "–",
                             fmt(thp / 1024) if thp is not None else "–", cv_text(b)])
    return table([_("method"), _("parent memory"), "MiB",
                  _("round trip µs [{coverage}]").format(coverage=coverage_words(rows)),
                  _("child CPU µs"), _("parent in huge pages MiB"), _("CV")], lines) + [""]
