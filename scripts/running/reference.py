#!/usr/bin/python3
"""reference.py - the committed reference run: taking it, its generated expectations,
and whether it is still current.

    reference.py take       the twin, then the reference: two whole quick runs one after
                            the other (results/reference-twin, results/reference), the
                            Chinese edition and handout with the second; then `outcomes`
    reference.py outcomes   tests/reference_outcomes.json: every prediction's outcome and
                            every claim's verdict on both runs, keyed by the prediction's
                            text, as the current rules give them
    reference.py check      exit 1 when the benchmarks this version registers in the
                            quick profile (C's and Python's) are not the ones the
                            reference ran

The tests read the committed runs three ways: the generated outcomes (a rule or a
statistic that changes an outcome without a new `outcomes` fails), the hand-written
check in tests/test_verdicts.py (Verdicts, keyed by the prediction's text, written again
by a person from the JSON after each `take`), and `check` (a reference written by a
version whose benchmark names differ fails).
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from verdicts import claims  # noqa: E402
from contract import contract  # noqa: E402
from verdicts import py_rules  # noqa: E402
from contract import results  # noqa: E402

RUNS = ("reference", "reference-twin")
OUTCOMES = os.path.join(ROOT, "tests", "reference_outcomes.json")
# Larger than any estimate of the quick profile: a reference runs the profile whole.
WHOLE = "7200"
# What the twin keeps: the data the tests read, not a second report.
TWIN_KEEPS = ("benchmarks.json", "topology.txt", "topology.xml", "topology.svg")


def fail(msg, code=2):
    print(f"reference: {msg}", file=sys.stderr)
    sys.exit(code)


def version():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def one_run(bench, lang):
    """A whole quick run into a folder of its own; returns that folder."""
    out = tempfile.mkdtemp(prefix="tvp-reference-", dir=os.path.join(ROOT, "results"))
    env = dict(os.environ, TVP_LANG=lang)
    cmd = [sys.executable, os.path.join(HERE, "run.py"), "--profile", "quick",
           "--budget", WHOLE, "--bench", bench, "--out", out]
    rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    made = [os.path.join(out, d) for d in os.listdir(out)]
    if rc != 0 or len(made) != 1:
        shutil.rmtree(out, ignore_errors=True)
        fail(f"the run failed (exit status {rc}); the committed reference is unchanged", 1)
    return out, made[0]


def take(args):
    """Twin first, then the reference, so that the committed report is the later one; a
    run that fails leaves both committed runs as they were."""
    taken = {}
    try:
        for name, lang in (("reference-twin", "en"), ("reference", args.lang)):
            print(f"\nreference: taking results/{name} ({version()})", flush=True)
            taken[name] = one_run(args.bench, lang)
        for name, (tmp, folder) in taken.items():
            if name == "reference-twin":
                for f in os.listdir(folder):
                    if f not in TWIN_KEEPS:
                        p = os.path.join(folder, f)
                        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
            with open(os.path.join(folder, "VERSION"), "w") as f:
                f.write(f"{version()}\n"
                        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}\n")
            dest = os.path.join(ROOT, "results", name)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.move(folder, dest)
    finally:
        for tmp, _ in taken.values():
            shutil.rmtree(tmp, ignore_errors=True)
    write_outcomes()
    print("\nreference: taken. Now write the hand check again from the new JSON "
          "(tests/test_verdicts.py: Verdicts.EXPECTED, VerdictsTwice) and commit both runs.")


def outcomes_of(run):
    """{claim: {"C"|"PY": {"verdict": ..., "predictions": {text: [holds, number]}}}}."""
    doc = {}
    for claim in claims.CLAIMS:
        doc[claim] = {}
        for table, rules in (("C", claims.RULES), ("PY", py_rules.PY_RULES)):
            verdict, outs = claims.judge(claim, run, rules)[:2]
            doc[claim][table] = {
                "verdict": verdict,
                "predictions": {o.rule.prediction: [o.holds, number(o)] for o in outs}}
    return doc


def number(o):
    """The outcome's ratio of medians (or its value against a threshold), to four
    significant digits: what the hand check compares too."""
    got = o.ratio if o.ratio is not None else o.value
    return None if got is None else float(f"{got:.4g}")


def write_outcomes():
    doc = {"written_by": version(),
           "runs": {name: outcomes_of(results.load(os.path.join(ROOT, "results", name)))
                    for name in RUNS}}
    with open(OUTCOMES, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(f"reference: wrote {os.path.relpath(OUTCOMES, ROOT)}")


def registered(bench):
    """The benchmarks this version registers in the quick profile, as keys: C's
    (tvp-bench --benchmark_list_tests) and Python's (py_bench.py --describe)."""
    try:
        names = contract.c_names(bench, "quick") + contract.py_names("quick")
    except contract.ContractError as e:
        fail(str(e), 1)
    return {contract.parse_name(n) for n in names}


def ran(folder):
    """The benchmarks a committed run has rows for (errors and skips included), but a
    second interpreter's (/interp:TAG), which that run's --python named."""
    with open(os.path.join(folder, "benchmarks.json")) as f:
        doc = json.load(f)
    keys = {contract.parse_name(b.get("run_name", b["name"])) for b in doc["benchmarks"]}
    return {k for k in keys if k is not None and "interp" not in k.args}


def stale(bench, folder):
    """(names this version registers that the run lacks, names the run has that this
    version no longer registers)."""
    now, then = registered(bench), ran(folder)
    return sorted(map(str, now - then)), sorted(map(str, then - now))


def check(args):
    bad = False
    for name in RUNS:
        new, gone = stale(args.bench, os.path.join(ROOT, "results", name))
        for label, names in (("registered now but not in", new), ("in", gone)):
            for n in names[:20]:
                print(f"reference: {n}: {label} results/{name}"
                      + ("" if label.startswith("reg") else ", no longer registered"))
        bad = bad or bool(new or gone)
    if bad:
        fail("the committed reference was taken by a version with other benchmarks: "
             "make reference", 1)
    print("reference: the committed runs ran exactly the benchmarks of this version")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("take", "outcomes", "check"))
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "tvp-bench"))
    ap.add_argument("--lang", default="zh", help="the reference report's second language")
    args = ap.parse_args(argv)
    if args.what != "outcomes" and not os.access(args.bench, os.X_OK):
        fail(f"{args.bench}: not built (make)")
    {"take": take, "outcomes": lambda _: write_outcomes(), "check": check}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
