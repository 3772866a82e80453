#!/usr/bin/python3
"""run.py - runs the suite into a new results folder, then writes its report.

    run.py [--profile quick|full] [--pin POLICY] [--filter REGEX] [--out DIR]
           [--bench PATH] [--min-time SECONDS] [--repetitions N] [--smoke]
           [--budget SECONDS] [--no-report] [--python EXE]...
    run.py [--profile quick|full] --eta-for-topology XML_FILE|SYNTHETIC

Each scenario runs as its own tvp-bench process, so progress reads "[n/m] scenario",
one scenario that dies does not take the others with it, and each one's wall time is
recorded. A scenario that dies keeps the benchmarks it finished, and what it left but
the benchmark that died runs again (scripts/deaths.py). Their Google Benchmark JSON
files are merged into one benchmarks.json whose form is Google Benchmark's own, so
compare.py and other tools read it.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY_BENCH = os.path.join(ROOT, "bench", "py_bench.py")
sys.path.insert(0, HERE)
import budget  # noqa: E402
import deaths  # noqa: E402
import full_disk  # noqa: E402
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
    t_begin = time.monotonic()
    args.budget = check_budget_args(args)

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
    if args.eta_for_topology:
        return eta_for_topology(args, [n for n, _ in scenarios if not n.startswith("python")])

    folder = new_run_folder(args.out)
    print(f"tvp: results go to {folder}")
    save_topology(folder)
    parts, seconds, sentinel, shares, died = [], {}, {}, {}, []
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
        t_probe = time.monotonic()
        sentinel["start"] = machine_state.probe(args.bench)
        t_probe = time.monotonic() - t_probe  # what each scenario's probes will take
        names = [name for name, _ in scenarios]
        plan = make_plan(args, names, sentinel["start"], t_begin, t_probe)
        if plan is not None:
            eta = plan_eta(plan, names)
        else:
            eta = machine_state.estimate(names, sentinel["start"],
                                         machine_state.reference_context(ROOT), args.profile,
                                         args.repetitions, args.min_time)
        eta_start = sum(eta.values())  # the estimate before the run, for the context
        print(f"tvp: about {machine_state.minutes(sum(eta.values()))} to run "
              f"(from the reference run's times and this machine's page-fault cost)",
              flush=True)
        active = plan  # the plan the scenarios left follow (a later one if behind)
        for n, (name, desc) in enumerate(scenarios, 1):
            done = [s for s in names[:n - 1]]
            # The estimate of what is left, corrected by how far off it was so far.
            pace = (sum(seconds[s] for s in done) / sum(eta[s] for s in done)) if done else 1
            active = keep_to_budget(args, plan, active, eta, t_begin, names[n - 1:],
                                    sentinel["start"], pace)
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
            rc = 0
            for cmd, part in planned_commands(active, name, cmd, part, args):
                one, reruns = run_recovering(name, cmd, part, name in pythons, died)
                rc = one or rc
                parts.extend(p for p in reruns if os.path.exists(p))
                if os.path.exists(part) and os.path.getsize(part) > 0 and \
                        not part.endswith(f".part-{name}.json"):
                    parts.append(part)
            part = os.path.join(folder, f".part-{name}.json")
            seconds[name] = time.monotonic() - t0
            shares[name] = machine_state.cpu_shares(ticks, machine_state.cpu_ticks())
            sentinel[name] = machine_state.probe(args.bench)
            ended(name, seconds[name], rc, f"[{n}/{len(scenarios)}]")
            if os.path.exists(part) and os.path.getsize(part) > 0:
                parts.append(part)
    except KeyboardInterrupt:
        discard_parts(folder)  # every part is a .part- file of the folder
        fail(f"interrupted; the unfinished run is in {folder}", 130)

    merged = merge(parts, seconds)
    if merged is not None:
        merged["context"].update(perf_context(merged["benchmarks"]))
    # Every part, the merged ones and the empty ones a filter left (a scenario with
    # nothing to run still writes its output file).
    discard_parts(folder)
    if merged is None:
        full_disk.stop_if_full(folder)  # the disk, not the filter, left nothing
        fail("no benchmark ran (does --filter match any name?)", 1)
    merged["context"]["run_seconds"] = f"{time.monotonic() - t_start:.1f}"
    merged["context"].update(machine_state.environment())
    merged["context"]["others_at_start"] = f"{busy:.3f}"
    merged["context"]["sentinel"] = json.dumps(sentinel)
    merged["context"]["cpu_shares"] = json.dumps(shares)
    merged["context"]["eta_seconds"] = f"{eta_start:.0f}"
    merged["context"]["deaths"] = json.dumps(died)
    if plan is not None and plan.budget != float("inf"):
        merged["context"]["budget"] = plan.context()
    try:
        # Through a temporary file: a full disk leaves a whole JSON or none.
        path = os.path.join(folder, "benchmarks.json")
        with open(path + ".tmp", "w") as f:
            json.dump(merged, f, indent=2)
        os.replace(path + ".tmp", path)
        samples.write_samples(folder)
        if not args.no_report:
            report.write_report(folder)
            print(f"\ntvp: report in {os.path.join(folder, 'REPORT.md')}")
    except OSError as e:
        if not full_disk.is_full(e):
            raise
        full_disk.stop(folder, e)
    return 0


# --- the budget (scripts/budget.py): what runs, shrunk to fit ------------------------------

def check_budget_args(args):
    """--budget as seconds (None when not given); a nonsense budget stops here."""
    if args.budget is None:
        return None
    try:
        seconds = budget.parse_budget(args.budget)
    except budget.BudgetError as e:
        fail(str(e))
    if args.smoke:
        fail("--budget and --smoke do not go together: --smoke already runs each benchmark "
             "once, at its first sizes")
    return seconds


def reference_doc():
    try:
        with open(os.path.join(ROOT, "results", "reference", "benchmarks.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def plan_items(args, process_names, probes, env=None, profile=None):
    """The budget's Items of a run of these scenarios (tvp-bench processes), the names
    they list, and the reference run's document."""
    profile = profile or args.profile
    listing = budget.list_names(args.bench, profile, process_names, args.filter, env)
    ref = reference_doc()
    py = budget.python_names(profile)
    if args.filter:
        try:
            py = [n for n in py if re.search(args.filter, results.SUFFIX.sub("", n))]
        except re.error:
            pass
    return budget.make_items(listing, ref, probes, py), listing, ref


def plan_for(args, process_names, probes, limit, overhead, env=None, profile=None,
             pus=None, pace=1.0, python=True):
    """The Plan of a run under a limit in seconds (inf: the whole profile); pace: how
    much slower than estimated the run has gone so far."""
    profile = profile or args.profile
    items, listing, ref = plan_items(args, process_names, probes, env, profile)
    if not python:
        items = [it for it in items if it.process != "python"]
    names = [n for ns in listing.values() for n in ns] + budget.python_names(profile)
    pus = pus or len(os.sched_getaffinity(0))
    ctx = {"pus": str(pus), "profile": profile, "placement": args.pin, "tvp_version": "plan"}

    def describe():
        return budget.describe_all(args.bench, profile, ROOT, env)
    plan = budget.plan_run(items, profile, limit, pus, names, describe, ctx,
                           args.repetitions, args.min_time, overhead,
                           pace * budget.full_correction(args.bench, ROOT, ref, profile))
    return plan


def make_plan(args, names, probes, t_begin, probe_s):
    """The plan of this run, said on the console: shrunk to --budget, or to the
    profile's promise (budget.PROMISE) where the whole profile would take longer; None
    for a smoke run or when the names cannot be listed (the old estimate is used)."""
    if args.smoke:
        return None
    overhead = (time.monotonic() - t_begin) + budget.REPORT_SECONDS + \
        probe_s * len(names)
    processes = [n for n in names if n != "python"]
    try:
        limit = args.budget or float("inf")
        plan = plan_for(args, processes, probes, limit, overhead)
        # The promise is about the machine (its size, its page faults), not about who
        # else is busy on it this minute: judged without the load.
        calm = {k: v for k, v in probes.items() if k != "parallel_pus"}
        calm_total = plan_for(args, processes, calm, limit, overhead).total() \
            if args.budget is None else 0.0
        if calm_total > budget.PROMISE.get(args.profile, float("inf")):
            promise = budget.PROMISE[args.profile]
            print(f"tvp: the whole {args.profile} profile would take about "
                  f"{machine_state.minutes(calm_total)} here, more than its promise of "
                  f"{machine_state.minutes(promise)}: shrunk as --budget {promise:.0f} "
                  "would (a larger --budget runs it whole)", flush=True)
            plan = plan_for(args, processes, calm, promise, overhead)
    except budget.BudgetError as e:
        print(f"tvp: no plan ({e}); the estimate is per scenario", file=sys.stderr)
        return None
    plan.probe_s, plan.deadline = probe_s, plan.budget
    if plan.budget != float("inf"):
        for line in plan.summary():
            print(f"tvp: {line}")
    return plan


def keep_to_budget(args, plan, active, eta, t_begin, left, probes, pace):
    """Before a scenario: when the run, at its pace so far, would end past its budget,
    plans what is left again (replan) and puts the new estimates into eta (in the units
    the pace multiplies). Returns the active plan."""
    if active is None or active.deadline == float("inf") or len(left) == len(eta):
        return active  # no plan, or nothing has run yet to tell the pace
    projected = (time.monotonic() - t_begin) + pace * sum(eta[s] for s in left) + \
        budget.REPORT_SECONDS + active.probe_s * len(left)
    # Only ever shrinking further: a run ahead after one scenario may be behind after
    # the next (one scenario's pace says little), and the budget is the promise.
    if projected <= active.deadline * 1.03:
        return active
    later = replan(args, plan, t_begin, left, probes, max(pace, 1.0))
    if later is not active:
        new = plan_eta(later, left)
        for s in left:
            eta[s] = new[s] / pace
    return later


def replan(args, plan, t_begin, left, probes, pace):
    """A later plan for the scenarios left, when the run has gone slower than its plan
    (by pace): the budget left, less the probes and the report still to come, with the
    estimates scaled by the pace. Returns the plan to follow from now on."""
    probe_s = plan.probe_s
    limit = plan.deadline - (time.monotonic() - t_begin)
    overhead = budget.REPORT_SECONDS + probe_s * len(left)
    try:
        later = plan_for(args, [n for n in left if n != "python"], probes, limit, overhead,
                         pace=pace, python="python" in left)
    except budget.BudgetError as e:
        print(f"tvp: no new plan ({e})", file=sys.stderr)
        return plan
    later.probe_s = probe_s
    later.deadline = plan.deadline
    if later.same_as(active_plan(plan)):
        return active_plan(plan)  # the plan left as it is: nothing to say
    later.note = (f"before {left[0]}: {pace:.2f}x slower than estimated so far, "
                  f"{limit:.0f} s left for {', '.join(left)}")
    plan.replan(later)
    print(f"tvp: {later.note}; re-planned:")
    for line in later.summary():
        print(f"tvp: {line}")
    return later


def active_plan(plan):
    """The plan the run follows now: the latest later one, or the first."""
    return plan.replans[-1] if plan.replans else plan


def plan_eta(plan, names):
    """{scenario: seconds} the plan expects, in run order."""
    by = plan.by_process()
    split = plan.split()
    # Every scenario starts a process at least, so none is estimated at nothing.
    return {n: budget.PROCESS_SECONDS + by.get(n, 0.0) +
            (budget.PROCESS_SECONDS if n in split else 0.0) for n in names}


def planned_commands(plan, name, cmd, part, args):
    """[(command, part file)] that run one scenario under the plan: the command as it
    is when nothing of the scenario shrank, else one per group (the verdicts' at the
    profile's settings, the others' shrunk), each with the exact names it runs."""
    groups = plan.groups(name) if plan is not None else [("", None, None, None)]
    out = []
    for tag, min_time, reps, names in groups:
        if names is None:
            out.append((cmd, part))
            continue
        p = part if not tag else part[:-len(".json")] + f"~{tag}.json"
        c = [a for a in cmd if not a.startswith(("--benchmark_filter=", "--filter=",
                                                  "--min-time=", "--repetitions=",
                                                  "--benchmark_out=", "--out="))]
        c += [f"--min-time={min_time:g}", f"--repetitions={reps}"]
        if name.startswith("python"):  # each interpreter's run of the Python layer
            c += [f"--out={p}", f"--filter={budget.python_filter(names, args.filter)}"]
        else:
            c += [f"--benchmark_out={p}",
                  f"--benchmark_filter={budget.name_filter(names)}"]
        out.append((c, p))
    return out


def eta_for_topology(args, processes):
    """Prints the quick and full profiles' estimates on another machine (its topology
    from an lstopo XML file or hwloc's synthetic description), with this machine's
    reference costs per benchmark, and what each profile's promise would shrink."""
    spec = args.eta_for_topology
    env = dict(os.environ)
    env.pop("HWLOC_XMLFILE", None)
    env.pop("HWLOC_SYNTHETIC", None)
    if os.path.exists(spec):
        env["HWLOC_XMLFILE"] = os.path.abspath(spec)
    else:
        env["HWLOC_SYNTHETIC"] = spec
    # hwloc falls back to this machine on a description it cannot read: check first.
    try:
        pus = budget.topology_pus(env)
    except budget.BudgetError as e:
        fail(str(e))
    if not pus:
        fail(f"'{spec}' is neither an lstopo XML file nor a synthetic topology hwloc "
             "reads (e.g. 'pack:2 core:8 pu:2'; hwloc-calc --input says no)")
    print(f"tvp: on {spec} ({pus} PUs), with the reference machine's cost per benchmark "
          "and page fault:")
    for profile in ("quick", "full"):
        try:
            whole = plan_for(args, processes, {}, float("inf"), budget.REPORT_SECONDS,
                             env, profile, pus)
        except budget.BudgetError as e:
            fail(str(e))
        promise = budget.PROMISE[profile]
        limit = args.budget or promise
        print(f"  {profile}: {len(whole.items)} benchmarks, about "
              f"{machine_state.minutes(whole.total())} ({whole.total():.0f} s; promise: "
              f"{machine_state.minutes(promise)})")
        by = whole.by_process()
        print("    " + ", ".join(f"{k} {machine_state.minutes(v)}" for k, v in by.items()))
        if whole.total() > limit:
            shrunk = plan_for(args, processes, {}, limit, budget.REPORT_SECONDS, env,
                              profile, pus)
            for line in shrunk.summary():
                print(f"    {line}")
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
