"""create.py - C2's creation cost (bench/create.c): every worker kind from an empty
parent, and the round trip against the memory the parent holds, in every layout."""
from report.kit import (ci_text, cv_text, draw, figure, fmt, layout_words, mode_bit, ratio, table,
                        write_data)
from report.verdicts import claim_part
from describe import in_table_order


def round_trip(run, kind, mode, mib=0, layout="private"):
    return run.ok("create", kind, mode, "round_trip", layout=layout, parent_mib=mib)


def start(run, kind, mode):
    return run.ok("create", kind, mode, "start", layout="private", parent_mib=0)


def empty_parent_rows(run):
    """[Bench] of the round trip from an empty parent, one per kind, in table order."""
    rows = {b.variant: b for b in run.select("create", "round_trip", layout="private",
                                             parent_mib=0)}
    return [rows[k] for k in in_table_order(run.describe.kinds, rows)]


def base_row(run, rows):
    """The row every kind is compared with: the first thread kind's, if it ran."""
    return next((b for b in rows if b.mode == "thread" and b.usable), None)


def section(run, folder):
    out = claim_part("C2", run, "## C2 — creation cost and copy-on-write")
    rows = empty_parent_rows(run)
    base = base_row(run, rows)
    base_label = run.describe.label(base.variant) if base else "a thread"
    lines = []
    for b in rows:
        label = run.describe.label(b.variant)
        if b.error:
            lines.append([label, b.mode, f"skipped: {b.error}", "", "", "", ""])
            continue
        st = start(run, b.variant, b.mode)
        cpu = b.counter("child_cpu_ns")
        x = f"{b.median / base.median:.1f}×" if base else "–"
        lines.append([label, b.mode, ci_text(b), ci_text(st) if st else "–",
                      fmt(cpu / 1e3) if cpu else "–", x, cv_text(b)])
    out += ["### Cost by method (empty parent)", "",
            "Median in µs with its 95% interval over the repetitions. Round trip: create, "
            "the worker exits at once, reap. Start latency: from the create call to the "
            "worker's first instruction. Child CPU: the child's own user+system time "
            "(wait4). CV: spread of the round trip over the repetitions (⚠ over 5%).", ""]
    out += table(["method", "mode", "round trip µs", "start latency µs", "child CPU µs",
                  f"× {base_label}", "CV"], lines) + [""]
    data = methods_data(run, rows)
    if data:
        out += figure(folder, "create_methods.gp", "create_methods.dat", data,
                      "Creation cost by method")
    out += methods_reading(run, rows)

    blocks, solid = memory_blocks(run)
    out += ["### Cost against the parent's memory", ""]
    if blocks:
        path = write_data(folder, "create_memory.dat", "\n\n\n".join(blocks) + "\n")
        out += draw(folder, "create_memory.gp", path, "create_memory",
                    "Creation cost against parent memory", str(solid))
    return out + memory_reading(run) + memory_table(run)


def methods_data(run, rows):
    """create_methods.dat: one line per kind that ran, "" when none did."""
    lines = []
    for rt in rows:
        if not rt.usable:
            continue
        st = start(run, rt.variant, rt.mode)
        r = rt.median_ci()
        s = st.median_ci() if st else (float("nan"),) * 3
        lines.append(f'"{run.describe.label(rt.variant)}" {mode_bit(rt.mode)} '
                     f"{r[0]:.4f} {r[1]:.4f} {r[2]:.4f} {s[0]:.4f} {s[1]:.4f} {s[2]:.4f}")
    if not lines:
        return ""
    return ("# label mode rt_med rt_lo rt_hi start_med start_lo start_hi (µs)\n"
            + "\n".join(lines) + "\n")


def methods_reading(run, rows):
    have = {b.variant: b for b in rows if b.usable}
    if not have:
        return ["*No creation data in this run.*", ""]
    label = run.describe.label
    base = base_row(run, rows)
    cheapest = min(have, key=lambda k: have[k].median)
    text = [f"**Reading.** The cheapest worker here is {label(cheapest)} "
            f"({fmt(have[cheapest].median)} µs per round trip)."]
    if base:
        # The kinds that make a process without exec, and posix_spawn, the other
        # answer of "A fork() in the road".
        rel = [f"{label(k)} {have[k].median / base.median:.1f}×"
               for k in ("fork", "vfork", "clone", "posix_spawn") if k in have]
        text.append(f"Against {label(base.variant)}: " + ", ".join(rel) + ".")
    if all(k in have for k in ("fork", "fork_exec", "fork_sh")):
        f0 = have["fork"].median
        text.append(f"lmbench's ladder fork+exit : fork+exec : fork+sh -c is "
                    f"1 : {have['fork_exec'].median / f0:.1f} : "
                    f"{have['fork_sh'].median / f0:.1f}"
                    f" — exec and the shell each add a whole program start.")
    if "vfork" in have and "fork" in have:
        text.append(f"vfork skips copying the page tables (the child borrows the parent's "
                    f"memory until it exits or execs) and costs "
                    f"{have['vfork'].median / have['fork'].median:.2f}× fork.")
    return [" ".join(text), ""]


def swept(run):
    """[Bench] of the round trip from a parent holding memory, ordered by layout, kind
    (table order) and size."""
    rows = [b for b in run.select("create", "round_trip") if b.args.get("parent_mib", 0) > 0]
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
        lines = [f'"{run.describe.label(kind)}, {layout_words(run, layout)}"']
        for b in pts:
            med, lo, hi, _ = b.median_ci()
            lines.append(f"{b.args['parent_mib']} {med:.4f} {lo:.4f} {hi:.4f} "
                         f"{mode_bit(b.mode)}")
        blocks.append("\n".join(lines))
    return blocks, solid


def memory_reading(run):
    text = []
    big = max((b.args["parent_mib"] for b in run.select("create", "round_trip", variant="fork",
                                                        layout="private") if b.usable), default=0)
    if big:
        parts = []
        for b in swept(run):
            if b.args == {"layout": "private", "parent_mib": big} and b.usable:
                r = ratio(b, round_trip(run, b.variant, b.mode))
                if r:
                    parts.append(f"{run.describe.label(b.variant)} {r:.1f}×")
        text.append(f"**Reading.** From an empty parent to one holding {big} MiB, the round "
                    f"trip grows: " + ", ".join(parts) + ". fork copies one page-table entry "
                    "per 4 KiB page of the parent, and the child tears them down at exit; "
                    "vfork and posix_spawn copy none, and a thread shares them.")
        f = round_trip(run, "fork", "process", big)
        cpu = f.counter("child_cpu_ns") if f else None
        if cpu:
            text.append(f"Of fork's {fmt(f.median)} µs there, {fmt(cpu / 1e3)} µs is the "
                        "child's own CPU time, almost all of it spent in exit unmapping "
                        "what fork copied.")
    fork_1g = round_trip(run, "fork", "process", 1024)
    thp = ratio(fork_1g, round_trip(run, "fork", "process", 1024, "thp"))
    maps = ratio(round_trip(run, "fork", "process", 1024, "maps"), fork_1g)
    shared = ratio(round_trip(run, "fork", "process", 1024, "shared"), fork_1g)
    if thp:
        text.append(f"In transparent huge pages the same 1024 MiB makes fork {thp:.1f}× cheaper "
                    "(one entry per 2 MiB).")
    if maps:
        text.append(f"Split into 64 KiB mappings it costs {maps:.2f}× one mapping (fork walks "
                    "every mapping).")
    if shared:
        text.append(f"As MAP_SHARED memory it costs {shared:.2f}× private memory: fork copies "
                    "no page tables for shared mappings, the child faults them in on use.")
    return [" ".join(text), ""] if text else []


def memory_table(run):
    rows = swept(run)
    if not rows:
        return []
    lines = []
    for b in rows:
        head = [run.describe.label(b.variant), layout_words(run, b.args["layout"]),
                b.args["parent_mib"]]
        if b.error:
            lines.append(head + [f"skipped: {b.error}", "", "", ""])
            continue
        cpu, thp = b.counter("child_cpu_ns"), b.counter("parent_thp_kib")
        lines.append(head + [ci_text(b), fmt(cpu / 1e3) if cpu else "–",
                             fmt(thp / 1024) if thp is not None else "–", cv_text(b)])
    return table(["method", "parent memory", "MiB", "round trip µs [95%]", "child CPU µs",
                  "parent in huge pages MiB", "CV"], lines) + [""]
