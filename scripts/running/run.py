#!/usr/bin/python3
"""run.py - runs the suite into a new results folder, then writes its report.

    run.py [--profile quick|full] [--pin POLICY] [--filter REGEX] [--out DIR]
           [--bench PATH] [--min-time SECONDS] [--repetitions N] [--smoke]
           [--budget SECONDS] [--no-report] [--python EXE]...
    run.py [--profile quick|full] --eta-for-topology XML_FILE|SYNTHETIC

Each scenario runs as its own tvp-bench process, so progress reads "[n/m] scenario",
one scenario that dies does not take the others with it, and each one's wall time is
recorded. A scenario that dies keeps the benchmarks it finished, and what it left but
the benchmark that died runs again (scripts/running/deaths.py). Their Google Benchmark JSON
files are merged into one benchmarks.json whose form is Google Benchmark's own, so
compare.py and other tools read it.
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
PY_BENCH = os.path.join(ROOT, "bench", "py_bench.py")
sys.path.insert(0, HERE)
from running import budget  # noqa: E402
from running import deaths  # noqa: E402
from report import full_disk  # noqa: E402
from running import machine_state  # noqa: E402
import report  # noqa: E402
from contract import results  # noqa: E402
from runs import samples  # noqa: E402


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


def perf_context(rows):
    """The context keys of `perf bench sched pipe` from its rows (bench/perf_ref.c: one
    take a repetition, interleaved with ipc's): the median µs per round trip under the
    keys older runs kept a single take in, and the range and count of takes beside it.
    {} when the rows did not run (no perf, or a filter)."""
    out = {}
    for key, pin in (("perf_sched_pipe_us", "none"), ("perf_sched_pipe_same_pu_us", "same_pu")):
        takes = sorted(r["real_time"] for r in rows
                       if r.get("run_type") == "iteration" and not r.get("error_occurred")
                       and r["name"].startswith("perf_ref/sched_pipe/process/measure:latency/"
                                                f"kind:fork/pin:{pin}/"))
        if takes:
            out[key] = f"{statistics.median(takes):.6f}"
            out[key + "_range"] = f"{takes[0]:.6f}-{takes[-1]:.6f}"
            out[key + "_takes"] = str(len(takes))
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


def discard_parts(folder):
    """Removes the scenarios' partial outputs (.part-*): merged, empty, or of an
    interrupted run."""
    for p in os.listdir(folder):
        if p.startswith(".part-"):
            os.unlink(os.path.join(folder, p))


def ended(name, seconds, rc, prefix="tvp:"):
    """Says how long a scenario took, and that the run goes on when it failed."""
    print(f"{prefix} {name} took {seconds:.1f} s", flush=True)
    if rc < 0:
        print(f"tvp: scenario {name} died of {deaths.signal_name(rc)}; going on",
              file=sys.stderr)
    elif rc != 0:
        print(f"tvp: scenario {name} exited with status {rc}; going on", file=sys.stderr)


def die_with_parent():
    """In the child, before exec: SIGKILL when run.py dies, even of kill -9, which runs
    no handler; its own workers follow it by the same signal (src/util.c)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_scenario(cmd, env=None):
    """Runs one tvp-bench; on Ctrl-C stops it and reaps it before passing the
    interrupt on, so no benchmark process outlives the run."""
    proc = subprocess.Popen(cmd, env=env, preexec_fn=die_with_parent)
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


def run_recovering(name, cmd, part, python, died):
    """Runs one command of a scenario. When a signal ends it, records the death in
    `died` and runs again what it left but the benchmark that died (deaths.py), so a
    death costs that benchmark only. Returns (exit status, the reruns' part files)."""
    progress = part[:-len(".json")] + ".progress"
    env = dict(os.environ, TVP_PROGRESS=progress)
    reruns, done, cur, c = [], set(), part, cmd
    oom = deaths.oom_reading()
    rc = run_scenario(c, env)
    while rc < 0:
        doc = deaths.load_part(cur, quiet=True)
        now = deaths.finished(doc)
        done |= now
        names = [] if python else deaths.listed(cmd)
        at = deaths.read_progress(progress)
        filt, left, dead = deaths.rest_filter(names, done, at)
        died.append(deaths.record(name, rc, at, dead, len(now), oom))
        d = died[-1]
        where = (f"in {d['benchmark']}" if d["benchmark"] else
                 f"after {d['after']}" if d["after"] else "in an unknown benchmark")
        print(f"tvp: scenario {name} died of {d['signal']} {where}"
              + (" (the memory cgroup's OOM killer)" if d["oom_kills"] else "")
              + f"; {len(now)} finished benchmarks kept", file=sys.stderr, flush=True)
        if python or not filt or len(reruns) >= deaths.MAX_RERUNS:
            break
        print(f"tvp: running the {len(left)} benchmarks of {name} it left", flush=True)
        cur = part[:-len(".json")] + f"~rerun{len(reruns) + 1}.json"
        c = [a for a in cmd if not a.startswith(("--benchmark_filter=", "--benchmark_out="))]
        c += [f"--benchmark_out={cur}", f"--benchmark_filter={filt}"]
        reruns.append(cur)
        oom = deaths.oom_reading()
        rc = run_scenario(c, env)
    if os.path.exists(progress):
        os.unlink(progress)
    return rc, reruns


def parse_args(argv):
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
    ap.add_argument("--budget", metavar="SECONDS",
                    help="shrink the profile to fit this many seconds, never dropping what "
                         "a verdict needs (docs/usage.md: the budget)")
    ap.add_argument("--eta-for-topology", metavar="XML|SYNTHETIC",
                    help="print how long the quick and full profiles would take on that "
                         "machine (an lstopo XML file or hwloc's synthetic description, "
                         "e.g. 'pack:2 core:8 pu:2'), and what they would shrink, then exit")
    ap.add_argument("--python", action="append", default=[], metavar="EXE",
                    help="an interpreter to run the Python layer under (repeat it for "
                         "several; the first is the one the verdicts read; default: the "
                         "one running this script)")
    args = ap.parse_args(argv)
    try:
        args.budget = budget.budget_seconds(args)
    except budget.BudgetError as e:
        fail(str(e))
    return args


def suite_command(args):
    """The tvp-bench command line every C scenario shares."""
    if not os.access(args.bench, os.X_OK):
        fail(f"{args.bench} is not built: run 'make' first")
    suite = [args.bench, f"--profile={args.profile}", f"--pin={args.pin}"]
    if args.min_time:
        suite.append(f"--min-time={args.min_time}")
    if args.repetitions:
        suite.append(f"--repetitions={args.repetitions}")
    if args.smoke:
        suite.append("--smoke")
    return suite


def list_scenarios(args, suite):
    """[(name, description)] in run order: tvp-bench's processes, then the notes' own
    Python under each interpreter asked for; and {name: interpreter} of the latter."""
    # --list parses every option first: bad input stops here, before a folder exists.
    listed = subprocess.run(suite + ["--list"], capture_output=True, text=True)
    if listed.returncode != 0:
        sys.stderr.write(listed.stderr)
        sys.exit(2)
    scenarios = [tuple(line.split("\t", 1)) for line in listed.stdout.splitlines() if line]
    pythons = {p[0]: p for p in python_interpreters(args.python)}
    for scen, exe, _ in pythons.values():
        scenarios.append((scen, f"the notes' multiprocessing code beside the C numbers "
                                f"(C1-C8), under {exe}"))
    return scenarios, pythons


class Run:
    """What a run has gathered so far: the scenarios' part files, their wall times, the
    sentinel's probes before the first and after each, the CPU others took during each,
    the deaths; and its estimate (eta) and the plan it follows (a later one if behind)."""

    def __init__(self, args, folder, scenarios, pythons, suite):
        self.args, self.folder, self.suite = args, folder, suite
        self.scenarios, self.pythons = scenarios, pythons
        self.names = [name for name, _ in scenarios]
        self.parts, self.seconds, self.sentinel, self.shares, self.died = [], {}, {}, {}, []
        self.plan = self.active = None
        self.eta, self.eta_start, self.busy = {}, 0.0, 0.0
        self.t_start = time.monotonic()

    def start(self, t_begin):
        """Before the first scenario: how busy the machine is, the sentinel's first
        probes, the plan (shrunk to the budget) and the estimate, said on the console."""
        self.busy = machine_state.others_now()
        if self.busy > machine_state.BUSY_WARNING:
            print(f"tvp: warning: other processes use {self.busy:.0%} of the CPUs now; the "
                  "numbers will be noisier (the report records it per scenario)",
                  file=sys.stderr)
        t_probe = time.monotonic()
        self.sentinel["start"] = machine_state.probe(self.args.bench)
        t_probe = time.monotonic() - t_probe  # what each scenario's probes will take
        self.plan = self.active = budget.make_plan(self.args, self.names,
                                                   self.sentinel["start"], t_begin, t_probe)
        self.eta = budget.eta(self.plan, self.names, self.sentinel["start"], self.args)
        self.eta_start = sum(self.eta.values())  # before the run, for the context
        if machine_state.gbench_debug_library(self.args.bench):
            print("tvp: each scenario's \"Library was built as DEBUG\" warning is Google "
                  "Benchmark's (Debian's build): measured, it does not move tvp's timings "
                  "(docs/measuring.md)", flush=True)
        print(f"tvp: about {budget.minutes(self.eta_start)} to run "
              f"(from the reference run's times and this machine's page-fault cost)",
              flush=True)

    def pace(self, n):
        """How much slower than estimated the first n scenarios went (1 before any)."""
        done = self.names[:n]
        return sum(self.seconds[s] for s in done) / sum(self.eta[s] for s in done) \
            if done else 1

    def command(self, name, part):
        if name in self.pythons:
            return python_command(self.pythons[name], self.args, part)
        cmd = self.suite + [f"--scenario={name}", f"--benchmark_out={part}",
                            "--benchmark_out_format=json"]
        if self.args.filter:
            cmd.append(f"--benchmark_filter={self.args.filter}")
        return cmd

    def scenario(self, n, name, desc, t_begin):
        """Runs the n-th scenario (1-based) under the plan, re-planned first if the run
        is behind, and records what it gathered."""
        pace = self.pace(n - 1)
        left = self.names[n - 1:]
        self.active = budget.keep_to_budget(self.args, self.plan, self.active, self.eta,
                                            t_begin, left, self.sentinel["start"], pace)
        print(f"\n[{n}/{len(self.names)}] {name}: {desc} (about "
              f"{budget.minutes(pace * sum(self.eta[s] for s in left))} left)", flush=True)
        whole = os.path.join(self.folder, f".part-{name}.json")
        t0, ticks = time.monotonic(), machine_state.cpu_ticks()
        rc = 0
        for cmd, part in budget.planned_commands(self.active, name, self.command(name, whole),
                                                 whole, self.args):
            one, reruns = run_recovering(name, cmd, part, name in self.pythons, self.died)
            rc = one or rc
            self.parts.extend(p for p in reruns if os.path.exists(p))
            if part != whole and os.path.exists(part) and os.path.getsize(part) > 0:
                self.parts.append(part)
        self.seconds[name] = time.monotonic() - t0
        self.shares[name] = machine_state.cpu_shares(ticks, machine_state.cpu_ticks())
        self.sentinel[name] = machine_state.probe(self.args.bench)
        ended(name, self.seconds[name], rc, f"[{n}/{len(self.names)}]")
        if os.path.exists(whole) and os.path.getsize(whole) > 0:
            self.parts.append(whole)

    def context(self):
        """The run's own keys of the merged JSON context."""
        ctx = {"run_seconds": f"{time.monotonic() - self.t_start:.1f}",
               **machine_state.environment(),
               "others_at_start": f"{self.busy:.3f}",
               "sentinel": json.dumps(self.sentinel), "cpu_shares": json.dumps(self.shares),
               "eta_seconds": f"{self.eta_start:.0f}", "deaths": json.dumps(self.died)}
        if self.plan is not None and self.plan.budget != float("inf"):
            ctx["budget"] = self.plan.context()
        return ctx


def write_run(run):
    """The merged benchmarks.json, samples.csv and the report, from what the run
    gathered; the part files removed."""
    folder = run.folder
    merged = merge(run.parts, run.seconds)
    if merged is not None:
        merged["context"].update(perf_context(merged["benchmarks"]))
    # Every part, the merged ones and the empty ones a filter left (a scenario with
    # nothing to run still writes its output file).
    discard_parts(folder)
    if merged is None:
        full_disk.stop_if_full(folder)  # the disk, not the filter, left nothing
        fail("no benchmark ran (does --filter match any name?)", 1)
    merged["context"].update(run.context())
    try:
        # Through a temporary file: a full disk leaves a whole JSON or none.
        path = os.path.join(folder, "benchmarks.json")
        with open(path + ".tmp", "w") as f:
            json.dump(merged, f, indent=2)
        os.replace(path + ".tmp", path)
        samples.write_samples(folder)
        if not run.args.no_report:
            report.write_report(folder)
            print(f"\ntvp: report in {os.path.join(folder, 'REPORT.md')}")
    except OSError as e:
        if not full_disk.is_full(e):
            raise
        full_disk.stop(folder, e)


def main(argv=None):
    args = parse_args(argv)
    t_begin = time.monotonic()
    suite = suite_command(args)
    scenarios, pythons = list_scenarios(args, suite)
    if args.eta_for_topology:
        try:
            return budget.eta_for_topology(args, [n for n, _ in scenarios
                                                  if not n.startswith("python")])
        except budget.BudgetError as e:
            fail(str(e))

    folder = new_run_folder(args.out)
    print(f"tvp: results go to {folder}")
    save_topology(folder)
    run = Run(args, folder, scenarios, pythons, suite)
    try:
        run.start(t_begin)
        for n, (name, desc) in enumerate(scenarios, 1):
            run.scenario(n, name, desc, t_begin)
    except KeyboardInterrupt:
        discard_parts(folder)  # every part is a .part- file of the folder
        fail(f"interrupted; the unfinished run is in {folder}", 130)
    write_run(run)
    return 0


def merge(parts, seconds):
    """One Google Benchmark JSON document from the scenarios' ones: the first
    context (plus each scenario's wall time and order of repetitions), every benchmark
    row in run order."""
    merged, rows, python_ctx, orders, python_ctxs = None, [], {}, [], []
    for p in parts:
        doc = deaths.load_part(p)
        if doc is None:
            print(f"tvp: {p} holds no readable JSON; left out", file=sys.stderr)
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
