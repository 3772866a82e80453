"""globals.py - C3, the notes' nums example (bench/globals.c): what the parent sees after
each kind of worker appended to a global list, and the same list in MAP_SHARED memory.
Every word goes through the catalogue (report.i18n), the figure's too: the example of how
a section is written once for every language."""
from verdicts import stats
from report.i18n import N_, _, reason
from report.kit import ci_text, derived, figure, fmt, interval_label, ratio, table
from report.verdicts import claim_part
from contract.describe import in_table_order

MODE = {"thread": N_("thread"), "process": N_("process")}


def section(run, folder):
    out = claim_part("C3", run, "## " + _("C3 — processes do not share global variables"))
    rows = run.select("globals", "nums")
    if not rows:
        return out + [_("*No data for the nums example in this run.*"), ""]
    kinds = in_table_order(run.describe.kinds, {b.variant for b in rows})
    out += [_("The notes' example: `nums = [11, 22]`; a worker appends 0, 1, 2; what does "
              "the parent see? With `shared:1` the list lives in `MAP_SHARED` memory mapped "
              "before the worker starts. Time: one whole experiment (mapping included), "
              "median µs."), ""]
    lines = []
    for b in sorted(rows, key=lambda b: (b.args["shared"], kinds.index(b.variant))):
        where = _("MAP_SHARED memory") if b.args["shared"] else _("a global")
        label = run.describe.label(b.variant)
        if b.error:
            lines.append([label, where, _("skipped: {error}").format(error=reason(b.error)), ""])
        else:
            lines.append([label, where, b.label or "–", ci_text(b)])
    out += table([_("worker"), _("list in"), _("parent sees"),
                  _("µs [{interval}]").format(interval=interval_label_text(run))],
                 lines) + [""]
    out += seen_figure(run, folder, kinds)
    extra = []
    for kind, mode in (("fork", "process"), ("pthread", "thread")):  # the notes' two
        shared = run.ok("globals", kind, mode, "nums", shared=1)
        plain = run.ok("globals", kind, mode, "nums", shared=0)
        r = ratio(shared, plain)
        if r:
            p = stats.u_test(shared.times_us, plain.times_us)
            diff = shared.median - plain.median
            us = derived(abs(diff), f"{kind}: median with the shared list minus median with "
                         "the global one, µs (absolute)")
            more = diff >= 0
            if p < 0.05:
                text = _("{kind} {us} µs more ({ratio}×, p = {p})") if more else \
                    _("{kind} {us} µs less ({ratio}×, p = {p})")
            else:
                text = _("{kind} {us} µs more ({ratio}×, p = {p}: not a significant "
                         "difference)") if more else \
                    _("{kind} {us} µs less ({ratio}×, p = {p}: not a significant "
                      "difference)")
            extra.append(text.format(kind=run.describe.label(kind), us=us,
                                     ratio=derived(r, f"{kind}: shared / global median",
                                                   spec=".2f"),
                                     p=derived(p, f"{kind}: U test p, shared against "
                                               "global", spec=".3f")))
    if extra:
        out += [_("**Reading.** Putting the list in shared memory changes what the parent "
                  "sees, not only where the list lives (the figure). The whole experiment "
                  "with the shared list, against the global one: {comparisons}. That extra "
                  "time is the mapping and the worker's first write to it (a hypothesis: "
                  "the experiment times them together); the run does not time a process's "
                  "reads and writes of shared memory against a thread's, the ipc scenario "
                  "does (C4 and C7).").format(comparisons=_("; ").join(extra))]
    return out + [""]


def interval_label_text(run):
    """kit.interval_label in the current language."""
    n = run.repetitions
    text = interval_label(n)
    if text == "no interval":
        return _("no interval")
    return _("{coverage} interval").format(coverage=text.split(" ")[0])


def seen_figure(run, folder, kinds):
    """C3's figure: appends seen per worker, global against MAP_SHARED."""
    rows = []
    for kind in kinds:
        mode = run.mode_of(kind)
        seen = [run.ok("globals", kind, mode, "nums", shared=s) for s in (0, 1)]
        if not all(seen):
            continue
        counts = [int(b.counter("parent_sees_items")) - 2 for b in seen]
        name = _("{kind} ({mode})").format(kind=run.describe.label(kind),
                                           mode=_(MODE.get(mode, mode)))
        rows.append(f"{len(rows)}\t{name}\t{int(mode == 'process')}\t{counts[0]}\t{counts[1]}")
    if not rows or not folder:
        return []
    labels = {
        "L_TITLE": _("C3: of a worker's 3 appends to the global list, how many the parent "
                     "sees"),
        "L_YLABEL": _("appends the parent sees (of 3)"),
        "L_GLOBAL": _("list in an ordinary global"),
        "L_SHARED": _("list in MAP_SHARED memory"),
        # a printf format: %d is the number of appends seen
        "L_SEEN": _("%d of 3"),
    }
    return figure(folder, "globals.gp", "globals.dat", "\n".join(rows) + "\n",
                  _("Who sees whose writes"), labels=labels)
