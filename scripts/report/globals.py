"""globals.py - C3, the notes' nums example (bench/globals.c): what the parent sees after
each kind of worker appended to a global list, and the same list in MAP_SHARED memory."""
import stats
from report.kit import ci_text, figure, fmt, interval_label, ratio, table
from report.verdicts import claim_part
from describe import in_table_order


def section(run, folder):
    out = claim_part("C3", run, "## C3 — processes do not share global variables")
    rows = run.select("globals", "nums")
    if not rows:
        return out + ["*No data for the nums example in this run.*", ""]
    kinds = in_table_order(run.describe.kinds, {b.variant for b in rows})
    out += ["The notes' example: `nums = [11, 22]`; a worker appends 0, 1, 2; what does the "
            "parent see? With `shared:1` the list lives in `MAP_SHARED` memory mapped before "
            "the worker starts. Time: one whole experiment (mapping included), median µs.", ""]
    lines = []
    for b in sorted(rows, key=lambda b: (b.args["shared"], kinds.index(b.variant))):
        where = "MAP_SHARED memory" if b.args["shared"] else "a global"
        label = run.describe.label(b.variant)
        if b.error:
            lines.append([label, where, f"skipped: {b.error}", ""])
        else:
            lines.append([label, where, b.label or "–", ci_text(b)])
    out += table(["worker", "list in", "parent sees",
                  f"µs [{interval_label(run.repetitions)}]"], lines) + [""]
    out += seen_figure(run, folder, kinds)
    extra = []
    for kind, mode in (("fork", "process"), ("pthread", "thread")):  # the notes' two
        shared = run.ok("globals", kind, mode, "nums", shared=1)
        plain = run.ok("globals", kind, mode, "nums", shared=0)
        r = ratio(shared, plain)
        if r:
            p = stats.u_test(shared.times_us, plain.times_us)
            extra.append(f"{run.describe.label(kind)} {fmt(shared.median - plain.median)} µs "
                         f"more ({r:.2f}×, p = {p:.3f}"
                         f"{'' if p < 0.05 else ': not a significant difference'})")
    if extra:
        out += ["**Reading.** Putting the list in shared memory changes what the parent sees, "
                "not only where the list lives (the figure). The whole experiment with the "
                "shared list, against the global one: " + "; ".join(extra) + ". That extra "
                "time is the mapping and the worker's first write to it (a hypothesis: the "
                "experiment times them together); the run does not time a process's reads "
                "and writes of shared memory against a thread's, the ipc scenario does "
                "(C4 and C7)."]
    return out + [""]


def seen_figure(run, folder, kinds):
    """C3's figure: appends seen per worker, global against MAP_SHARED."""
    rows = []
    for kind in kinds:
        mode = run.mode_of(kind)
        seen = [run.ok("globals", kind, mode, "nums", shared=s) for s in (0, 1)]
        if not all(seen):
            continue
        counts = [int(b.counter("parent_sees_items")) - 2 for b in seen]
        rows.append(f"{len(rows)}\t{run.describe.label(kind)} ({mode})\t{int(mode == 'process')}\t"
                    f"{counts[0]}\t{counts[1]}")
    if not rows or not folder:
        return []
    return figure(folder, "globals.gp", "globals.dat", "\n".join(rows) + "\n",
                  "Who sees whose writes")
