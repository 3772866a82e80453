#!/usr/bin/python3
"""why.py [--bench PATH] [--frequency HZ] [--only ID,...] [RESULTS_FOLDER] - the
attribution pass: where the kernel's time goes in the benchmarks whose costs the report
explains (fork and pthread_create from an empty and a 1 GiB parent, the child's exit,
posix_spawn, a copy-on-write fault against a first touch, scale's page_fault and
false_sharing as threads and as processes).

Each case runs its benchmark once more, apart from the timed run (sampling perturbs
timing; nothing here changes benchmarks.json), under `perf record -e cpu-clock -g -a`,
with sampling switched on only while the benchmark's loop runs (tvp-bench's
TVP_PERF_CTL, bench/gbench.cc). Only the samples of tvp-bench's own process tree (its
pid and every process it or they forked) are kept. The samples are taken CPU-wide and
then filtered, not from tvp-bench's inherited per-task events, because on the project's
kernel a task's per-task sampling ends before exit unmaps its memory: per task, a child
exiting from a 1 GiB fork got 1 sample where CPU-wide sampling gave it 44 (20 ms).

It writes RESULTS_FOLDER/why/ (default: the newest run under results/, not the committed
reference runs, which must be named): why.json (per
row the samples, each phase's share from scripts/report/why_phases.py, the functions most
sampled), ROW.folded (the folded stacks, for flame-graph tools) per case. Where perf
cannot sample the kernel here it writes why.json with the reason and exits 0 (the report
then says the explanations are hypotheses); a folder that is not a results folder or bad
options exit 2; a case that could not be sampled is named in why.json and on stderr, the
others are kept, and the exit status is 1.
"""
import argparse
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
from report import why_fold  # noqa: E402
from report.why_phases import PHASE_IDS  # noqa: E402

ROOT = os.path.dirname(HERE)

# The benchmarks sampled. Each case is one tvp-bench run; each of its rows keeps the
# samples of one side: the whole tree, the process perf started (the parent), or the
# processes it forked (children: for fork the child's life, almost all of it its exit).
_CREATE = "create/{k}/{m}/measure:round_trip/parent:tvp/layout:{l}/parent_mib:{mib}/manual_time"
_COW = ("cow/fork/process/measure:write/writer:child/layout:private/parent_touched:{t}/"
        "pct:100/parent_mib:256/iterations:3/manual_time")
# scale at one worker per PU, as its reading compares them.
PUS = len(os.sched_getaffinity(0))
_SCALE = ("scale/{w}/{m}/measure:rate/kind:{k}/pin:none/workers:" + str(PUS)
          + "/iterations:1/manual_time")
CASES = [
    {"id": "fork_0", "bench": _CREATE.format(k="fork", m="process", l="private", mib=0),
     "rows": [("fork_0", "all")]},
    {"id": "pthread_0", "bench": _CREATE.format(k="pthread", m="thread", l="private", mib=0),
     "rows": [("pthread_0", "all")]},
    {"id": "posix_spawn_0",
     "bench": _CREATE.format(k="posix_spawn", m="process", l="private", mib=0),
     "rows": [("posix_spawn_0", "all")]},
    {"id": "fork_1g", "bench": _CREATE.format(k="fork", m="process", l="private", mib=1024),
     "rows": [("fork_1g_parent", "parent"), ("fork_1g_child", "children")],
     "min_time": 1.0},  # the report's fork sentence quotes these two: more samples
    {"id": "pthread_1g",
     "bench": _CREATE.format(k="pthread", m="thread", l="private", mib=1024),
     "rows": [("pthread_1g", "all")]},
    {"id": "fork_1g_thp", "bench": _CREATE.format(k="fork", m="process", l="thp", mib=1024),
     "rows": [("fork_1g_thp_parent", "parent"), ("fork_1g_thp_child", "children")],
     "min_time": 1.0},  # a child's exit in huge pages is short: a longer loop for its samples
    {"id": "pthread_1g_thp",
     "bench": _CREATE.format(k="pthread", m="thread", l="thp", mib=1024),
     "rows": [("pthread_1g_thp", "all")]},
    {"id": "cow", "bench": _COW.format(t=1), "rows": [("cow_child", "children")]},
    {"id": "first_touch", "bench": _COW.format(t=0), "rows": [("first_touch_child", "children")]},
    {"id": "page_fault_thread",
     "bench": _SCALE.format(w="page_fault", m="thread", k="pthread"),
     "rows": [("page_fault_thread", "all")], "repetitions": 5},
    {"id": "page_fault_process",
     "bench": _SCALE.format(w="page_fault", m="process", k="fork"),
     "rows": [("page_fault_process", "all")], "repetitions": 5},
    {"id": "false_sharing_thread",
     "bench": _SCALE.format(w="false_sharing", m="thread", k="pthread"),
     "rows": [("false_sharing_thread", "all")], "repetitions": 5},
    {"id": "false_sharing_process",
     "bench": _SCALE.format(w="false_sharing", m="process", k="fork"),
     "rows": [("false_sharing_process", "all")], "repetitions": 5},
]
MIN_TIME = 0.5        # seconds of loop per benchmark call where Google Benchmark sizes it
FREQUENCY = 4000      # samples a second per CPU: about 1000 in a fork-of-1-GiB child's exits


class Skip(Exception):
    """perf cannot attribute the kernel's time here; the message says why."""


def check_perf():
    """The perf binary, or Skip with the reason it cannot sample the kernel CPU-wide."""
    perf = shutil.which("perf")
    if not perf:
        raise Skip("no perf binary (Debian's linux-perf; make deps installs it as root)")
    try:
        out = subprocess.run([perf, "version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip(f"perf version: {e}")
    if out.returncode != 0:
        # Debian's /usr/bin/perf is a wrapper that fails without the kernel's own perf.
        raise Skip(f"perf does not run here: {(out.stderr or out.stdout).strip()[:200]}")
    root = os.geteuid() == 0
    paranoid = read_int("/proc/sys/kernel/perf_event_paranoid")
    if not root and paranoid is None:
        raise Skip("kernel.perf_event_paranoid cannot be read: CPU-wide sampling of the "
                   "kernel needs it at 0 or less, or root")
    if not root and paranoid > 0:
        raise Skip(f"kernel.perf_event_paranoid is {paranoid}: CPU-wide sampling of the "
                   "kernel needs 0 or less, or root")
    kptr = read_int("/proc/sys/kernel/kptr_restrict")
    if kptr is not None and (kptr >= 2 or (kptr == 1 and not root)):
        raise Skip(f"kernel.kptr_restrict is {kptr}: the kernel's symbols are hidden")
    if not kernel_symbols_visible():
        raise Skip("/proc/kallsyms shows no addresses: the kernel's functions cannot be named")
    return perf


def read_int(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def kernel_symbols_visible():
    try:
        with open("/proc/kallsyms") as f:
            for _, line in zip(range(1000), f):
                if int(line.split()[0], 16):
                    return True
    except (OSError, ValueError, IndexError):
        return False
    return False


def newest_folder(base):
    """The newest run under base; never the committed reference runs (name them to)."""
    folders = [os.path.join(base, d) for d in os.listdir(base)
               if not d.startswith("reference")] if os.path.isdir(base) else []
    folders = [d for d in folders if os.path.isfile(os.path.join(d, "benchmarks.json"))]
    return max(folders, key=lambda d: os.path.getmtime(os.path.join(d, "benchmarks.json")),
               default=None)


def record(perf, bench, case, frequency, data):
    """Runs the case's benchmark under perf; returns tvp-bench's pid and how many seconds
    sampling was on."""
    ctl_r, ctl_w = os.pipe()
    ack_r, ack_w = os.pipe()
    perf_p = bench_p = None
    try:
        perf_p = subprocess.Popen(
            [perf, "record", "-q", "-a", "-g", "-e", "cpu-clock", "-F", str(frequency),
             "-D", "-1", "--control", f"fd:{ctl_r},{ack_w}", "-o", data],
            pass_fds=(ctl_r, ack_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True)
        env = dict(os.environ, TVP_PERF_CTL=f"{ctl_w},{ack_r}")
        bench_p = subprocess.Popen(
            [bench, "--repetitions", str(case.get("repetitions", 1)), "--min-time",
             str(case.get("min_time", MIN_TIME)), f"--benchmark_filter=^{case['bench']}$",
             "--benchmark_format=json"],
            pass_fds=(ctl_w, ack_r), env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        # perf's own ends; ours stay open until perf has finished: perf stops at once,
        # leaving its data unfinished, when the control pipe's writers are all gone.
        for fd in (ctl_r, ack_w):
            os.close(fd)
        ctl_r = ack_w = None
        out, err = bench_p.communicate(timeout=120)
        if bench_p.returncode != 0:
            raise RuntimeError(f"tvp-bench for {case['id']} exited with status "
                               f"{bench_p.returncode}: {err.decode()[-300:]}")
        ran = json.loads(out).get("benchmarks", [])
        if not ran:
            raise RuntimeError(f"tvp-bench has no benchmark {case['bench']}")
        skipped = [b.get("error_message") for b in ran if b.get("error_occurred")]
        if skipped:
            raise RuntimeError(f"{case['bench']} skipped: {skipped[0]}")
        perf_p.send_signal(signal.SIGINT)
        _, perf_err = perf_p.communicate(timeout=60)
        if perf_p.returncode not in (0, -signal.SIGINT) or not os.path.exists(data):
            raise RuntimeError(f"perf record exited with status {perf_p.returncode}: "
                               f"{perf_err.decode()[-300:]}")
        m = re.search(r"perf sampling on for ([0-9.]+) s", err.decode())
        return bench_p.pid, float(m.group(1)) if m else None
    finally:
        for p in (bench_p, perf_p):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for fd in (ctl_r, ctl_w, ack_r, ack_w):
            if fd is not None:
                os.close(fd)


def script(perf, data):
    out = subprocess.run([perf, "script", "-i", data, "--show-task-events",
                          "-F", "comm,pid,tid,ip,sym,dso"],
                         capture_output=True, text=True, errors="replace", timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"perf script: {out.stderr.strip()[-300:]}")
    return out.stdout.splitlines()


def rows_of(case, root, seconds, frequency, samples, forks, out_dir):
    pids = why_fold.tree(root, forks)
    rows = []
    for row_id, side in case["rows"]:
        keep = [s for s in samples if s.pid in pids and
                (side == "all" or (side == "parent") == (s.pid == root))]
        why_fold.write_folded(os.path.join(out_dir, f"{row_id}.folded"), keep)
        rows.append({"id": row_id, "case": case["id"], "benchmark": case["bench"],
                     "side": side, "samples": len(keep),
                     "workers": PUS if case["bench"].startswith("scale/") else 1,
                     "sampled_s": seconds,
                     # samples over the samples one busy CPU gives in that time
                     "cpus": len(keep) / (frequency * seconds) if seconds else None,
                     "processes": len({s.pid for s in keep}),
                     "phases": why_fold.shares(keep),
                     "top": why_fold.top_functions(keep),
                     "folded": f"{row_id}.folded"})
    return rows


def write(out_dir, doc):
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, "why.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, os.path.join(out_dir, "why.json"))


def main(argv):
    ap = argparse.ArgumentParser(prog="why.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", help="results folder (default: the newest)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "tvp-bench"))
    ap.add_argument("--frequency", type=int, default=FREQUENCY, help="samples/s per CPU")
    ap.add_argument("--only", help="comma-separated case ids (default: every case)")
    ap.add_argument("--report", action="store_true",
                    help="then write the folder's report again, in each language it has")
    args = ap.parse_args(argv)
    folder = args.folder or newest_folder(os.path.join(ROOT, "results"))
    if not folder or not os.path.isfile(os.path.join(folder, "benchmarks.json")):
        print(f"why: {folder or 'results/'}: no results folder with a benchmarks.json "
              "(run make report first, or name one: make why RUN=results/FOLDER)",
              file=sys.stderr)
        return 2
    cases = CASES
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in {c["id"] for c in CASES}]
        if unknown:
            print(f"why: unknown case {unknown[0]}; cases: "
                  + ", ".join(c["id"] for c in CASES), file=sys.stderr)
            return 2
        cases = [c for c in CASES if c["id"] in wanted]
    if not (0 < args.frequency <= 20000):
        print("why: --frequency wants samples a second from 1 to 20000", file=sys.stderr)
        return 2
    out_dir = os.path.join(folder, "why")
    # A pass replaces the last one whole: no folded stacks of rows it did not take, and
    # no why.json until this one is done (an interrupted pass leaves none).
    if os.path.isdir(out_dir):
        for name in os.listdir(out_dir):
            if name.endswith(".folded") or name == "why.json":
                os.unlink(os.path.join(out_dir, name))
    doc = {"skipped": None, "frequency": args.frequency, "min_time": MIN_TIME,
           "phases": PHASE_IDS, "rows": []}
    try:
        perf = check_perf()
    except Skip as e:
        doc["skipped"] = str(e)
        write(out_dir, doc)
        print(f"why: skipped: {e}")
        return rewrite_report(folder) if args.report else 0
    if not os.access(args.bench, os.X_OK):
        print(f"why: {args.bench}: not built (make)", file=sys.stderr)
        return 2
    os.makedirs(out_dir, exist_ok=True)
    doc["perf"] = subprocess.run([perf, "version"], capture_output=True,
                                 text=True).stdout.strip()
    doc["kernel"] = os.uname().release
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tvp-why-") as tmp:
        for case in cases:
            data = os.path.join(tmp, case["id"] + ".data")
            t0 = time.monotonic()
            try:
                root, seconds = record(perf, args.bench, case, args.frequency, data)
                samples, forks = why_fold.parse(script(perf, data))
            except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError,
                    why_fold.PerfScriptError) as e:
                doc.setdefault("failed", []).append({"case": case["id"], "why": str(e)})
                print(f"why: {case['id']}: {e}", file=sys.stderr)
                continue
            finally:
                if os.path.exists(data):
                    os.unlink(data)
            rows = rows_of(case, root, seconds, args.frequency, samples, forks, out_dir)
            doc["rows"] += rows
            print(f"why: {case['id']}: " + ", ".join(f"{r['id']} {r['samples']} samples"
                                                     for r in rows)
                  + f" ({time.monotonic() - t0:.1f} s)", flush=True)
    doc["seconds"] = round(time.monotonic() - start, 1)
    write(out_dir, doc)
    print(f"why: {len(doc['rows'])} rows in {doc['seconds']} s into {out_dir}")
    status = rewrite_report(folder) if args.report else 0
    return 1 if doc.get("failed") else status


def rewrite_report(folder):
    """The folder's REPORT.md again, and REPORT.zh.md where it has one, now with why/."""
    from contract import results
    from report import document
    langs = ["en"] + [f[len("REPORT."):-len(".md")] for f in sorted(os.listdir(folder))
                      if f.startswith("REPORT.") and f.endswith(".md") and f != "REPORT.md"]
    try:
        document.write_report(folder, langs)
    except results.ResultsError as e:
        print(f"why: {e}", file=sys.stderr)
        return 2
    print("why: " + ", ".join(os.path.join(folder, "REPORT.md" if lang == "en" else
                                           f"REPORT.{lang}.md") for lang in langs))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("why: interrupted", file=sys.stderr)
        sys.exit(130)
