#!/usr/bin/python3
"""run.py - runs the suite into a new results folder, then writes its report.

    run.py [--profile quick|full] [--pin POLICY] [--filter REGEX] [--out DIR]
           [--bench PATH] [--min-time SECONDS] [--repetitions N] [--smoke]
           [--no-report] [--python EXE]...

Each scenario runs as its own tvp-bench process, so progress reads "[n/m] scenario",
one scenario that dies does not take the others with it, and each one's wall time is
recorded. Their Google Benchmark JSON files are merged into one benchmarks.json whose
form is Google Benchmark's own, so compare.py and other tools read it.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY_BENCH = os.path.join(ROOT, "bench", "py_bench.py")
sys.path.insert(0, HERE)
import machine_state  # noqa: E402
import report  # noqa: E402
import results  # noqa: E402
import samples  # noqa: E402


def fail(msg, code=2):
    print(f"tvp: {msg}", file=sys.stderr)
    sys.exit(code)


def new_run_folder(out):
    """results/<host>-<UTC time>/, never one that exists."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(out, f"{socket.gethostname()}-{stamp}")
    try:
        return results.unique_folder(base)
    except OSError as e:
        fail(f"cannot create results folder {base}: {e.strerror}")


def save_topology(folder):
    lstopo = shutil.which("lstopo-no-graphics") or shutil.which("lstopo")
    if not lstopo:
        print("tvp: lstopo not found (hwloc-nox); no topology files", file=sys.stderr)
        return
    for name, args in (("topology.txt", ["--of", "console"]),
                       ("topology.xml", ["--of", "xml"]),
                       ("topology.svg", ["--of", "svg"])):
        with open(os.path.join(folder, name), "w") as f:
            if subprocess.run([lstopo, *args, "-"], stdout=f,
                              stderr=subprocess.DEVNULL).returncode != 0:
                f.close()
                os.unlink(os.path.join(folder, name))


def perf_sched_pipe():
    """perf bench sched pipe, unpinned and on one CPU, when perf is here: the reference
    for the suite's pipe ping-pong between processes. {context key: µs per round trip}"""
    perf = shutil.which("perf")
    if not perf:
        return {}
    out = {}
    for key, prefix in (("perf_sched_pipe_us", []),
                        ("perf_sched_pipe_same_pu_us", ["taskset", "-c", "0"])):
        if prefix and not shutil.which("taskset"):
            continue
        r = subprocess.run(prefix + [perf, "bench", "sched", "pipe", "-l", "20000"],
                           capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if "usecs/op" in line:
                out[key] = line.split()[0]
    return out


def python_interpreters(exes):
    """The interpreters the Python layer runs under, from the repeated --python option:
    [(scenario, executable, tag)], the first the one the rules read (its names carry no
    tag; the run's own interpreter when none is given), every other one tagged by its
    version and build (py3135t: 3.13.5, free-threaded; made unique with _2, _3...),
    which py_bench.py appends to each of its names as /interp:TAG. An executable that is
    missing or does not run stops the run before its folder exists."""
    exes = exes or [sys.executable]
    out, tags = [], set()
    ask = ("import sys, sysconfig; v = sys.version_info; print('py%d%d%d%s' % (v.major, "
           "v.minor, v.micro, 't' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''))")
    for i, exe in enumerate(exes):
        path = shutil.which(exe) or exe
        try:
            r = subprocess.run([path, "-c", ask], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            fail(f"--python {exe}: cannot run it ({e})")
        if r.returncode != 0 or not r.stdout.strip():
            fail(f"--python {exe}: it did not say its version: {r.stderr.strip()[-300:]}")
        tag, n = r.stdout.strip(), 2
        while tag in tags:
            tag = f"{r.stdout.strip()}_{n}"
            n += 1
        tags.add(tag)
        out.append(("python" if i == 0 else f"python@{tag}", os.path.abspath(path),
                    None if i == 0 else tag))
    return out


def python_command(interp, args, part):
    """The py_bench.py command line for one interpreter of python_interpreters()."""
    _, exe, tag = interp
    cmd = [exe, PY_BENCH, f"--profile={args.profile}", f"--out={part}"]
    if tag:
        cmd.append(f"--tag={tag}")
    if args.filter:
        cmd.append(f"--filter={args.filter}")
    if args.min_time:
        cmd.append(f"--min-time={args.min_time}")
    if args.repetitions:
        cmd.append(f"--repetitions={args.repetitions}")
    return cmd


def merge_pythons(merged, python_ctxs):
    """The Python parts' contexts in the merged one: the first interpreter's version and
    start methods as before, and python_interpreters, a JSON list of every interpreter
    (tag, version, executable, GIL, default start method, its own memory; first the one
    the rules read). Another interpreter's rows are told apart by their interp arg."""
    if not python_ctxs:
        return
    first = python_ctxs[0]
    merged["context"]["python"] = first.get("python", "")
    merged["context"]["python_start_methods"] = first.get("start_methods", "")
    keys = ("python", "python_implementation", "executable", "python_gil_enabled",
            "python_gil_disabled_build", "python_default_start_method", "python_rss_kib",
            "python_private_kib", "python_tag", "python_interp_tag", "start_methods")
    merged["context"]["python_interpreters"] = json.dumps(
        [{k: c.get(k, "") for k in keys} for c in python_ctxs])


def run_scenario(cmd):
    """Runs one tvp-bench; on Ctrl-C stops it and reaps it before passing the
    interrupt on, so no benchmark process outlives the run."""
    proc = subprocess.Popen(cmd)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].strip(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="quick", help="quick (default) or full")
    ap.add_argument("--pin", default="none",
                    help="placement policy (tvp-bench --help lists them; default none)")
    ap.add_argument("--filter", default="", help="regex on benchmark names")
    ap.add_argument("--out", default=os.path.join(ROOT, "results"),
                    help="where run folders are made (default results/)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "tvp-bench"),
                    help="the tvp-bench program (default build/tvp-bench)")
    ap.add_argument("--min-time", help="override the profile's seconds per repetition")
    ap.add_argument("--repetitions", help="override the profile's repetitions")
    ap.add_argument("--smoke", action="store_true",
                    help="each benchmark at its first sizes only: a check that the whole "
                         "suite runs, not a measurement")
    ap.add_argument("--no-report", action="store_true", help="run and merge only")
    ap.add_argument("--python", action="append", default=[], metavar="EXE",
                    help="an interpreter to run the Python layer under (repeat it for "
                         "several; the first is the one the verdicts read; default: the "
                         "one running this script)")
    args = ap.parse_args(argv)

    if not os.access(args.bench, os.X_OK):
        fail(f"{args.bench} is not built: run 'make' first")
    suite = [args.bench, f"--profile={args.profile}", f"--pin={args.pin}"]
    if args.min_time:
        suite.append(f"--min-time={args.min_time}")
    if args.repetitions:
        suite.append(f"--repetitions={args.repetitions}")
    if args.smoke:
        suite.append("--smoke")
    # --list parses every option first: bad input stops here, before a folder exists.
    listed = subprocess.run(suite + ["--list"], capture_output=True, text=True)
    if listed.returncode != 0:
        sys.stderr.write(listed.stderr)
        sys.exit(2)
    scenarios = [line.split("\t", 1) for line in listed.stdout.splitlines() if line]
    # The notes' own Python, under each interpreter asked for (by default the one that
    # runs this script).
    pythons = {p[0]: p for p in python_interpreters(args.python)}
    for scen, exe, _ in pythons.values():
        scenarios.append([scen, f"the notes' multiprocessing code beside the C numbers "
                                f"(C1-C8), under {exe}"])

    folder = new_run_folder(args.out)
    print(f"tvp: results go to {folder}")
    save_topology(folder)
    parts, seconds, sentinel, shares = [], {}, {}, {}
    t_start = time.monotonic()
    try:
        busy = machine_state.others_now()
        if busy > machine_state.BUSY_WARNING:
            print(f"tvp: warning: other processes use {busy:.0%} of the CPUs now; the "
                  "numbers will be noisier (the report records it per scenario)",
                  file=sys.stderr)
        # The machine's state before the first scenario and after each one, and the CPU
        # time others and the hypervisor took meanwhile: the report's "State of the
        # machine".
        sentinel["start"] = machine_state.probe(args.bench)
        names = [name for name, _ in scenarios]
        eta = machine_state.estimate(names, sentinel["start"],
                                     machine_state.reference_context(ROOT), args.profile,
                                     args.repetitions, args.min_time)
        print(f"tvp: about {machine_state.minutes(sum(eta.values()))} to run "
              f"(from the reference run's times and this machine's page-fault cost)",
              flush=True)
        for n, (name, desc) in enumerate(scenarios, 1):
            done = [s for s in names[:n - 1]]
            # The estimate of what is left, corrected by how far off it was so far.
            pace = (sum(seconds[s] for s in done) / sum(eta[s] for s in done)) if done else 1
            left = pace * sum(eta[s] for s in names[n - 1:])
            print(f"\n[{n}/{len(scenarios)}] {name}: {desc} (about "
                  f"{machine_state.minutes(left)} left)", flush=True)
            part = os.path.join(folder, f".part-{name}.json")
            if name in pythons:
                cmd = python_command(pythons[name], args, part)
            else:
                cmd = suite + [f"--scenario={name}", f"--benchmark_out={part}",
                               "--benchmark_out_format=json"]
                if args.filter:
                    cmd.append(f"--benchmark_filter={args.filter}")
            t0, ticks = time.monotonic(), machine_state.cpu_ticks()
            rc = run_scenario(cmd)
            seconds[name] = time.monotonic() - t0
            shares[name] = machine_state.cpu_shares(ticks, machine_state.cpu_ticks())
            sentinel[name] = machine_state.probe(args.bench)
            print(f"[{n}/{len(scenarios)}] {name} took {seconds[name]:.1f} s", flush=True)
            if rc != 0:
                print(f"tvp: scenario {name} exited with status {rc}; going on",
                      file=sys.stderr)
            if os.path.exists(part) and os.path.getsize(part) > 0:
                parts.append(part)
    except KeyboardInterrupt:
        for p in parts:
            os.unlink(p)
        for p in os.listdir(folder):
            if p.startswith(".part-"):
                os.unlink(os.path.join(folder, p))
        fail(f"interrupted; the unfinished run is in {folder}", 130)

    merged = merge(parts, seconds)
    if merged is not None and any(n == "ipc" for n, _ in scenarios) and not args.filter:
        merged["context"].update(perf_sched_pipe())
    for p in parts:
        os.unlink(p)
    if merged is None:
        fail("no benchmark ran (does --filter match any name?)", 1)
    merged["context"]["run_seconds"] = f"{time.monotonic() - t_start:.1f}"
    merged["context"].update(machine_state.environment())
    merged["context"]["others_at_start"] = f"{busy:.3f}"
    merged["context"]["sentinel"] = json.dumps(sentinel)
    merged["context"]["cpu_shares"] = json.dumps(shares)
    merged["context"]["eta_seconds"] = f"{sum(eta.values()):.0f}"
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(merged, f, indent=2)
    samples.write_samples(folder)
    if not args.no_report:
        report.write_report(folder)
        print(f"\ntvp: report in {os.path.join(folder, 'REPORT.md')}")
    return 0


def merge(parts, seconds):
    """One Google Benchmark JSON document from the scenarios' ones: the first
    context (plus each scenario's wall time and order of repetitions), every benchmark
    row in run order."""
    merged, rows, python_ctx, orders, python_ctxs = None, [], {}, [], []
    for p in parts:
        with open(p) as f:
            try:
                doc = json.load(f)
            except json.JSONDecodeError as e:
                print(f"tvp: {p} is not valid JSON ({e}); left out", file=sys.stderr)
                continue
        order = doc.get("context", {}).get("repetition_order")
        if order:
            orders.append(f"{os.path.basename(p)[len('.part-'):-len('.json')]}={order}")
        if doc.get("context", {}).get("tvp_version") == "python":
            python_ctxs.append(doc["context"])
            if not doc["context"].get("python_interp_tag"):
                python_ctx = doc["context"]  # the first interpreter's: keep its version
        elif merged is None:
            merged = {"context": doc["context"], "benchmarks": []}
        rows.extend(doc.get("benchmarks", []))
    if merged is None and rows:
        merged = {"context": python_ctx, "benchmarks": []}
    if merged is not None:
        merged["benchmarks"] = rows
        if python_ctx:
            merge_pythons(merged, [python_ctx] + [c for c in python_ctxs
                                                  if c is not python_ctx])
            # One description of the whole run: the C suite's, with the Python part's
            # scenarios after its own and the Python constructs beside its worker kinds.
            if merged["context"] is not python_ctx and "tvp_describe" in python_ctx:
                desc = json.loads(merged["context"].get("tvp_describe", "{}"))
                py_desc = json.loads(python_ctx["tvp_describe"])
                desc.setdefault("scenarios", []).extend(py_desc.get("scenarios", []))
                desc["python_kinds"] = py_desc.get("python_kinds", [])
                merged["context"]["tvp_describe"] = json.dumps(desc)
        merged["context"]["scenario_seconds"] = ",".join(
            f"{k}={v:.1f}" for k, v in seconds.items())
        merged["context"]["repetition_order"] = ",".join(orders)
    return merged


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # before the first scenario or while the report is written
        fail("interrupted", 130)
