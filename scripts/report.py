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


def creation_section(ctx, benches, folder):
    out = ["## C2 — creation cost", ""]
    c = claims.CLAIMS["C2"]
    verdict, outcomes = claims.judge("C2", benches)
    out += [f"> {c['zh']}", ">", f"> *{c['en']}*", "",
            f"**Verdict: {verdict}.** Each prediction the claim makes, tested on this machine "
            f"(medians; a prediction holds when the ratio reaches its threshold and the "
            f"Mann-Whitney U test gives p < {claims.SIGNIFICANCE}):", "",
            "| prediction | ratio | threshold | p | holds |", "|---|---|---|---|---|"]
    for o in outcomes:
        if o.holds is None:
            out.append(f"| {o.rule.prediction} | – | ≥ {o.rule.threshold:g}× | – | "
                       f"missing data: {o.why} |")
        else:
            p = "–" if o.p is None else f"{o.p:.3f}"
            note = f" ({o.why})" if o.why else ""
            out.append(f"| {o.rule.prediction} | {o.ratio:.2f}× | ≥ {o.rule.threshold:g}× "
                       f"| {p}{note} | {'yes' if o.holds else '**no**'} |")
    out.append("")

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


def environment_section(ctx):
    keys = [("cpu_model", "CPU"), ("topology", "topology (hwloc)"), ("nproc", "online CPUs"),
            ("kernel", "kernel"), ("thp", "transparent huge pages"),
            ("governor", "cpufreq governor"), ("placement", "placement"),
            ("placement_cpus", "benchmark thread on CPU"), ("placement_note", "placement note"),
            ("library_build_type", "Google Benchmark build"),
            ("profile", "profile"), ("tvp_version", "tvp version"), ("date", "run started"),
            ("run_seconds", "run took (s)"), ("scenario_seconds", "per scenario (s)")]
    out = ["## Machine and run", "", "| | |", "|---|---|"]
    for k, label in keys:
        v = ctx.get(k)
        if v not in (None, ""):
            out.append(f"| {label} | {v} |")
    if ctx.get("library_build_type") == "debug":
        out += ["", "Debian builds Google Benchmark as `debug`: its own loop costs a little "
                "more per iteration, which is noise beside creation costs in microseconds."]
    return out + [""]


def problems_section(benches):
    bad = [b for b in benches.values() if b.error]
    if not bad:
        return []
    out = ["## Skipped here", "", "| benchmark | reason |", "|---|---|"]
    out += [f"| {b.key} | {b.error} |" for b in bad]
    return out + [""]


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
    lines += creation_section(ctx, benches, folder)
    lines += problems_section(benches)
    lines += environment_section(ctx)
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
