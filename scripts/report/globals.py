"""globals.py - C3, the notes' nums example (bench/globals.c): what the parent sees after
each kind of worker appended to a global list, and the same list in MAP_SHARED memory."""
from report.kit import ci_text, fmt, ratio, table
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
    out += table(["worker", "list in", "parent sees", "µs [95%]"], lines)
    extra = []
    for kind, mode in (("fork", "process"), ("pthread", "thread")):  # the notes' two
        shared = run.ok("globals", kind, mode, "nums", shared=1)
        plain = run.ok("globals", kind, mode, "nums", shared=0)
        r = ratio(shared, plain)
        if r:
            extra.append(f"{run.describe.label(kind)} {fmt(shared.median - plain.median)} µs "
                         f"({r:.2f}×)")
    if extra:
        out += ["", "**Reading.** The shared alternative costs per worker: " + ", ".join(extra)
                + " — one mmap, one page fault and one munmap; after that, a process reads "
                "and writes shared memory as fast as a thread does."]
    return out + [""]
