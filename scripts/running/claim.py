#!/usr/bin/python3
"""claim.py CLAIM [--lang zh] - one claim of the notes, live in class, in under a minute.

    claim.py C3 [--lang zh] [--out DIR] [--bench PATH] [--repetitions N] [--min-time S]
                [--list]

Runs only the benchmarks that the claim's verdict needs, into a new results folder, and
writes that claim's handout page (HANDOUT.md, HANDOUT.zh.md with --lang zh, and their
HTML) with its verdict and figure from the fresh numbers, beside a report of what ran.

What to run is read from the rules at run time, never from a list kept here: the keys
(results.Key) of the rules the claim is judged on (claims.judged_rules: C's, or for C6
the notes' Python), counted and context, and the claim's key pair. Each C key is looked
up among the names `tvp-bench --benchmark_list_tests` registers in the quick profile,
and the exact names become one --benchmark_filter; a key of the python scenario
becomes a pattern for bench/py_bench.py's --filter with its args in any order.

Sizes: the names are the quick profile's; the time per benchmark is cut to 5
repetitions (the fewest an exact test can decide at p < 0.05 with, see claims.py) of
at least 0.01 s each. The sentinel's probes (run.py's, about 20 s on 2 cores) are not
taken: the report of such a run says so.

--list prints the benchmarks the claim needs and runs nothing; --check only checks
the claim and the language. Exit status 2 on bad
input (an unknown claim, a language without a catalogue, tvp-bench not built), and
when none of the claim's benchmarks is registered."""
import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from verdicts import claims  # noqa: E402
from running import machine_state  # noqa: E402
from contract import results  # noqa: E402
from running import run as suite_run  # noqa: E402  (scripts/run.py: folders, topology, merging)
from runs import samples  # noqa: E402
from report import i18n  # noqa: E402

REPETITIONS = 5
MIN_TIME = 0.01


def fail(msg, code=2):
    print(f"tvp: {msg}", file=sys.stderr)
    sys.exit(code)


def needed_keys(claim):
    """The keys of every rule the claim is judged on and of its key pair, in order, with
    the machine's PUs in place of results.PUS."""
    keys = []
    for r in claims.rules_of(claim, claims.judged_rules(claim)):
        keys += [r.a, r.b]
    pair = claims.CLAIMS[claim].get("key")
    if pair:
        keys += [pair.thread, pair.process]
    pus = len(os.sched_getaffinity(0))  # the PUs this process may use, as tvp-bench counts
    out = []
    for k in keys:
        if k is not None and k.resolve(pus) not in out:
            out.append(k.resolve(pus))
    return out


def registered(bench, profile="quick"):
    """{Key: full name} of every benchmark tvp-bench registers in the profile."""
    r = subprocess.run([bench, f"--profile={profile}", "--benchmark_list_tests"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{bench} --benchmark_list_tests failed: {r.stderr.strip()[-300:]}")
    names = {}
    for line in r.stdout.splitlines():
        k = results.parse_name(line.strip())
        if k is not None:
            names.setdefault(k, line.strip())
    return names


def c_filter(names):
    """A Google Benchmark filter (POSIX extended regex) matching exactly these names."""
    return "^(" + "|".join(re.escape(n).replace("\\/", "/").replace("\\:", ":")
                           for n in names) + ")$"


def python_filter(keys):
    """A Python regex for py_bench's names of these keys, whatever the order of args."""
    alts = []
    for k in keys:
        head = re.escape(f"{k.scenario}/{k.variant}/{k.mode}/measure:{k.measure}")
        args = [re.escape(f"{a}:{v}") for a, v in k.args.items()]
        for perm in itertools.permutations(args):
            alts.append(head + "".join("/" + a for a in perm))
    return "^(" + "|".join(alts) + ")(/|$)"


def plan(claim, bench):
    """(C names by scenario in run order, python keys, keys registered nowhere)."""
    keys = needed_keys(claim)
    names = registered(bench)
    order = [line.split("\t")[0] for line in subprocess.run(
        [bench, "--list"], capture_output=True, text=True).stdout.splitlines() if line]
    by_scenario, py_keys, unknown = {}, [], []
    for k in keys:
        if k.scenario == "python":
            py_keys.append(k)
        elif k in names:
            by_scenario.setdefault(k.scenario, []).append(names[k])
        else:
            unknown.append(k)
    ordered = {s: by_scenario[s] for s in order if s in by_scenario}
    return ordered, py_keys, unknown


def run_claim(claim, args):
    """Runs the claim's benchmarks into a new folder; returns the folder."""
    by_scenario, py_keys, unknown = plan(claim, args.bench)
    for k in unknown:
        print(f"tvp: {claim} asks for {k}, which tvp-bench does not register in the quick "
              "profile: its predictions will say missing data", file=sys.stderr)
    if not by_scenario and not py_keys:
        fail(f"none of the benchmarks {claim} needs is registered by {args.bench}")
    folder = suite_run.new_run_folder(args.out)
    print(f"tvp: {claim}: {sum(map(len, by_scenario.values())) + len(py_keys)} benchmarks "
          f"into {folder}", flush=True)
    suite_run.save_topology(folder)
    t_start = time.monotonic()
    common = [f"--repetitions={args.repetitions}", f"--min-time={args.min_time}"]
    parts, seconds = [], {}
    jobs = [(s, [args.bench, "--profile=quick", "--pin=none", *common, f"--scenario={s}",
                 f"--benchmark_filter={c_filter(names)}"]) for s, names in by_scenario.items()]
    if py_keys:
        jobs.append(("python", [sys.executable, suite_run.PY_BENCH, "--profile=quick",
                                f"--filter={python_filter(py_keys)}", *common]))
    try:
        for name, cmd in jobs:
            part = os.path.join(folder, f".part-{name}.json")
            cmd = cmd + ([f"--out={part}"] if name == "python" else
                         [f"--benchmark_out={part}", "--benchmark_out_format=json"])
            t0 = time.monotonic()
            rc = suite_run.run_scenario(cmd)
            seconds[name] = time.monotonic() - t0
            suite_run.ended(name, seconds[name], rc)
            if os.path.exists(part) and os.path.getsize(part) > 0:
                parts.append(part)
    except KeyboardInterrupt:
        suite_run.discard_parts(folder)
        fail(f"interrupted; the unfinished run is in {folder}", 130)
    merged = suite_run.merge(parts, seconds)
    suite_run.discard_parts(folder)
    if merged is None:
        fail(f"no benchmark of {claim} ran; see the messages above", 1)
    ctx = merged["context"]
    ctx["run_seconds"] = f"{time.monotonic() - t_start:.1f}"
    ctx.update(machine_state.environment())
    ctx["claim"] = claim
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(merged, f, indent=2)
    samples.write_samples(folder)
    return folder


def write_page(claim, folder, lang):
    """The report of what ran (figures included) and the claim's handout page, in
    English and, when asked, LANG."""
    from report import handout
    from report import document
    run = results.load(folder)
    for language in dict.fromkeys(["en", lang]):
        with i18n.language(language):
            lines = document.build(run, folder)
            with open(os.path.join(folder, f"REPORT{i18n.suffix()}.md"), "w") as f:
                f.write("\n".join(lines))
            path = handout.write_handout(folder, run, [claim])
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("claim", help="C1 ... C8")
    ap.add_argument("--lang", default="en", help="en (default) or zh")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"),
                    help="where the run folder is made (default results/)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "tvp-bench"))
    ap.add_argument("--repetitions", type=int, default=REPETITIONS)
    ap.add_argument("--min-time", type=float, default=MIN_TIME)
    ap.add_argument("--list", action="store_true", help="print what would run, run nothing")
    ap.add_argument("--check", action="store_true",
                    help="only check the claim and the language (make claim does first)")
    args = ap.parse_args(argv)
    claim = args.claim.strip().upper()
    if claim not in claims.CLAIMS:
        fail(f"unknown claim {args.claim!r}: the claims are {', '.join(claims.CLAIMS)} "
             "(make claim C=C3)")
    if args.lang not in i18n.languages():
        fail(f"no catalogue for language {args.lang!r}: the languages are "
             f"{', '.join(sorted(i18n.languages()))}")
    if args.check:
        return 0
    if not os.access(args.bench, os.X_OK):
        fail(f"{args.bench} is not built: run 'make' first")
    if args.list:
        by_scenario, py_keys, unknown = plan(claim, args.bench)
        for names in by_scenario.values():
            print("\n".join(names))
        for k in py_keys:
            print(k)
        for k in unknown:
            print(f"{k}\t(not registered)")
        return 0
    t0 = time.monotonic()
    folder = run_claim(claim, args)
    page = write_page(claim, folder, args.lang)
    print(f"tvp: {claim} in {time.monotonic() - t0:.0f} s: {page}"
          f"{' (and HANDOUT.md)' if args.lang != 'en' else ''}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        fail("interrupted", 130)
