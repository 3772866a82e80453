"""cow.py - C2's copy-on-write (bench/cow.c): what a writer copies after fork, by the
fraction of pages it writes, in every layout, the parent writing instead, memory never
touched, and a thread as the nothing-copied baseline. Every word goes through the
catalogue (report.i18n), the figure's too; a msgid whose % is no printf directive ("1% of
the pages") is marked `# xgettext: no-python-format`, or xgettext would flag it
python-format and msgfmt --check-format refuse its translation."""
from verdicts import stats
from report.i18n import N_, _, sentences
from report.kit import by_mode, ci_text, derived, figure, fmt, layout_words, mode_bit, table, \
    write_data
from report.scale import interval_words
from report import why
from contract.describe import in_table_order

# Who writes (the writer argument of bench/cow.c), in the report's words.
WRITER = {"child": N_("child"), "parent": N_("parent")}


def series_title(run, kind, mode, writer, layout, touched, kinds):
    """The report's words for one series; the kind is named where a mode has several."""
    where = layout_words(run, layout)
    if mode == "thread":
        title = _("thread writes (nothing to copy)") if layout == "private" \
            else _("thread writes, {layout}").format(layout=where)
    else:
        title = _("{writer} writes, {layout}").format(
            writer=_(WRITER[writer]) if writer in WRITER else writer,
            layout=_("never-touched memory") if not touched else where)
    if sum(run.mode_of(k) == mode for k in kinds) > 1:
        title = _("{series} ({kind})").format(series=title, kind=run.describe.label(kind))
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


def time_blocks(series):
    """The time panel's data: one block per series (first line its title), columns pct
    time_ms lo hi mode; and the coverages of the intervals."""
    blocks, covs = [], []
    for g, title, pts in series:
        lines = [f'"{title}"']
        for pct, b in pts:
            med, lo, hi, cov = b.median_ci()
            covs.append(cov)
            lines.append(f"{pct} {med / 1e3:.5f} {lo / 1e3:.5f} {hi / 1e3:.5f} "
                         f"{mode_bit(b.mode)}")
        blocks.append("\n".join(lines))
    return blocks, covs


def fault_blocks(series):
    """The faults panel's data: series whose minor faults are the same at every fraction
    are one line there, titled with every series it stands for, so no legend entry names
    a line that another hides. Columns pct minflt mode."""
    groups = {}
    for g, title, pts in series:
        faults = tuple((pct, round(b.counter("minflt") or 0)) for pct, b in pts)
        groups.setdefault(faults, []).append((title, g[2]))
    blocks, merged = [], []
    for faults, members in groups.items():
        mode = "process" if any(m == "process" for _t, m in members) else "thread"
        if len(members) == 1:
            title = members[0][0]
        else:
            same = all(m == mode for _t, m in members)
            title = _(MERGED[mode] if same and mode in MERGED else MERGED[""]).format(
                n=len(members))
            merged.append(_("{title}: {series}").format(
                title=title, series=_("; ").join(t for t, _m in members)))
        blocks.append("\n".join([f'"{title}"'] + [f"{pct} {n} {mode_bit(mode)}"
                                                   for pct, n in faults]))
    return blocks, merged


# The faults panel's title for series drawn as one line, by their mode ("": mixed).
MERGED = {"process": N_("the {n} process series at left, identical"),
          "thread": N_("the {n} thread series at left, identical"),
          "": N_("the {n} series at left, identical")}


def section(run, folder):
    out = ["### " + _("Copy-on-write: what a forked child really copies"), ""]
    series = all_series(run)
    drawn = [(g, title, [(pct, b) for pct, b in pts if pct > 0]) for g, title, pts in series]
    drawn = [d for d in drawn if len(d[2]) >= 2]
    if not drawn:
        return out + [_("*No copy-on-write data in this run.*"), ""]
    first_layout = drawn[0][0][0]
    solid = sum(g[0] == first_layout for g, _t, _p in drawn)
    blocks, covs = time_blocks(drawn)
    fblocks, merged = fault_blocks(drawn)
    faults = write_data(folder, "cow_faults.dat", "\n\n\n".join(fblocks) + "\n")
    interval = interval_words(covs)
    out += figure(folder, "cow.gp", "cow.dat", "\n\n\n".join(blocks) + "\n",
                  _("Copy-on-write time and faults"), str(solid), faults,
                  labels=figure_labels(interval))
    caption = _("*Figure: medians with their {interval} (the real coverage of [min, max] "
                "for that many repetitions); in the time panel the series are set slightly "
                "apart along x so that none hides another; in the faults panel series with "
                "the same counts are drawn once ({merged}).*") if merged else \
        _("*Figure: medians with their {interval} (the real coverage of [min, max] for "
          "that many repetitions); in the time panel the series are set slightly apart "
          "along x so that none hides another; in the faults panel series with the same "
          "counts are drawn once.*")
    out += [caption.format(interval=interval, merged=_("; ").join(merged)), ""]
    thp = any(b.counter("region_thp_kib") is not None for _g, _t, pts in series
              for _p, b in pts)
    rows = []
    for _g, title, pts in series:
        for pct, b in pts:
            row = [title, f"{b.args['parent_mib']} MiB", f"{pct}%", ci_text(b),
                   fmt(b.counter("minflt")), fmt(b.counter("private_dirty_kib")),
                   fmt(b.counter("kib_per_fault")), fmt(b.counter("ns_per_page"))]
            if thp:
                row.append(thp_text(b))
            rows.append(row)
    cover = interval_words([b.median_ci()[3] for _g, _t, pts in series for _p, b in pts])
    return out + reading(run, series) + table(
        [_("writer"), _("region"), _("pages written"),
         _("write loop µs [{interval}]").format(interval=cover), _("minor faults"),
         _("private dirty KiB"), _("KiB per fault"), _("ns per page")]
        + ([_("huge pages of the region, KiB: before → after the writes")] if thp else []),
        rows) + [""]


def figure_labels(interval):
    """The words of cow.gp."""
    return {
        "L_TITLE": _("Copy-on-write: writing into memory shared by fork (median, "
                     "{interval})").format(interval=interval),
        # xgettext: no-python-format
        "L_XLABEL": _("pages written (% of the region, log scale)"),
        "L_YTIME": _("time of the write loop (ms, log scale)"),
        "L_YFAULTS": _("minor faults of the writer (log scale; 0 drawn at 1)"),
    }


def thp_text(b):
    before, after = b.counter("region_thp_kib"), b.counter("region_thp_kib_after")
    return "–" if before is None else f"{fmt(before)} → {fmt(after)}"


def points(series, layout, kind, writer, touched):
    """{pct: Bench} of one series, or {}."""
    for g, _t, pts in series:
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
        # xgettext: no-python-format
        text.append(_("**Reading.** A forked child's private dirty memory grows linearly "
                      "with the fraction of pages it writes: {slope} MiB per 100% of a {mib} "
                      "MiB region (r² = {r2}); at 0% it is {kib} KiB. Nothing is copied at "
                      "fork; each page is copied on its first write.").format(
            slope=derived(fit.slope * 100 / 1024, "least-squares slope of private dirty "
                          "MiB against the percentage of pages written, times 100", spec=".1f"),
            mib=mib, r2=derived(fit.rvalue ** 2, "r² of that fit", spec=".4f"),
            kib=fmt(ys[0])))
    text += fault_cost_words(run, series, child.get(100))
    text += huge_page_words(series)
    return [sentences(text), ""] if text else []


def fault_cost_words(run, series, full):
    """What a copy-on-write fault costs, against a first touch (a fault that zeroes a new
    page instead of copying one) and a memcpy of one page, read from this run's numbers."""
    if not (full and full.counters.get("ns_per_page")):
        return []
    med, lo, hi, cov = stats.median_ci(full.counters["ns_per_page"])
    parent = points(series, "private", "fork", "parent", 1).get(100)
    cold = points(series, "private", "fork", "child", 0).get(100)
    memcpy = run.ok("cow", "memcpy", "thread", "copy", bytes=4096)
    line = _("One copy-on-write fault costs {ns} ns per page [{lo}, {hi}] ({interval}) in "
             "the child, {parent_ns} ns when the parent writes.") if parent else \
        _("One copy-on-write fault costs {ns} ns per page [{lo}, {hi}] ({interval}) in the "
          "child.")
    words = [line.format(ns=fmt(med), lo=fmt(lo), hi=fmt(hi), interval=interval_words([cov]),
                         parent_ns=fmt(parent.counter('ns_per_page')) if parent else "")]
    if not cold:
        return words
    first = cold.counter("ns_per_page")
    extra = med - first
    p = stats.u_test(full.counters["ns_per_page"], cold.counters.get("ns_per_page", []))
    words.append((_("A first touch of memory nobody touched before (a fault that allocates "
                    "and zeroes a page, copying nothing) costs {first_ns} ns, so a "
                    "copy-on-write fault costs {extra_ns} ns more than a fault that zeroes "
                    "(U test p = {p}).") if p is not None else
                  _("A first touch of memory nobody touched before (a fault that allocates "
                    "and zeroes a page, copying nothing) costs {first_ns} ns, so a "
                    "copy-on-write fault costs {extra_ns} ns more than a fault that "
                    "zeroes.")).format(
        first_ns=fmt(first),
        extra_ns=derived(extra, "copy-on-write fault minus first-touch fault, ns per page "
                         "(medians)"),
        p=derived(p, "U test p, copy-on-write faults against first touches", spec=".3f")
        if p is not None else ""))
    if p is not None and p >= 0.05:
        words.append(_("The two are not told apart in this run (p ≥ 0.05), so it says "
                       "nothing about what copying adds to a fault."))
    elif memcpy:
        copy = memcpy.median * 1e3
        if extra > copy:
            words.append(_("That is more than the {ns} ns memcpy of one 4 KiB page takes "
                           "here (through buffers larger than the cache), although the "
                           "first touch also writes a whole page: the data copy does not "
                           "account for what copy-on-write adds.").format(ns=fmt(copy)))
            words.append(why.cow_words(run))
        else:
            words.append(_("A memcpy of one 4 KiB page takes {ns} ns here (through buffers "
                           "larger than the cache): the copy could account for the "
                           "difference, but it is not isolated inside the fault.").format(
                ns=fmt(copy)))
    return words


def huge_page_words(series):
    """The huge-page rows, read from the region's AnonHugePages as the writer saw it just
    before and just after its writes."""
    thp = points(series, "thp", "fork", "child", 1)
    one = thp.get(1)
    if not (one and one.counter("kib_per_fault")):
        return []
    per, mib = one.counter("kib_per_fault"), one.args["parent_mib"]
    before, after = one.counter("region_thp_kib"), one.counter("region_thp_kib_after")
    if before is None:
        # xgettext: no-python-format
        return [_("In the huge-page layout a child writing 1% of the pages made {kib} KiB "
                  "private per fault; whether the region was in huge pages when it wrote is "
                  "not recorded in this run.").format(kib=fmt(per))]
    if before == 0:
        return [_("In the huge-page layout the child's view of the region held no huge "
                  "pages when it wrote (AnonHugePages 0 of {mib} MiB): the kernel did not "
                  "give the region huge pages here, so these rows are 4 KiB pages "
                  "too.").format(mib=mib)]
    if per < 64 and after < before:
        ending = _(": the writes split the huge mappings they touched and copied 4 KiB "
                   "pages, not 2 MiB ones (background: a 2 MiB page is 512 of 4 KiB; since "
                   "Linux 5.8 a copy-on-write fault on a huge page splits its mapping and "
                   "copies 4 KiB, commit 3917c80280c9 \"thp: change CoW semantics for "
                   "anon-THP\").")
    elif per >= 64:
        ending = _(": the whole huge page was copied on a write.")
    else:
        ending = _(".")
    # TRANSLATORS: {ending} is one of the three endings that follow, its punctuation included
    # xgettext: no-python-format
    return [_("In the huge-page layout the child's view of the {mib} MiB region held "
              "{before} MiB in huge pages just before it wrote 1% of its pages "
              "(AnonHugePages of the region, from its /proc/self/smaps) and {after} MiB "
              "just after, and each fault made {kib} KiB private{ending}").format(
        mib=mib, before=fmt(before / 1024), after=fmt(after / 1024), kib=fmt(per),
        ending=ending)]
