"""cow.py - C2's copy-on-write (bench/cow.c): what a writer copies after fork, by the
fraction of pages it writes, in every layout, the parent writing instead, memory never
touched, and a thread as the nothing-copied baseline."""
import stats
from report.kit import by_mode, ci_text, figure, fmt, layout_words, mode_bit, table
from describe import in_table_order


def series_title(run, kind, mode, writer, layout, touched, kinds):
    """Python's words for one series; the kind is named where a mode has several."""
    where = layout_words(run, layout)
    if mode == "thread":
        title = "thread writes (nothing to copy)" if layout == "private" \
            else f"thread writes, {where}"
    else:
        title = f"{writer} writes, " + ("never-touched memory" if not touched else where)
    if sum(run.mode_of(k) == mode for k in kinds) > 1:
        title += f" ({run.describe.label(kind)})"
    return title


def all_series(run):
    """[(title, [(pct, Bench)])] of every write series at its largest region: by layout
    (table order), processes before the thread that copies nothing, then touched memory
    before untouched, the child before the parent."""
    rows = run.select("cow", "write")
    groups = {}
    for b in rows:
        a = b.args
        groups.setdefault((a["layout"], b.variant, b.mode, a["writer"], a["parent_touched"]),
                          []).append(b)
    layouts = in_table_order(run.describe.layouts, {g[0] for g in groups})
    kinds = by_mode(run, in_table_order(run.describe.kinds, {g[1] for g in groups}), "process")
    fam = run.describe.family("cow", "write") or {}
    writers = list(fam.get("values", {}).get("writer", []))
    writers += sorted({g[3] for g in groups} - set(writers))
    out = []
    for g in sorted(groups, key=lambda g: (layouts.index(g[0]), kinds.index(g[1]), -g[4],
                                           writers.index(g[3]))):
        usable = [b for b in groups[g] if b.usable]
        if not usable:
            continue
        mib = max(b.args["parent_mib"] for b in usable)
        pts = sorted((b.args["pct"], b) for b in usable if b.args["parent_mib"] == mib)
        out.append((g, series_title(run, g[1], g[2], g[3], g[0], g[4], kinds), pts))
    return out


def section(run, folder):
    out = ["### Copy-on-write: what a forked child really copies", ""]
    series = all_series(run)
    blocks, first_layout, solid = [], None, 0
    for g, title, pts in series:
        pts = [(pct, b) for pct, b in pts if pct > 0]
        if len(pts) < 2:
            continue
        first_layout = first_layout or g[0]
        solid += g[0] == first_layout
        lines = [f'"{title}"']
        for pct, b in pts:
            med, lo, hi, _ = b.median_ci()
            lines.append(f"{pct} {med / 1e3:.5f} {lo / 1e3:.5f} {hi / 1e3:.5f} "
                         f"{b.counter('minflt') or 0:.1f} {mode_bit(b.mode)}")
        blocks.append("\n".join(lines))
    if not blocks:
        return out + ["*No copy-on-write data in this run.*", ""]
    out += figure(folder, "cow.gp", "cow.dat", "\n\n\n".join(blocks) + "\n",
                  "Copy-on-write time and faults", str(solid))
    rows = [[title, f"{b.args['parent_mib']} MiB", f"{pct}%", ci_text(b),
             fmt(b.counter("minflt")), fmt(b.counter("private_dirty_kib")),
             fmt(b.counter("kib_per_fault")), fmt(b.counter("ns_per_page"))]
            for _, title, pts in series for pct, b in pts]
    return out + reading(run, series) + table(
        ["writer", "region", "pages written", "write loop µs [95%]", "minor faults",
         "private dirty KiB", "KiB per fault", "ns per page"], rows) + [""]


def points(series, layout, kind, writer, touched):
    """{pct: Bench} of one series, or {}."""
    for g, _, pts in series:
        if (g[0], g[1], g[3], g[4]) == (layout, kind, writer, touched):
            return dict(pts)
    return {}


def reading(run, series):
    text = []
    child = points(series, "private", "fork", "child", 1)
    if len(child) >= 3:
        xs = sorted(child)
        ys = [child[pct].counter("private_dirty_kib") for pct in xs]
        fit = stats.linregress(xs, ys)
        mib = child[xs[0]].args["parent_mib"]
        text.append(f"**Reading.** A forked child's private dirty memory grows linearly with "
                    f"the fraction of pages it writes: {fit.slope * 100 / 1024:.1f} MiB per 100% "
                    f"of a {mib} MiB region (r² = {fit.rvalue ** 2:.4f}); at 0% it is "
                    f"{fmt(ys[0])} KiB. "
                    "Nothing is copied at fork; each page is copied on its first write.")
    full = child.get(100)
    memcpy = run.ok("cow", "memcpy", "thread", "copy", bytes=4096)
    if full and full.counters.get("ns_per_page"):
        med, lo, hi, _ = stats.median_ci(full.counters["ns_per_page"])
        line = (f"One copy-on-write fault costs {fmt(med)} ns per page [{fmt(lo)}, {fmt(hi)}] "
                "in the child")
        parent = points(series, "private", "fork", "parent", 1).get(100)
        cold = points(series, "private", "fork", "child", 0).get(100)
        if parent:
            line += f", {fmt(parent.counter('ns_per_page'))} ns when the parent writes"
        if cold:
            line += (f", against {fmt(cold.counter('ns_per_page'))} ns for a first touch of "
                     "memory nobody touched before (allocate and zero, no copy)")
        if memcpy:
            line += (f"; memcpy of one 4 KiB page costs {fmt(memcpy.median * 1e3)} ns, so the "
                     f"copy is {memcpy.median * 1e3 / med:.0%} of a fault — the rest is the "
                     "fault itself: trap, page allocation, page-table update")
        text.append(line + ".")
    thp = points(series, "thp", "fork", "child", 1).get(1)
    if thp and thp.counter("kib_per_fault"):
        per = thp.counter("kib_per_fault")
        if per < 64:
            text.append(f"In transparent huge pages a write still copies {fmt(per)} KiB per "
                        "fault, not 2 MiB: this kernel splits a shared huge page's mapping on a "
                        "copy-on-write fault and copies one 4 KiB page (Linux changed to this "
                        "in 5.8), so there is no 512-fold jump here.")
        else:
            text.append(f"In transparent huge pages one write copies {fmt(per)} KiB per fault: "
                        "the whole 2 MiB page, a 512-fold jump over 4 KiB pages.")
    return [" ".join(text), ""] if text else []
