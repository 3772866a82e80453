"""scripts_kit.py - what the tests of scripts/ share (split from tests/test_scripts.py with
them): the paths, a command run with the harness's patience, made-up runs (bench,
run_of, copy_run), the fixture and reference folders, and the probes of what a live
test may leave behind (children, System V and POSIX queues, shared memory, cgroups).
Not a test itself (tests/run runs tests/test_*.py); each test file imports it whole.

What the tiers need: test_units.py nothing but Python; test_golden.py,
test_verdicts.py and test_meaning.py tests/fixtures and results/reference (or the
folder TVP_REFERENCE names); test_contract.py those and the build in $BUILD;
test_live.py, test_pool_notes.py and test_parents.py the build in $BUILD, which they run;
test_bench_rows.py runs a few rows of it (tvp_bench_doc); test_cgroups.py, test_kill9.py
and test_full_disk.py share BENCH, SMALL_COW, need_bench and children."""
# Every name here, the modules imported included, is the test files' (import *): an
# import unused in this file is used there.
import atexit
import contextlib
import io
import json
import re
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from verdicts import claims  # noqa: E402
from verdicts import py_rules  # noqa: E402
from contract import results  # noqa: E402
from verdicts import stats  # noqa: E402
from contract.describe import Describe  # noqa: E402
from report import probe, targets, wanted  # noqa: E402
from contract.results import key  # noqa: E402

PY = sys.executable
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "run-small.json")
REFERENCE = os.path.join(ROOT, os.environ.get("TVP_REFERENCE", "results/reference"))
FIGURES = ("create_methods", "create_memory", "footprint", "cow", "scale", "placement",
           "ipc_throughput", "ipc_latency", "pool_throughput", "pool_schedule")


# How long a test waits for what must happen (a peer to die, a queue to appear): half the
# test harness's limit (TVP_TEST_TIMEOUT, 300 s by default), never a few seconds that a
# slow machine may need; it normally holds within milliseconds.
PATIENCE = float(os.environ.get("TVP_TEST_TIMEOUT") or 300) / 2


def run(cmd, **kw):
    """Runs a command of the suite; one that hangs fails its test after the harness's
    limit instead of hanging the whole run."""
    kw.setdefault("timeout", 2 * PATIENCE)
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)


def children_of(pid):
    """Live or zombie processes whose parent is pid."""
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append((int(p), fields[0]))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return out


def sysv_queues():
    """Ids of the System V message queues that exist."""
    with open("/proc/sysvipc/msg") as f:
        return {line.split()[1] for line in f.readlines()[1:]}


def sysv_leaked(before):
    """The System V queues made since `before` whose last sender and receiver are gone:
    a queue another run on this machine is using now (its last user alive) is not a
    leak of ours."""
    leaked = set()
    with open("/proc/sysvipc/msg") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] in before:
                continue
            users = {int(fields[5]), int(fields[6])} - {0}  # lspid, lrpid
            if not any(os.path.exists(f"/proc/{pid}") for pid in users):
                leaked.add(fields[1])
    return leaked


def remove_posix_queues(names):
    """Unlinks leftover queues, so that a failing test leaves the machine clean."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    for name in names:
        libc.mq_unlink(name.encode())


def remove_sysv_queues(ids):
    import ctypes
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    for qid in ids:
        libc.msgctl(int(qid), 0, None)  # IPC_RMID


def posix_queues_of(pid, serials=256):
    """The POSIX message queues tvp-bench process pid has made and not removed, found by
    opening the names it gives them (/tvp-PID-N-up|down, src/ipc/mq.c): /dev/mqueue,
    where they could be listed, is not mounted on every machine."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.mq_open.restype = ctypes.c_int
    found = set()
    for n in range(serials):
        for way in ("up", "down"):
            name = f"/tvp-{pid}-{n}-{way}"
            fd = libc.mq_open(name.encode(), os.O_RDONLY)
            if fd >= 0:
                libc.mq_close(fd)
                found.add(name)
    return found


def own_ipc_namespace(pid):
    """Whether process pid runs in an IPC namespace other than this one (tvp-bench makes
    one of its own where it may: bench/main.c)."""
    try:
        return os.readlink(f"/proc/{pid}/ns/ipc") != os.readlink("/proc/self/ns/ipc")
    except OSError:
        return False


# posix_queues_of, as a program run inside another IPC namespace (nsenter).
POSIX_PROBE = ("import ctypes, os, sys\n"
               "libc = ctypes.CDLL('libc.so.6')\n"
               "for n in range(256):\n"
               "    for way in ('up', 'down'):\n"
               "        name = f'/tvp-{sys.argv[1]}-{n}-{way}'.encode()\n"
               "        fd = libc.mq_open(name, os.O_RDONLY)\n"
               "        if fd >= 0:\n"
               "            libc.mq_close(fd)\n"
               "            print(name.decode())\n")


def queues_made_by(pid, transport, sysv_before):
    """The message queues of this transport that tvp-bench process pid has now, looked
    for in its own IPC namespace when it has one (where they live and die with it)."""
    if not own_ipc_namespace(pid):
        return sysv_queues() - sysv_before if transport == "sysv_mq" else posix_queues_of(pid)
    argv = (["cat", "/proc/sysvipc/msg"] if transport == "sysv_mq"
            else [sys.executable, "-c", POSIX_PROBE, str(pid)])
    enter = ["nsenter", f"--ipc=/proc/{pid}/ns/ipc"]
    if os.geteuid() != 0 and os.readlink(f"/proc/{pid}/ns/user") != \
            os.readlink("/proc/self/ns/user"):  # its owner may join the user namespace
        enter[1:1] = [f"--user=/proc/{pid}/ns/user", "--preserve-credentials"]
    r = subprocess.run(enter + argv, capture_output=True, text=True)
    lines = r.stdout.splitlines()
    return set(lines[1:] if transport == "sysv_mq" else lines)


def wait_until(cond, seconds=PATIENCE):
    """Polls cond until it is true or the seconds pass (a bound on a hang, not a
    timing assertion); returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = cond()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.02)


def marked(mark):
    """The processes whose environment carries TVP_TEST_MARK=mark: what one test
    started, and everything that started, whoever its parent is now (another run of
    tvp-bench on the same machine is not counted)."""
    found = set()
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/environ", "rb") as f:
                    if f"TVP_TEST_MARK={mark}".encode() in f.read().split(b"\0"):
                        found.add(int(p))
            except OSError:
                pass
    return found


def describe_processes(pids):
    """pid, state, where it waits and its command line, for a failure message."""
    out = []
    for pid in sorted(pids):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")[:120]
            with open(f"/proc/{pid}/wchan") as f:
                wchan = f.read()
            with open(f"/proc/{pid}/stat") as f:
                st = f.read().rsplit(")", 1)[1].split()[0]
            out.append(f"{pid} {st} {wchan}: {cmd}")
        except OSError:
            pass
    return "; ".join(out) or "none"


def shm_objects():
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


def children(pid):
    """The children of pid's main thread, read in one file (cheap enough to poll)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


BENCH = os.path.join(BUILD, "tvp-bench")
# A small cow run: each benchmark at its first sizes, a few quick repetitions.
SMALL_COW = ["--filter", "^cow/", "--smoke", "--min-time", "0.001", "--repetitions", "3",
             "--no-report"]


def need_bench(test):
    if not os.access(BENCH, os.X_OK):
        test.skipTest(f"{BENCH} is not built")


def tvp_bench_doc(flt, env=None):
    """tvp-bench's JSON for the rows FLT matches, once each at 10 ms (a test's run, not a
    measurement); an exit that is not 0 fails with its stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        r = subprocess.run([os.path.join(BUILD, "tvp-bench"), "--repetitions", "1",
                            "--min-time", "0.01", f"--benchmark_filter={flt}",
                            f"--benchmark_out={out}", "--benchmark_out_format=json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, **(env or {})))
        if r.returncode != 0:
            raise AssertionError(f"tvp-bench: {r.stderr[-2000:]}")
        with open(out) as f:
            doc = json.load(f)
    doc["benchmarks"] = [b for b in doc["benchmarks"] if b.get("run_type") != "aggregate"]
    return doc


def bench(name, times=()):
    """A Bench of a schema-2 name with the given times."""
    return results.Bench(results.parse_name(name), name, list(times))


# Rows the rules read that are newer than the committed runs (the notes' racy loop, a
# plain Process that raises: bench/py_bench.py, issue 25): where a run lacks them, its
# report says "missing data" for them, and for nothing else.
NEWER_ROWS = ("python/mp_queue/process/measure:notes_loop",
              "python/process/process/measure:exception/fetch:none")


def assert_no_missing_data_but_newer_rows(test, text):
    """Missing data only where the run is older than its rows: the Python rows above,
    and the http scenario (C8's counted rows, newer than the fixture run)."""
    c8_verdicts = 0
    for line in text.splitlines():
        if line.startswith("**Verdict: missing data**"):
            c8_verdicts += 1  # C8's, whose counted rows are all http rows
            continue
        if line.startswith("**Robust:** the verdict stays missing data"):
            continue  # the same verdict's robustness line
        if "missing data" in line:
            test.assertTrue(any(f"{k} was not run" in line for k in NEWER_ROWS) or
                            re.search(r"http/\S+ was not run", line) or
                            # A counter newer than the committed runs (issue 27: all the
                            # server's memory per connection, which C8 counts Apache on).
                            re.search(r"http/\S+: no total_kib_per_conn samples", line) or
                            line.startswith("| C8 |"), line)
    test.assertLessEqual(c8_verdicts, 1)


def times(x):
    """A multiple as the claims table writes it, two digits and no exponent (written
    here again, not imported: the test recomputes what the report shows)."""
    if abs(x) >= 10:
        return f"{x:.0f}"
    return f"{x:.2f}" if f"{x:.2g}" == "1" and round(x, 2) != 1 else f"{x:.2g}"


def run_of(*benches, ctx=None, describe=None):
    """A Run of the given benches."""
    return results.Run(ctx or {}, describe or Describe({}), {b.key: b for b in benches})


def copy_run(src_json, folder, edit=None):
    """folder/benchmarks.json from a run's JSON, after edit(doc) if given."""
    with open(src_json) as f:
        doc = json.load(f)
    if edit:
        edit(doc)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(doc, f)
    return folder


def fixture_folder(tmp):
    """A folder holding the fixture run."""
    return copy_run(FIXTURE, os.path.join(tmp, "fixture"))


# The reports written so far in this process, by (benchmarks.json, edit): a whole report
# is seconds of statistics and gnuplot, and the tests that only read one share it (the
# fast tier is meant to take under a minute). A test never writes into a shared folder.
WRITTEN = {}
WRITTEN_HOME = []


def written_report(test, src_json, edit=None):
    """(folder, REPORT.md's text, write_report.py's stderr) of the run src_json after
    edit(doc), written once per process by scripts/write_report.py and then shared."""
    if (src_json, edit) not in WRITTEN:
        if not WRITTEN_HOME:
            WRITTEN_HOME.append(tempfile.mkdtemp(prefix="tvp-test-reports-"))
            atexit.register(shutil.rmtree, WRITTEN_HOME[0], True)
        folder = copy_run(src_json, os.path.join(WRITTEN_HOME[0], str(len(WRITTEN))), edit)
        r = run([PY, "scripts/write_report.py", folder])
        test.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(folder, "REPORT.md")) as f:
            WRITTEN[src_json, edit] = folder, f.read(), r.stderr
    return WRITTEN[src_json, edit]


def reference_json(test):
    """The realistic run's benchmarks.json, or a failure that says why there is none."""
    try:
        results.read_json(REFERENCE)
        return os.path.join(REFERENCE, "benchmarks.json")
    except results.ResultsError as e:
        why = str(e)
    test.fail(f"{why} (results/reference/ is regenerated from a real run once the C side "
              "of schema 2 lands; TVP_REFERENCE=FOLDER names another run of schema 2)")


def with_fork_twin(doc):
    """The run as if C's table had one more kind, fork_twin (a process), right after
    fork, that ran every benchmark fork ran, with fork's numbers."""
    ctx = doc["context"]
    describe = json.loads(ctx["tvp_describe"])
    kinds = describe["worker_kinds"]
    at = [k["name"] for k in kinds].index("fork") + 1
    kinds.insert(at, {"name": "fork_twin", "mode": "process", "label": "fork_twin",
                      "how": "a test row, fork again", "exec": False})
    for scen in describe["scenarios"]:
        for fam in scen.get("families", []):
            if "fork" in fam.get("variants", []):
                fam["variants"].append("fork_twin")
            if "fork" in fam.get("values", {}).get("kind", []):
                fam["values"]["kind"].append("fork_twin")
    ctx["tvp_describe"] = json.dumps(describe)

    def twin(name):
        parts = name.split("/")
        if parts[1] == "fork":
            parts[1] = "fork_twin"
        return "/".join("kind:fork_twin" if p == "kind:fork" else p for p in parts)

    rows = []
    for row in doc["benchmarks"]:
        rows.append(row)
        k = results.parse_name(row.get("run_name", row["name"]))
        if k and (k.variant == "fork" or k.args.get("kind") == "fork"):
            rows.append(dict(row, name=twin(row["name"]),
                             **({"run_name": twin(row["run_name"])} if "run_name" in row else {})))
    doc["benchmarks"] = rows


def raw_values(doc, name, metric):
    """The per-repetition values of one benchmark straight from the JSON, without
    results.py: its time (in the JSON's unit) or a sum of counters."""
    rows = [b for b in doc["benchmarks"] if b.get("run_type") == "iteration"
            and results.parse_name(b["name"]) == results.parse_name(name)]
    if metric == "time":
        return [b["real_time"] for b in rows]
    return [sum(b[c] for c in metric.split("+")) for b in rows]


def memory_cgroup_home():
    """The v1 memory cgroup this process is in, as a directory, or None where the
    machine has none (the suite then reads /proc/meminfo)."""
    mnt = root = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            head, _, tail = line.partition(" - ")
            fstype, _, opts = (tail.split() + ["", "", ""])[:3]
            if fstype == "cgroup" and "memory" in opts.split(","):
                root, mnt = head.split()[3:5]
                break
    if not mnt:
        return None
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if "memory" in ctrls.split(","):
                if root != "/" and path.startswith(root):
                    path = path[len(root):]
                return mnt + (path if path != "/" else "")
    return None


def tvp_cgroups(pid):
    """The cgroups a tvp-bench of that pid made and left (tvp-PID-N)."""
    home = memory_cgroup_home()
    if not home or not os.path.isdir(home):
        return []
    return [d for d in os.listdir(home) if d.startswith(f"tvp-{pid}-")]


# The notes' Pool(3) sleeps in µs, from seed 20261127: also written in tests/test_pool.c,
# which checks src/pool_tasks.c's generator gives them.
NOTES_SLEEPS_US = [2032, 24947, 13115, 14196, 8376, 17525, 23917, 25729, 2332, 29737]
