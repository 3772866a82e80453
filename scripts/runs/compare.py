#!/usr/bin/python3
"""compare.py - compares results folders: two benchmark by benchmark, or many.

    compare.py [--out DIR] BASELINE CONTENDER [MORE ...]

Two runs: for every benchmark both have, the ratio of medians (contender / baseline, so
below 1 is faster) and the Mann-Whitney U test of their repetitions, computed by
Google Benchmark's own compare.py module (gbench.report, from libbenchmark-tools).
Writes COMPARE.md, data/compare.dat and figures/compare.png and .svg into a new folder
results/compare-<baseline>-vs-<contender>/ (or under --out).

Any number of runs (compare_runs.py): each claim's verdict per run with the claims that
flip between runs, each claim's key numbers per run with their intervals and a figure
of them (figures/compare_runs.png, .svg); with three runs or more, also the benchmarks
that change most against the first run (U test of stats.py) and every benchmark in every
run, – where a run lacks it, in a new folder results/compare-<first>-vs-<N>-others/.
Every folder is checked before anything is written: one that is not a tvp run
of this schema, or a run given twice, stops with a message and exit status 2."""
import argparse
import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from contract import results  # noqa: E402
from runs import runset  # noqa: E402
from report import kit  # noqa: E402  (the figure helper only, not the report)

GBENCH = "/usr/share/benchmark"   # where libbenchmark-tools puts compare.py's modules
ALPHA = 0.05
FIGURE_ROWS = 40


def fail(msg):
    print(f"tvp: {msg}", file=sys.stderr)
    sys.exit(2)


def gbench_report():
    sys.path.insert(0, GBENCH)
    try:
        from gbench import report as gbr
    except ImportError:
        fail(f"Google Benchmark's compare.py modules are not in {GBENCH}: make deps "
             "(libbenchmark-tools)")
    return gbr


def check(folders):
    """[compare_runs.Entry] of the folders, every one read and checked before anything
    is written: a folder of another schema is refused with the version to read it with,
    a run given twice as such. Also their JSON, for Google Benchmark's module."""
    if len(folders) < 2:
        fail("compare needs two results folders or more, "
             + (f"only {folders[0]} was given" if folders else "none was given")
             + ": compare.py BASELINE CONTENDER [MORE ...]")
    # Loaded here, not at the top: compare_runs reads the report's claims table, and
    # importing compare.py loads only the report's kit (tests/test_golden.py checks it).
    from runs import compare_runs
    try:
        checked = runset.check(folders)
        entries = [compare_runs.Entry(n, c.folder, results.load(c.folder))
                   for n, c in enumerate(checked, 1)]
    except results.ResultsError as e:
        fail(str(e))
    return entries, [c.doc for c in checked]


def differences(json_a, json_b):
    """[(name, mode, ratio, p, n_a, n_b)] for every benchmark in both runs."""
    gbr = gbench_report()
    rows = []
    for d in gbr.get_difference_report(json_a, json_b, utest=True):
        if d.get("run_type") == "aggregate":
            continue  # the repetitions themselves are compared, not their summaries
        key = results.SUFFIX.sub("", d["name"])
        fields = results.parse_name(key)
        if fields is None:
            continue
        ms = d["measurements"]
        a = statistics.median(m["real_time"] for m in ms)
        b = statistics.median(m["real_time_other"] for m in ms)
        if a <= 0 or b <= 0:
            continue  # a zero time (nothing written, 0% of pages) has no ratio
        u = d.get("utest") or {}
        rows.append((key, fields.mode, b / a, u.get("time_pvalue"),
                     u.get("nr_of_repetitions", len(ms)), u.get("nr_of_repetitions_other", len(ms))))
    return rows


def name_of(folder):
    return os.path.basename(os.path.normpath(os.path.abspath(folder)))


def new_folder(out, folders):
    """compare-A-vs-B for two runs, compare-A-vs-N-others for more; never one that
    exists."""
    others = name_of(folders[1]) if len(folders) == 2 else f"{len(folders) - 1}-others"
    base = os.path.join(out, f"compare-{name_of(folders[0])}-vs-{others}")
    try:
        path = results.unique_folder(base)
        for sub in ("data", "figures"):
            os.makedirs(os.path.join(path, sub))
        return path
    except OSError as e:
        fail(f"cannot create {base}: {e.strerror}")


def describe(ctx):
    return (f"{ctx.get('host_name', '?')}, {ctx.get('kernel', '?')}, profile "
            f"{ctx.get('profile')}, placement {ctx.get('placement')}, tvp {ctx.get('tvp_version')}")


def main(argv=None):
    ap = argparse.ArgumentParser(description="\n\n".join(__doc__.split("\n\n")[2:4]),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="*", metavar="RUN",
                    help="results folders: the baseline first, then one or more others")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"),
                    help="where the comparison's folder is made (default results/)")
    args = ap.parse_args(argv)
    entries, docs = check(args.runs)
    if len(entries) > 2:
        return compare_many(args.out, entries)
    return compare_two(args.out, entries, docs)


def compare_many(out, entries):
    from runs import compare_runs
    folder = new_folder(out, [e.folder for e in entries])
    lines = [f"# tvp comparison of {len(entries)} runs", "",
             f"Run #1 (`{entries[0].folder}`) is the one the others are set against.", ""]
    lines += compare_runs.sections(entries, folder)
    with open(os.path.join(folder, "COMPARE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(os.path.join(folder, "COMPARE.md"))
    return 0


def compare_two(out, entries, docs):
    from runs import compare_runs
    (a, b), (json_a, json_b) = entries, docs
    ctx_a, ctx_b = a.ctx, b.ctx
    rows = differences(json_a, json_b)
    if not rows:
        fail("the two runs have no benchmark in common")
    folder = new_folder(out, [a.folder, b.folder])

    rows.sort(key=lambda r: r[0])
    sig = [r for r in rows if r[3] is not None and r[3] < ALPHA]
    shown = sorted(rows, key=lambda r: -abs(math.log(r[2])))[:FIGURE_ROWS]
    shown.sort(key=lambda r: r[2])
    with open(os.path.join(folder, "data", "compare.dat"), "w") as f:
        f.write("# index name mode(0 thread, 1 process) ratio significant\n")
        for i, (key, mode, ratio, p, _, _) in enumerate(shown):
            f.write(f'{i} "{key}" {int(mode == "process")} {ratio:.5f} '
                    f"{int(p is not None and p < ALPHA)}\n")
    err = kit.gnuplot("compare.gp", os.path.join(folder, "data", "compare.dat"),
                         os.path.join(folder, "figures", "compare"))

    lines = ["# tvp comparison", "",
             f"- **baseline**: `{a.folder}` — {describe(ctx_a)}",
             f"- **contender**: `{b.folder}` — {describe(ctx_b)}", "",
             f"{len(rows)} benchmarks in both runs; {len(sig)} differ significantly "
             f"(Mann-Whitney U, p < {ALPHA}, from Google Benchmark's compare.py). Ratio: "
             "contender median / baseline median of the real (or manual) time; below 1 the "
             "contender is faster.", "",
             f"*Figure skipped: {err}*" if err else
             "![ratios](figures/compare.png)", "",
             f"The figure shows the {len(shown)} largest changes; filled bars are significant.",
             ""]
    lines += compare_runs.sections(entries, folder, changes=False)
    lines += ["## Every benchmark in both runs", "",
              "| benchmark | ratio | p | repetitions |", "|---|---|---|---|"]
    for key, mode, ratio, p, na, nb in rows:
        mark = " **✱**" if p is not None and p < ALPHA else ""
        ptext = "–" if p is None else f"{p:.3f}"
        lines.append(f"| {key} | {ratio:.3f}{mark} | {ptext} | {na} / {nb} |")
    with open(os.path.join(folder, "COMPARE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(os.path.join(folder, "COMPARE.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
