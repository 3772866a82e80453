#!/usr/bin/python3
"""report.py - turns a results folder into data files, figures and REPORT.md.

    report.py RESULTS_FOLDER

Reads benchmarks.json (Google Benchmark JSON), writes data/*.dat for gnuplot, runs
plots/*.gp for PNG and SVG figures, and writes REPORT.md: every number in it is
computed here from the repetitions in the JSON, every verdict by claims.RULES."""
import datetime
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import claims  # noqa: E402
import results  # noqa: E402

# The order of the creation table and figure: cheapest idea first, then lmbench's ladder.
KINDS = ["pthread", "vfork", "clone", "fork", "posix_spawn", "vfork_exec", "fork_exec",
         "fork_sh"]
KIND_LABEL = {"pthread": "pthread_create", "vfork": "vfork", "clone": "clone",
              "fork": "fork", "posix_spawn": "posix_spawn", "vfork_exec": "vfork+exec",
              "fork_exec": "fork+exec", "fork_sh": "fork+sh -c"}
SWEEP = ["pthread", "fork", "vfork", "posix_spawn"]
LAYOUTS = [("create", "4 KiB pages"), ("create_thp", "huge pages"),
           ("create_maps", "64 KiB mappings"), ("create_shared", "MAP_SHARED")]


def fmt(x, digits=3):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def ci_text(b):
    med, lo, hi, _ = b.median_ci()
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def cv_text(b):
    flag = " ⚠" if b.cv > claims.stats.NOISY_CV else ""
    return f"{b.cv * 100:.1f}%{flag}"


def ok(benches, key):
    b = benches.get(key)
    return b if b and not b.error and b.times_us else None


def gnuplot(script, data, out, *extra):
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed (make deps)"
    r = subprocess.run(["gnuplot", "-c", os.path.join("plots", script), data, out, *extra],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return f"gnuplot {script} failed: {r.stderr.strip()[-300:]}"
    return None


def figure(folder, script, data_name, rows, title, *extra):
    """Writes data/<data_name>, draws figures/<name>.png and .svg, returns the lines
    that show it in the report (or say why it is missing)."""
    base = os.path.splitext(data_name)[0]
    data = os.path.join(folder, "data", data_name)
    with open(data, "w") as f:
        f.write(rows)
    err = gnuplot(script, data, os.path.join(folder, "figures", base), *extra)
    return [f"*Figure skipped: {err}*" if err else f"![{title}](figures/{base}.png)", ""]


def write_methods_data(path, benches):
    rows = []
    for kind in KINDS:
        rt = ok(benches, f"create/{kind}/{'thread' if kind == 'pthread' else 'process'}/parent_mib:0")
        st = ok(benches, f"start/{kind}/{'thread' if kind == 'pthread' else 'process'}/parent_mib:0")
        if not rt:
            continue
        r = rt.median_ci()
        s = st.median_ci() if st else (float("nan"),) * 3
        rows.append(f'"{KIND_LABEL[kind]}" {int(rt.mode == "process")} '
                    f"{r[0]:.4f} {r[1]:.4f} {r[2]:.4f} {s[0]:.4f} {s[1]:.4f} {s[2]:.4f}")
    with open(path, "w") as f:
        f.write("# label mode rt_med rt_lo rt_hi start_med start_lo start_hi (µs)\n")
        f.write("\n".join(rows) + "\n")
    return len(rows)


def write_memory_data(path, benches):
    """One block per (layout, kind) series with at least two sizes; 4 KiB pages first."""
    blocks, solid = [], 0
    for scenario, layout in LAYOUTS[:2]:
        for kind in SWEEP:
            mode = "thread" if kind == "pthread" else "process"
            pts = sorted((b.args["parent_mib"], b) for b in benches.values()
                         if b.scenario == scenario and b.variant == kind and not b.error
                         and b.times_us and b.args.get("parent_mib", 0) > 0)
            if len(pts) < 2:
                continue
            lines = [f'"{KIND_LABEL[kind]}, {layout}"']
            for mib, b in pts:
                med, lo, hi, _ = b.median_ci()
                lines.append(f"{mib} {med:.4f} {lo:.4f} {hi:.4f} {int(mode == 'process')}")
            blocks.append("\n".join(lines))
            solid += scenario == "create"
    with open(path, "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    return len(blocks), solid


def ratio(benches, a, b):
    x, y = ok(benches, a), ok(benches, b)
    return x.median / y.median if x and y else None


def claim_header(claim):
    c = claims.CLAIMS[claim]
    return [f"> {c['zh']}", ">", f"> *{c['en']}*", ""]


def rules_table(claim, benches, ctx):
    """The verdict and the table of the claim's predictions, each tested on this run."""
    verdict, outcomes = claims.judge(claim, benches, ctx=ctx)
    missing = sum(o.holds is None for o in outcomes)
    if missing and verdict != "missing data":
        verdict += f", from {len(outcomes) - missing} of {len(outcomes)} predictions"
    out = [f"**Verdict: {verdict}.** Each prediction the claim makes, tested on this run "
           f"(a comparison holds when the ratio of medians reaches its threshold and the "
           f"Mann-Whitney U test gives p < {claims.SIGNIFICANCE}):", "",
           "| prediction | measured | threshold | p | holds |", "|---|---|---|---|---|"]
    for o in outcomes:
        r = o.rule
        if r.b is None:
            sign = {"above": "≥", "below": "<", "equals": "="}[r.relation]
            limit = f"{sign} {fmt(r.threshold)} {r.unit}"
        else:
            limit = f"≥ {r.threshold:g}×" if r.relation == "greater" else f"±{r.threshold:.0%}"
        if o.holds is None:
            out.append(f"| {r.prediction} | – | {limit} | – | missing data: {o.why} |")
            continue
        measured = f"{o.ratio:.2f}×" if r.b else f"{fmt(o.value)} {r.unit}"
        p = "–" if o.p is None else f"{o.p:.3f}"
        note = f" ({o.why})" if o.why else ""
        out.append(f"| {r.prediction} | {measured} | {limit} | {p}{note} | "
                   f"{'yes' if o.holds else '**no**'} |")
    return verdict, out + [""]


def creation_section(ctx, benches, folder):
    out = ["## C2 — creation cost and copy-on-write", ""] + claim_header("C2")
    _, table = rules_table("C2", benches, ctx)
    out += table

    # The table: every kind, empty parent.
    base = ok(benches, "create/pthread/thread/parent_mib:0")
    out += ["### Cost by method (empty parent)", "",
            "Median in µs with its 95% interval over the repetitions. Round trip: create, "
            "the worker exits at once, reap. Start latency: from the create call to the "
            "worker's first instruction. Child CPU: the child's own user+system time "
            "(wait4). CV: spread of the round trip over the repetitions (⚠ over 5%).", "",
            "| method | mode | round trip µs | start latency µs | child CPU µs | × pthread_create | CV |",
            "|---|---|---|---|---|---|---|"]
    for kind in KINDS:
        mode = "thread" if kind == "pthread" else "process"
        rt = benches.get(f"create/{kind}/{mode}/parent_mib:0")
        if rt is None:
            continue
        if rt.error:
            out.append(f"| {KIND_LABEL[kind]} | {mode} | skipped: {rt.error} | | | | |")
            continue
        st = ok(benches, f"start/{kind}/{mode}/parent_mib:0")
        cpu = rt.counter("child_cpu_ns")
        x = f"{rt.median / base.median:.1f}×" if base else "–"
        out.append(f"| {KIND_LABEL[kind]} | {mode} | {ci_text(rt)} | "
                   f"{ci_text(st) if st else '–'} | {fmt(cpu / 1e3) if cpu else '–'} | {x} | "
                   f"{cv_text(rt)} |")
    out.append("")

    data = os.path.join(folder, "data")
    fig = os.path.join(folder, "figures")
    if write_methods_data(os.path.join(data, "create_methods.dat"), benches):
        err = gnuplot("create_methods.gp", os.path.join(data, "create_methods.dat"),
                      os.path.join(fig, "create_methods"))
        out += [f"*Figure skipped: {err}*" if err else
                "![Creation cost by method](figures/create_methods.png)", ""]
    out += methods_reading(benches)

    nblocks, solid = write_memory_data(os.path.join(data, "create_memory.dat"), benches)
    out += ["### Cost against the parent's memory", ""]
    if nblocks:
        err = gnuplot("create_memory.gp", os.path.join(data, "create_memory.dat"),
                      os.path.join(fig, "create_memory"), str(solid))
        out += [f"*Figure skipped: {err}*" if err else
                "![Creation cost against parent memory](figures/create_memory.png)", ""]
    out += memory_reading(benches) + memory_table(benches)
    return out


def methods_reading(benches):
    b = {k: ok(benches, f"create/{k}/{'thread' if k == 'pthread' else 'process'}/parent_mib:0")
         for k in KINDS}
    have = {k: v for k, v in b.items() if v}
    if not have:
        return ["*No creation data in this run.*", ""]
    cheapest = min(have, key=lambda k: have[k].median)
    text = [f"**Reading.** The cheapest worker here is {KIND_LABEL[cheapest]} "
            f"({fmt(have[cheapest].median)} µs per round trip)."]
    if b["pthread"]:
        rel = [f"{KIND_LABEL[k]} {have[k].median / b['pthread'].median:.1f}×"
               for k in ("fork", "vfork", "clone", "posix_spawn") if k in have]
        text.append("Against pthread_create: " + ", ".join(rel) + ".")
    if b["fork"] and b["fork_exec"] and b["fork_sh"]:
        f0 = b["fork"].median
        text.append(f"lmbench's ladder fork+exit : fork+exec : fork+sh -c is "
                    f"1 : {b['fork_exec'].median / f0:.1f} : {b['fork_sh'].median / f0:.1f}"
                    f" — exec and the shell each add a whole program start.")
    if b["vfork"] and b["fork"]:
        text.append(f"vfork skips copying the page tables (the child borrows the parent's "
                    f"memory until it exits or execs) and costs "
                    f"{b['vfork'].median / b['fork'].median:.2f}× fork.")
    return [" ".join(text), ""]


def memory_reading(benches):
    text = []
    big = max((bb.args.get("parent_mib", 0) for bb in benches.values()
               if bb.scenario == "create" and bb.variant == "fork" and ok(benches, bb.key)),
              default=0)
    if big:
        parts = []
        for kind in SWEEP:
            mode = "thread" if kind == "pthread" else "process"
            r = ratio(benches, f"create/{kind}/{mode}/parent_mib:{big}",
                      f"create/{kind}/{mode}/parent_mib:0")
            if r:
                parts.append(f"{KIND_LABEL[kind]} {r:.1f}×")
        text.append(f"**Reading.** From an empty parent to one holding {big} MiB, the round "
                    f"trip grows: " + ", ".join(parts) + ". fork copies one page-table entry "
                    "per 4 KiB page of the parent, and the child tears them down at exit; "
                    "vfork and posix_spawn copy none, and a thread shares them.")
        f = ok(benches, f"create/fork/process/parent_mib:{big}")
        cpu = f.counter("child_cpu_ns") if f else None
        if cpu:
            text.append(f"Of fork's {fmt(f.median)} µs there, {fmt(cpu / 1e3)} µs is the "
                        "child's own CPU time, almost all of it spent in exit unmapping "
                        "what fork copied.")
    thp = ratio(benches, "create/fork/process/parent_mib:1024",
                "create_thp/fork/process/parent_mib:1024")
    if thp:
        text.append(f"In transparent huge pages the same 1024 MiB makes fork {thp:.1f}× cheaper "
                    "(one entry per 2 MiB).")
    maps = ratio(benches, "create_maps/fork/process/parent_mib:1024",
                 "create/fork/process/parent_mib:1024")
    shared = ratio(benches, "create_shared/fork/process/parent_mib:1024",
                   "create/fork/process/parent_mib:1024")
    if maps:
        text.append(f"Split into 64 KiB mappings it costs {maps:.2f}× one mapping (fork walks "
                    "every mapping).")
    if shared:
        text.append(f"As MAP_SHARED memory it costs {shared:.2f}× private memory: fork copies "
                    "no page tables for shared mappings, the child faults them in on use.")
    return [" ".join(text), ""] if text else []


def memory_table(benches):
    rows = sorted((bb for bb in benches.values()
                   if bb.scenario in dict(LAYOUTS) and bb.variant in SWEEP
                   and bb.args.get("parent_mib", 0) > 0),
                  key=lambda bb: ([s for s, _ in LAYOUTS].index(bb.scenario),
                                  SWEEP.index(bb.variant), bb.args["parent_mib"]))
    if not rows:
        return []
    out = ["| method | parent memory | MiB | round trip µs [95%] | child CPU µs | "
           "parent in huge pages MiB | CV |", "|---|---|---|---|---|---|---|"]
    for bb in rows:
        layout = dict(LAYOUTS)[bb.scenario]
        if bb.error:
            out.append(f"| {KIND_LABEL[bb.variant]} | {layout} | {bb.args['parent_mib']} | "
                       f"skipped: {bb.error} | | | |")
            continue
        cpu, thp = bb.counter("child_cpu_ns"), bb.counter("parent_thp_kib")
        out.append(f"| {KIND_LABEL[bb.variant]} | {layout} | {bb.args['parent_mib']} | "
                   f"{ci_text(bb)} | {fmt(cpu / 1e3) if cpu else '–'} | "
                   f"{fmt(thp / 1024) if thp is not None else '–'} | {cv_text(bb)} |")
    return out + [""]


COW_SERIES = [("cow/fork/process", "child writes, 4 KiB pages"),
              ("cow_parent/fork/process", "parent writes, 4 KiB pages"),
              ("cow_cold/fork/process", "child writes, never-touched memory"),
              ("cow/pthread/thread", "thread writes (nothing to copy)"),
              ("cow_thp/fork/process", "child writes, huge pages"),
              ("cow_thp/pthread/thread", "thread writes, huge pages")]


def cow_series(benches, prefix):
    """[(pct, Bench)] of one COW series at its largest region, sorted by pct."""
    pts = [b for b in benches.values()
           if b.key.startswith(prefix + "/") and ok(benches, b.key)]
    if not pts:
        return []
    mib = max(b.args["parent_mib"] for b in pts)
    return sorted((b.args["pct"], b) for b in pts if b.args["parent_mib"] == mib)


def cow_subsection(benches, folder):
    out = ["### Copy-on-write: what a forked child really copies", ""]
    blocks, solid = [], 0
    for prefix, title in COW_SERIES:
        pts = [(pct, b) for pct, b in cow_series(benches, prefix) if pct > 0]
        if len(pts) < 2:
            continue
        lines = [f'"{title}"']
        for pct, b in pts:
            med, lo, hi, _ = b.median_ci()
            lines.append(f"{pct} {med / 1e3:.5f} {lo / 1e3:.5f} {hi / 1e3:.5f} "
                         f"{b.counter('minflt'):.1f} {int(b.mode == 'process')}")
        blocks.append("\n".join(lines))
        solid += not prefix.startswith("cow_thp")
    if not blocks:
        return out + ["*No copy-on-write data in this run.*", ""]
    out += figure(folder, "cow.gp", "cow.dat", "\n\n\n".join(blocks) + "\n",
                  "Copy-on-write time and faults", str(solid))

    rows = ["| writer | region | pages written | write loop µs [95%] | minor faults | "
            "private dirty KiB | KiB per fault | ns per page |", "|---|---|---|---|---|---|---|---|"]
    for prefix, title in COW_SERIES:
        for pct, b in cow_series(benches, prefix):
            rows.append(f"| {title} | {b.args['parent_mib']} MiB | {pct}% | {ci_text(b)} | "
                        f"{fmt(b.counter('minflt'))} | {fmt(b.counter('private_dirty_kib'))} | "
                        f"{fmt(b.counter('kib_per_fault'))} | {fmt(b.counter('ns_per_page'))} |")
    out += cow_reading(benches) + rows + [""]
    return out


def cow_reading(benches):
    text = []
    child = cow_series(benches, "cow/fork/process")
    if len(child) >= 3:
        xs = [pct for pct, _ in child]
        ys = [b.counter("private_dirty_kib") for _, b in child]
        fit = claims.stats.linregress(xs, ys)
        mib = child[0][1].args["parent_mib"]
        text.append(f"**Reading.** A forked child's private dirty memory grows linearly with "
                    f"the fraction of pages it writes: {fit.slope * 100 / 1024:.1f} MiB per 100% "
                    f"of a {mib} MiB region (r² = {fit.rvalue ** 2:.4f}); at 0% it is "
                    f"{fmt(ys[0])} KiB. "
                    "Nothing is copied at fork; each page is copied on its first write.")
    full = dict(child).get(100)
    memcpy = ok(benches, "memcpy/page/thread/bytes:4096")
    if full and full.counters.get("ns_per_page"):
        med, lo, hi, _ = claims.stats.median_ci(full.counters["ns_per_page"])
        line = (f"One copy-on-write fault costs {fmt(med)} ns per page [{fmt(lo)}, {fmt(hi)}] "
                "in the child")
        parent = dict(cow_series(benches, "cow_parent/fork/process")).get(100)
        cold = dict(cow_series(benches, "cow_cold/fork/process")).get(100)
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
    thp = dict(cow_series(benches, "cow_thp/fork/process")).get(1)
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


FOOT_KINDS = ["pthread", "fork", "clone", "posix_spawn"]


def footprint_section(ctx, benches, folder):
    out = ["## C1 — what a worker owns", ""] + claim_header("C1")
    _, table = rules_table("C1", benches, ctx)
    out += table
    rows, data, x = [], [], 0
    counts = sorted({b.args["workers"] for b in benches.values() if b.scenario == "footprint"})
    if not counts:
        return out + ["*No footprint data in this run.*", ""]
    for n in counts:
        for i, kind in enumerate(FOOT_KINDS):
            mode = "thread" if kind == "pthread" else "process"
            b = benches.get(f"footprint/{kind}/{mode}/workers:{n}/parent_mib:0")
            group = f"N = {n}" if i == 1 else ""
            if b and ok(benches, b.key):
                user, kern = b.counter("private_kib"), b.counter("kernel_kib")
                data.append(f'{x} "{KIND_LABEL[kind]}" {int(mode == "process")} '
                            f'{max(user, 0):.2f} {max(kern, 0):.2f} "{group}"')
            x += 1
        x += 1
    out += figure(folder, "footprint.gp", "footprint.dat", "\n".join(data) + "\n",
                  "Memory per idle worker")
    out += ["Per idle worker, in KiB, N workers alive at once (median over the repetitions). "
            "User: private memory (processes: the children's own Private_Clean + "
            "Private_Dirty; threads: the growth of the process's), and Pss. Kernel: the growth "
            "of KernelStack, PageTables and SUnreclaim in /proc/meminfo — system-wide, so "
            "other activity adds noise, least at the largest N. Virtual: address space "
            "reserved (a thread's stack; a process's whole copy).", "",
            "| worker | N | parent MiB | private | Pss | kernel stack | page tables | slab | "
            "kernel total | virtual | CV of kernel total |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for b in sorted((b for b in benches.values() if b.scenario == "footprint"),
                    key=lambda b: (b.args["parent_mib"], FOOT_KINDS.index(b.variant),
                                   b.args["workers"])):
        if b.error:
            out.append(f"| {KIND_LABEL[b.variant]} | {b.args['workers']} | "
                       f"{b.args['parent_mib']} | skipped: {b.error} | | | | | | | |")
            continue
        c = b.counter
        kern = b.counters.get("kernel_kib", [])
        out.append(f"| {KIND_LABEL[b.variant]} | {b.args['workers']} | {b.args['parent_mib']} | "
                   f"{fmt(c('private_kib'))} | {fmt(c('pss_kib'))} | {fmt(c('kernel_stack_kib'))} | "
                   f"{fmt(c('page_tables_kib'))} | {fmt(c('slab_kib'))} | {fmt(c('kernel_kib'))} | "
                   f"{fmt(c('vm_kib'))} | {spread(kern)} |")
    out += [""] + footprint_reading(benches)
    return out


def spread(values):
    """The coefficient of variation, or "noise" where the mean is too near zero for one."""
    if not values:
        return "–"
    mean = sum(values) / len(values)
    return "noise" if mean < 1 else f"{claims.stats.cv(values) * 100:.0f}%"


def footprint_reading(benches):
    big = max((b.args["workers"] for b in benches.values()
               if b.key.startswith("footprint/pthread/") and ok(benches, b.key)), default=0)
    t = ok(benches, f"footprint/pthread/thread/workers:{big}/parent_mib:0")
    f = ok(benches, f"footprint/fork/process/workers:{big}/parent_mib:0")
    if not (t and f):
        return []
    def kib(b, name):
        med, lo, hi, _ = claims.stats.median_ci(b.counters[name])
        return f"{fmt(med)} KiB [{fmt(lo)}, {fmt(hi)}]"

    text = [f"**Reading.** With {big} idle workers alive, one thread costs "
            f"{kib(t, 'private_kib')} of user memory and {kib(t, 'kernel_kib')} of kernel "
            f"memory, mostly its {fmt(t.counter('kernel_stack_kib'))} KiB kernel stack; one "
            f"forked process costs {kib(f, 'private_kib')} user and {kib(f, 'kernel_kib')} "
            f"kernel, {fmt(f.counter('page_tables_kib'))} KiB of it page tables of its own "
            "(medians over the repetitions, 95% intervals)."]
    p256 = [b for b in benches.values() if b.key.startswith("footprint/fork/process/")
            and b.args["parent_mib"] > 0 and ok(benches, b.key)]
    if p256:
        b = max(p256, key=lambda b: b.args["workers"])
        text.append(f"A child forked from a parent holding {b.args['parent_mib']} MiB carries "
                    f"{fmt(b.counter('page_tables_kib'))} KiB of page tables for memory it "
                    "shares and has not touched: the cost that grows with the parent.")
    text.append("Pss divides shared pages among their users, so a forked child's Pss "
                "shrinks as more siblings share the parent's pages; private memory does not.")
    return [" ".join(text), ""]


def globals_section(ctx, benches):
    out = ["## C3 — processes do not share global variables", ""] + claim_header("C3")
    _, table = rules_table("C3", benches, ctx)
    out += table
    rows = [b for b in benches.values() if b.scenario == "globals"]
    if not rows:
        return out + ["*No data for the nums example in this run.*", ""]
    out += ["The notes' example: `nums = [11, 22]`; a worker appends 0, 1, 2; what does the "
            "parent see? With `shared:1` the list lives in `MAP_SHARED` memory mapped before "
            "the worker starts. Time: one whole experiment (mapping included), median µs.", "",
            "| worker | list in | parent sees | µs [95%] |", "|---|---|---|---|"]
    for b in sorted(rows, key=lambda b: (b.args["shared"], FOOT_KINDS.index(b.variant))):
        where = "MAP_SHARED memory" if b.args["shared"] else "a global"
        if b.error:
            out.append(f"| {KIND_LABEL[b.variant]} | {where} | skipped: {b.error} | |")
        else:
            out.append(f"| {KIND_LABEL[b.variant]} | {where} | {b.label or '–'} | "
                       f"{ci_text(b)} |")
    extra = []
    for kind in ("fork", "pthread"):
        mode = "thread" if kind == "pthread" else "process"
        r = ratio(benches, f"globals/{kind}/{mode}/shared:1", f"globals/{kind}/{mode}/shared:0")
        a, b = ok(benches, f"globals/{kind}/{mode}/shared:1"), ok(benches, f"globals/{kind}/{mode}/shared:0")
        if r:
            extra.append(f"{KIND_LABEL[kind]} {fmt(a.median - b.median)} µs ({r:.2f}×)")
    if extra:
        out += ["", "**Reading.** The shared alternative costs per worker: " + ", ".join(extra)
                + " — one mmap, one page fault and one munmap; after that, a process reads "
                "and writes shared memory as fast as a thread does."]
    return out + [""]


def key_numbers(claim, benches, ctx):
    """(thread text, process text, thread:process ratio text) for the claim's key pair."""
    key = claims.CLAIMS[claim].get("key")
    if not key:
        return None
    t_key, p_key, metric, unit = key
    t_key, p_key = (k.format(pus=ctx.get("pus", ctx.get("nproc", 0))) for k in (t_key, p_key))
    texts, meds = [], []
    for k in (t_key, p_key):
        b = ok(benches, k)
        vals = claims.values(b, metric) if b else []
        if not vals:
            return None
        med, lo, hi, _ = claims.stats.median_ci(vals)
        meds.append(med)
        texts.append(f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]")
    ratio = f"1 : {meds[1] / meds[0]:.2g}" if meds[0] else "–"
    return texts[0], texts[1], ratio, unit


def summary_section(ctx, benches):
    out = ["## The claims at a glance", "",
           "Verdicts from the rules in `scripts/claims.py`; key numbers are medians with their "
           "95% interval, thread first, then process.", "",
           "| | claim in the notes | verdict | thread | process | thread : process | "
           "Python's verdict | details |",
           "|---|---|---|---|---|---|---|---|"]
    anchors = {"C1": "#c1--what-a-worker-owns", "C2": "#c2--creation-cost-and-copy-on-write",
               "C3": "#c3--processes-do-not-share-global-variables",
               "C8": "#c8--many-workers-at-once",
               "C4": "#c4-and-c7--talking-between-workers",
               "C7": "#c7--protection",
               "C5": "#c5-c6-and-c7--pools-failures-and-isolation",
               "C6": "#c5-c6-and-c7--pools-failures-and-isolation"}
    for claim, c in claims.CLAIMS.items():
        verdict, outcomes = claims.judge(claim, benches, ctx=ctx)
        missing = sum(o.holds is None for o in outcomes)
        if not outcomes:
            verdict = "missing data: not measured by this suite yet"
        elif missing and verdict != "missing data":
            verdict += f"** ({missing} of {len(outcomes)} predictions without data)**"
        nums = key_numbers(claim, benches, ctx)
        if nums:
            t, p, ratio, unit = nums
            cells = f"{t} | {p} | {ratio} ({unit})"
        else:
            cells = "– | – | –"
        py_verdict, py_out = claims.judge(claim, benches, claims.PY_RULES, ctx)
        py_cell = "–" if not py_out or py_verdict == "missing data" else (
            "same" if py_verdict == verdict else f"**{py_verdict}**")
        links = []
        if claim in anchors:
            links.append(f"[section]({anchors[claim]})")
        if c.get("figure"):
            links.append(f"[figure]({c['figure']})")
        out.append(f"| {claim} | {c['zh']}<br>*{c['en']}* | **{verdict}** | {cells} | "
                   f"{py_cell} | {', '.join(links) or '–'} |")
    return out + [""]


SCALE_WORKLOADS = ["cpu", "memory", "shared_counter", "false_sharing", "padded", "page_fault"]


def scale_points(benches, scenario, workload, mode):
    """{N: Bench} of one scale series."""
    return {b.args["workers"]: b for b in benches.values()
            if b.scenario == scenario and b.variant == workload and b.mode == mode
            and ok(benches, b.key)}


def scale_section(ctx, benches, folder):
    out = ["## C8 — many workers at once", ""] + claim_header("C8")
    _, table = rules_table("C8", benches, ctx)
    out += table
    present = [w for w in SCALE_WORKLOADS if scale_points(benches, "scale", w, "thread")]
    if not present:
        return out + ["*No scaling data in this run.*", ""]
    for w in present:
        th, pr = (scale_points(benches, "scale", w, m) for m in ("thread", "process"))
        rows = []
        for n in sorted(set(th) & set(pr)):
            cells = [str(n)]
            for series in (th, pr):
                med, lo, hi, _ = claims.stats.median_ci(series[n].counters["ops_per_s"])
                cells += [f"{med:.6g}", f"{lo:.6g}", f"{hi:.6g}"]
            for series in (th, pr):
                one = series.get(1)
                cells.append(f"{n * one.counter('ops_per_s'):.6g}" if one else "NaN")
            rows.append(" ".join(cells))
        with open(os.path.join(folder, "data", f"scale.{w}.dat"), "w") as f:
            f.write("# N thread_med lo hi process_med lo hi thread_linear process_linear\n")
            f.write("\n".join(rows) + "\n")
    err = gnuplot("scale.gp", os.path.join(folder, "data", "scale"),
                  os.path.join(folder, "figures", "scale"), " ".join(present))
    out += [f"*Figure skipped: {err}*" if err else "![Scaling](figures/scale.png)", ""]

    pus = int(ctx.get("pus") or ctx.get("nproc") or 0)
    out += [f"With one worker per PU ({pus} here): operations per second, the efficiency "
            "against N times one worker of the same kind, and threads against processes.", "",
            "| workload | one operation | threads /s | efficiency | processes /s | efficiency | "
            "threads : processes |", "|---|---|---|---|---|---|---|"]
    for w in present:
        th, pr = (scale_points(benches, "scale", w, m) for m in ("thread", "process"))
        if pus not in th or pus not in pr:
            continue
        eff = []
        for series in (th, pr):
            one = series.get(1)
            eff.append(f"{series[pus].counter('ops_per_s') / (pus * one.counter('ops_per_s')):.0%}"
                       if one else "–")
        t, p = th[pus].counter("ops_per_s"), pr[pus].counter("ops_per_s")
        out.append(f"| {w} | {th[pus].label} | {t:.3g} | {eff[0]} | {p:.3g} | {eff[1]} | "
                   f"1 : {p / t:.2f} |")
    out += [""] + scale_reading(benches, pus) + placement_part(benches, folder, pus)
    return out


def scale_reading(benches, pus):
    ratio_of = {}
    for w in SCALE_WORKLOADS:
        t = ok(benches, f"scale/{w}/thread/workers:{pus}")
        p = ok(benches, f"scale/{w}/process/workers:{pus}")
        if t and p:
            ratio_of[w] = t.counter("ops_per_s") / p.counter("ops_per_s")
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


def placement_part(benches, folder, pus):
    rows = []
    for w in SCALE_WORKLOADS:
        cells = [w]
        for mode in ("thread", "process"):
            base = ok(benches, f"scale/{w}/{mode}/workers:{pus}")
            for policy in ("compact", "scatter"):
                b = ok(benches, f"scale_{policy}/{w}/{mode}/workers:{pus}")
                cells.append(f"{b.counter('ops_per_s') / base.counter('ops_per_s'):.4f}"
                             if b and base else "NaN")
        if "NaN" not in cells:
            rows.append(" ".join(cells))
    if not rows:
        return []
    out = ["### Placement", ""]
    out += figure(folder, "placement.gp", "placement.dat", "\n".join(rows) + "\n",
                  "Placement against unpinned")
    out += ["| workload | threads compact | threads scatter | processes compact | "
            "processes scatter |", "|---|---|---|---|---|"]
    out += ["| " + " | ".join(r.split()) + " |" for r in rows]
    return out + ["", "Ratios to the unpinned run with the same number of workers. On a "
                  "machine with one package and no SMT, compact and scatter put one worker on "
                  "each PU alike; on a larger machine they differ, and this table shows how "
                  "much.", ""]


IPC_TRANSPORTS = ["pipe", "unix_stream", "unix_seqpacket", "posix_mq", "sysv_mq", "shm_ring",
                  "tcp", "queue", "spsc_ring"]


def ipc_rate(benches, key, times=lambda b: b.times_us):
    """Median bytes per second of a throughput benchmark with its interval, from the
    repetitions times(bench) picks (all of them unless told)."""
    b = ok(benches, key)
    if not b or not times(b):
        return None
    size = b.args["msg_bytes"]
    rates = [size / (t * 1e-6) for t in times(b)]
    return claims.stats.median_ci(rates)


def ipc_section(ctx, benches, folder):
    out = ["## C4 and C7 — talking between workers", ""]
    out += ["### C4", ""] + claim_header("C4")
    _, table = rules_table("C4", benches, ctx)
    out += table + ["C7's verdict, with its context-switch predictions measured here and its "
                    "protection predictions measured by the pool scenario, is under "
                    "[C7 — protection](#c7--protection).", ""]
    sizes = sorted({b.args["msg_bytes"] for b in benches.values()
                    if b.scenario in ("ipc", "ipc_diff_core") and "msg_bytes" in b.args})
    if not sizes:
        return out + ["*No IPC data in this run.*", ""]
    # The figure draws the pair on two cores where the run has it: unpinned, a pair shares
    # one CPU in one repetition and not in the next.
    fam = "ipc_diff_core" if any(b.scenario == "ipc_diff_core" for b in benches.values()) \
        else "ipc"
    where = "the pair on two cores" if fam == "ipc_diff_core" else "unpinned"
    present = []
    for t in IPC_TRANSPORTS:
        for mode in ("process", "thread"):
            rows = []
            for size in sizes:
                r = ipc_rate(benches, f"{fam}/{t}/{mode}/msg_bytes:{size}")
                if r:
                    rows.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
            with open(os.path.join(folder, "data", f"ipc.{mode}.{t}.dat"), "w") as f:
                f.write("# bytes median lo hi (bytes/s)\n" + "\n".join(rows or ["NaN NaN NaN NaN"])
                        + "\n")
        if any(ipc_rate(benches, f"{fam}/{t}/thread/msg_bytes:{s}") for s in sizes):
            present.append(t)
    between_processes = [t for t in present
                         if any(ipc_rate(benches, f"{fam}/{t}/process/msg_bytes:{s}")
                                for s in sizes)]
    mc = []
    for size in sizes:
        r = ipc_rate(benches, f"memcpy/copy/thread/msg_bytes:{size}")
        if r:
            mc.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
    with open(os.path.join(folder, "data", "ipc.memcpy.dat"), "w") as f:
        f.write("\n".join(mc or ["NaN NaN NaN NaN"]) + "\n")
    out += ["### Throughput", ""]
    err = gnuplot("ipc_throughput.gp", os.path.join(folder, "data", "ipc"),
                  os.path.join(folder, "figures", "ipc_throughput"), " ".join(present), where,
                  " ".join(between_processes))
    out += [f"*Figure skipped: {err}*" if err else "![IPC throughput](figures/ipc_throughput.png)",
            "", f"The figure shows {where}."
            if fam == "ipc" else "The figure shows the pair on two cores: unpinned, the two sides "
            "share one CPU in one repetition and not in the next, and the lines would cross for "
            "that reason alone.", ""]
    out += ["Bytes per second (median) and, in brackets, as a fraction of one thread's memcpy of "
            "the same size. Unpinned: the peer a thread, forked, or spawned (a separate program "
            "that opens the channel by name or inherited descriptor). On two cores: this thread "
            "on one core, the peer on another.", "",
            "| transport | size | threads | processes (fork) | processes (spawn) | "
            "threads, two cores | processes, two cores |",
            "|---|---|---|---|---|---|---|"]
    skipped = {}
    for t in IPC_TRANSPORTS:
        for size in sizes:
            m = ipc_rate(benches, f"memcpy/copy/thread/msg_bytes:{size}")
            cells = []
            for key in (f"ipc/{t}/thread", f"ipc/{t}/process", f"ipc_spawn/{t}/process",
                        f"ipc_diff_core/{t}/thread", f"ipc_diff_core/{t}/process"):
                b = benches.get(f"{key}/msg_bytes:{size}")
                r = ipc_rate(benches, f"{key}/msg_bytes:{size}")
                if r:
                    frac = f" ({r[0] / m[0]:.0%})" if m else ""
                    cells.append(f"{human_rate(r[0])}{frac}")
                elif b and b.error:
                    why = b.error.split(": ", 1)[-1]
                    skipped.setdefault(why, len(skipped) + 1)
                    cells.append(f"skipped [{skipped[why]}]")
                else:
                    cells.append("–")
            if any(c != "–" for c in cells):
                out.append(f"| {t} | {human_size(size)} | " + " | ".join(cells) + " |")
    out += [""] + [f"[{n}] {why}  " for why, n in skipped.items()]
    out += [""] + lmbench_part(benches) + latency_part(benches, folder, ctx) + \
        queue3_part(benches) + targets_part(ctx, benches)
    return out


def lmbench_part(benches):
    """The kernel transports against lmbench's bw_pipe and bw_unix method."""
    rows = []
    for t, tool in (("pipe", "bw_pipe"), ("unix_stream", "bw_unix")):
        for pin, where in (("", "unpinned"), ("_diff_core", "two cores")):
            ours = ipc_rate(benches, f"ipc{pin}/{t}/process/msg_bytes:65536")
            ref = ipc_rate(benches, f"bw_lmbench{pin}/{t}/process/msg_bytes:65536")
            if ours and ref:
                rows.append(f"| {t} (`{tool}`) | {where} | {human_rate(ref[0])} | "
                            f"{human_rate(ours[0])} | "
                            f"{ours[0] / ref[0]:.2f}x |")
    if not rows:
        return []
    return ["### Against lmbench's method", "",
            "lmbench's `bw_pipe` and `bw_unix` (not packaged by Debian, so done again here from "
            "their published method: a forked child writes 64 KiB chunks, the parent reads "
            "them, nothing checked) beside the suite's own transport between two processes, "
            "which moves the same 64 KiB messages stamped and checked.", "",
            "| transport | placement | lmbench's method | tvp, checked | tvp / lmbench |",
            "|---|---|---|---|---|"] + rows + [""]


def human_rate(bps):
    for unit, div in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if bps >= div:
            return f"{bps / div:.3g} {unit}"
    return f"{bps:.3g} B/s"


def human_size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


def latency_part(benches, folder, ctx=None):
    ctx = ctx or {}
    rows, table = [], []
    for t in IPC_TRANSPORTS:
        cells = []
        for mode in ("thread", "process"):
            for pin in ("_same_pu", "_diff_core", ""):
                b = ok(benches, f"latency{pin}/{t}/{mode}")
                cells.append(b.median if b else float("nan"))
        if all(c != c for c in cells):
            continue
        rows.append(f"{t} " + " ".join(f"{c:.4g}" for c in cells))
        table.append(f"| {t} | " + " | ".join("–" if c != c else fmt(c) for c in cells) + " |")
    if not rows:
        return []
    out = ["### Latency: ping-pong of 8 bytes", ""]
    out += figure(folder, "ipc_latency.gp", "ipc_latency.dat", "\n".join(rows) + "\n",
                  "IPC latency")
    out += ["Median µs per round trip. On one PU each round trip is two context switches "
            "(lmbench's lat_ctx); across CPUs it is two wake-ups of a sleeping CPU, which on a "
            "virtual machine can cost ten times a switch.", "",
            "| transport | threads, one PU | threads, two cores | threads, unpinned | "
            "processes, one PU | processes, two cores | processes, unpinned |",
            "|---|---|---|---|---|---|---|"] + table + [""]
    perf = [(label, ctx.get(key), ok(benches, f"latency{pin}/pipe/process"))
            for label, key, pin in (("unpinned", "perf_sched_pipe_us", ""),
                                    ("on one PU", "perf_sched_pipe_same_pu_us", "_same_pu"))]
    perf = [(label, float(p), b) for label, p, b in perf if p and b]
    if perf:
        out += ["`perf bench sched pipe` in the same run (its processes ping-pong over a pipe, "
                "as tvp's do): " + "; ".join(
                    f"{label} {p:.3g} µs against tvp's {fmt(b.median)} µs "
                    f"({b.median / p - 1:+.0%})" for label, p, b in perf) + ".", ""]
    pinned = ok(benches, "cacheline_diff_core/pingpong/thread")
    loose = ok(benches, "cacheline/pingpong/thread")
    if pinned:
        out += [f"Cache-line probe (two threads on two cores bouncing one line, spinning): "
                f"{fmt(pinned.median * 1e3)} ns a round trip. Near 100 ns says the two CPUs "
                "are close; several hundred says the host placed them far apart, and every "
                "transport slows with it."
                + (f" Unpinned it took {fmt(loose.median * 1e3)} ns: when the two threads land "
                   "on one CPU, each waits out the other's time slice, which says nothing of "
                   "the CPUs." if loose else ""), ""]
    floor = probe_floor(benches)
    if floor:
        far, total = far_share(benches, floor)
        slowest = max(all_probes(benches))
        out += [f"Every repetition of a pair on two cores took the probe too, before and after "
                f"(the counter `probe_ns`): from {fmt(floor)} to {fmt(slowest)} ns over "
                f"{total} repetitions, {far} of them over {FAR:g}x the fastest. Those ran while "
                "the host had the two vCPUs far apart.", ""]
    return out


def queue3_part(benches):
    t, p = ok(benches, "queue3/queue/thread"), ok(benches, "queue3/queue/process")
    if not (t and p):
        return []
    return ["### The notes' Queue(3)", "",
            "8-byte items through a bounded queue of three (a mutex and two condition "
            "variables, process-shared): a producer and a consumer.", "",
            "| pair | µs per item [95%] | items per second |", "|---|---|---|",
            f"| threads | {ci_text(t)} | {1e6 / t.median:,.0f} |",
            f"| processes | {ci_text(p)} | {1e6 / p.median:,.0f} |", "",
            f"With room for three items the two sides take turns, and every turn is a "
            f"wake-up: the queue costs processes {p.median / t.median:.2f}x what it costs "
            "threads.", ""]


FAR = 2.0  # a probe this many times the run's fastest says the host moved a vCPU away


def all_probes(benches):
    """Every pinned repetition's cache-line probe in the run, in ns."""
    return [v for b in benches.values() for v in b.counters.get("probe_ns", []) if v > 0]


def probe_floor(benches):
    """The fastest cache-line probe of any pinned repetition in the run, or None."""
    vals = all_probes(benches)
    return min(vals) if vals else None


def near_only(b, floor):
    """The repetitions of b whose pair of CPUs probed near (within FAR of the floor)."""
    probes = b.counters.get("probe_ns", [])
    if not floor or len(probes) != len(b.times_us):
        return b.times_us
    return [t for t, p in zip(b.times_us, probes) if p <= FAR * floor]


def far_share(benches, floor):
    """(repetitions whose CPUs probed far, pinned repetitions) over the run."""
    probes = all_probes(benches)
    return sum(p > FAR * floor for p in probes), len(probes)


def targets_part(ctx, benches):
    """The speed the issue asked of the implementation, checked on this run: on two cores
    where the run has the pair there, else unpinned. Where some repetitions ran while the
    host had put the two vCPUs far apart (the probe says so), the targets are shown again
    over the others."""
    pin = "_diff_core" if any(b.scenario == "ipc_diff_core" for b in benches.values()) else ""
    where = "the pair on two cores" if pin else "unpinned"
    floor = probe_floor(benches) if pin else None
    far, pinned = far_share(benches, floor) if floor else (0, 0)

    def targets(times):
        """[(target, measured, met)] with times(bench) giving the repetitions to use."""
        def rate(key):
            r = ipc_rate(benches, key, times)
            return r[0] if r else None

        def ring(mode, size):
            return rate(f"ipc{pin}/shm_ring/{mode}/msg_bytes:{size}")

        rows = []
        sizes = sorted(b.args["msg_bytes"] for b in benches.values()
                       if b.key.startswith(f"ipc{pin}/shm_ring/process/"))
        for size in sizes:
            p, t = ring("process", size), ring("thread", size)
            if p and t:
                rows.append((f"shm ring, {human_size(size)}: processes within 10% of threads",
                             f"{p / t:.3g}x", p >= 0.9 * t))
        m64 = rate("memcpy/copy/thread/msg_bytes:67108864")
        r64k, pipe64k = ring("process", 65536), rate(f"ipc{pin}/pipe/process/msg_bytes:65536")
        if r64k and m64:
            rows.append(("shm ring, 64 KiB: at least 1.5x memcpy of 64 MiB",
                         f"{r64k / m64:.3g}x", r64k >= 1.5 * m64))
        if r64k and pipe64k:
            rows.append(("shm ring, 64 KiB: at least 5x the pipe", f"{r64k / pipe64k:.3g}x",
                         r64k >= 5 * pipe64k))
        r1m, m1m = ring("process", 1 << 20), rate(f"memcpy/copy/thread/msg_bytes:{1 << 20}")
        if r1m and m1m:
            rows.append(("shm ring, 1 MiB: at least 80% of memcpy of 1 MiB", f"{r1m / m1m:.1%}",
                         r1m >= 0.8 * m1m))
        r64, p64 = ring("process", 64), rate(f"ipc{pin}/pipe/process/msg_bytes:64")
        if r64 and p64:  # bytes per second at one size: the ratio of message rates
            rows.append(("shm ring, 64 B: at least 10x the pipe's message rate",
                         f"{r64 / p64:.3g}x", r64 >= 10 * p64))
        for t, tool in (("pipe", "bw_pipe"), ("unix_stream", "bw_unix")):
            ours = ok(benches, f"ipc{pin}/{t}/process/msg_bytes:65536")
            ref = ok(benches, f"bw_lmbench{pin}/{t}/process/msg_bytes:65536")
            if not (ours and ref and times(ours) and times(ref)):
                continue
            # Slower by a difference the U test does not find significant is a tie, and a
            # tie meets "at least"; with too few repetitions to tell, it does not.
            a, r = times(ours), times(ref)
            x = rate(ours.key) / rate(ref.key)
            got, met = f"{x:.3g}x", x >= 1
            if x < 1:
                p = claims.stats.u_test(a, r)
                if claims.stats.u_test_min_p(len(a), len(r)) >= 0.05 or p is None:
                    got += " (too few repetitions for the U test)"
                elif p >= 0.05:
                    got, met = got + f" (no significant difference, U test p = {p:.2f})", True
                else:
                    got += f" (U test p = {p:.3f})"
            rows.append((f"{t}, 64 KiB: at least lmbench's {tool} method", got, met))
        return rows

    rows = targets(lambda b: b.times_us)
    perf = ctx.get("perf_sched_pipe_same_pu_us")
    lat = ok(benches, "latency_same_pu/pipe/process")
    if perf and lat:
        perf = float(perf)
        rows.append(("pipe ping-pong between processes on one PU: within 15% of "
                     "`perf bench sched pipe`", f"{lat.median:.3g} µs against {perf:.3g} µs "
                     f"({lat.median / perf - 1:+.0%})", abs(lat.median / perf - 1) <= 0.15))
    if not rows:
        return []
    yes = lambda met: "yes" if met else "**no**"
    out = ["### Speed targets of the implementation", "",
           f"Throughput with {where}; each figure is a ratio of medians over the run's "
           "repetitions, shown to three digits so that a miss never rounds to a hit.", ""]
    if far:
        near = {what: (got, met) for what, got, met in targets(lambda b: near_only(b, floor))}
        out += [f"In {far} of the run's {pinned} pinned repetitions the cache-line probe between "
                f"the two CPUs took more than {FAR:g}x its fastest ({fmt(floor)} ns): the host "
                "had put the two vCPUs far apart, and every transport slows with that. The last "
                "two columns leave those repetitions out.", "",
                "| target | measured | met | CPUs near only | met |", "|---|---|---|---|---|"]
        for what, got, met in rows:
            n = near.get(what)
            out.append(f"| {what} | {got} | {yes(met)} | "
                       + (f"{n[0]} | {yes(n[1])} |" if n else "– | – |"))
    else:
        out += ["| target | measured | met |", "|---|---|---|"]
        out += [f"| {what} | {got} | {yes(met)} |" for what, got, met in rows]
    return out + ["", "A target missed is reported, not hidden: on a shared virtual machine a "
                  "copy through a ring crosses between two CPUs' caches, which a memcpy within "
                  "one cache does not, and a sleeping reader costs a wake-up.", ""]


POOL_SERIES = [("pool/pool/process", "process pool"), ("pool/pool/thread", "thread pool"),
               ("pool/fork_per_task/process", "fork per task"),
               ("pool/spawn_per_task/process", "posix_spawn per task"),
               ("pool/pthread_per_task/thread", "thread per task")]


def pool_rates(benches, prefix, workers):
    """{task_ns: tasks per second} of one series at one pool size."""
    out = {}
    for b in benches.values():
        if b.key.startswith(prefix + "/") and b.args.get("workers") == workers and \
                ok(benches, b.key) and "items_per_second" in b.counters:
            out[b.args["task_ns"]] = b.counter("items_per_second")
    return out


def break_even(a, b):
    """The shortest task length at which series a reaches 90% of series b, as text."""
    lengths = sorted(set(a) & set(b))
    for i, t in enumerate(lengths):
        if a[t] >= 0.9 * b[t]:
            if i == 0:
                return "at every length measured"
            return f"between {human_ns(lengths[i - 1])} and {human_ns(t)}"
    return f"beyond {human_ns(lengths[-1])}" if lengths else "–"


def human_ns(ns):
    for unit, div in (("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:g} {unit}"
    return f"{ns:g} ns"


def pool_section(ctx, benches, folder):
    out = ["## C5, C6 and C7 — pools, failures and isolation", ""]
    for claim in ("C5", "C6"):
        out += [f"### {claim}", ""] + claim_header(claim)
        _, table = rules_table(claim, benches, ctx)
        out += table
    pus = int(ctx.get("pus") or ctx.get("nproc") or 1)
    blocks, rows = [], []
    series = {title: pool_rates(benches, prefix, pus) for prefix, title in POOL_SERIES}
    for prefix, title in POOL_SERIES:
        r = series[title]
        if r:
            mode = int(prefix.endswith("process"))
            blocks.append("\n".join([f'"{title}"'] + [f"{t} {v:.6g} {mode}"
                                                      for t, v in sorted(r.items())]))
    if not blocks:
        return out + ["*No pool data in this run.*", ""]
    out += ["### Pool against a worker per task", ""]
    out += figure(folder, "pool_throughput.gp", "pool_throughput.dat",
                  "\n\n\n".join(blocks) + "\n", "Pool throughput", "2")
    lengths = sorted(set().union(*[set(r) for r in series.values()]))
    out += [f"Tasks per second with {pus} workers (one per PU).", "",
            "| task length | " + " | ".join(t for _, t in POOL_SERIES) + " |",
            "|---" * (len(POOL_SERIES) + 1) + "|"]
    for t in lengths:
        out.append(f"| {human_ns(t)} | " + " | ".join(
            f"{series[title][t]:,.0f}" if t in series[title] else "–"
            for _, title in POOL_SERIES) + " |")
    out += ["", f"**Break-even** (the task length from which the first does at least 90% of "
            f"the second's tasks per second): fork per task against a process pool "
            f"{break_even(series['fork per task'], series['process pool'])}; a process pool "
            f"against a thread pool "
            f"{break_even(series['process pool'], series['thread pool'])}. Below it, "
            "creating the worker is the cost; above it, the task is.", ""]
    out += notes_schedule(benches, folder) + fault_table(benches)
    out += ["### C7 — protection", ""] + claim_header("C7")
    _, table = rules_table("C7", benches, ctx)
    return out + table


def notes_schedule(benches, folder):
    rows = []
    for base, mode in ((0, "process"), (4, "thread")):
        b = ok(benches, f"pool_notes/pool/{mode}")
        if not b:
            continue
        for i in range(10):
            w = b.counter(f"task{i}_worker")
            if w is None:
                continue
            rows.append(f"{base + int(w)} {i} {b.counter(f'task{i}_start_ms'):.3f} "
                        f"{b.counter(f'task{i}_end_ms'):.3f} {int(mode == 'process')}")
    if not rows:
        return []
    out = ["### The notes' Pool(3)", ""]
    out += figure(folder, "pool_schedule.gp", "pool_schedule.dat", "\n".join(rows) + "\n",
                  "Pool(3) schedule")
    out += ["| pool | total ms | ideal ms | over ideal |", "|---|---|---|---|"]
    for mode in ("process", "thread"):
        b = ok(benches, f"pool_notes/pool/{mode}")
        if b:
            ideal = b.counter("ideal_ms")
            out.append(f"| {mode} | {b.median / 1e3:.1f} | {ideal:.1f} | "
                       f"{b.median / 1e3 / ideal - 1:+.0%} |")
    return out + ["", "Ideal: no schedule of these ten tasks on three workers can end "
                  "sooner (the larger of the longest task and a third of their sum). The "
                  "pool hands each task to whichever worker is free, in submission order.", ""]


def fault_table(benches):
    rows = [b for b in benches.values() if b.scenario in ("pool_fault", "isolation")]
    if not rows:
        return []
    out = ["### C6 — what the caller sees when a task fails", "",
           "Three 20 ms tasks are in flight when the failing one runs; then one more task "
           "is submitted. Thread pools meet exit, SIGSEGV and abort inside a sacrificial "
           "child process, so the run survives to report it.", "",
           "| failure | pool | the caller sees | pool survived | other results lost | "
           "replacement µs | next task after µs |", "|---|---|---|---|---|---|---|"]
    order = ["error", "exit", "segv", "abort", "timeout", "scribble"]
    for b in sorted(rows, key=lambda b: (order.index(b.variant) if b.variant in order else 9,
                                         b.mode)):
        if b.error:
            out.append(f"| {b.variant} | {b.mode} | skipped: {b.error} | | | | |")
            continue
        if b.scenario == "isolation":
            out.append(f"| stray write | {b.mode} | {b.label} | – | – | – | – |")
            continue
        surv = b.counter("pool_survived")
        out.append(f"| {b.variant} | {b.mode} | {b.label} | {'yes' if surv else '**no**'} | "
                   f"{fmt(b.counter('results_lost'))} | {fmt(b.counter('replacement_us'))} | "
                   f"{fmt(b.counter('recover_us')) if surv else '–'} |")
    return out + ["", "Every failure reaches the caller of `pool_wait` as a distinct result — "
                  "the task's error, the worker's exit status, the signal that killed it, a "
                  "timeout — and nothing is run twice. The notes' lost exception is Python's "
                  "`apply_async`, whose error waits in the result until someone calls "
                  "`get()`.", ""]


# Python operation against the C operation it is built on: (label, Python key, C label,
# C key). A per-item time comes from items_per_second where the benchmark has it.
PY_PAIRS = [
    ("Thread().start(); join()", "py_create/thread/thread",
     "pthread_create + join", "create/pthread/thread/parent_mib:0"),
    ("Process() fork: start; join", "py_create/fork/process",
     "fork, exit, wait", "create/fork/process/parent_mib:0"),
    ("Process() forkserver", "py_create/forkserver/process",
     "fork, exit, wait", "create/fork/process/parent_mib:0"),
    ("Process() spawn", "py_create/spawn/process",
     "posix_spawn of a static program", "create/posix_spawn/process/parent_mib:0"),
    ("multiprocessing.Queue, 64 B item", "py_queue/mp_queue/process/item_bytes:64",
     "pipe, 64 B message between processes", "ipc/pipe/process/msg_bytes:64"),
    ("queue.Queue, 64 B item", "py_queue/queue/thread/item_bytes:64",
     "mutex + condvar queue, 64 B, threads", "ipc/queue/thread/msg_bytes:64"),
    ("multiprocessing.Queue(3)", "py_queue3/mp_queue/process",
     "Queue(3), processes", "queue3/queue/process"),
    ("queue.Queue(3)", "py_queue3/queue/thread", "Queue(3), threads", "queue3/queue/thread"),
    ("Pool.apply_async, empty task", "py_pool/mp_pool/process/task_us:0",
     "process pool, empty task", "pool/pool/process/task_ns:0/workers:{pus}"),
    ("ThreadPool.apply_async, empty task", "py_pool/thread_pool/thread/task_us:0",
     "thread pool, empty task", "pool/pool/thread/task_ns:0/workers:{pus}"),
]


def per_item_us(b):
    rates = b.counters.get("items_per_second")
    if rates and b.scenario.startswith("pool"):
        return claims.stats.median_ci([1e6 / r for r in rates if r])[0]
    return b.median


def python_section(ctx, benches):
    rows = [(pl, ok(benches, pk), cl, ok(benches, ck.format(pus=ctx.get("pus", 1))))
            for pl, pk, cl, ck in PY_PAIRS]
    rows = [r for r in rows if r[1]]
    if not rows:
        return []
    out = ["## The notes' own Python beside C", "",
           f"The same operations through Python {ctx.get('python', '')}'s `multiprocessing` "
           "and `threading`, beside the C operation each is built on (median µs per "
           "operation; the ratio is Python over C). The difference is Python's own "
           "overhead: pickling, its locks and threads, an interpreter to start.", "",
           "| Python | µs | C | µs | Python : C |", "|---|---|---|---|---|"]
    for pl, pb, cl, cb in rows:
        py_us = per_item_us(pb)
        c_us = per_item_us(cb) if cb else None
        out.append(f"| {pl} | {fmt(py_us)} | {cl} | {fmt(c_us) if c_us else '–'} | "
                   f"{f'{py_us / c_us:.1f}x' if c_us else '–'} |")
    skipped = [b for b in benches.values() if b.scenario.startswith("py_") and b.error]
    out += [f"- `{b.key}` skipped: {b.error}" for b in skipped]
    out += ["", "### The notes' question: where does a pool worker's exception go?", "",
            "The notes observe that an exception inside a `Pool` worker is not shown in the "
            "main process, and ask how to handle it. What this run saw, for a task that "
            "raises `ValueError` under `apply_async`:", "",
            "| the caller | shown | what happened |", "|---|---|---|"]
    for how, text in (("never_fetched", "never fetches the result"),
                      ("get", "calls `get()`"), ("error_callback", "passes `error_callback`")):
        b = ok(benches, f"py_exception/{how}/process")
        if b:
            out.append(f"| {text} | {'yes' if b.counter('shown') else '**no**'} | {b.label} |")
    notes = ok(benches, "py_pool_notes/mp_pool/process")
    if notes:
        out += ["", f"The notes' `Pool(3)` with its ten random sleeps (0-30 ms here, seeded) took "
                f"{notes.median / 1e3:.1f} ms against an ideal of {notes.counter('ideal_ms'):.1f} ms."]
    _, table = rules_table_py(ctx, benches)
    return out + ["", "Python's verdicts, from the rules in `claims.PY_RULES`:", ""] + table


def rules_table_py(ctx, benches):
    lines = ["| claim | prediction | measured | holds |", "|---|---|---|---|"]
    for claim in claims.CLAIMS:
        _, outcomes = claims.judge(claim, benches, claims.PY_RULES, ctx)
        for o in outcomes:
            if o.holds is None:
                lines.append(f"| {claim} | {o.rule.prediction} | – | missing data: {o.why} |")
            else:
                measured = f"{o.ratio:.2f}x" if o.rule.b else f"{fmt(o.value)} {o.rule.unit}"
                lines.append(f"| {claim} | {o.rule.prediction} | {measured} | "
                             f"{'yes' if o.holds else '**no**'} |")
    return None, lines + [""]


def environment_section(ctx, folder):
    keys = [("cpu_model", "CPU"), ("topology", "topology (hwloc)"), ("nproc", "online CPUs"),
            ("kernel", "kernel"), ("thp", "transparent huge pages"),
            ("governor", "cpufreq governor"), ("placement", "placement"),
            ("placement_cpus", "benchmark thread on CPU"), ("placement_note", "placement note"),
            ("library_build_type", "Google Benchmark build"),
            ("python", "Python (the notes' code)"), ("python_start_methods", "its start methods"),
            ("profile", "profile"), ("tvp_version", "tvp version"), ("date", "run started"),
            ("run_seconds", "the whole run took (s)")]
    out = ["## Machine and run", "", "| | |", "|---|---|"]
    for k, label in keys:
        v = ctx.get(k)
        if v not in (None, ""):
            out.append(f"| {label} | {v} |")
    if ctx.get("library_build_type") == "debug":
        out += ["", "Debian builds Google Benchmark as `debug`: its own loop costs a little "
                "more per iteration, which is noise beside creation costs in microseconds."]
    times = [part.split("=") for part in ctx.get("scenario_seconds", "").split(",") if "=" in part]
    orders = dict(part.split("=", 1) for part in ctx.get("repetition_order", "").split(",")
                  if "=" in part)
    if times:
        out += ["", "How long each scenario took, and how its repetitions ran (interleaved: "
                "at random among the scenario's other benchmarks', so a slow minute of a shared "
                "machine falls on both sides of a comparison; in a row: where a parent's memory "
                "of up to GiBs is kept between benchmarks):", "",
                "| scenario | seconds | repetitions |", "|---|---|---|"]
        out += [f"| {name} | {sec} | {orders.get(name, '–')} |" for name, sec in times]
    vulns = [v.split(": ", 1) for v in ctx.get("cpu_vulnerabilities", "").split(" | ") if ": " in v]
    if vulns:
        out += ["", "CPU vulnerabilities and their mitigations "
                "(`/sys/devices/system/cpu/vulnerabilities`; mitigations slow system calls and "
                "context switches, so they move these numbers):", "",
                "| vulnerability | state |", "|---|---|"]
        out += [f"| {name} | {state} |" for name, state in vulns]
    out += [""] + topology_picture(folder)
    return out + [""]


def topology_picture(folder):
    if os.path.exists(os.path.join(folder, "topology.svg")):
        return ["Topology (`lstopo`):", "", "![topology](topology.svg)"]
    txt = os.path.join(folder, "topology.txt")
    if os.path.exists(txt):
        with open(txt) as f:
            return ["Topology (`lstopo`):", "", "```", f.read().rstrip(), "```"]
    return []


def problems_section(benches):
    out = []
    bad = [b for b in benches.values() if b.error]
    if bad:
        out += ["## Skipped here", "", "| benchmark | reason |", "|---|---|"]
        out += [f"| {b.key} | {b.error} |" for b in bad]
        out += [""]
    noisy = sorted((b for b in benches.values()
                    if not b.error and len(b.times_us) > 1 and b.cv > claims.stats.NOISY_CV),
                   key=lambda b: -b.cv)
    if noisy:
        timed = sum(1 for b in benches.values() if not b.error and len(b.times_us) > 1)
        out += ["## Noisy here", "",
                f"{len(noisy)} of {timed} benchmarks vary by more than "
                f"{claims.stats.NOISY_CV:.0%} (coefficient of variation of their repetitions): "
                "read their medians with their intervals, and rerun or pin before comparing "
                "them across machines.", "",
                "<details><summary>The noisy benchmarks, noisiest first</summary>", "",
                "| benchmark | CV | median [95%] |", "|---|---|---|"]
        out += [f"| {b.key} | {b.cv:.0%} | {ci_text(b)} |" for b in noisy]
        out += ["", "</details>", ""]
    return out


def write_report(folder):
    ctx, benches = results.load(folder)
    os.makedirs(os.path.join(folder, "data"), exist_ok=True)
    os.makedirs(os.path.join(folder, "figures"), exist_ok=True)
    n = len(next((b.times_us for b in benches.values() if b.times_us), []))
    host = ctx.get("host_name", "unknown host")
    lines = [f"# tvp report: threads versus processes on {host}", "",
             f"Profile **{ctx.get('profile')}**, placement **{ctx.get('placement')}**, "
             f"{n} repetitions per benchmark. Medians with a distribution-free 95% interval "
             f"(order statistics; with 5 repetitions the widest, [min, max], covers 93.8%). "
             f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC "
             f"from `benchmarks.json`.", ""]
    lines += summary_section(ctx, benches)
    lines += creation_section(ctx, benches, folder)
    lines += cow_subsection(benches, folder)
    lines += footprint_section(ctx, benches, folder)
    lines += globals_section(ctx, benches)
    lines += ipc_section(ctx, benches, folder)
    lines += pool_section(ctx, benches, folder)
    lines += scale_section(ctx, benches, folder)
    lines += python_section(ctx, benches)
    lines += problems_section(benches)
    lines += environment_section(ctx, folder)
    with open(os.path.join(folder, "REPORT.md"), "w") as f:
        f.write("\n".join(lines))


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    try:
        write_report(argv[1])
    except results.ResultsError as e:
        print(f"tvp: {e}", file=sys.stderr)
        return 2
    print(os.path.join(argv[1], "REPORT.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
