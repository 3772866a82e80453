#!/usr/bin/python3
"""compare.py - compares two results folders benchmark by benchmark.

    compare.py [--out DIR] BASELINE CONTENDER

For every benchmark both runs have, the ratio of medians (contender / baseline, so
below 1 is faster) and the Mann-Whitney U test of their repetitions, computed by
Google Benchmark's own compare.py module (gbench.report, from libbenchmark-tools).
Writes COMPARE.md, data/compare.dat and figures/compare.png and .svg into a new folder
results/compare-<baseline>-vs-<contender>/ (or under --out)."""
import argparse
import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import results  # noqa: E402
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


def load(folder):
    """(context, JSON) of a folder, checked as the report checks it: a folder of another
    schema is refused with the version to read it with."""
    try:
        doc = results.read_json(folder)
    except results.ResultsError as e:
        fail(str(e))
    return doc["context"], doc


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


def new_folder(out, a, b):
    base = os.path.join(out, f"compare-{os.path.basename(a.rstrip('/'))}-vs-"
                             f"{os.path.basename(b.rstrip('/'))}")
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[2].strip())
    ap.add_argument("baseline")
    ap.add_argument("contender")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"))
    args = ap.parse_args(argv)
    ctx_a, json_a = load(args.baseline)
    ctx_b, json_b = load(args.contender)
    rows = differences(json_a, json_b)
    if not rows:
        fail("the two runs have no benchmark in common")
    folder = new_folder(args.out, args.baseline, args.contender)

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
             f"- **baseline**: `{args.baseline}` — {describe(ctx_a)}",
             f"- **contender**: `{args.contender}` — {describe(ctx_b)}", "",
             f"{len(rows)} benchmarks in both runs; {len(sig)} differ significantly "
             f"(Mann-Whitney U, p < {ALPHA}, from Google Benchmark's compare.py). Ratio: "
             "contender median / baseline median of the real (or manual) time; below 1 the "
             "contender is faster.", "",
             f"*Figure skipped: {err}*" if err else
             "![ratios](figures/compare.png)", "",
             f"The figure shows the {len(shown)} largest changes; filled bars are significant.",
             "", "| benchmark | ratio | p | repetitions |", "|---|---|---|---|"]
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
