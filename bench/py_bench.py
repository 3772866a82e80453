#!/usr/bin/python3
"""py_bench.py - the notes' own Python, measured: multiprocessing beside threading.

    py_bench.py [--profile quick|full] [--filter REGEX] [--repetitions N]
                [--min-time SECONDS] [--tag TAG] --out FILE
    py_bench.py --describe [--profile quick|full] [--tag TAG]
                (the description and every name it can register, as JSON; runs nothing)
    py_bench.py --crash-case VARIANT FAILURE     (one C7 case, run in a sandbox)

Standard library only. Writes Google Benchmark-shaped JSON (one row per repetition,
real_time in µs), so the report, statistics and comparison read it as they read the C
suite's. The names have the C suite's shape (name schema 2, built and checked by
scripts/contract/contract.py as bench_register does in C), with the scenario python and a Python
construct (PYTHON_KINDS) as the variant; FAMILIES says what each measure is.
With --tag (another interpreter beside the first, scripts/run.py --python), every name
ends in /interp:TAG, so the rows of several interpreters live in one run.

What every window holds and leaves out:
  create        a worker started and joined, n times in a row (calibrated count)
  gil           N workers (threads, processes, pool tasks) each doing the same fixed count
                of pure-Python work (cpu: a loop of `s += i & 7`; io: 2 ms sleeps): from
                the release of a start gate (or the first submit) to the last worker's end
                stamp (CLOCK_MONOTONIC, read by the worker): start and join are outside.
                N = 1, 2, 4 ... the PUs and twice the PUs (the quick profile takes spawn
                and forkserver up to the PUs: their starts would dominate it)
  queue, queue3, payload, pingpong   the producer or peer is started, waits at a gate,
                and the window runs from opening the gate to the last item received:
                start and join are outside
  memory        N idle workers alive: smaps_rollup of the children (processes), growth of
                the process's own (threads), per worker, as the footprint scenario does
  nums, crash, reuse, exception, notes_loop   experiments: what happened is in counters
                and a label; the time is the whole experiment's
The context carries name_schema "2", the interpreter (version, GIL, default start method,
its own memory) and tvp_describe: this scenario's description in the C suite's shape (its
families as run, and python_kinds), for scripts/run.py to merge.

This file is the entry point: the command line, the order of the families, the context.
Beside it, one job a file: py_contract.py (the constructs, the families, the name builder,
outcome clauses), py_harness.py (Suite: filter, rows, repetitions, the record --describe
prints; the shared clock and gated window), and the families: py_create.py, py_memory.py,
py_nums.py, py_gil.py, py_queues.py (queue, queue3, notes_loop), py_payload.py,
py_pingpong.py, py_pools.py (pool, reuse), py_pool_notes.py (the notes' Pool(3) and its
greedy schedule), py_exceptions.py, py_crash.py (the sandbox is this file's --crash-case)
and py_http.py (C8's servers).
"""
import argparse
import json
import multiprocessing as mp
import os
import platform
import sys
import sysconfig
import time

import py_contract
# The contract's tables and name builder under this module's name too: py_http.py adds
# its constructs and family to them, and builds its names, through the module it is given.
from py_contract import FAMILIES, MODE, PROFILES, PYTHON_KINDS, contract, name  # noqa: F401
from py_create import create
from py_crash import crash_case, crashes
from py_exceptions import exceptions
from py_gil import gil
from py_harness import Suite, rollup
from py_memory import memory
from py_nums import nums_family
from py_payload import payload
from py_pingpong import pingpong
from py_pool_notes import notes_pool
from py_pools import pools, reuse
from py_queues import notes_loop, queues

__import__("py_http").register(sys.modules[__name__])  # C8's servers' kinds and families


def interpreter():
    """What the context says of the interpreter: version, whether the GIL is on now
    and whether the build can run without it, the default start method, its memory."""
    gil_disabled_build = sysconfig.get_config_var("Py_GIL_DISABLED") or 0
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    gil_on = is_enabled() if is_enabled else True
    rss, pss, private = rollup() if os.path.exists("/proc/self/smaps_rollup") else (0, 0, 0)
    return {"python": platform.python_version(),
            "python_implementation": platform.python_implementation(),
            "executable": sys.executable,
            "python_gil_enabled": str(int(bool(gil_on))),
            "python_gil_disabled_build": str(int(gil_disabled_build)),
            "python_default_start_method": mp.get_context().get_start_method(),
            "python_rss_kib": str(rss), "python_private_kib": str(private),
            "python_tag": default_tag()}


def default_tag():
    """A name for this interpreter that fits a name's value ([a-z0-9_]): py3112,
    py3135t (free-threaded build)."""
    v = sys.version_info
    ft = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    return f"py{v.major}{v.minor}{v.micro}{ft}"


def run_families(suite, profile):
    """Every family in the order of a run; with suite.dry, each only asks for its names."""
    full = profile == "full"
    # The fair bases' fork first, while this process has one thread.
    create(suite)
    # 4 workers in every profile: Python's C1 rules (scripts/verdicts/py_rules.py) read that row.
    for workers in (4, 16) if full else (4,):
        memory(suite, workers)
    nums_family(suite)
    gil(suite)
    queues(suite, [8, 64, 4096, 65536] if full else [8, 64, 65536])
    notes_loop(suite)
    payload(suite, [64, 4096, 65536, 1 << 20] if full else [64, 65536])
    pingpong(suite)
    pools(suite, [0, 10, 100, 1000] if full else [0, 1000])
    notes_pool(suite)
    exceptions(suite)
    reuse(suite)
    crashes(suite)
    __import__("py_http").run(suite, sys.modules[__name__])  # C8's servers: bench/py_http.py


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="quick", choices=sorted(PROFILES))
    ap.add_argument("--filter", default="")
    ap.add_argument("--repetitions", type=int, help="override the profile's repetitions")
    ap.add_argument("--min-time", type=float, help="override the seconds per repetition")
    ap.add_argument("--tag", help="another interpreter's rows: every name ends in "
                                  "/interp:TAG ([a-z0-9_]+)")
    ap.add_argument("--crash-case", nargs=2, metavar=("VARIANT", "FAILURE"),
                    help="run one C7 case and print what the caller saw (a sandbox)")
    ap.add_argument("--describe", action="store_true",
                    help="print this scenario's description and every name it can "
                         "register (JSON, as tvp-bench --describe), and run nothing")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.crash_case:
        crash_case(*args.crash_case)
        return 0
    if not args.out and not args.describe:
        ap.error("--out is required")
    if args.tag:
        if not contract.IDENT.fullmatch(args.tag):
            ap.error(f"--tag {args.tag!r}: only a-z, 0-9 and _ fit in a name")
        py_contract.INTERP_TAG = args.tag
    try:
        if args.describe:
            suite = Suite(args.profile, None)
            suite.dry = True
            run_families(suite, args.profile)
            print(json.dumps(dict(suite.describe(), names=suite.names), indent=1))
            return 0
        interp = interpreter()  # before any worker: the interpreter's own memory
        suite = Suite(args.profile, args.filter)
        if args.repetitions:
            suite.reps = args.repetitions
        if args.min_time:
            suite.budget = args.min_time
            suite.work_s = min(suite.work_s, args.min_time)
        run_families(suite, args.profile)
    except contract.ContractError as e:
        print(f"py_bench.py: {e}", file=sys.stderr)
        return 1
    pus = len(os.sched_getaffinity(0))
    doc = {"context": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "host_name": platform.node(), "profile": args.profile,
                       "placement": "none", "tvp_version": "python", "pus": str(pus),
                       "start_methods": ",".join(mp.get_all_start_methods()),
                       "python_interp_tag": py_contract.INTERP_TAG or "",
                       "name_schema": str(py_contract.NAME_SCHEMA),
                       "tvp_describe": json.dumps(suite.describe()), **interp},
           "benchmarks": suite.rows}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
