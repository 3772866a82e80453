#!/usr/bin/python3
"""gbench_debug.py - what Google Benchmark's DEBUG build costs tvp's timings, measured.

    gbench_debug.py [--rounds N] [--build DIR] NAME=LIBDIR NAME=LIBDIR...

Debian's libbenchmark is built without NDEBUG, so it prints "***WARNING*** Library was
built as DEBUG. Timings may be affected." The timing loop (State::KeepRunning) is
inline in the header, compiled into tvp-bench with tvp's own flags; what NDEBUG
changes is inside the library: its BM_CHECK assertions (src/check.h), run once per
repetition (State's constructor, StartKeepRunning, FinishKeepRunning, the runner),
never per iteration. Each LIBDIR holds a libbenchmark.so.1debian (an empty LIBDIR:
the system's); the programs run under each in turn, every round in a new order, so
a busy minute falls on every library (docs/measuring.md says how the NDEBUG library
was built from Debian's own source). Printed per measure: each library's median over
the rounds, its min-max, and its ratio to the first library's, pair by pair."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (what, program, arguments, the rows whose real time is read). Fixed-length runs of
# a hundred repetitions give the library's share per repetition; an empty loop its
# share per iteration; three tvp rows what a user sees.
CASES = [
    ("empty loop, ns per iteration", "gbench-probe",
     ["--benchmark_filter=^probe/range/thread/1$", "--benchmark_min_time=0.05",
      "--benchmark_repetitions=3"], "probe/range/thread/1"),
    ("fork round trip (minimal parent), µs", "tvp-bench",
     ["--scenario=create", "--repetitions=3", "--benchmark_filter=^create/fork/process/"
      "measure:round_trip/parent:minimal/layout:private/parent_mib:0/"],
     "create/fork/process/measure:round_trip/parent:minimal"),
    ("pipe latency between threads, µs", "tvp-bench",
     ["--scenario=ipc", "--repetitions=3",
      "--benchmark_filter=^ipc/pipe/thread/measure:latency/kind:pthread/pin:none/"],
     "ipc/pipe/thread/measure:latency"),
]
REPS = 100  # repetitions of a ten-iteration benchmark: the per-repetition share
PER_REP = ("a repetition of 10 iterations, wall µs", "gbench-probe",
           ["--benchmark_filter=^probe/manual/thread/us:3/iterations:10/manual_time$"])


def run(build, lib, prog, args):
    env = dict(os.environ)
    if lib:
        env["LD_LIBRARY_PATH"] = lib
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        t0 = time.monotonic()
        r = subprocess.run([os.path.join(build, prog), *args, f"--benchmark_out={out}",
                            "--benchmark_out_format=json"], capture_output=True, text=True,
                           env=env, timeout=600)
        wall = time.monotonic() - t0
        if r.returncode != 0:
            sys.exit(f"gbench_debug: {prog} under {lib or 'the system library'}: "
                     f"{r.stderr.strip()[-500:]}")
        with open(out) as f:
            doc = json.load(f)
    return wall, doc, r.stderr


def median_of(doc, prefix):
    vals = [row["real_time"] for row in doc["benchmarks"]
            if row.get("run_type") == "iteration" and row["name"].startswith(prefix)]
    return statistics.median(vals) if vals else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].strip())
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("libs", nargs="+", metavar="NAME=LIBDIR")
    a = ap.parse_args(argv)
    if a.rounds < 1:
        ap.error("--rounds wants 1 or more")
    libs = []
    for spec in a.libs:
        name, sep, folder = spec.partition("=")
        if not sep or (folder and not os.path.exists(os.path.join(folder,
                                                                  "libbenchmark.so.1debian"))):
            ap.error(f"{spec}: want NAME=LIBDIR, LIBDIR holding libbenchmark.so.1debian "
                     "(or empty for the system's)")
        libs.append((name, folder))
    for prog in {c[1] for c in CASES}:
        if not os.access(os.path.join(a.build, prog), os.X_OK):
            ap.error(f"{a.build}/{prog} is not built (make {a.build}/{prog})")
    got = {}  # (measure, lib) -> [per round]
    warned = {}
    for rnd in range(a.rounds):
        order = libs[rnd % len(libs):] + libs[:rnd % len(libs)]
        for name, lib in order:
            for what, prog, args, prefix in CASES:
                _w, doc, err = run(a.build, lib, prog, args)
                got.setdefault((what, name), []).append(median_of(doc, prefix))
                warned[name] = warned.get(name) or "Library was built as DEBUG" in err
            what, prog, args = PER_REP
            short, _d, _e = run(a.build, lib, prog, args + ["--benchmark_repetitions=1"])
            long, _d, _e = run(a.build, lib, prog, args + [f"--benchmark_repetitions={REPS}"])
            got.setdefault((what, name), []).append((long - short) / (REPS - 1) * 1e6)
        print(f"round {rnd + 1}/{a.rounds} done", file=sys.stderr, flush=True)
    first = libs[0][0]
    print(f"{a.rounds} rounds, libraries in turn (DEBUG warning printed: " +
          ", ".join(f"{n} {'yes' if w else 'no'}" for n, w in warned.items()) + ")")
    for what in [c[0] for c in CASES] + [PER_REP[0]]:
        print(what)
        base = got[(what, first)]
        for name, _l in libs:
            vals = got[(what, name)]
            ratios = [v / b for v, b in zip(vals, base) if v and b]
            print(f"  {name:10s} median {statistics.median(vals):10.4g}  "
                  f"range {min(vals):.4g}-{max(vals):.4g}  "
                  f"vs {first}: median {statistics.median(ratios):.3f}x "
                  f"(pairs {min(ratios):.3f}-{max(ratios):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
