#!/usr/bin/python3
"""mutants.py - breaks the suite on purpose, one break at a time, and says which breaks
the tests catch.

    tests/mutants.py [--list] [--keep] [--fast] [ID ...]

Each break (a "mutant") is one or a few exact text replacements in one file. For each, the working
tree (with build/, so only what the break touches is rebuilt) is copied to a scratch
folder, the break is applied there, and `make test` runs in the copy; the break is
caught when make test fails. The repository itself is never changed. A break whose text
is no longer in its file is reported as stale: the list must follow the code.

Each break's whole `make test` output is kept in /tmp/tvp-mutants/ID.log.
Not part of `make test` (each break costs a build and a whole test run, 6 minutes and
more on 2 cores); run it with `make mutants`, or name the breaks to run.

--fast runs, instead of `make test`, only the tests a break names as the ones that must
catch it (its "tests": "test_pool" is the cmocka program build/test_pool,
"test_state.py:Flags" a unittest class or "test_state.py:Flags.test_x" one test of
tests/test_state.py), after `make all extra-kind` for a break of C: seconds or a minute a break,
not six. A break that names none is run whole. `make mutants` keeps the full run: it
also finds a break caught elsewhere than where its list says, which --fast cannot.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(tempfile.gettempdir(), "tvp-mutants")  # each break's make test output
# --fast: a named test still running after this long is a hang, and the break caught.
TEST_LIMIT = float(os.environ.get("TVP_TEST_TIMEOUT") or 300) * 2
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mutant_list import MUTANTS  # noqa: E402


def copy_tree(dest):
    """The working tree as it is (tracked and untracked files, build/ too), without
    results/ other than the reference runs (the reference and its twin, which the tests
    read) and without .git."""
    def ignore(folder, names):
        rel = os.path.relpath(folder, ROOT)
        skip = {".git"} if rel == "." else set()
        if rel == "results":
            skip |= {n for n in names if n not in ("reference", "reference-twin")}
        if rel == "build":
            # Other builds (coverage, sanitizers, clang) and screenshots: make test
            # uses build/ and build/extra-kind only.
            skip |= {n for n in names if n in ("coverage", "san", "clang", "handout-screens")}
        return skip & set(names) | {n for n in names if n == "__pycache__"}
    shutil.copytree(ROOT, dest, symlinks=True, ignore=ignore)


def apply(tree, m):
    """Makes each of the break's replacements; False when a text to replace is not in
    its file exactly once (the break is stale)."""
    path = os.path.join(tree, m["file"])
    with open(path) as f:
        text = f.read()
    for old, new in m["edits"]:
        if text.count(old) != 1:
            return False
        text = text.replace(old, new)
    with open(path, "w") as f:
        f.write(text)
    return True


def sysv_queues():
    with open("/proc/sysvipc/msg") as f:
        return {int(line.split()[1]) for line in f.readlines()[1:]}


def remove_queues(ids):
    """A break of the cleanup leaves System V queues behind by design: remove what its
    test run left, so the machine is as it was."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    for qid in ids:
        libc.msgctl(qid, 0, None)  # IPC_RMID


def test_commands(m, build="build"):
    """The commands of a break's named tests, run in the scratch tree."""
    cmds = []
    for t in m.get("tests", ()):
        if t.endswith(".py") or ".py:" in t:
            script, _, which = t.partition(":")
            cmds.append(["/usr/bin/python3", f"tests/{script}", "-v"] + ([which] if which else []))
        else:
            cmds.append([f"{build}/{t}"])
    return cmds


def unknown_tests(m):
    """The tests a break names that do not exist: unittest fails on a class it cannot
    find, which --fast would take for the break caught."""
    import re
    bad = []
    for t in m.get("tests", ()):
        script, _, which = t.partition(":")
        if not (t.endswith(".py") or ".py:" in t):
            if not os.path.exists(os.path.join(ROOT, "tests", f"{t}.c")):
                bad.append(t)
            continue
        try:
            with open(os.path.join(ROOT, "tests", script)) as f:
                src = f.read()
        except OSError:
            bad.append(t)
            continue
        cls, _, meth = which.partition(".")
        if cls and not re.search(rf"^class {cls}\b", src, re.M) or \
                meth and not re.search(rf"def {meth}\b", src):
            bad.append(t)
    return bad


def run_fast(tree, m):
    """make all, then each named test; (returncode, output): non-zero when one failed
    (or the break does not build)."""
    env = dict(os.environ, BUILD="build", CMOCKA_MESSAGE_OUTPUT="TAP")
    out = []
    # A break of a script changes nothing make builds: the copied build is the suite's.
    if m["file"].endswith((".c", ".cc", ".h")) or os.path.basename(m["file"]) == "Makefile":
        # extra-kind too: the build with one more worker kind is part of make test.
        r = subprocess.run(["make", "-s", "all", "extra-kind"], cwd=tree, capture_output=True,
                           text=True, env=env)
        out.append(r.stdout + r.stderr)
        if r.returncode != 0:
            return r.returncode, "".join(out) + "\nFAIL: the break does not build\n"
    rc = 0
    for cmd in test_commands(m):
        # A break can make a test wait forever (a server that never says its port): past
        # the limit it is caught, as tests/run's own limit would catch it, and the
        # group of processes the test started goes with it.
        p = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=env, start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            text, _ = p.communicate(timeout=TEST_LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            text, _ = p.communicate()
            text += f"\nFAIL: {' '.join(cmd)} still running after {TEST_LIMIT} s\n"
            p.returncode = p.returncode or 1
        out.append(f"$ {' '.join(cmd)}\n{text}")
        rc = rc or p.returncode
        if rc:
            break  # caught: the tests named after it would only say so again
    return rc, "".join(out)


def run_one(m, keep, fast=False):
    scratch = tempfile.mkdtemp(prefix=f"tvp-mutant-{m['id']}-")
    tree = os.path.join(scratch, "tvp")
    queues = sysv_queues()
    try:
        copy_tree(tree)
        if not apply(tree, m):
            return "stale", 0.0, ""
        t0 = time.monotonic()
        # SIGINT at its default for the tests, even when this runs as a background job
        # (which starts with SIGINT ignored): the Ctrl-C tests need it.
        if fast and m.get("tests"):
            rc, output = run_fast(tree, m)
        else:
            r = subprocess.run(["make", "-s", "test"], cwd=tree, capture_output=True,
                               text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            rc, output = r.returncode, r.stdout + r.stderr
        took = time.monotonic() - t0
        os.makedirs(LOGS, exist_ok=True)
        with open(os.path.join(LOGS, f"{m['id']}.log"), "w") as f:
            f.write(output)
        tail = [line for line in output.splitlines()
                if line.startswith(("not ok", "FAIL:", "ERROR:"))]
        return ("caught" if rc != 0 else "MISSED"), took, "; ".join(tail[:3])
    finally:
        remove_queues(sysv_queues() - queues)
        if keep:
            print(f"  kept in {tree}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].split(" - ", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ids", nargs="*", help="the breaks to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the breaks and exit")
    ap.add_argument("--keep", action="store_true", help="keep each scratch copy")
    ap.add_argument("--fast", action="store_true",
                    help="run only the tests each break names (its 'tests'), after make all")
    args = ap.parse_args(argv)
    known = {m["id"]: m for m in MUTANTS}
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        print(f"mutants: unknown break {', '.join(unknown)} (see --list)", file=sys.stderr)
        return 2
    chosen = [known[i] for i in args.ids] if args.ids else MUTANTS
    if args.list:
        for m in chosen:
            print(f"{m['id']:24} {m['file']:28} {m['what']}"
                  + (f" [{', '.join(m['tests'])}]" if m.get("tests") else ""))
        return 0
    if not os.path.exists(os.path.join(ROOT, "build", "tvp-bench")):
        print("mutants: build the suite first (make)", file=sys.stderr)
        return 2
    named_wrong = {m["id"]: unknown_tests(m) for m in chosen if unknown_tests(m)}
    if named_wrong:
        for i, bad in named_wrong.items():
            print(f"mutants: {i} names tests that do not exist: {', '.join(bad)}",
                  file=sys.stderr)
        return 2
    results = []
    for n, m in enumerate(chosen, 1):
        print(f"[{n}/{len(chosen)}] {m['id']}: {m['what']}", flush=True)
        outcome, took, why = run_one(m, args.keep, args.fast)
        print(f"  {outcome}" + (f" in {took:.0f} s" if took else "") + (f": {why}" if why else ""),
              flush=True)
        results.append((m, outcome))
    print("\n| break | file | what | outcome |\n|---|---|---|---|")
    for m, outcome in results:
        print(f"| {m['id']} | {m['file']} | {m['what']} | {outcome} |")
    caught = sum(o == "caught" for _, o in results)
    print(f"\n{caught} of {len(results)} breaks caught")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
