"""footprint.py - C1, what a worker owns (bench/footprint.c): user and kernel memory per
idle worker, N workers alive at once, with an empty parent and one holding memory."""
import stats
from report.kit import figure, fmt, mode_bit, table
from report.verdicts import claim_part
from describe import in_table_order


def kinds_of(rows, run):
    return in_table_order(run.describe.kinds, {b.variant for b in rows})


def section(run, folder):
    out = claim_part("C1", run, "## C1 — what a worker owns")
    rows = run.select("footprint", "memory")
    if not rows:
        return out + ["*No footprint data in this run.*", ""]
    kinds = kinds_of(rows, run)
    out += figure(folder, "footprint.gp", "footprint.dat", figure_data(run, rows, kinds),
                  "Memory per idle worker")
    out += ["Per idle worker, in KiB, N workers alive at once (median over the repetitions). "
            "User: private memory (processes: the children's own Private_Clean + "
            "Private_Dirty; threads: the growth of the process's), and Pss. Kernel: the growth "
            "of KernelStack, PageTables and SUnreclaim in /proc/meminfo — system-wide, so "
            "other activity adds noise, least at the largest N. Virtual: address space "
            "reserved (a thread's stack; a process's whole copy).", ""]
    lines = []
    for b in sorted(rows, key=lambda b: (b.args["parent_mib"], kinds.index(b.variant),
                                         b.args["workers"])):
        head = [run.describe.label(b.variant), b.args["workers"], b.args["parent_mib"]]
        if b.error:
            lines.append(head + [f"skipped: {b.error}"] + [""] * 7)
            continue
        c = b.counter
        lines.append(head + [fmt(c(n)) for n in ("private_kib", "pss_kib", "kernel_stack_kib",
                                                 "page_tables_kib", "slab_kib", "kernel_kib",
                                                 "vm_kib")]
                     + [spread(b.counters.get("kernel_kib", []))])
    out += table(["worker", "N", "parent MiB", "private", "Pss", "kernel stack", "page tables",
                  "slab", "kernel total", "virtual", "CV of kernel total"], lines)
    return out + [""] + reading(run)


def figure_data(run, rows, kinds):
    """footprint.dat: a bar per kind for each N, empty parent; each group's name on its
    middle bar."""
    by = {(b.variant, b.args["workers"]): b for b in rows if b.args["parent_mib"] == 0}
    lines, x = [], 0
    for n in sorted({b.args["workers"] for b in rows}):
        for i, kind in enumerate(kinds):
            b = by.get((kind, n))
            group = f"N = {n}" if i == (len(kinds) - 1) // 2 else ""
            if b and b.usable:
                user, kern = b.counter("private_kib") or 0, b.counter("kernel_kib") or 0
                lines.append(f'{x} "{run.describe.label(kind)}" {mode_bit(b.mode)} '
                             f'{max(user, 0):.2f} {max(kern, 0):.2f} "{group}"')
            x += 1
        x += 1
    return "\n".join(lines) + "\n"


def spread(values):
    """The coefficient of variation, or "noise" where the mean is too near zero for one."""
    if not values:
        return "–"
    mean = sum(values) / len(values)
    return "noise" if mean < 1 else f"{stats.cv(values) * 100:.0f}%"


def kib(b, name):
    med, lo, hi, _ = stats.median_ci(b.counters[name])
    return f"{fmt(med)} KiB [{fmt(lo)}, {fmt(hi)}]"


def reading(run):
    """The thread and the forked process the notes compare, at the largest N."""
    big = max((b.args["workers"] for b in run.select("footprint", "memory", variant="pthread")
               if b.usable), default=0)
    t = run.ok("footprint", "pthread", "thread", "memory", workers=big, parent_mib=0)
    f = run.ok("footprint", "fork", "process", "memory", workers=big, parent_mib=0)
    if not (t and f):
        return []
    text = [f"**Reading.** With {big} idle workers alive, one thread costs "
            f"{kib(t, 'private_kib')} of user memory and {kib(t, 'kernel_kib')} of kernel "
            f"memory, mostly its {fmt(t.counter('kernel_stack_kib'))} KiB kernel stack; one "
            f"forked process costs {kib(f, 'private_kib')} user and {kib(f, 'kernel_kib')} "
            f"kernel, {fmt(f.counter('page_tables_kib'))} KiB of it page tables of its own "
            "(medians over the repetitions, 95% intervals)."]
    held = [b for b in run.select("footprint", "memory", variant="fork")
            if b.args["parent_mib"] > 0 and b.usable]
    if held:
        b = max(held, key=lambda b: b.args["workers"])
        text.append(f"A child forked from a parent holding {b.args['parent_mib']} MiB carries "
                    f"{fmt(b.counter('page_tables_kib'))} KiB of page tables for memory it "
                    "shares and has not touched: the cost that grows with the parent.")
    text.append("Pss divides shared pages among their users, so a forked child's Pss "
                "shrinks as more siblings share the parent's pages; private memory does not.")
    return [" ".join(text), ""]
