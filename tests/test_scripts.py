"""test_scripts.py - the wrapper's JSON, the statistics, names of schema 2 read by their
fields, the claim rules, the report pipeline, bad input, the contract between C's names
and the keys Python asks for, and a smoke run of the real suite that leaves nothing
behind.

Run by tests/run with BUILD set to the build folder. What each class needs:
  Python only: Stats, Names, Claims, Report, Compare (tests/fixtures/run-small.json, a
    real run of an older suite converted to schema 2).
  A run of schema 2 in results/reference/ (or the folder TVP_REFERENCE names): Reference.
    results/reference/ is regenerated from a real run once the C side of schema 2 lands;
    until then these fail with a message that says so.
  The C side of schema 2 built in $BUILD: Contract (tvp-bench --describe and
    --benchmark_list_tests against the keys the report asks for), PythonBench (the new
    names of bench/py_bench.py), Smoke; and, as before, Wrapper and BadInput."""
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
import claims  # noqa: E402
import py_rules  # noqa: E402
import results  # noqa: E402
import stats  # noqa: E402
from describe import Describe  # noqa: E402
from report import probe, targets, wanted  # noqa: E402
from results import key  # noqa: E402

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


class Wrapper(unittest.TestCase):
    """Benchmarks registered from C (tests/gbench_probe.c) come out in the JSON."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        out = os.path.join(cls.tmp, "probe.json")
        r = run([os.path.join(BUILD, "gbench-probe"), f"--benchmark_out={out}",
                 "--benchmark_out_format=json"])
        cls.rc = r.returncode
        with open(out) as f:
            cls.doc = json.load(f)
        cls.rows = {b["name"]: b for b in cls.doc["benchmarks"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_ran(self):
        self.assertEqual(self.rc, 0)

    def test_names_args_manual_time(self):
        row = self.rows["probe/manual/thread/us:3/iterations:10/manual_time"]
        self.assertEqual(row["iterations"], 10)
        self.assertEqual(row["time_unit"], "us")
        self.assertAlmostEqual(row["real_time"], 3.0, places=3)
        self.assertIn("probe/manual/thread/us:5/iterations:10/manual_time", self.rows)

    def test_counters_and_flags(self):
        row = self.rows["probe/manual/thread/us:3/iterations:10/manual_time"]
        self.assertEqual(row["plain_kib"], 7)
        self.assertAlmostEqual(row["per_iter_ns"], 1000)            # averaged per iteration
        self.assertAlmostEqual(row["events_per_s"], 5 / 30e-6, delta=1)   # a rate
        self.assertAlmostEqual(row["items_per_second"], 10 / 30e-6, delta=1)
        self.assertAlmostEqual(row["bytes_per_second"], 40960 / 30e-6, delta=10)
        self.assertEqual(row["label"], "probe-label")

    def test_repetitions_real_time_two_args(self):
        base = "probe/batch/process/a:2/b:4/min_time:0.010/repeats:3/real_time"
        reps = [r for r in self.doc["benchmarks"]
                if r["name"] == base and r["run_type"] == "iteration"]
        self.assertEqual(len(reps), 3)
        self.assertEqual(reps[0]["range_sum"], 6)
        self.assertEqual(reps[0]["iterations"] % 8, 0)               # the batch form
        self.assertIn(base + "_median", self.rows)

    def test_range(self):
        for v in (1, 8, 64):
            self.assertEqual(self.rows[f"probe/range/thread/{v}"]["range0"], v)

    def test_skip_with_error(self):
        row = self.rows["probe/skip/process"]
        self.assertTrue(row["error_occurred"])
        self.assertEqual(row["error_message"], "probe skipped: reason 7")

    def test_context(self):
        self.assertEqual(self.doc["context"]["probe_key"], "probe_value")


class Stats(unittest.TestCase):
    def test_median_interval_by_hand(self):
        # n = 10: ranks 2 and 9 hold the median with 1 - 2 * 11/1024 = 97.85%.
        med, lo, hi, cov = stats.median_ci([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
        self.assertEqual((med, lo, hi), (5.5, 2, 9))
        self.assertAlmostEqual(cov, 1 - 22 / 1024)
        # n = 5 cannot reach 95%: [min, max] at 1 - 2/32.
        self.assertEqual(stats.median_ci([5, 1, 4, 2, 3]), (3, 1, 5, 0.9375))

    def test_u_test_by_hand(self):
        # 4 against 4, fully separated: 2 / C(8, 4) = 2/70.
        self.assertAlmostEqual(stats.u_test([1, 2, 3, 4], [5, 6, 7, 8]), 2 / 70)
        # One swap (U = 1): P(U <= 1) = 2/70 per side, so p = 4/70.
        self.assertAlmostEqual(stats.u_test([1, 2, 3, 5], [4, 6, 7, 8]), 4 / 70)
        self.assertAlmostEqual(stats.u_test_min_p(3, 3), 0.1)

    def test_median_of_skewed_samples(self):
        # One slow repetition pulls the mean far off; the median stays put. Every
        # table uses Bench.median, so it must be the median, not the mean.
        self.assertEqual(stats.median_ci([1, 2, 3, 4, 100])[0], 3)
        self.assertEqual(stats.median_ci([100, 1, 2, 4])[0], 3)
        b = bench("s/a/thread/measure:m", [10, 11, 12, 13, 500])
        self.assertEqual(b.median, 12)
        b.counters = {"x_kib": [1, 1, 2, 90, 1]}
        self.assertEqual(b.counter("x_kib"), 1)

    def test_cv(self):
        self.assertAlmostEqual(stats.cv([1, 1, 1]), 0)
        self.assertAlmostEqual(stats.cv([9, 11]), (2 ** 0.5) / 10)


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
                            line.startswith("| C8 |"), line)
    test.assertLessEqual(c8_verdicts, 1)


def times(x):
    """A multiple as the claims table writes it, two digits and no exponent (written
    here again, not imported: the test recomputes what the report shows)."""
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:.2g}"


def run_of(*benches, ctx=None, describe=None):
    """A Run of the given benches."""
    return results.Run(ctx or {}, describe or Describe({}), {b.key: b for b in benches})


class Names(unittest.TestCase):
    """Names of schema 2 are read by their fields; the one key builder matches by them."""

    def test_fields_without_google_benchmarks_suffixes(self):
        k = results.parse_name("create/fork/process/measure:round_trip/layout:thp/"
                               "parent_mib:1024/iterations:3/manual_time")
        self.assertEqual(k.fields(), {"scenario": "create", "variant": "fork",
                                      "mode": "process", "measure": "round_trip",
                                      "layout": "thp", "parent_mib": 1024})
        self.assertIsInstance(k.args["parent_mib"], int)
        self.assertEqual(str(k), "create/fork/process/measure:round_trip/layout:thp/"
                                 "parent_mib:1024")
        self.assertEqual(results.parse_name("ipc/cacheline/thread/measure:latency/kind:pthread/"
                                            "pin:none/real_time").args,
                         {"kind": "pthread", "pin": "none"})

    def test_other_names_are_not_keys(self):
        for name in ("create/fork/process/parent_mib:0/manual_time",   # schema 1: no measure
                     "probe/manual/thread/us:3/iterations:10/manual_time",
                     "create/fork/sometimes/measure:round_trip", "BM_memcpy/8"):
            self.assertIsNone(results.parse_name(name), name)

    def test_key_builder_matches_by_fields_in_any_order(self):
        b = bench("ipc/pipe/process/measure:throughput/msg_bytes:64/pin:none/kind:fork",
                  [1, 2, 3])
        r = run_of(b)
        self.assertIs(r.get("ipc", "pipe", "process", "throughput", kind="fork", pin="none",
                            msg_bytes=64), b)
        self.assertEqual(key("ipc", "pipe", "process", "throughput", pin="none", kind="fork",
                             msg_bytes=64), b.key)
        self.assertIs(r.ok("ipc", "pipe", "process", measure="throughput", msg_bytes=64,
                           kind="fork", pin="none"), b)
        # A key names one benchmark: every field, no more, no fewer, and the mode too.
        self.assertIsNone(r.get("ipc", "pipe", "process", "throughput", kind="fork",
                                msg_bytes=64))
        self.assertIsNone(r.get("ipc", "pipe", "thread", "throughput", kind="fork", pin="none",
                                msg_bytes=64))
        self.assertIsNone(r.get("ipc", "pipe", "process", "throughput", kind="fork", pin="none",
                                msg_bytes=64, extra=1))
        # select matches the fields it is given, whatever the others are.
        self.assertEqual(r.select("ipc", kind="fork"), [b])
        self.assertEqual(r.select("ipc", "latency"), [])
        # Every lookup is recorded, so a test can list the keys the report wants.
        self.assertIn(b.key, r.requested)

    def test_machine_pus_fill_a_rule_key(self):
        b = bench("pool/pool/thread/measure:throughput/kind:pthread/task_ns:0/workers:4", [1])
        r = run_of(b, ctx={"pus": "4"})
        self.assertIs(r.bench(key("pool", "pool", "thread", "throughput", kind="pthread",
                                  task_ns=0, workers=results.PUS)), b)

    def test_mode_is_the_names_and_kinds_are_the_runs(self):
        d = Describe({"worker_kinds": [{"name": "pthread", "mode": "thread"},
                                       {"name": "fork", "mode": "process"}]})
        r = run_of(describe=d)
        self.assertEqual(r.kind_of(bench("globals/fork/process/measure:nums/shared:0")), "fork")
        self.assertEqual(r.kind_of(bench("scale/cpu/process/measure:rate/kind:fork/pin:none/"
                                         "workers:1")), "fork")
        self.assertIsNone(r.kind_of(bench("ipc/memcpy/thread/measure:copy/msg_bytes:64")))
        self.assertEqual(d.mode_of("fork"), "process")
        self.assertIsNone(d.mode_of("fork_twin"))


class Claims(unittest.TestCase):
    A, B, C = (key("s", "a", "process", "m"), key("s", "b", "thread", "m"),
               key("s", "c", "process", "m"))
    RULES = [claims.Rule("CX", "a > b", A, B, "greater", 2.0),
             claims.Rule("CX", "c > b", C, B, "greater", 2.0)]

    def judge(self, *benches):
        return claims.judge("CX", run_of(*benches), self.RULES)

    def test_supported(self):
        v, _ = self.judge(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                          bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                          bench("s/c/process/measure:m", [40, 41, 42, 43, 44]))
        self.assertEqual(v, "supported")

    def test_not_supported(self):
        v, outs = self.judge(bench("s/a/process/measure:m", [10, 11, 12, 13, 14]),
                             bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                             bench("s/c/process/measure:m", [11, 12, 13, 14, 15]))
        self.assertEqual(v, "not supported")
        self.assertFalse(any(o.holds for o in outs))

    def test_nuanced(self):
        v, _ = self.judge(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                          bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                          bench("s/c/process/measure:m", [10, 11, 12, 13, 14]))
        self.assertEqual(v, "nuanced")

    def test_ratio_without_significance_is_undecided(self):
        # Medians 2.6x apart but overlapping samples (CVs near 20%, below the noise
        # limit): the rank test cannot put a beyond twice b, nor short of it; with the
        # other prediction alone decided, 1 of 2 is not a majority: undecided.
        v, outs = self.judge(bench("s/a/process/measure:m", [20, 30, 31, 32, 36]),
                             bench("s/b/thread/measure:m", [10, 11, 12, 13, 17]),
                             bench("s/c/process/measure:m", [100, 101, 102, 103, 104]))
        self.assertIsNone(outs[0].holds)
        self.assertTrue(outs[0].undecided)
        self.assertIn("not significantly", outs[0].why)
        self.assertEqual(v, "undecided")

    def test_threshold_relations_on_counters(self):
        b = bench("s/a/process/measure:m", [1, 2, 3, 4, 5])
        b.counters = {"x_kib": [10, 10, 10, 10, 10], "y_kib": [6, 6, 7, 6, 6]}
        r = run_of(b)
        rules = [claims.Rule("CY", "sum above 15", b.key, None, "above", 15, "x_kib+y_kib"),
                 claims.Rule("CY", "x below 11", b.key, None, "below", 11, "x_kib"),
                 claims.Rule("CY", "x equals 10", b.key, None, "equals", 10, "x_kib")]
        v, outs = claims.judge("CY", r, rules)
        self.assertEqual(v, "supported")
        self.assertEqual(outs[0].value, 16)
        rules.append(claims.Rule("CY", "y equals 6", b.key, None, "equals", 6, "y_kib"))
        self.assertEqual(claims.judge("CY", r, rules)[0], "nuanced")
        missing = [claims.Rule("CY", "no such counter", b.key, None, "above", 1, "z_kib")]
        v, outs = claims.judge("CY", r, missing)
        self.assertEqual(v, "missing data")
        self.assertIn("no z_kib samples", outs[0].why)

    def test_similar_is_a_band_around_one(self):
        similar = [claims.Rule("CS", "a ~ b", self.A, self.B, "similar", 0.10)]
        b = bench("s/b/thread/measure:m", [100, 101, 102, 103, 104])
        for a_times, holds in (([104, 105, 106, 107, 108], True),    # +4%
                               ([96, 97, 98, 99, 100], True),         # -2%
                               ([120, 121, 122, 123, 124], False),    # +20%
                               ([80, 81, 82, 83, 84], False)):        # -20%
            v, outs = claims.judge("CS", run_of(bench("s/a/process/measure:m", a_times), b),
                                   similar)
            self.assertEqual(outs[0].holds, holds, a_times)

    def test_degenerate_samples_are_undecided_not_a_crash(self):
        a = bench("s/a/process/measure:m", [30, 31, 32, 33, 34])
        zero = bench("s/b/thread/measure:m", [0, 0, 0, 0, 0])
        one = bench("s/b/thread/measure:m", [10])
        c = bench("s/c/process/measure:m", [40, 41, 42, 43, 44])
        for b, why in ((zero, "median 0"), (one, "one repetition")):
            v, outs = self.judge(a, b, c)
            self.assertEqual(v, "undecided")
            self.assertTrue(all(o.undecided and o.holds is None for o in outs))
            self.assertIn(why, outs[0].why)
            self.assertEqual(outs[0].gap, "undecided")

    def test_missing_data(self):
        v, outs = self.judge(bench("s/b/thread/measure:m", [10, 11, 12]))
        self.assertEqual(v, "missing data")
        self.assertIn("s/a/process/measure:m was not run", outs[0].why)

    def test_rules_need_the_machines_pus(self):
        rule = claims.Rule("CZ", "per PU", key("s", "a", "thread", "m", workers=results.PUS),
                           None, "above", 1)
        v, outs = claims.judge("CZ", run_of(), [rule])
        self.assertEqual(v, "missing data")
        self.assertIn("how many PUs", outs[0].why)

    def test_claims_md_is_written_from_the_rules(self):
        import claims_doc
        with open(os.path.join(ROOT, "CLAIMS.md")) as f:
            self.assertEqual(f.read(), claims_doc.document(),
                             "CLAIMS.md is out of date: make claims-doc")

    def test_fragile_when_a_threshold_move_changes_the_verdict(self):
        # 1.6x against a threshold of 1.5: 25% harder (1.625) it fails; 3x stays.
        rules = [claims.Rule("CF", "a > b", self.A, self.B, "greater", 1.5)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        thin = run_of(bench("s/a/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]), b)
        wide = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b)
        self.assertEqual(claims.judge("CF", thin, rules)[0], "supported")
        self.assertTrue(claims.is_fragile("CF", thin, rules))
        self.assertEqual(claims.fragility("CF", thin, rules)[1], ["a > b"])
        self.assertFalse(claims.is_fragile("CF", wide, rules))

    def test_ties_make_a_directional_prediction_fail_not_hold(self):
        # Equal rates, tight: "a is 10% ahead" fails (an exact test puts it short), and
        # "within 10%" holds by equivalence; with noise, both are undecided.
        rules = [claims.Rule("CT", "a ahead", self.A, self.B, "greater", 1.1),
                 claims.Rule("CT", "a ~ b", self.A, self.B, "similar", 0.1)]
        tight = run_of(bench("s/a/process/measure:m", [100, 100.2, 100.4, 100.6, 100.8]),
                       bench("s/b/thread/measure:m", [100.1, 100.3, 100.5, 100.7, 100.9]))
        outs = claims.judge("CT", tight, rules)[1]
        self.assertEqual([o.holds for o in outs], [False, True])
        self.assertEqual(outs[0].direction, "no difference")
        noisy = run_of(bench("s/a/process/measure:m", [60, 80, 100, 120, 140]),
                       bench("s/b/thread/measure:m", [61, 81, 101, 121, 141]))
        outs = claims.judge("CT", noisy, rules)[1]
        self.assertEqual([o.holds for o in outs], [None, None])
        self.assertTrue(all(o.undecided for o in outs))

    def test_past_the_threshold_means_beyond_threshold_times_b(self):
        # a is clearly more than b, and its median 1.53x b's, but its values straddle
        # 1.5 x b's: "at least 1.5x" is undecided, not held.
        rules = [claims.Rule("CG", "a >= 1.5 b", self.A, self.B, "greater", 1.5)]
        r = run_of(bench("s/a/process/measure:m", [14.6, 15.1, 15.4, 15.6, 16.0]),
                   bench("s/b/thread/measure:m", [9.8, 9.9, 10.1, 10.3, 10.6]))
        o = claims.judge("CG", r, rules)[1][0]
        self.assertGreaterEqual(o.ratio, 1.5)
        self.assertEqual(o.direction, "a ahead")
        self.assertIsNone(o.holds)
        self.assertTrue(o.undecided)

    def test_exact_p_with_ties(self):
        # Five identical counts against five others: the exact floor, not the normal
        # approximation's 0.004 that scipy's default gives when values tie.
        self.assertAlmostEqual(stats.u_test([5] * 5, [2] * 5), 2 / 252)
        self.assertAlmostEqual(stats.rank_test([5] * 5, [2] * 5, 1.0, "greater"), 1 / 252)
        self.assertAlmostEqual(stats.sign_test([3] * 5, 2), 1 / 32)
        # Identical samples: no evidence either way, whatever order the values came in.
        self.assertAlmostEqual(stats.u_test([3] * 5, [3] * 5), 1.0)
        self.assertAlmostEqual(stats.rank_test([3] * 5, [3] * 5, 1.0, "less"), 1.0)

    def test_rank_test_is_the_permutation_distribution(self):
        # The subset-sum table against scipy listing every split, ties and a threshold
        # factor included, each alternative.
        from scipy import stats as sps
        cases = [([1, 2, 2, 3], [2, 2, 4, 5, 5], 1.0), ([4, 4, 4], [1, 2, 3], 1.5),
                 ([0.5, 0.9, 1.3, 1.3, 2.0], [1.0, 1.3, 1.7], 1.0)]
        for a, b, factor in cases:
            y = [v * factor for v in b]
            r = sps.rankdata(a + y)
            for alt in ("greater", "less", "two-sided"):
                want = sps.permutation_test(
                    (r[:len(a)], r[len(a):]), lambda u, v, axis: u.sum(axis=axis),
                    permutation_type="independent", vectorized=True, alternative=alt,
                    n_resamples=float("inf")).pvalue
                self.assertAlmostEqual(stats.rank_test(a, b, factor, alt), want, msg=(a, b, alt))
        # 10 against 10, every one of the first above every one of the second: 1 split of
        # comb(20, 10), exact where scipy would list all 184,756.
        self.assertAlmostEqual(stats.rank_test(list(range(10, 20)), list(range(10)), 1.0,
                                               "greater"), 1 / 184756)

    def test_context_rows_do_not_count(self):
        rules = [claims.Rule("CC", "a > b", self.A, self.B, "greater", 2.0),
                 claims.Rule("CC", "c > b", self.C, self.B, "greater", 2.0, counted=False)]
        r = run_of(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                   bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                   bench("s/c/process/measure:m", [10, 11, 12, 13, 14]))
        v, outs = claims.judge("CC", r, rules)
        self.assertEqual(v, "supported")
        self.assertFalse(outs[1].holds)

    def test_every_rule_key_is_built_from_fields(self):
        for rule in claims.RULES + py_rules.PY_RULES:
            for k in (rule.a, rule.b):
                self.assertTrue(k is None or isinstance(k, results.Key), rule.prediction)
        for c in claims.CLAIMS.values():
            if c.get("key"):
                self.assertIsInstance(c["key"][0], results.Key)


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


class Report(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def folder_with(self, text):
        with open(os.path.join(self.tmp, "benchmarks.json"), "w") as f:
            f.write(text)
        return self.tmp

    def write(self, folder):
        r = run([PY, "scripts/write_report.py", folder])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(folder, "REPORT.md")) as f:
            return f.read()

    def test_pipeline_on_fixture(self):
        shutil.copy(FIXTURE, os.path.join(self.tmp, "benchmarks.json"))
        text = self.write(self.tmp)
        for fig in FIGURES:
            for ext in ("png", "svg"):
                path = os.path.join(self.tmp, "figures", f"{fig}.{ext}")
                self.assertGreater(os.path.getsize(path), 1000, path)
            self.assertIn(f"figures/{fig}.png", text)
        for claim in ("## C1", "## C2", "## C3", "### C4", "### C5", "### C6", "### C7 — protection",
                      "## C8"):
            self.assertIn(claim, text)
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)
        # The notes' question, answered from the run: the failure reaches the caller.
        self.assertIn("| segv | process | worker killed by SIGSEGV | yes |", text)
        self.assertIn("the whole process died of SIGSEGV", text)
        # The notes' Python beside C, and their question answered.
        self.assertIn("## The notes' own Python beside C", text)
        self.assertIn("| never fetches the result | **no** |", text)
        # The bytes on fd 2 column: none captured for a fetched exception (not asked).
        self.assertIn("| calls `get()` | yes | – | get() raised ValueError", text)
        self.assertIn("### Against lmbench's method", text)
        # Every claim has its data, but for the Python rows newer than the fixture.
        assert_no_missing_data_but_newer_rows(self, text)
        # The notes' nums example, with the values the run observed.
        self.assertIn("| fork | a global | [11, 22] |", text)
        self.assertIn("| pthread_create | a global | [11, 22, 0, 1, 2] |", text)
        self.assertIn("| pthread_create | thread |", text)
        # The implementation's speed targets are not the lecturers' business: their own file.
        self.assertNotIn("Speed targets", text)
        self.assertIn("[TARGETS.md](TARGETS.md)", text)
        with open(os.path.join(self.tmp, "TARGETS.md")) as f:
            goals = f.read()
        self.assertIn("| pipe, 64 KiB: at least lmbench's bw_pipe method |", goals)
        self.assertIn("Throughput with the pair on two cores", goals)

    def test_far_cpus_are_told_apart(self):
        """Repetitions whose cache-line probe says the host put the two vCPUs far apart
        are counted, and the speed targets are shown again without them."""
        def ring(mode, kind, times, probes):
            b = bench(f"ipc/shm_ring/{mode}/measure:throughput/kind:{kind}/pin:diff_core/"
                      "msg_bytes:65536", times)
            b.counters = {"probe_ns": probes}
            return b
        # Processes ran three of five repetitions on far CPUs, four times slower.
        forked = ring("process", "fork", [1.5, 6.0, 6.1, 6.2, 1.6], [92, 410, 420, 430, 93])
        r = run_of(ring("thread", "pthread", [1.4, 1.5, 1.5, 1.6, 1.5], [90, 95, 92, 91, 94]),
                   forked)
        self.assertEqual(probe.far_share(r, probe.probe_floor(r)), (3, 10))
        self.assertEqual(probe.near_only(forked, 90), [1.5, 1.6])
        text = "\n".join(targets.targets_text(r))
        self.assertIn("In 3 of the run's 10 pinned repetitions", text)
        self.assertIn("| shm ring, 64 KiB: processes within 10% of threads | 0.25x | **no** | "
                      "0.969x | yes |", text)

    def check_error(self, folder, words, script="scripts/write_report.py"):
        r = run([PY, script, folder])
        self.assertEqual(r.returncode, 2)
        self.assertIn(words, r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_missing_folder(self):
        self.check_error(os.path.join(self.tmp, "nope"), "no such results folder")

    def test_folder_without_json(self):
        self.check_error(self.tmp, "missing")

    def test_malformed_json(self):
        self.check_error(self.folder_with("{ this is not json"), "not valid JSON")

    def test_truncated_json(self):
        with open(FIXTURE) as f:
            text = f.read()
        self.check_error(self.folder_with(text[: len(text) // 2]), "truncated")

    def test_older_format(self):
        old = {"context": {"host_name": "x"}, "benchmarks": []}
        self.check_error(self.folder_with(json.dumps(old)), "older or other tool")

    def test_not_benchmark_json(self):
        self.check_error(self.folder_with("[1, 2, 3]"), "not Google Benchmark JSON")

    def test_old_schema_is_refused_with_its_version(self):
        def schema_1(doc):
            del doc["context"]["name_schema"]
            doc["context"]["tvp_version"] = "9df3951"
        folder = copy_run(FIXTURE, os.path.join(self.tmp, "old"), schema_1)
        words = (f"{folder} was written by tvp 9df3951 with the names of schema 1; this tvp "
                 "reads schema 2: re-run it, or read it with tvp 9df3951")
        self.check_error(folder, words)
        r = run([PY, "scripts/compare.py", "--out", self.tmp, fixture_folder(self.tmp), folder])
        self.assertEqual(r.returncode, 2)
        self.assertIn(words, r.stderr)

    def test_rows_the_tables_lack_still_show(self):
        """A kind, transport or layout the run's tables do not list breaks nothing: its
        rows come after the listed ones; with no tables at all the report still runs."""
        def fewer(doc):
            d = json.loads(doc["context"]["tvp_describe"])
            d["worker_kinds"] = [k for k in d["worker_kinds"] if k["name"] != "clone"]
            d["transports"] = d["transports"][1:]
            d["layouts"] = d["pin_policies"] = d["pool_failures"] = []
            doc["context"]["tvp_describe"] = json.dumps(d)
        text = self.write(copy_run(FIXTURE, os.path.join(self.tmp, "fewer"), fewer))
        self.assertIn("| clone | a global | [11, 22] |", text)
        self.assertRegex(text, r"\n\| pipe \| 64 B \| ")
        self.assertIn("| segv | process | worker killed by SIGSEGV | yes |", text)

        def none(doc):
            doc["context"]["tvp_describe"] = "{}"
        text = self.write(copy_run(FIXTURE, os.path.join(self.tmp, "none"), none))
        self.assertIn("| fork | a global | [11, 22] |", text)

    def test_schema_2_without_its_description(self):
        def undescribed(doc):
            del doc["context"]["tvp_describe"]
        self.check_error(copy_run(FIXTURE, os.path.join(self.tmp, "x"), undescribed),
                         "tvp_describe")


def fixture_folder(tmp):
    """A folder holding the fixture run."""
    return copy_run(FIXTURE, os.path.join(tmp, "fixture"))


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


class Reference(unittest.TestCase):
    """The report of a realistic run: results/reference/ (schema 2), or TVP_REFERENCE."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def report(self, edit=None):
        folder = copy_run(reference_json(self), os.path.join(self.tmp, "run"), edit)
        r = run([PY, "scripts/write_report.py", folder])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        with open(os.path.join(folder, "REPORT.md")) as f:
            return folder, f.read()

    def test_report_of_the_reference_run(self):
        folder, text = self.report()
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)
        for fig in FIGURES:
            self.assertIn(f"figures/{fig}.png", text)
            self.assertGreater(os.path.getsize(os.path.join(folder, "figures", f"{fig}.png")),
                               1000, fig)
        assert_no_missing_data_but_newer_rows(self, text)
        self.assertNotIn("Speed targets", text)
        self.assertTrue(os.path.exists(os.path.join(folder, "TARGETS.md")))

    def test_zero_readings_do_not_crash_the_report(self):
        """A reader that returns all zeros (a broken /proc reader, or a machine that
        hides the numbers) gives undecided predictions, never an exception."""
        def zero(doc):
            for b in doc["benchmarks"]:
                if b["name"].startswith(("footprint/", "scale/")):
                    for c in ("kernel_kib", "kernel_stack_kib", "slab_kib", "private_kib",
                              "ops_per_s", "ops_per_s_per_worker"):
                        if c in b:
                            b[c] = 0
        _, text = self.report(zero)
        self.assertIn("undecided", text)

    def test_new_worker_kind_reaches_every_table(self):
        """A kind added to C's table appears in every table that lists kinds, with no
        edit on the Python side, and breaks nothing."""
        _, text = self.report(with_fork_twin)
        n = r"[\d.,]+"
        tables = {  # a line of each table, as a pattern
            "creation by method": r"\n\| fork_twin \| process \| ",
            "creation against parent memory": r"\n\| fork_twin \| 4 KiB pages \| ",
            "copy-on-write": r"\n\| child writes, 4 KiB pages \(fork_twin\) \| ",
            "footprint": rf"\n\| fork_twin \| {n} \| 0 \| ",
            "nums": r"\n\| fork_twin \| a global \| ",
            "IPC throughput": r"\n\| transport \| size \| .*\| processes \(fork_twin\) \|",
            "IPC latency": r"\n\| transport \| .*\| processes \(fork_twin\), one PU \|",
            "lmbench's method": r"\n\| pipe \(`bw_pipe`\) \| unpinned \(fork_twin\) \| ",
            "Queue(3)": r"\n\| processes \(fork_twin\) \| ",
            "pool against a worker per task": r"\n\| task length \| .*\| fork_twin pool \|",
            "Pool(3)": rf"\n\| fork_twin \| {n} \| {n} \| [+-]\d+% \|",
            "failures": r"\n\| segv \| fork_twin \| ",
            "stray write": r"\n\| stray write \| fork_twin \| ",
            "scale": r"\n\| workload \| one operation \| .*\| processes \(fork_twin\) /s \|",
            "placement": r"\n\| workload \| .*\| processes \(fork_twin\) compact \|",
        }
        for table, pattern in tables.items():
            self.assertRegex(text, pattern, table)
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)


def raw_values(doc, name, metric):
    """The per-repetition values of one benchmark straight from the JSON, without
    results.py: its time (in the JSON's unit) or a sum of counters."""
    rows = [b for b in doc["benchmarks"] if b.get("run_type") == "iteration"
            and results.parse_name(b["name"]) == results.parse_name(name)]
    if metric == "time":
        return [b["real_time"] for b in rows]
    return [sum(b[c] for c in metric.split("+")) for b in rows]


class Verdicts(unittest.TestCase):
    """The real rule table on the committed reference run, against outcomes written by
    hand from its JSON (medians taken with statistics.median, independently of the
    report's code). When results/reference/ is run again, these are written again from
    the new data: a difference is a change of the data or a break of the rules."""

    # claim, rule table, the prediction's first words, its outcome (True holds, False
    # fails, None undecided), the ratio of medians (or the median of a for a rule
    # against a threshold), to four significant digits.
    EXPECTED = [
        ("C1", "C", "an idle thread owns almost no", True, 31.17),
        ("C1", "C", "an idle forked process owns at", True, 3.34),
        ("C1", "C", "an idle spawned process owns at", True, 4.221),
        ("C1", "C", "the same from tvp-bench: a forked", True, 5.647),
        ("C1", "C", "a process's page tables are its", True, 7.35),
        ("C1", "PY", "an idle Thread owns almost no", True, 4),
        ("C1", "PY", "an idle Process (fork) costs at", True, 1009),
        ("C1", "PY", "an idle Process (spawn) costs at", True, 2788),
        ("C1", "PY", "an idle Process (fork) owns at", True, 359.2),
        ("C2", "C", "a forked process costs more to", True, 5),
        ("C2", "C", "a vfork process costs more to", False, 1.328),
        ("C2", "C", "a posix_spawn process costs more to", True, 19.87),
        ("C2", "C", "the same from tvp-bench (a parent", True, 6.41),
        ("C2", "C", "fork copies the parent: 1 GiB", True, 154.7),
        ("C2", "C", "fork copies the parent in huge", True, 3.697),
        ("C2", "C", "posix_spawn copies the parent: 1 GiB", False, 0.954),
        ("C2", "C", "a forked child that writes nothing", False, 0),
        ("C2", "C", "a forked child that writes every", True, 262100),
        ("C2", "PY", "a Process (fork) costs more to", True, 21.95),
        ("C2", "PY", "a Process (spawn) costs more to", True, 601.3),
        ("C3", "C", "a child process appends to the", True, 2),
        ("C3", "C", "the same with raw clone (no", True, 2),
        ("C3", "C", "a thread appends to the global", True, 5),
        ("C3", "PY", "a child Process (fork) appends to", True, 2),
        ("C3", "PY", "the same under spawn: the parent", True, 2),
        ("C3", "PY", "the same under forkserver: the parent", True, 2),
        ("C3", "PY", "a Thread appends to the global", True, 5),
        ("C4", "C", "a global variable does not work", True, 2),
        ("C4", "C", "a queue does: the notes' multiprocessing.Queue", True, 1),
        ("C4", "C", "the primitives underneath, in C: a", True, 81570),
        ("C4", "C", "the notes' consumer loop (`if q.empty():", None, 0),
        ("C4", "C", "a global in MAP_SHARED memory does", True, 5),
        ("C4", "C", "what the primitives underneath cost, in", False, 0.9397),
        ("C4", "PY", "global variables do not work between", True, 2),
        ("C4", "PY", "a multiprocessing.Queue delivers every item between", True, 1),
        ("C4", "PY", "a multiprocessing.Queue costs processes more than", None, 1.3),
        ("C4", "PY", "the notes' Queue(3) costs processes more", True, 1.365),
        ("C5", "C", "a process pool of 3 runs", True, 3),
        ("C5", "C", "when the pool is full a", True, 7),
        ("C5", "C", "the same in the notes' Pool(3):", True, 7),
        ("C5", "C", "the same in a C thread", True, 7),
        ("C5", "C", "it makes no worker per request:", True, 3),
        ("C5", "C", "a thread pool of 3 runs", True, 3),
        ("C5", "C", "every task runs once: none twice", True, 0),
        ("C5", "C", "the notes' Pool(3) makes a worker", False, 3),
        ("C5", "C", "tvp's C process pool, built eagerly", False, 3),
        ("C5", "C", "a process pool beats a fork", True, 54.91),
        ("C5", "C", "a thread pool beats a thread", True, 4.972),
        ("C5", "C", "a process pool still beats a", None, 1.47),
        ("C5", "PY", "a Pool beats a Process per", True, 84.88),
        ("C5", "PY", "Pool(3) reuses its workers: ten tasks", True, 3),
        ("C5", "PY", "Pool(3) makes a request wait while", True, 7),
        ("C5", "PY", "Pool(3) creates a worker only when", False, 3),
        ("C6", "C", "tvp's C process pool: a task's", True, 1),
        ("C6", "C", "tvp's C process pool: a worker's", True, 3),
        ("C6", "PY", "an exception in apply_async is not", True, 0),
        ("C6", "PY", "a plain Process whose target raises", True, 1),
        ("C6", "PY", "the remedy: get() raises the worker's", True, 1),
        ("C6", "PY", "the remedy: an error_callback receives it", True, 1),
        ("C7", "C", "creating a process costs more than", True, 5),
        ("C7", "C", "switching between processes costs more than", False, 1.017),
        ("C7", "C", "the same through a futex ring", None, 0.9836),
        ("C7", "C", "a pipe costs processes more than", False, 0.9517),
        ("C7", "C", "shared memory costs processes more than", None, 1.275),
        ("C7", "C", "a crash (SIGSEGV) in a thread-pool", True, 0),
        ("C7", "C", "the same crash in a process-pool", True, 1),
        ("C7", "C", "a stray write from a thread-pool", True, 0),
        ("C7", "C", "a stray write from a process-pool", True, 1),
        ("C7", "PY", "talking costs processes more than threads", False, 0.9776),
        ("C7", "PY", "a SIGSEGV in a Thread takes", True, 0),
        ("C7", "PY", "a SIGSEGV in a ThreadPoolExecutor task", True, 0),
        ("C7", "PY", "a SIGSEGV in a Process leaves", True, 1),
        ("C7", "PY", "a SIGSEGV in a Pool task", True, 1),
        ("C7", "PY", "a SIGSEGV in a ProcessPoolExecutor task", True, 1),
        ("C8", "C", "a connection costs a server less", True, 3.003),
        ("C8", "C", "the same in Apache: its threaded worker", None, None),
        ("C8", "C", "a new concurrent activity starts faster", True, 4.26),
        ("C8", "C", "under the same 256 MiB memory", None, None),
        ("C8", "C", "Apache's event MPM against prefork, 100", True, 9.431),
        ("C8", "C", "CPU-bound work: threads get more done", False, 0.9991),
        ("C8", "C", "streaming memory: threads get more done", None, 0.8284),
        ("C8", "C", "one counter in shared memory: threads", False, 0.9454),
        ("C8", "C", "mapping and faulting memory: threads get", False, 0.542),
        ("C8", "C", "counters side by side in one", None, 0.9236),
        ("C8", "C", "CPU-bound threads scale: one per PU", True, 1.984),
        ("C8", "C", "counters side by side in a", False, 0.1163),
        ("C8", "PY", "a new concurrent activity starts faster", True, 11.89),
        ("C8", "PY", "CPU-bound pure Python: N Threads get", False, 0.5701),
        ("C8", "PY", "CPU-bound pure Python: Threads scale, one", False, 0.9753),
        ("C8", "PY", "I/O-bound (sleeps): N Threads get more", False, 0.9953),
    ]
    # C6: the reference lacks the plain Process row (python/process/process/measure:
    # exception/fetch:none), so 1 of its 2 counted predictions is decided: not a majority.
    VERDICTS = {"C1": "supported", "C2": "nuanced", "C3": "supported", "C4": "supported",
                "C5": "nuanced", "C6": "supported", "C7": "nuanced",
                "C8": "supported"}

    @classmethod
    def setUpClass(cls):
        cls.ref = results.load(REFERENCE)
        with open(os.path.join(REFERENCE, "benchmarks.json")) as f:
            cls.doc = json.load(f)

    def outcomes(self):
        for claim in claims.CLAIMS:
            for table, rules in (("C", claims.RULES), ("PY", py_rules.PY_RULES)):
                for o in claims.judge(claim, self.ref, rules)[1]:
                    yield claim, table, o

    def test_every_rule_as_written_by_hand(self):
        """Each expectation finds its prediction by the claim, the table and the
        prediction's first words, never by position: a rule added, removed or moved
        fails by name."""
        seen = list(self.outcomes())
        unmatched = [(c, t, o.rule.prediction) for c, t, o in seen]
        for e_claim, e_table, words, holds, number in self.EXPECTED:
            found = [(c, t, o) for c, t, o in seen
                     if (c, t) == (e_claim, e_table) and o.rule.prediction.startswith(words)]
            with self.subTest(claim=e_claim, table=e_table, prediction=words):
                self.assertEqual(len(found), 1, "no rule, or more than one, starts so")
                o = found[0][2]
                unmatched.remove((e_claim, e_table, o.rule.prediction))
                self.assertEqual(o.holds, holds)
                got = o.ratio if o.ratio is not None else o.value
                if number is None:  # a Python family newer than the reference run
                    self.assertIsNone(got)
                    continue
                self.assertAlmostEqual(got, number, delta=abs(number) * 0.005 + 1e-9)
        self.assertEqual(unmatched, [], "rules with no hand-written expectation")

    def test_ratios_from_the_json_alone(self):
        """Each comparison's ratio recomputed from the raw repetitions: a rule whose two
        sides were swapped, or a median that is not one, cannot agree."""
        for claim, table, o in self.outcomes():
            r = o.rule
            if r.b is None or o.ratio is None:
                continue
            a = raw_values(self.doc, str(r.a.resolve(self.ref.pus)), r.metric)
            b = raw_values(self.doc, str(r.b.resolve(self.ref.pus)), r.metric)
            with self.subTest(prediction=r.prediction):
                self.assertAlmostEqual(o.ratio, statistics.median(a) / statistics.median(b))

    def test_verdict_of_every_claim(self):
        for claim, verdict in self.VERDICTS.items():
            self.assertEqual(claims.judged(claim, self.ref)[0], verdict, claim)

    def test_claims_table_numbers_from_the_json(self):
        """Every number of the claims at a glance, recomputed from the JSON."""
        from report import claims_table, kit
        lines = claims_table.section(self.ref, None)
        for claim, c in claims.CLAIMS.items():
            if not c.get("key"):
                continue
            pair = c["key"]
            t, p = (statistics.median(raw_values(self.doc, str(k.resolve(self.ref.pus)),
                                                 pair.metric)) - pair.offset
                    for k in (pair.thread, pair.process))
            row = next(line for line in lines if line.startswith(f"| {claim} |"))
            cell = [cell.strip() for cell in row.split("|")][4]
            with self.subTest(claim=claim):
                if pair.of:
                    self.assertTrue(cell.startswith(f"thread {kit.fmt(t)} of {pair.of} · "
                                                    f"process {kit.fmt(p)} of {pair.of}: "),
                                    cell)
                    continue
                self.assertTrue(cell.startswith(f"thread {kit.fmt(t)} ["), (cell, t))
                self.assertIn(f" · process {kit.fmt(p)} [", cell)
                if pair.within is None:
                    self.assertTrue(cell.endswith(f"; process = {times(p / t)} × thread"), cell)
                    continue
                part = statistics.median(raw_values(self.doc, str(pair.within), "time"))
                self.assertIn(f"; process = {times(p / t)} × thread, of which "
                              f"{pair.within_words} {kit.fmt(part)} µs [", cell)


class VerdictsTwice(unittest.TestCase):
    """Two quick runs taken one after the other on the same machine (results/reference
    and results/reference-twin, minutes apart): each claim's verdict, C's and Python's,
    and the key numbers, as written by hand from each JSON; where a verdict differs
    between the two, the run that gave the other one marks it fragile."""

    # claim: (the verdict it is judged on, Python's verdict): the same in both runs,
    # taken minutes apart on 2026-12-07 (make reference). C6 is judged on the notes'
    # Python; C8 on servers holding many connections (memory per connection, a
    # connection per request), which both runs support in C (Apache worker against
    # prefork ran once: undecided, 2 of 3 decided); Python's one C8 row on its servers
    # is context (thousands of refused connections), so it has no counted data.
    BOTH = {"C1": ("supported", "supported"), "C2": ("nuanced", "supported"),
            "C3": ("supported", "supported"), "C4": ("supported", "supported"),
            "C5": ("nuanced", "nuanced"), "C6": ("supported", "supported"),
            "C7": ("nuanced", "nuanced"), "C8": ("supported", "missing data")}
    C7 = {"reference": BOTH["C7"], "reference-twin": BOTH["C7"]}
    C8 = {"reference": BOTH["C8"], "reference-twin": BOTH["C8"]}
    # The key numbers' medians (thread, process), from each JSON with
    # statistics.median over the raw repetitions.
    KEYS = {"reference": {"C1": (31.2, 104), "C2": (26.5, 132), "C3": (3, 0),
                          "C4": (3.37, 404), "C5": (3, 3), "C7": (5.09, 5.18),
                          "C8": (36.1, 108)},
            "reference-twin": {"C1": (31.2, 104), "C2": (29.0, 107), "C3": (3, 0),
                               "C4": (4.17, 368), "C5": (3, 3), "C7": (5.12, 5.14),
                               "C8": (36.1, 108)}}

    @classmethod
    def setUpClass(cls):
        cls.runs = {name: results.load(os.path.join(ROOT, "results", name))
                    for name in ("reference", "reference-twin")}

    def test_verdicts_as_written_by_hand(self):
        for name, run in self.runs.items():
            for claim, (c, py) in dict(self.BOTH, C7=self.C7[name], C8=self.C8[name]).items():
                with self.subTest(run=name, claim=claim):
                    self.assertEqual(claims.judged(claim, run)[0], c)
                    self.assertEqual(claims.judge(claim, run, py_rules.PY_RULES)[0], py)

    def test_a_verdict_that_differs_is_fragile_or_undecided_in_one_run(self):
        """A verdict that differs between the two runs is fragile in one of them, or
        rests on a counted prediction one run decides and the other cannot (too noisy,
        or rows run in a row whose repetitions overlap the threshold)."""
        ref, twin = self.runs["reference"], self.runs["reference-twin"]
        for claim in claims.CLAIMS:
            for rules in (claims.judged_rules(claim), py_rules.PY_RULES):
                (v1, o1), (v2, o2) = (claims.judge(claim, r, rules) for r in (ref, twin))
                if v1 == v2:
                    continue
                undecided_in_one = any(a.undecided != b.undecided for a, b in zip(o1, o2)
                                       if a.rule.counted)
                with self.subTest(claim=claim):
                    self.assertTrue(claims.is_fragile(claim, ref, rules) or
                                    claims.is_fragile(claim, twin, rules) or undecided_in_one)

    def test_key_numbers_as_written_by_hand(self):
        from report import claims_table
        for name, keys in self.KEYS.items():
            for claim, (t, p) in keys.items():
                (tm, _, _), (pm, _, _), _ = claims_table.key_values(claim, self.runs[name])
                with self.subTest(run=name, claim=claim):
                    self.assertAlmostEqual(tm, t, delta=abs(t) * 0.005)
                    self.assertAlmostEqual(pm, p, delta=abs(p) * 0.005)


class ReferenceCurrent(unittest.TestCase):
    """The committed reference against this version (scripts/reference.py): the
    outcomes `make reference` generated from it, and the benchmarks it ran."""

    def test_outcomes_as_generated(self):
        """Every prediction's outcome and every verdict on both committed runs, keyed by
        the prediction's text, as tests/reference_outcomes.json recorded them: a change of
        a rule or a statistic that moves one fails here until `scripts/reference.py
        outcomes` writes the file again (and the diff shows what moved)."""
        import reference
        with open(reference.OUTCOMES) as f:
            recorded = json.load(f)["runs"]
        for name in reference.RUNS:
            now = reference.outcomes_of(results.load(os.path.join(ROOT, "results", name)))
            for claim in sorted(set(now) | set(recorded[name])):
                for table in ("C", "PY"):
                    with self.subTest(run=name, claim=claim, table=table):
                        self.assertEqual(now.get(claim, {}).get(table),
                                         recorded[name].get(claim, {}).get(table))

    def test_reference_ran_this_versions_benchmarks(self):
        """A reference taken by a version whose benchmarks had other names (a family
        added, renamed or removed since, in C or in py_bench.py) fails: make reference."""
        import reference
        for name in reference.RUNS:
            new, gone = reference.stale(os.path.join(BUILD, "tvp-bench"),
                                        os.path.join(ROOT, "results", name))
            with self.subTest(run=name):
                self.assertEqual((new, gone), ([], []))

    def test_stale_names_are_seen(self):
        """The check itself: a run missing one of today's benchmarks, and holding one
        today's version no longer registers, is reported both ways."""
        import reference
        with open(os.path.join(REFERENCE, "benchmarks.json")) as f:
            doc = json.load(f)
        victim = next(b["name"] for b in doc["benchmarks"] if b["name"].startswith("create/"))
        doc["benchmarks"] = [b for b in doc["benchmarks"]
                             if results.parse_name(b.get("run_name", b["name"]))
                             != results.parse_name(victim)]
        gone = "create/pthread/thread/measure:gone/manual_time"
        doc["benchmarks"].append(dict(doc["benchmarks"][0], name=gone, run_name=gone))
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        with open(os.path.join(tmp, "benchmarks.json"), "w") as f:
            json.dump(doc, f)
        new, gone = reference.stale(os.path.join(BUILD, "tvp-bench"), tmp)
        self.assertIn(str(results.parse_name(victim)), new)
        self.assertEqual(gone, ["create/pthread/thread/measure:gone"])


class ClaimsMeaning(unittest.TestCase):
    """Issue 25: each claim judged on what its sentence says. One test per item; each
    fails when its item is undone."""

    @classmethod
    def setUpClass(cls):
        cls.ref = results.load(REFERENCE)

    @staticmethod
    def schedule(rows):
        """A pool_notes-like Bench whose one repetition ran the tasks of rows, each
        (worker, start_ms, end_ms), in the order submitted."""
        b = bench("pool/pool/process/measure:notes/kind:fork", [1.0])
        for i, (w, start, end) in enumerate(rows):
            b.counters.update({f"task{i}_worker": [w], f"task{i}_start_ms": [start],
                               f"task{i}_end_ms": [end]})
        return b

    # --- C4 -------------------------------------------------------------------------
    def test_c4_key_number_is_the_notes_python_queue_with_pickling_alone(self):
        from report import claims_table
        pair = claims.CLAIMS["C4"]["key"]
        self.assertEqual((pair.thread.scenario, pair.thread.variant), ("python", "queue"))
        self.assertEqual((pair.process.scenario, pair.process.variant), ("python", "mp_queue"))
        self.assertEqual(pair.within.variant, "pickle")
        cell = claims_table.key_text("C4", self.ref)
        self.assertIn("multiprocessing.Queue against queue.Queue", cell)
        self.assertRegex(cell, r"process = \d+ × thread, of which pickling alone [\d.]+ µs")
        # C's condition-variable queue is no longer called the notes' example
        from report import ipc
        words = " ".join(ipc.queue3_part(self.ref))
        self.assertNotIn("the notes' example", words)
        self.assertNotIn("The notes' Queue(3)", words)
        self.assertIn("the primitives underneath", words)

    def test_c4_notes_loop_is_context_and_reads_no_data_without_its_row(self):
        rule = next(r for r in claims.RULES if r.claim == "C4" and "q.empty()" in r.prediction)
        self.assertFalse(rule.counted)
        self.assertIn("The queue loses nothing", rule.prediction)
        self.assertEqual(str(rule.a), "python/mp_queue/process/measure:notes_loop")
        out = claims.evaluate(rule, run_of())           # a run without the row
        self.assertIsNone(out.holds)
        self.assertFalse(out.undecided)
        self.assertEqual(out.gap, "missing data")
        b = bench("python/mp_queue/process/measure:notes_loop", [1, 1, 1, 1, 1])
        b.counters = {"runs": [200] * 5, "runs_short": [30, 41, 28, 35, 33],
                      "items_lost": [40, 50, 35, 44, 41]}
        self.assertTrue(claims.evaluate(rule, run_of(b)).holds)

    # --- C5 -------------------------------------------------------------------------
    def test_c5_waiting_counted_from_the_schedules(self):
        three = [(0, 0, 2), (1, 0, 25), (2, 0, 13), (0, 2.1, 16), (2, 13.3, 21),
                 (0, 16.5, 34), (2, 21.8, 45), (1, 25.1, 51), (0, 34.2, 36), (0, 36.6, 66)]
        self.assertEqual(self.schedule(three).values("tasks_waited"), [7.0])
        # a fourth worker for the fourth task (a pool that did not make it wait), and a
        # task that started before its worker's previous one ended: neither waited
        other = [(0, 0, 2), (1, 0, 25), (2, 0, 13), (3, 0, 16)] + \
            [(0, 1.0, 16)] + three[5:]
        self.assertEqual(self.schedule(other).values("tasks_waited"), [5.0])
        counted = {r.prediction: r for r in claims.RULES if r.claim == "C5" and r.counted}
        waits = [r for r in counted.values() if r.metric == "tasks_waited"]
        self.assertEqual({r.a.scenario for r in waits}, {"pool", "python"})
        for r in waits:
            self.assertTrue(claims.evaluate(r, self.ref).holds, r.prediction)

    def test_c5_only_while_not_full_judged_on_the_notes_pool(self):
        c5 = [r for r in claims.RULES if r.claim == "C5"]
        lazy = [r for r in c5 if r.part == claims.ONLY_WHILE_NOT_FULL]
        self.assertTrue(lazy and all(r.counted and r.a.scenario == "python" for r in lazy))
        self.assertFalse(claims.evaluate(lazy[0], self.ref).holds)   # all 3 up front
        eager = [r for r in c5 if r.metric == "workers_created_before_submit"]
        self.assertTrue(eager and not any(r.counted for r in eager))
        self.assertIn("built eagerly", eager[0].prediction)

    def test_c5_key_numbers_are_workers_made_and_tasks_waited(self):
        from report import claims_table
        metrics = [claims.CLAIMS["C5"]["key"].metric] + \
            [p.metric for p in claims.CLAIMS["C5"].get("also", [])]
        self.assertEqual(metrics, ["workers_created", "tasks_waited"])
        cell = claims_table.key_text("C5", self.ref)
        self.assertIn("thread 3 of 10 · process 3 of 10: workers made", cell)
        self.assertIn("thread 7 of 10 · process 7 of 10: tasks that waited", cell)

    # --- C6 -------------------------------------------------------------------------
    def test_c6_counts_the_plain_process_contrast(self):
        rule = next(r for r in py_rules.PY_RULES if r.claim == "C6" and "子进程会" in r.prediction)
        self.assertTrue(rule.counted)
        self.assertEqual(str(rule.a), "python/process/process/measure:exception/fetch:none")
        out = claims.evaluate(rule, run_of())           # a run without the row
        self.assertEqual(out.gap, "missing data")
        self.assertIn("was not run", out.why)
        b = bench("python/process/process/measure:exception/fetch:none", [1] * 5)
        b.counters = {"shown": [1] * 5, "stderr_bytes": [420] * 5}
        self.assertTrue(claims.evaluate(rule, run_of(b)).holds)

    # --- C7 and noise ---------------------------------------------------------------
    def test_c7_counts_creation_as_c2_does(self):
        c2 = next(r for r in claims.RULES if r.claim == "C2" and r.a == claims.create(
            *claims.FORK, parent=claims.MINIMAL) and r.b == claims.create(
            *claims.THREAD, parent=claims.MINIMAL))
        c7 = [r for r in claims.RULES if r.claim == "C7" and r.counted and (r.a, r.b) ==
              (c2.a, c2.b)]
        self.assertEqual(len(c7), 1)
        self.assertEqual((c7[0].relation, c7[0].threshold), ("greater", 1.5))
        self.assertTrue(claims.evaluate(c7[0], self.ref).holds)

    def test_a_noisy_counted_comparison_is_undecided(self):
        a, b = key("s", "a", "process", "m"), key("s", "b", "thread", "m")
        rule = claims.Rule("CN", "a > b", a, b, "greater", 1.25)
        # bimodal a: CV far above 30%, repetitions on both sides of 1.25 x b
        noisy = run_of(bench("s/a/process/measure:m", [2, 2.1, 2.2, 9, 9.5]),
                       bench("s/b/thread/measure:m", [4, 4.1, 4.2, 4.3, 4.4]))
        out = claims.evaluate(rule, noisy)
        self.assertIsNone(out.holds)
        self.assertTrue(out.undecided and out.noisy)
        self.assertIn("too noisy here", out.why)
        self.assertEqual(claims.judge("CN", noisy, [rule])[0], "undecided")
        # the same spread clear of the threshold still decides (1000x stays 1000x)
        clear = run_of(bench("s/a/process/measure:m", [2000, 2100, 2200, 9000, 9500]),
                       bench("s/b/thread/measure:m", [4, 4.1, 4.2, 4.3, 4.4]))
        self.assertTrue(claims.evaluate(rule, clear).holds)
        # context rows are shown as measured
        ctx = claims.Rule("CN", "a > b", a, b, "greater", 1.25, counted=False)
        self.assertFalse(claims.evaluate(ctx, noisy).undecided and
                         "too noisy" in claims.evaluate(ctx, noisy).why)

    def test_an_outcome_that_flips_between_placements_is_undecided(self):
        def pair(pin, a_times):
            return [bench(f"ipc/ring/process/measure:throughput/kind:fork/pin:{pin}", a_times),
                    bench(f"ipc/ring/thread/measure:throughput/kind:pthread/pin:{pin}",
                          [10, 10.1, 10.2, 10.3, 10.4])]
        rule = claims.Rule("CP", "processes dearer", key(
            "ipc", "ring", "process", "throughput", kind="fork", pin="diff_core"), key(
            "ipc", "ring", "thread", "throughput", kind="pthread", pin="diff_core"),
            "greater", 1.25)
        alone = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]))
        self.assertFalse(claims.evaluate(rule, alone).holds)
        both = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]),
                      *pair("none", [20, 20.1, 20.2, 20.3, 20.4]))
        out = claims.evaluate(rule, both)
        self.assertIsNone(out.holds)
        self.assertIn("pin:none", out.why)
        agree = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]),
                       *pair("none", [5, 5.1, 5.2, 5.3, 5.4]))
        self.assertFalse(claims.evaluate(rule, agree).holds)
        # the reference's ring at 64 KiB on two cores: bimodal, undecided
        shm = next(r for r in claims.RULES if r.claim == "C7" and "64 KiB" in r.prediction)
        self.assertIn("too noisy here", claims.evaluate(shm, self.ref).why)

    # --- C2 -------------------------------------------------------------------------
    def test_c2_verdict_line_and_handout_say_which_part_holds(self):
        import handout
        from report import verdicts
        line = verdicts.rules_table("C2", self.ref)[0]
        held, failed, mixed = claims.parts(claims.judged("C2", self.ref)[1])
        self.assertIn("a child copies the parent's data when it is made", failed)
        self.assertIn("creating one grows with the parent's memory (fork copies its page "
                      "tables)", held)
        self.assertIn("What holds: " + "; ".join(held), line)
        self.assertIn("What does not: " + "; ".join(failed), line)
        if mixed:
            self.assertIn("Partly: " + "; ".join(mixed), line)
        page = "\n".join(handout.page("C2", self.ref, REFERENCE))
        self.assertIn("What does not: a child copies the parent's data when it is made", page)

    # --- statistics and words -------------------------------------------------------
    def test_majority_rule_at_its_edges(self):
        from report.verdicts import verdict_with_gaps

        def outs(*states):
            made = []
            for i, s in enumerate(states):
                r = claims.Rule("CM", f"p{i}", None, None, "above", 0)
                made.append(claims.Outcome(r, holds=s if isinstance(s, bool) else None,
                                           undecided=s == "u"))
            return made
        self.assertEqual(claims.verdict(outs(True, True, "u")), "supported")       # 2 of 3
        self.assertEqual(claims.verdict(outs(True, False, "u", "m")), "undecided")  # 2 of 4
        self.assertEqual(claims.verdict(outs(True, False, True, "u", "m")), "nuanced")
        self.assertEqual(claims.verdict(outs(True, "u")), "undecided")             # 1 of 2
        self.assertEqual(claims.verdict(outs(False, False, "u")), "not supported")
        self.assertEqual(claims.verdict(outs("u", "u")), "undecided")
        self.assertEqual(claims.verdict(outs("m", "m")), "missing data")
        mixed = outs(True, "u", "m")                       # partly undecided, partly no data
        self.assertEqual(claims.verdict(mixed), "undecided")
        words = verdict_with_gaps("undecided", mixed)
        self.assertIn("1 of 3 predictions decided (1 undecided, 1 without data)", words)
        self.assertIn("more repetitions or a calmer machine", words)
        self.assertIn("a run with the rows this one lacks", words)
        with open(os.path.join(ROOT, "CLAIMS.md")) as f:
            self.assertIn("a verdict needs more than 50% of its counted rows decided", f.read())

    def test_python_undecided_apart_from_no_data(self):
        from report import python
        text = "\n".join(python.rules_part(self.ref))
        undecided, _, absent = text.partition("Not tested here, their rows being absent")
        self.assertIn("Measured here but undecided:", undecided)
        self.assertIn("a multiprocessing.Queue costs processes more", undecided)
        self.assertNotIn("a multiprocessing.Queue costs processes more", absent)
        # A run without a row says so apart, never as undecided.
        ctx = dict(self.ref.ctx)
        without = results.Run(ctx, self.ref.describe,
                              {k: b for k, b in self.ref.benches.items()
                               if str(k) != "python/process/process/measure:exception/fetch:none"})
        text = "\n".join(python.rules_part(without))
        undecided, _, absent = text.partition("Not tested here, their rows being absent")
        self.assertIn("a plain Process whose target raises", absent)
        self.assertNotIn("a plain Process whose target raises", undecided)

    def test_within_only_where_the_equivalence_test_shows_it(self):
        from report import scale
        t = bench("scale/cpu/thread/measure:rate/kind:pthread/pin:none/workers:2", [1] * 5)
        p = bench("scale/cpu/process/measure:rate/kind:fork/pin:none/workers:2", [1] * 5)
        t.counters = {"ops_per_s": [100, 101, 102, 103, 104]}
        p.counters = {"ops_per_s": [101, 102, 103, 104, 105]}
        self.assertTrue(scale.equivalent(t, p))
        p.counters = {"ops_per_s": [60, 90, 102, 130, 150]}
        self.assertFalse(scale.equivalent(t, p))
        text = "\n".join(scale.reading(self.ref, ["cpu", "memory", "shared_counter",
                                                  "false_sharing_shared"], "pthread", "fork"))
        self.assertIn("within 10% of each other at cpu", text)
        # A workload inside the margin by its medians but not shown so by the test.
        self.assertRegex(text, r"Not distinguishable here at \w+")

    def test_rows_run_in_a_row_get_no_p_value(self):
        from report.verdicts import p_text
        a = bench("python/process/process/measure:create/start_method:fork", [10, 11, 12, 13, 14])
        b = bench("python/thread/thread/measure:create", [1, 1.1, 1.2, 1.3, 1.4])
        rule = claims.Rule("CR", "process dearer", a.key, b.key, "greater", 1.5)
        in_a_row = Describe({"scenarios": [{"name": "python", "in_a_row": True,
                                            "families": [{"measure": "create"}]}]})
        out = claims.evaluate(rule, run_of(a, b, describe=in_a_row))
        self.assertTrue(out.holds)
        self.assertIsNone(out.p)
        self.assertIsNone(out.p_diff)
        self.assertEqual(p_text(out), "no p: ran in a row")
        # a family that says it interleaves gets its test back
        interleaved = Describe({"scenarios": [{"name": "python", "in_a_row": True,
                                               "families": [{"measure": "create",
                                                             "in_a_row": False}]}]})
        self.assertIsNotNone(claims.evaluate(rule, run_of(a, b, describe=interleaved)).p)
        # and the reference's Python rows (the scenario says in_a_row): none has a p
        for r in py_rules.PY_RULES:
            if r.b is not None:
                self.assertIsNone(claims.evaluate(r, self.ref).p, r.prediction)

    def test_python_c1_says_user_memory_only(self):
        from report import python
        for r in py_rules.PY_RULES:
            if r.claim == "C1" and r.b is not None:
                self.assertIn("user memory only", r.prediction)
        self.assertIn("User memory only", "\n".join(python.memory_part(self.ref)))

    def test_compare_labels_the_intervals_real_coverage(self):
        import compare_runs
        entry = compare_runs.Entry("r", REFERENCE, self.ref)
        words = compare_runs.coverage_words([entry])
        self.assertIn("93.75% with 5 repetitions", words)
        self.assertNotIn("95%", words)

    def test_no_import_circle_between_the_rule_tables(self):
        import ast

        def imports(path):
            tree = ast.parse(open(os.path.join(ROOT, "scripts", path)).read())
            names = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    names.add(node.module)
            return names
        self.assertNotIn("claims", imports("py_rules.py"))
        self.assertFalse({"claims", "py_rules"} & imports("engine.py"))


class Compare(unittest.TestCase):
    """The comparison command on two fixture runs: one the fixture, the other the same
    with pthread_create made 1.5 times slower."""

    CREATE = "create/{}/measure:round_trip/parent:tvp/layout:private/parent_mib:0"

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        with open(FIXTURE) as f:
            doc = json.load(f)
        # Twice the fixture's repetitions, so a difference can reach significance.
        doc["benchmarks"] = [dict(r) for r in doc["benchmarks"] for _ in (0, 1)]
        self.a = os.path.join(self.tmp, "a")
        self.b = os.path.join(self.tmp, "b")
        os.makedirs(self.a)
        os.makedirs(self.b)
        with open(os.path.join(self.a, "benchmarks.json"), "w") as f:
            json.dump(doc, f)
        for row in doc["benchmarks"]:
            if row["name"].startswith(self.CREATE.format("pthread/thread") + "/"):
                row["real_time"] *= 1.5
        with open(os.path.join(self.b, "benchmarks.json"), "w") as f:
            json.dump(doc, f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_two_runs(self):
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertEqual(r.returncode, 0, r.stderr)
        folder = os.path.join(self.tmp, "compare-a-vs-b")
        with open(os.path.join(folder, "COMPARE.md")) as f:
            text = f.read()
        self.assertIn(f"| {self.CREATE.format('pthread/thread')} | 1.500 **✱** |", text)
        self.assertIn(f"| {self.CREATE.format('fork/process')} | 1.000 |", text)
        self.assertGreater(os.path.getsize(os.path.join(folder, "figures", "compare.png")), 1000)
        # A second comparison never overwrites the first.
        run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertTrue(os.path.isdir(folder + "-2"))

    def test_bad_folders(self):
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a,
                 os.path.join(self.tmp, "nope")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such results folder", r.stderr)
        with open(os.path.join(self.b, "benchmarks.json"), "w") as f:
            f.write('{"context": {')
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertEqual(r.returncode, 2)
        self.assertIn("not valid JSON", r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_imports_the_kit_not_the_report(self):
        r = run([PY, "-c", "import sys; sys.argv = ['compare.py']; sys.path.insert(0, 'scripts');"
                 "import compare; print(sorted(m for m in sys.modules if m.startswith('report')))"])
        self.assertEqual(r.returncode, 0, r.stderr)
        # The kit and the catalogue it translates its words with, which imports nothing.
        self.assertEqual(r.stdout.strip(), "['report', 'report.i18n', 'report.kit']")


class PeerReference(unittest.TestCase):
    """`perf bench sched pipe` is taken as rows that run with ipc (bench/perf_ref.c), one
    take a repetition, and the run's context and the report quote their median and
    range."""

    def test_takes_are_rows_interleaved_with_ipc(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p.json")
            r = run([os.path.join(BUILD, "tvp-bench"), "--scenario=ipc", "--repetitions=3",
                     "--min-time=0.01",
                     "--benchmark_filter=perf_ref|ipc/pipe/process/measure:latency/kind:fork/"
                     "pin:same_pu", f"--benchmark_out={out}", "--benchmark_out_format=json"])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                doc = json.load(f)
        rows = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        names = [b["name"].split("/")[0] for b in rows]
        self.assertIn("perf_ref", names)
        self.assertIn("ipc", names)
        self.assertEqual(doc["context"].get("repetition_order"), "interleaved")
        perf = [b for b in rows if b["name"].startswith("perf_ref/")]
        if not shutil.which("perf"):
            self.assertTrue(all(b.get("error_occurred") for b in perf))
            self.assertIn("perf", perf[0]["error_message"])
            return
        same = [b for b in perf if "/pin:same_pu/" in b["name"]]
        self.assertEqual(sorted(b["repetition_index"] for b in same), [0, 1, 2])
        self.assertTrue(all(b["real_time"] > 0 for b in same))
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import run as run_py
        ctx = run_py.perf_context(doc["benchmarks"])
        takes = sorted(b["real_time"] for b in same)
        self.assertEqual(ctx["perf_sched_pipe_same_pu_us_takes"], "3")
        self.assertAlmostEqual(float(ctx["perf_sched_pipe_same_pu_us"]), takes[1], places=5)
        self.assertEqual(ctx["perf_sched_pipe_same_pu_us_range"],
                         f"{takes[0]:.6f}-{takes[-1]:.6f}")

    def test_report_quotes_median_and_range(self):
        from report import ipc
        perf = [bench("perf_ref/sched_pipe/process/measure:latency/kind:fork/pin:same_pu/"
                      "iterations:1/manual_time", [2.7, 4.6, 2.8]),
                bench("ipc/pipe/process/measure:latency/kind:fork/pin:same_pu/real_time",
                      [3.0, 3.1, 2.9])]
        r = run_of(*perf, ctx={"pus": "2", "perf_sched_pipe_same_pu_us": "9.9"})
        self.assertEqual(ipc.perf_takes(r, "same_pu"), (2.8, 2.7, 4.6, 3))
        text = " ".join(ipc.perf_part(r))
        self.assertIn("on one PU 2.8 µs (median of 3 takes, 2.7-4.6) against tvp's 3 µs", text)
        # An older run: the single take its context kept, said to be one.
        old = run_of(perf[1], ctx={"pus": "2", "perf_sched_pipe_same_pu_us": "4.57"})
        self.assertIn("on one PU 4.57 µs (one take)", " ".join(ipc.perf_part(old)))


class PythonBench(unittest.TestCase):
    """The notes' Python, measured by bench/py_bench.py (needs its names of schema 2)."""

    def run_py(self, pattern, reps=2):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        r = run([PY, "bench/py_bench.py", "--filter", pattern, "--repetitions", str(reps),
                 "--min-time", "0.01", "--out", os.path.join(tmp, "benchmarks.json")])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        return results.load(tmp)

    def test_json_is_what_the_report_reads(self):
        r = self.run_py("python/thread/thread/measure:create|measure:queue3|python/thread_pool/")
        self.assertIsNotNone(r.get("python", "thread", "thread", "create"))
        self.assertIsNotNone(r.get("python", "mp_queue", "process", "queue3"))
        for b in r.benches.values():
            self.assertEqual(len(b.times_us), 2, b.name)
            self.assertTrue(all(t > 0 for t in b.times_us), b.name)
        self.assertEqual(children_of(os.getpid()), [])

    def test_exception_fetched_three_ways(self):
        r = self.run_py("measure:exception", reps=1)
        shown = {b.args["fetch"]: b.counter("shown") for b in r.select("python", "exception")}
        # The notes' contrast beside them: a plain Process prints its traceback.
        self.assertEqual(shown, {"never_fetched": 0, "get": 1, "error_callback": 1, "none": 1})
        self.assertIn("ValueError", r.get("python", "mp_pool", "process", "exception",
                                          fetch="get").label)

    def test_missing_start_method_is_skipped(self):
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import py_bench
        suite = py_bench.Suite("quick", "measure:create/start_method:(spawn|forkserver)")
        real = py_bench.mp.get_all_start_methods
        py_bench.mp.get_all_start_methods = lambda: ["fork"]
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # keep the runner's lines whole
                py_bench.create(suite)
        finally:
            py_bench.mp.get_all_start_methods = real
        self.assertEqual([r["error_message"] for r in suite.rows],
                         [f"start method {m} is not available on {sys.platform}"
                          for m in ("spawn", "forkserver")])


class BadInput(unittest.TestCase):
    BENCH = os.path.join(BUILD, "tvp-bench")

    def expect_usage_error(self, cmd, words):
        r = run(cmd)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(words, r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_unknown_flag(self):
        self.expect_usage_error([self.BENCH, "--frobnicate"], "unknown option '--frobnicate'")

    def test_bad_profile(self):
        self.expect_usage_error([self.BENCH, "--profile=huge"], "unknown profile 'huge'")

    def test_bad_policy(self):
        self.expect_usage_error([self.BENCH, "--pin", "everywhere"],
                                "unknown placement policy 'everywhere'")

    def test_bad_numbers(self):
        self.expect_usage_error([self.BENCH, "--repetitions=0"], "--repetitions")
        self.expect_usage_error([self.BENCH, "--min-time=abc"], "--min-time")

    def test_missing_value(self):
        self.expect_usage_error([self.BENCH, "--pin"], "--pin needs a value")

    def test_run_script_checks_before_making_a_folder(self):
        with tempfile.TemporaryDirectory() as out:
            self.expect_usage_error([PY, "scripts/run.py", "--out", out, "--profile", "huge"],
                                    "unknown profile")
            self.assertEqual(os.listdir(out), [])

    def test_unwritable_results_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            blocker = os.path.join(tmp, "file")
            open(blocker, "w").close()  # a file where a folder must go: fails even as root
            self.expect_usage_error([PY, "scripts/run.py", "--out", os.path.join(blocker, "r")],
                                    "cannot create results folder")

    def test_help(self):
        r = run([self.BENCH, "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--profile", r.stdout)
        self.assertIn("benchmark_filter", r.stdout)


class Smoke(unittest.TestCase):
    """The real suite with a tiny minimum time: every benchmark runs, none reports an
    error, and no process or shared-memory object is left. In make test, each
    benchmark at its first sizes only (--smoke), once, so that make test stays short
    where page faults are slow; make suite-check (TVP_SUITE_CHECK=full) runs every size
    of the quick profile, twice."""
    FULL = os.environ.get("TVP_SUITE_CHECK") == "full"

    def test_real_suite(self):
        shm_before, sysv_before = shm_objects(), sysv_queues()
        size = ["--repetitions", "2"] if self.FULL else ["--repetitions", "1", "--smoke"]
        mark = f"{os.getpid()}-real-suite"
        with tempfile.TemporaryDirectory() as out:
            r = run([PY, "scripts/run.py", "--out", out, "--min-time", "0.001", *size,
                     "--bench", os.path.join(BUILD, "tvp-bench")],
                    env=dict(os.environ, TVP_TEST_MARK=mark))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("[1/", r.stdout)
            (folder,) = os.listdir(out)
            first = os.path.join(out, folder)
            with open(os.path.join(first, "benchmarks.json")) as f:
                doc = json.load(f)
            # A benchmark may be skipped for a system limit it names; nothing else.
            limits = re.compile(r"msgsize_max|msgmax|msgmnb|wmem_max|RLIMIT_|MemAvailable|"
                                r"memory cgroup's limit|pids\.max|"
                                r"transparent huge pages are|max_map_count")
            errors = [(b["name"], b.get("error_message")) for b in doc["benchmarks"]
                      if b.get("error_occurred") and not limits.search(b.get("error_message", ""))]
            self.assertEqual(errors, [])
            self.assertGreater(len(doc["benchmarks"]), 40)
            # lmbench's method ran beside the transports it is the reference for.
            rates = [b.get("bytes_per_second", 0) for b in doc["benchmarks"]
                     if b["name"].startswith("bw_lmbench/pipe/process/measure:throughput/"
                                             "kind:fork/pin:none/msg_bytes:65536/")]
            self.assertTrue(rates and all(r > 0 for r in rates), rates)
            for name in ("topology", "cpu_model", "kernel", "thp", "governor", "nproc",
                        "tvp_version", "profile", "placement", "scenario_seconds",
                        "name_schema", "tvp_describe"):
                self.assertIn(name, doc["context"])
            self.assertEqual(doc["context"]["name_schema"], "2")
            # Every name is one of schema 2, and the merged description has both halves.
            self.assertEqual([b["name"] for b in doc["benchmarks"] if b.get("run_type") !=
                              "aggregate" and results.parse_name(b["name"]) is None], [])
            described = {s["name"] for s in
                         json.loads(doc["context"]["tvp_describe"])["scenarios"]}
            self.assertTrue({"create", "ipc", "python"} <= described, described)
            self.assertTrue(os.path.exists(os.path.join(first, "REPORT.md")))
            self.assertTrue(os.path.exists(os.path.join(first, "topology.xml")))
            # A second run makes a second folder: results never overwrite each other.
            r = run([PY, "scripts/run.py", "--out", out, "--min-time", "0.001",
                     "--repetitions", "1", "--filter", "^create/pthread/",
                     "--bench", os.path.join(BUILD, "tvp-bench")])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertEqual(len(os.listdir(out)), 2)
            # The filter left most scenarios nothing to run; their empty outputs go too.
            for folder in os.listdir(out):
                self.assertEqual([f for f in os.listdir(os.path.join(out, folder))
                                  if f.startswith(".part-")], [], folder)
        self.assertEqual(children_of(os.getpid()), [])
        self.assertEqual(marked(mark), set())
        self.assertEqual(shm_objects() - shm_before, set())
        self.assertEqual(sysv_leaked(sysv_before), set())

    def test_sigint_mid_transfer_removes_every_named_object(self):
        """Interrupted while a transport's named objects exist (System V and POSIX
        message queues), tvp-bench still removes them (in its own IPC namespace, where
        it has one, the kernel removes them with it); the transports that make no
        name (the memfd ring, socketpairs) leave none in /dev/shm either."""
        for transport in ("sysv_mq", "posix_mq", "shm_ring", "unix_stream"):
            with self.subTest(transport=transport):
                mark = f"{os.getpid()}-{transport}"
                sysv_before, shm_before = sysv_queues(), shm_objects()
                p = subprocess.Popen([os.path.join(BUILD, "tvp-bench"), "--scenario=ipc",
                                      "--min-time=5", "--repetitions=1",
                                      f"--benchmark_filter=^ipc/{transport}/process/"],
                                     cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, TVP_TEST_MARK=mark))
                self.addCleanup(lambda p=p: p.poll() is None and (p.kill(), p.wait()))
                # Whatever this test finds left is removed after it, pass or fail.
                self.addCleanup(lambda p=p, before=sysv_before: (
                    remove_posix_queues(posix_queues_of(p.pid)),
                    remove_sysv_queues(sysv_leaked(before))))
                made = (lambda t=transport, before=sysv_before:
                        queues_made_by(p.pid, t, before)) \
                    if transport in ("sysv_mq", "posix_mq") else None
                if made:
                    self.assertTrue(wait_until(made), f"no {transport} object appeared")
                else:  # mid-transfer: the peer is up
                    self.assertTrue(wait_until(lambda: marked(mark) - {p.pid}),
                                    "no peer started")
                p.send_signal(signal.SIGINT)
                p.wait(timeout=PATIENCE)
                self.assertEqual(p.returncode, -signal.SIGINT)
                # The peer dies of its parent-death signal.
                self.assertTrue(wait_until(lambda: not marked(mark)), marked(mark))
                self.assertEqual(sysv_leaked(sysv_before), set())
                self.assertEqual(posix_queues_of(p.pid), set())
                self.assertEqual(shm_objects() - shm_before, set())

    def test_sigint_leaves_nothing(self):
        mark = f"{os.getpid()}-sigint-run"
        with tempfile.TemporaryDirectory() as out:
            # Ctrl-C as a terminal delivers it: with SIGINT at its default, whatever this
            # test inherited (a shell's background job starts with SIGINT ignored, and
            # Python then installs no KeyboardInterrupt for it).
            p = subprocess.Popen([PY, "scripts/run.py", "--out", out, "--min-time", "0.5",
                                  "--bench", os.path.join(BUILD, "tvp-bench")],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=dict(os.environ, TVP_TEST_MARK=mark),
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
            self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
            self.assertTrue(wait_until(lambda: marked(mark) - {p.pid}), "nothing started")
            time.sleep(1.0)  # into the first scenario's benchmarks
            p.send_signal(signal.SIGINT)
            try:
                _, err = p.communicate(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                self.fail("run.py did not end after Ctrl-C; still alive: " + describe_processes(
                    marked(mark) | {p.pid}))
            self.assertEqual(p.returncode, 130, err)
            self.assertIn("interrupted", err)
        self.assertTrue(wait_until(lambda: not marked(mark)), marked(mark))
        self.assertEqual(children_of(os.getpid()), [])


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


class Parents(unittest.TestCase):
    """The minimal parent beside tvp-bench, and kernel memory by a source that resolves
    one worker: the real tvp-bench creates from both parents and says how big each is,
    every footprint row names its kernel source and resolution, a row below resolution
    is said to be so (never a number or a bar), the intervals carry their real coverage,
    the creation figure's axis fits its bars, and no process or cgroup is left, also
    after an interrupt."""
    BENCH = os.path.join(BUILD, "tvp-bench")

    def bench_json(self, scenario, pattern, mark=None):
        """The rows of one tvp-bench run, and its pid's leftover cgroups."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            env = dict(os.environ, TVP_TEST_MARK=mark) if mark else None
            p = subprocess.Popen([self.BENCH, "--scenario", scenario, "--repetitions", "1",
                                  "--min-time", "0.001", f"--benchmark_filter={pattern}",
                                  f"--benchmark_out={out}", "--benchmark_out_format=json"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, env=env)
            _, err = p.communicate(timeout=2 * PATIENCE)
            self.assertEqual(p.returncode, 0, err[-2000:])
            with open(out) as f:
                rows = [b for b in json.load(f)["benchmarks"] if b.get("run_type") != "aggregate"]
        return rows, tvp_cgroups(p.pid)

    def test_both_parents_create_and_report(self):
        rows, _ = self.bench_json(
            "create", "^create/(pthread|fork|posix_spawn)/[a-z]+/measure:(round_trip|start)/"
            "parent:(tvp|minimal)/layout:private/parent_mib:0/")
        self.assertEqual(len(rows), 12, [b["name"] for b in rows])
        by = {}
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                self.assertTrue(b["name"].endswith("/manual_time"), b["name"])
                self.assertGreater(b["iterations"], 0)
                self.assertGreater(b["real_time"], 0)
                self.assertGreater(b["parent_rss_kib"], 0)
                self.assertGreater(b["parent_maps"], 0)
                if "/posix_spawn/" in b["name"] or "/fork/" in b["name"]:
                    self.assertIn("child_cpu_ns", b)
            by[results.parse_name(b["name"]).args["parent"]] = b
        # The minimal parent is the smaller program: fewer mappings, less resident.
        self.assertLess(by["minimal"]["parent_maps"], by["tvp"]["parent_maps"])
        self.assertLess(by["minimal"]["parent_rss_kib"], by["tvp"]["parent_rss_kib"])
        self.assertEqual(children_of(os.getpid()), [])

    def test_footprint_rows_name_their_source(self):
        mark = f"{os.getpid()}-parents-footprint"
        rows, left = self.bench_json(
            "footprint", "^footprint/(pthread|fork|posix_spawn)/[a-z]+/measure:memory/"
            "parent:(tvp|minimal)/workers:(1|10)/parent_mib:0/", mark)
        self.assertEqual(len(rows), 12, [b["name"] for b in rows])
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                for c in ("kernel_kib", "kernel_source", "kernel_resolution_kib",
                          "page_tables_kib", "pss_kib", "private_kib", "private_clean_kib",
                          "meminfo_kernel_kib", "parent_rss_kib", "parent_maps"):
                    self.assertIn(c, b)
                self.assertIn(b["kernel_source"], (1, 3))
                self.assertGreater(b["kernel_resolution_kib"], 0)
                if memory_cgroup_home() and os.geteuid() == 0:
                    self.assertEqual(b["kernel_source"], 1, "a memory cgroup could be made")
        self.assertEqual(left, [])
        self.assertEqual(children_of(os.getpid()), [])
        self.assertEqual(marked(mark), set())

    def test_meminfo_fallback_says_so(self):
        """Without a cgroup (forced here as a machine without one would be), every row
        says its kernel memory is /proc/meminfo's, why, and a resolution of at least a
        page per CPU."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            r = run([self.BENCH, "--scenario", "footprint", "--repetitions", "1",
                     "--benchmark_filter=^footprint/(pthread|fork)/[a-z]+/measure:memory/"
                     "parent:(tvp|minimal)/workers:1/parent_mib:0/",
                     f"--benchmark_out={out}", "--benchmark_out_format=json"],
                    env=dict(os.environ, TVP_FOOTPRINT_SOURCE="meminfo"))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 4)
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                self.assertEqual(b["kernel_source"], 3)
                self.assertIn("TVP_FOOTPRINT_SOURCE=meminfo", b.get("label", ""))
                self.assertGreaterEqual(b["kernel_resolution_kib"], 4 * os.cpu_count())
        self.assertEqual(children_of(os.getpid()), [])

    def test_per_process_source(self):
        """Without a cgroup, each worker's page tables and one kernel stack: a thread
        alone is resolved (at least a kernel stack), and the row says slab is not seen."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            r = run([self.BENCH, "--scenario", "footprint", "--repetitions", "1",
                     "--benchmark_filter=^footprint/(pthread|fork)/[a-z]+/measure:memory/"
                     "parent:minimal/workers:1/parent_mib:0/",
                     f"--benchmark_out={out}", "--benchmark_out_format=json"],
                    env=dict(os.environ, TVP_FOOTPRINT_SOURCE="proc"))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 2)
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertEqual(b["kernel_source"], 2)
                self.assertGreaterEqual(b["kernel_kib"], 8)  # a kernel stack at least
                self.assertGreaterEqual(b["kernel_kib"], b["kernel_resolution_kib"])
                # The rest is the one kernel stack: a power of two of KiB.
                self.assertIn(b["kernel_kib"] - b["page_tables_kib"], (8, 16, 32, 64))

    def test_interrupt_removes_the_cgroup(self):
        home = memory_cgroup_home()
        if not home or os.geteuid() != 0:
            self.skipTest("no v1 memory cgroup that this user can make")
        mark = f"{os.getpid()}-parents-sigint"
        p = subprocess.Popen([self.BENCH, "--scenario", "footprint", "--repetitions", "50",
                              "--benchmark_filter=^footprint/fork/process/measure:memory/"
                              "parent:(tvp|minimal)/workers:1000/parent_mib:0/"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, TVP_TEST_MARK=mark))
        try:
            deadline = time.monotonic() + PATIENCE
            while not tvp_cgroups(p.pid) and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.01)
            self.assertTrue(tvp_cgroups(p.pid), "tvp-bench made no cgroup to interrupt")
            time.sleep(0.2)  # into the middle of a build-up
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(timeout=PATIENCE), -signal.SIGINT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        deadline = time.monotonic() + PATIENCE
        while marked(mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(marked(mark), set())
        self.assertEqual(tvp_cgroups(p.pid), [])

    # --- the report, on a run built from names with chosen counters ------------------

    def names_run(self, scenario):
        listed = run([self.BENCH, "--benchmark_list_tests", "--scenario", scenario])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        described = run([self.BENCH, "--describe"])
        self.assertEqual(described.returncode, 0, described.stderr)
        ctx = {"pus": "2", "profile": "quick", "placement": "none", "tvp_version": "test"}
        return wanted.names_run(listed.stdout.split(), Describe(json.loads(described.stdout)),
                                ctx)

    @staticmethod
    def set_counters(run_, name_part, **counters):
        for k, b in run_.benches.items():
            if name_part in str(k):
                b.counters = dict(b.counters, **counters)

    def test_below_resolution_is_said_so(self):
        from report import footprint, kit
        r = self.names_run("footprint")
        one = "footprint/pthread/thread/measure:memory/parent:tvp/workers:1/parent_mib:0"
        base = {c: [5.0] * 5 for c in ("private_kib", "private_clean_kib", "pss_kib",
                                       "page_tables_kib", "meminfo_kernel_kib", "vm_kib",
                                       "parent_rss_kib", "parent_maps")}
        for k, b in r.benches.items():
            b.counters = dict(base, kernel_kib=[30.0, 31, 32, 33, 34],
                              kernel_resolution_kib=[8.0] * 5, kernel_source=[1.0] * 5)
        self.set_counters(r, one, kernel_kib=[-680.0, 0, 200, 90, -40],
                          kernel_resolution_kib=[576.0] * 5, kernel_source=[3.0] * 5)
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "data"))
            drew, kit.DRAW = kit.DRAW, False
            try:
                text = "\n".join(footprint.section(r, folder))
            finally:
                kit.DRAW = drew
            with open(os.path.join(folder, "data", "footprint.dat")) as f:
                data = f.read()
        line = next(l for l in text.split("\n")
                    if l.startswith("| pthread_create | 1 | 0 | tvp-bench |"))
        self.assertIn("below resolution (±576)", line)
        self.assertIn("/proc/meminfo", line)
        self.assertNotRegex(line, r"\| (0|-?\d+(\.\d+)?) \[")  # no interval for it
        other = next(l for l in text.split("\n")
                     if l.startswith("| pthread_create | 10 | 0 | tvp-bench |"))
        self.assertIn("32 [30, 34]", other)
        # A negative cost is never a number either, whatever the stated resolution.
        self.set_counters(r, "measure:memory/parent:tvp/workers:10/parent_mib:0",
                          kernel_kib=[-5588.0] * 5, kernel_resolution_kib=[700.0] * 5,
                          kernel_source=[3.0] * 5)
        self.assertFalse(footprint.resolved(r.get("footprint", "fork", "process", "memory",
                                                  parent="tvp", workers=10, parent_mib=0)))
        self.assertIn("memory cgroup", other)
        # In the figure: the kernel part of that bar is left out and the bar is marked.
        first = data.split("\n\n\n")[0].split("\n")
        bar = next(l for l in first if '"pthread_create"' in l and l.startswith("0 "))
        fields = bar.split()  # x label mode user kernel lo hi group below clean
        self.assertEqual(fields[8], "1", bar)
        self.assertEqual(fields[4], "0.00", bar)
        self.assertEqual(fields[5:7], ["NaN", "NaN"], bar)
        # Both parents are stated with their size, and the real coverage is named.
        self.assertIn("tvp-bench 0.00488 MiB resident, 5 mappings", text)
        self.assertIn("minimal parent", text)
        self.assertIn("93.75% interval", text)
        self.assertNotIn("95% interval", text)

    def test_creation_figure_fits_its_bars(self):
        from report import create
        r = self.names_run("create")
        for k, b in r.benches.items():
            b.times_us = [900.0, 1000, 1100, 1200, 1221]
            b.counters = {"parent_rss_kib": [900.0] * 5, "parent_maps": [13.0] * 5,
                          "child_cpu_ns": [1000.0] * 5}
            if "/pthread/" in str(k):
                b.times_us = [15.0, 16, 17, 18, 19]
        data, (lo, hi) = create.methods_data(r, create.parents(r))
        self.assertLessEqual(float(lo), 15)
        self.assertGreater(float(lo), 1.5)       # not a decade below the lowest bar
        self.assertGreaterEqual(float(hi), 1221)
        self.assertLessEqual(float(hi), 2000)    # not 10,000 for a maximum of 1,221
        lines = [l for l in data.split("\n") if l.startswith('"')]
        self.assertEqual(len(lines), len(r.describe.kinds))
        self.assertEqual(len(lines[0].split()), 8)  # label, mode, 3 per parent
        self.assertEqual(create.coverage_words(create.empty_parent_rows(r)), "93.75%")
        # gnuplot takes the range as strings: no exponent, which it refuses.
        for b in r.benches.values():
            b.times_us = [t * 6 for t in b.times_us]  # 7,326 µs: a range to 10,000
        _, (lo, hi) = create.methods_data(r, create.parents(r))
        self.assertEqual(hi, "10000")
        self.assertNotIn("e", lo + hi)


class ScaleAndCowReport(unittest.TestCase):
    """The scale and copy-on-write sections on a made-up run: the linear line stops at
    the PUs, ticks are the measured Ns, false sharing is shown three ways, the TLB count
    reaches the Reading, faults that coincide are one line named for all, and captions
    give the intervals' real coverage."""

    DESCRIBE = {"worker_kinds": [{"name": "pthread", "mode": "thread"},
                                 {"name": "fork", "mode": "process"}],
                "scale_workloads": [{"name": w} for w in (
                    "cpu", "false_sharing", "false_sharing_shared", "page_fault")],
                "layouts": [{"name": "private"}, {"name": "thp"}]}

    def setUp(self):
        from report import kit
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        for sub in ("data", "figures"):
            os.makedirs(os.path.join(self.tmp, sub))
        self.kit = kit

    def scale_run(self):
        rates = {  # (workload, mode): ops/s at N = 1, 2, 4 (2 PUs)
            ("cpu", "thread"): (100, 200, 200), ("cpu", "process"): (100, 200, 200),
            ("false_sharing", "thread"): (100, 20, 20),
            ("false_sharing", "process"): (100, 200, 200),
            ("false_sharing_shared", "thread"): (100, 20, 20),
            ("false_sharing_shared", "process"): (100, 21, 21),
            ("page_fault", "thread"): (100, 60, 90),
            ("page_fault", "process"): (100, 200, 200)}
        tlb = {"page_fault": {"thread": 1.0, "process": 0.01}}
        benches = []
        for (w, mode), per_n in rates.items():
            kind = "pthread" if mode == "thread" else "fork"
            for n, rate in zip((1, 2, 4), per_n):
                b = bench(f"scale/{w}/{mode}/measure:rate/kind:{kind}/pin:none/workers:{n}",
                          [100.0] * 5)
                b.counters = {"ops_per_s": [rate * (1 + (i - 2) / 100) for i in range(5)],
                              "tlb_shootdowns_per_op": [tlb.get(w, {}).get(mode, 0.0)] * 5,
                              "tlb_shootdowns_per_s": [3000.0 if w == "page_fault" and
                                                       mode == "thread" else 20.0] * 5}
                benches.append(b)
        return run_of(*benches, ctx={"pus": "2"}, describe=Describe(self.DESCRIBE))

    def test_scale_section(self):
        from report import scale
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        text = "\n".join(scale.section(self.scale_run(), self.tmp))
        with open(os.path.join(self.tmp, "data", "scale.cpu.dat")) as f:
            rows = [line.split() for line in f.read().splitlines()[1:]]
        self.assertEqual([r[0] for r in rows], ["1", "2", "4"])
        # N x one worker up to the PUs only: no "ideal" past the machine.
        self.assertEqual([r[-1] for r in rows], ["100", "200", "NaN"])
        self.assertIn("93.75% interval", text)
        # False sharing three ways, and the difference put on the data, not the lines.
        self.assertIn("| processes, one MAP_SHARED array | shared by all | 21 |", text)
        self.assertIn("| processes, the global array | each its own copy: none shared | 200 |",
                      text)
        self.assertIn("a process does not share the lines at all: it does not share the data",
                      text)
        # The TLB count measured, the mechanism worded as a hypothesis.
        self.assertIn("| page_fault | 1 | 3,000 | 0.01 | 20 |", text)
        self.assertIn("threads caused 1 TLB-shootdown interrupts per operation", text)
        self.assertIn("that is measured", text)
        self.assertIn("hypothesis", text)
        self.assertNotIn("takes the one address space's lock, which", text)

    def test_scale_efficiency_from_paired_speedups(self):
        """The efficiency is each repetition's own N over its own one worker: with the
        pairs saying 1.0x, medians that would make 2x (a slow N = 1 row) do not show."""
        from report import scale
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        r = self.scale_run()
        for b in r.select("scale", "rate", variant="cpu"):
            if b.args["workers"] > 1:
                b.counters["speedup"] = [1.0, 0.98, 1.0, 1.02, 1.01]
        text = "\n".join(scale.section(r, self.tmp))
        self.assertIn("| cpu | | 200 | 50% | 200 | 50% |", text)

    def test_scale_rows_carry_paired_speedup(self):
        """tvp-bench's unpinned N > 1 rows carry the per-repetition speed-up against one
        worker measured beside them; N = 1 rows and pinned rows do not."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "s.json")
            r = run([os.path.join(BUILD, "tvp-bench"), "--scenario=scale", "--repetitions=2",
                     "--min-time=0.01", "--benchmark_filter=scale/cpu/thread/.*workers:(1|2)/",
                     f"--benchmark_out={out}", "--benchmark_out_format=json"])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = [b for b in json.load(f)["benchmarks"] if b["run_type"] == "iteration"]
        seen = set()
        for row in rows:
            paired = "/pin:none/" in row["name"] and "/workers:2/" in row["name"]
            self.assertEqual("speedup" in row, paired, row["name"])
            if paired:
                self.assertGreater(row["speedup"], 0)
                seen.add(row["repetition_index"])
        self.assertEqual(seen, {0, 1})

    def test_scale_figure_ticks_and_no_warning(self):
        """gnuplot draws the panels with ticks at the measured Ns only, and says nothing."""
        from report import scale
        scale.section(self.scale_run(), self.tmp)
        prefix = os.path.join(self.tmp, "data", "scale")
        r = run(["gnuplot", "-c", "plots/scale.gp", prefix, os.path.join(self.tmp, "x"),
                 "cpu page_fault", "0 1", "1,2,4 1,2,4", "93.75% interval"])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        with open(os.path.join(self.tmp, "x.svg")) as f:
            svg = f.read()
        labels = set(re.findall(r">\s*(\d)\s*</text>", svg))
        self.assertTrue({"1", "2", "4"} <= labels, labels)
        self.assertNotIn("3", labels)

    def cow_run(self):
        benches = []

        def add(kind, mode, writer, layout, touched, ns, faults, extra=None):
            for pct in (0, 1, 10, 100):
                b = bench(f"cow/{kind}/{mode}/measure:write/writer:{writer}/layout:{layout}/"
                          f"parent_touched:{touched}/pct:{pct}/parent_mib:256",
                          [ns * pct * 655 / 1e3 + 1] * 5)
                b.counters = {"minflt": [faults * pct * 655] * 5,
                              "private_dirty_kib": [4 * faults * pct * 655] * 5,
                              "kib_per_fault": [4.0 * faults] * 5,
                              "ns_per_page": [float(ns)] * 5}
                b.counters.update(extra or {})
                benches.append(b)
        add("fork", "process", "child", "private", 1, 1919, 1)
        add("fork", "process", "parent", "private", 1, 1900, 1)
        add("fork", "process", "child", "private", 0, 1354, 1)
        add("pthread", "thread", "child", "private", 1, 15, 0)
        add("fork", "process", "child", "thp", 1, 4000, 1,
            {"region_thp_kib": [262144.0] * 5, "region_thp_kib_after": [0.0] * 5})
        add("pthread", "thread", "child", "thp", 1, 10, 0,
            {"region_thp_kib": [262144.0] * 5, "region_thp_kib_after": [262144.0] * 5})
        m = bench("cow/memcpy/thread/measure:copy/bytes:4096", [0.343] * 5)
        return run_of(*benches, m, describe=Describe(self.DESCRIBE))

    def test_cow_section(self):
        from report import cow
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        text = "\n".join(cow.section(self.cow_run(), self.tmp))
        with open(os.path.join(self.tmp, "data", "cow_faults.dat")) as f:
            titles = re.findall(r'^"(.*)"$', f.read(), re.M)
        # Four writers that fault once a page are one line, two threads that never
        # fault another; each legend entry names every series it stands for.
        self.assertEqual(titles, ["the 4 process series at left, identical",
                                  "the 2 thread series at left, identical"])
        self.assertIn("(the 4 process series at left, identical: child writes, 4 KiB pages; "
                      "parent writes, 4 KiB pages; child writes, never-touched memory; "
                      "child writes, huge pages; the 2 thread series at left, identical: ", text)
        with open(os.path.join(self.tmp, "data", "cow.dat")) as f:
            self.assertEqual(len(re.findall(r'^"', f.read(), re.M)), 6)
        self.assertIn("write loop µs [93.75% interval]", text)
        # 1,919 - 1,354 = 565 ns more than a zeroing fault: more than the 343 ns memcpy.
        self.assertIn("costs 565 ns more than a fault that zeroes", text)
        self.assertIn("more than the 343 ns memcpy", text)
        self.assertNotIn("of a fault — the rest is the fault itself", text)
        # The huge pages as the writer saw them, before and after its writes.
        self.assertIn("| 262,144 → 0 |", text)
        self.assertIn("held 256 MiB in huge pages just before it wrote", text)

    def test_cow_reading_without_a_difference(self):
        """A COW fault the U test cannot tell from a first touch draws no conclusion about
        the copy."""
        from report import cow
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        run = self.cow_run()
        for b in run.select("cow", "write", variant="fork"):
            if b.args.get("layout") == "private" and b.args.get("writer") == "child":
                b.counters["ns_per_page"] = [1000.0, 3000.0, 1500.0, 2500.0, 2000.0]
        text = "\n".join(cow.section(run, self.tmp))
        self.assertIn("not told apart in this run", text)
        self.assertNotIn("memcpy of one 4 KiB page takes", text)


# The notes' Pool(3) sleeps in µs, from seed 20261127: also written in tests/test_pool.c,
# which checks src/pool_tasks.c's generator gives them.
NOTES_SLEEPS_US = [2032, 24947, 13115, 14196, 8376, 17525, 23917, 25729, 2332, 29737]


class PoolNotes(unittest.TestCase):
    """The pool's counts and the notes' Pool(3): the same sleeps in C and Python, distinct
    workers and run counts as the benchmarks record them, and a schedule figure drawn
    from one real repetition. Needs tvp-bench in $BUILD."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import py_bench
        self.py = py_bench

    def c_rows(self, pattern):
        """The per-repetition rows tvp-bench's pool scenario writes for pattern."""
        out = os.path.join(self.tmp, "c.json")
        r = run([os.path.join(BUILD, "tvp-bench"), "--scenario=pool", "--repetitions=1",
                 "--min-time=0.01", f"--benchmark_filter={pattern}", f"--benchmark_out={out}",
                 "--benchmark_out_format=json"])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            rows = [b for b in json.load(f)["benchmarks"] if b.get("run_type") == "iteration"]
        self.assertTrue(rows, pattern)
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
        return rows

    def test_c_and_python_draw_the_same_sleeps(self):
        self.assertEqual(self.py.notes_sleeps_us(), NOTES_SLEEPS_US)
        for b in self.c_rows("measure:notes"):
            self.assertEqual([round(b[f"task{i}_sleep_ms"] * 1000) for i in range(10)],
                             NOTES_SLEEPS_US, b["name"])
            # The ideal is the greedy in-order schedule, the same in C, py_bench and the
            # report; the lower bound is below it for these sleeps.
            ideal = self.py.greedy_schedule(NOTES_SLEEPS_US, 3)[2] / 1000
            self.assertAlmostEqual(b["ideal_ms"], ideal, places=3)
            from report import pool
            self.assertAlmostEqual(pool.greedy([x / 1000 for x in NOTES_SLEEPS_US])[2], ideal)
            self.assertLess(b["bound_ms"], b["ideal_ms"])
            self.assertLessEqual(b["distinct_workers"], 3)
            self.assertEqual((b["tasks_submitted"], b["tasks_started"], b["tasks_run_twice"]),
                             (10, 10, 0))
            self.assertEqual(b["workers_created_before_submit"], 3)
            self.assertEqual(sorted({b[f"task{i}_worker"] for i in range(10)}),
                             list(range(int(b["distinct_workers"]))))

    def test_python_pool_notes_records_its_schedule(self):
        out = os.path.join(self.tmp, "benchmarks.json")
        r = run([PY, "bench/py_bench.py", "--filter", "measure:pool_notes", "--repetitions",
                 "1", "--out", out])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            (b,) = json.load(f)["benchmarks"]
        self.assertEqual([round(b[f"task{i}_sleep_ms"] * 1000) for i in range(10)],
                         NOTES_SLEEPS_US)
        self.assertLessEqual(b["distinct_workers"], 3)
        self.assertEqual((b["tasks_submitted"], b["tasks_started"], b["tasks_run_twice"]),
                         (10, 10, 0))
        for i in range(10):  # each task slept at least its sleep, inside the makespan
            self.assertGreaterEqual(b[f"task{i}_end_ms"] - b[f"task{i}_start_ms"],
                                    NOTES_SLEEPS_US[i] / 1000)
            self.assertLessEqual(b[f"task{i}_end_ms"], b["real_time"] / 1000)
        self.assertEqual(children_of(os.getpid()), [])

    def test_python_pools_count_their_workers(self):
        out = os.path.join(self.tmp, "benchmarks.json")
        r = run([PY, "bench/py_bench.py", "--filter", r"/(mp_pool|thread_pool)/.*task_us:0$",
                 "--repetitions", "1", "--min-time", "0.01", "--out", out])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 2)
        for b in rows:  # a pool of cpu_count workers ran every task on those workers
            self.assertEqual(b["tasks"], b["iterations"], b["name"])
            self.assertGreaterEqual(b["distinct_workers"], 1)
            self.assertLessEqual(b["distinct_workers"], os.cpu_count(), b["name"])
        self.assertEqual(children_of(os.getpid()), [])

    def test_distinct_workers_and_run_counts(self):
        rows = {results.parse_name(b["name"]): b for b in self.c_rows(
            "measure:throughput/kind:(fork|pthread)/task_ns:0/workers:1/")}
        for kind, mode in (("fork", "process"), ("pthread", "thread")):
            pool = rows[key("pool", "pool", mode, "throughput", kind=kind, task_ns=0,
                            workers=1)]
            self.assertEqual(pool["distinct_workers"], 1, kind)  # one worker ran them all
            self.assertGreater(pool["tasks"], 1)
            self.assertEqual(pool["tasks_started"], pool["tasks_submitted"])
            self.assertEqual(pool["tasks_run_twice"], 0)
            self.assertEqual(pool["workers_created"], 1)
            per = rows[key("pool", "per_task", mode, "throughput", kind=kind, task_ns=0,
                           workers=1)]
            self.assertEqual(per["distinct_workers"], per["tasks"], kind)  # a new one each
            for b in (pool, per):
                self.assertAlmostEqual(b["us_per_task"], 1e6 / b["items_per_second"],
                                       delta=1e-6 * b["us_per_task"])
        self.assertEqual(children_of(os.getpid()), [])

    def test_schedule_is_one_repetition(self):
        """Five repetitions whose per-task medians of the worker would draw a schedule
        that never happened: the figure's data are the median-makespan repetition's."""
        from report import kit, pool
        name = "pool/pool/thread/measure:notes/kind:pthread/iterations:1/manual_time"
        b = bench(name, [50e3, 10e3, 30e3, 20e3, 40e3])  # µs; the median is repetition 2
        sleeps = [s / 1000 for s in NOTES_SLEEPS_US]
        reps = []
        for r in range(5):
            lanes = [(i + r) % 3 for i in range(10)]  # a different real assignment each
            c = {}
            for i in range(10):
                c.update({f"task{i}_worker": lanes[i], f"task{i}_sleep_ms": sleeps[i],
                          f"task{i}_start_ms": 100 * r + i, f"task{i}_end_ms": 100 * r + i + 1})
            reps.append(c)
        for k in reps[0]:
            b.counters[k] = [c[k] for c in reps]
        desc = Describe({"worker_kinds": [{"name": "pthread", "mode": "thread"}]})
        r = run_of(b, describe=desc)
        os.makedirs(os.path.join(self.tmp, "data"))
        os.makedirs(os.path.join(self.tmp, "figures"))
        old, kit.DRAW = kit.DRAW, False
        try:
            text = "\n".join(pool.notes_schedule(r, self.tmp))
        finally:
            kit.DRAW = old
        with open(os.path.join(self.tmp, "data", "pool_schedule.dat")) as f:
            rows = [line.split() for line in f if line.strip()]
        drawn = sorted((int(x[0]) - 4, int(x[1]), float(x[2]), float(x[3]))
                       for x in rows if x[4] == "0")
        want = sorted((c[f"task{i}_worker"], i, c[f"task{i}_start_ms"], c[f"task{i}_end_ms"])
                      for c in [reps[2]] for i in range(10))
        self.assertEqual(drawn, want)
        medians = [statistics.median(c[f"task{i}_worker"] for c in reps) for i in range(10)]
        self.assertNotEqual([w for w, *_ in sorted(drawn, key=lambda x: x[1])], medians)
        # The grey ideal is the greedy schedule of the sleeps recorded.
        ideal = sorted((int(x[0]), int(x[1]), float(x[2])) for x in rows if x[4] == "2")
        lanes, starts, _ = pool.greedy(sleeps)
        self.assertEqual(ideal, sorted((lanes[i], i, round(starts[i], 3)) for i in range(10)))
        self.assertIn("repetition 3 of 5", text)
        self.assertIn("| thread | 30.0 |", text)

    def test_figures_of_a_real_pool_run(self):
        """The pool section of a real (tiny) run draws its three figures, and its
        Reading quotes the run's own counts."""
        if not shutil.which("gnuplot"):
            self.skipTest("gnuplot is not installed")
        folder = os.path.join(self.tmp, "run")
        os.makedirs(folder)
        c = os.path.join(self.tmp, "c.json")
        r = run([os.path.join(BUILD, "tvp-bench"), "--scenario=pool", "--repetitions=2",
                 "--min-time=0.01", "--benchmark_filter=task_ns:(0|1000)/|notes|fault",
                 f"--benchmark_out={c}", "--benchmark_out_format=json"])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(c) as f:
            doc = json.load(f)
        doc["context"].setdefault("placement", "none")
        with open(os.path.join(folder, "benchmarks.json"), "w") as f:
            json.dump(doc, f)
        from report import pool
        run_ = results.load(folder)
        for sub in ("data", "figures"):
            os.makedirs(os.path.join(folder, sub))
        text = "\n".join(pool.section(run_, folder))
        for fig in ("pool_throughput", "pool_schedule", "pool_failures"):
            self.assertIn(f"figures/{fig}.png", text)
            self.assertGreater(os.path.getsize(os.path.join(folder, "figures", f"{fig}.png")),
                               1000, fig)
        self.assertNotIn("Figure skipped", text)
        self.assertIn("covers 50.00%", text)  # 2 repetitions: [min, max] covers 1 - 2/4
        self.assertRegex(text, r"In the thread pool, 2 of 5 failures reached the caller")
        self.assertRegex(text, r"workers took (\d+) tasks of \1 submitted, and 0 a second")
        self.assertNotIn("nothing is run twice", text)
        self.assertNotIn("Every failure reaches", text)
        self.assertEqual(children_of(os.getpid()), [])


class IpcPolling(unittest.TestCase):
    """The ipc section's rings that poll first: each repetition against its own probe,
    the probe sentences say only what the numbers show, and the figures are drawn."""

    LIMIT = "ipc/cacheline/thread/measure:latency/kind:pthread/pin:diff_core"

    def polled_run(self, *more):
        def spin(mode, kind, us, times, probes, cpu):
            b = bench(f"ipc/shm_ring/{mode}/measure:spin_latency/kind:{kind}/pin:diff_core/"
                      f"spin_us:{us}", times)
            b.counters = {"probe_ns": probes, "cpu_ns_per_round_trip": cpu,
                          "round_trip_median_ns": [170 + 10 * (kind == "fork")] * 3
                          + [180 + 10 * (kind == "fork")] * 2,
                          "sleeps_per_round_trip": [0.001] * len(times),
                          "spin_hits_per_round_trip": [2.0] * len(times)}
            return b
        limit = bench(self.LIMIT, [0.1, 0.1, 0.1, 0.1, 0.1])  # 100 ns, in µs
        limit.counters = {"round_trip_median_ns": [120] * 5}
        asleep = spin("thread", "pthread", 0, [40.0] * 5, [100] * 5, [9000] * 5)
        asleep.counters["round_trip_median_ns"] = [38000] * 5
        # The forked pair's third repetition ran on far CPUs: 1 µs beside a 500 ns probe.
        return run_of(
            limit,
            spin("thread", "pthread", 10, [0.2] * 5, [100] * 5, [400] * 5),
            spin("process", "fork", 10, [0.2, 0.2, 1.0, 0.2, 0.2], [100, 100, 500, 100, 100],
                 [400] * 5),
            asleep,
            bench("ipc/shm_ring/thread/measure:spin_throughput/kind:pthread/pin:diff_core/"
                  "spin_us:10/msg_bytes:64", [1.0] * 5), *more)

    def limit_text(self, r):
        from report import ipc
        return "\n".join(ipc.spin_limit(r, ipc.spin_rows(r, "diff_core"),
                                         [("shm_ring", "pthread"), ("shm_ring", "fork")],
                                         ["pthread", "fork"], 10,
                                         r.get("ipc", "cacheline", "thread", "latency",
                                               kind="pthread", pin="diff_core"), 100.0))

    def test_rings_against_the_probe_with_a_line_each_way(self):
        each = bench("ipc/cacheline_each_way/thread/measure:latency/kind:pthread/pin:diff_core",
                     [0.15] * 5)
        each.counters = {"round_trip_median_ns": [160] * 5, "probe_ns": [100] * 5}
        text = self.limit_text(self.polled_run(each))
        self.assertIn("| the probe with a line each way | 150 [150, 150] | 1.50x | 1.50x | 160 | "
                      "1.33x | – |", text)
        # 200 ns against 150, and single round trips 170 and 180 against 160
        self.assertIn("shm_ring, threads 1.33x (1.06x by median single round trips); "
                      "shm_ring, processes 1.33x (1.12x by median single round trips).",
                      text)
        # A run without the second probe says nothing of it.
        self.assertNotIn("a line each way", self.limit_text(self.polled_run()))

    def test_each_repetition_against_its_own_probe(self):
        from report import ipc
        r = self.polled_run()
        text = "\n".join(ipc.spin_limit(r, ipc.spin_rows(r, "diff_core"),
                                         [("shm_ring", "pthread"), ("shm_ring", "fork")],
                                         ["pthread", "fork"], 10, r.get(*self.LIMIT.split("/")[:3],
                                                                       "latency", kind="pthread",
                                                                       pin="diff_core"), 100.0))
        # Medians: 200 ns against a 100 ns probe, 2x; the far repetition is 1000/500 = 2x too.
        self.assertIn("| shm_ring, threads | 200 [200, 200] | 2.00x | 2.00x | 170 | 1.42x | 400 |",
                      text)
        self.assertIn("| shm_ring, processes | 200 [200, 1,000] | 2.00x | 2.00x | 180 | 1.50x | "
                      "400 |", text)
        # Four equal repetitions and one slow one against five equal: the exact test sees
        # no difference at all.
        self.assertIn("processes (fork) against threads: 1.00x the round trip (U test p = 1.00)",
                      text)
        self.assertIn("1.06x the median single round trip", text)

    def test_sweep_rule_and_cpu(self):
        from report import ipc
        # 1 µs: a median single round trip of 500 ns, over 1.25x the 170 ns of 10 µs.
        one = bench("ipc/shm_ring/thread/measure:spin_latency/kind:pthread/pin:diff_core/"
                    "spin_us:1", [0.5] * 5)
        one.counters = {"round_trip_median_ns": [500] * 5, "probe_ns": [100] * 5}
        r = self.polled_run(one)
        sweep = ipc.spin_rows(r, "diff_core")
        text = "\n".join(ipc.spin_choice(r, sweep, [("shm_ring", "pthread")], ["pthread"],
                                          [0, 1, 10], 10))
        self.assertIn("On this run the rule picks 10 µs too.", text)
        # Two bounds cannot test it: the run says so instead of confirming the default.
        text = "\n".join(ipc.spin_choice(r, sweep, [("shm_ring", "pthread")], ["pthread"],
                                          [0, 10], 10))
        self.assertIn("This run measured only 0 and 10 µs, too few bounds to test the rule",
                      text)
        self.assertNotIn("picks", text)

    def test_unpinned_probe_says_what_it_measured(self):
        from report import ipc
        r = run_of(bench(self.LIMIT, [0.09, 0.1, 0.1, 0.1, 0.11]),
                   bench("ipc/cacheline/thread/measure:latency/kind:pthread/pin:none",
                         [0.084, 0.09, 0.1, 0.11, 0.125]))
        text = "\n".join(ipc.probe_part(r))
        self.assertNotIn("land on one CPU", text)
        self.assertIn("Unpinned, where the scheduler places the two threads: 100 [84, 125] ns, "
                      "the slowest repetition 125 ns. No repetition was slow enough", text)

    def test_figures_drawn_on_the_fixture(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        folder = fixture_folder(tmp)
        r = run([PY, "scripts/write_report.py", folder])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr.lower())
        with open(os.path.join(folder, "REPORT.md")) as f:
            text = f.read()
        for fig in ("ipc_throughput", "ipc_ratio", "ipc_latency"):
            self.assertIn(f"figures/{fig}.png", text)
            self.assertGreater(os.path.getsize(os.path.join(folder, "figures", f"{fig}.png")),
                               1000)
        self.assertRegex(text, r"covers \d+(\.\d+)?%")


if __name__ == "__main__":
    unittest.main(verbosity=2)
