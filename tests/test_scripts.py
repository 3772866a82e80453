"""test_scripts.py - the wrapper's JSON, the statistics, the claim rules, the report
pipeline, bad input, and a smoke run of the real suite that leaves nothing behind.

Run by tests/run with BUILD set to the build folder."""
import contextlib
import io
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import claims  # noqa: E402
import report  # noqa: E402
import results  # noqa: E402
import stats  # noqa: E402

PY = sys.executable
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "run-small.json")


def run(cmd, **kw):
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


def tvp_processes():
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip() in ("tvp-bench", "tvp-helper"):
                        found.append(int(p))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


def sysv_queues():
    """Ids of the System V message queues that exist."""
    with open("/proc/sysvipc/msg") as f:
        return {line.split()[1] for line in f.readlines()[1:]}


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

    def test_cv(self):
        self.assertAlmostEqual(stats.cv([1, 1, 1]), 0)
        self.assertAlmostEqual(stats.cv([9, 11]), (2 ** 0.5) / 10)


def bench(key, times):
    scenario, variant, mode, args = results.parse_key(key)
    return results.Bench(key, scenario, variant, mode, args, list(times))


class Claims(unittest.TestCase):
    RULES = [claims.Rule("CX", "a > b", "s/a/process", "s/b/thread", "greater", 2.0),
             claims.Rule("CX", "c > b", "s/c/process", "s/b/thread", "greater", 2.0)]

    def judge(self, benches):
        return claims.judge("CX", {b.key: b for b in benches}, self.RULES)

    def test_supported(self):
        v, _ = self.judge([bench("s/a/process", [30, 31, 32, 33, 34]),
                           bench("s/b/thread", [10, 11, 12, 13, 14]),
                           bench("s/c/process", [40, 41, 42, 43, 44])])
        self.assertEqual(v, "supported")

    def test_not_supported(self):
        v, outs = self.judge([bench("s/a/process", [10, 11, 12, 13, 14]),
                              bench("s/b/thread", [10, 11, 12, 13, 14]),
                              bench("s/c/process", [11, 12, 13, 14, 15])])
        self.assertEqual(v, "not supported")
        self.assertFalse(any(o.holds for o in outs))

    def test_nuanced(self):
        v, _ = self.judge([bench("s/a/process", [30, 31, 32, 33, 34]),
                           bench("s/b/thread", [10, 11, 12, 13, 14]),
                           bench("s/c/process", [10, 11, 12, 13, 14])])
        self.assertEqual(v, "nuanced")

    def test_ratio_without_significance_does_not_hold(self):
        # Medians 3x apart but overlapping samples: the U test refuses it.
        v, outs = self.judge([bench("s/a/process", [4, 30, 31, 32, 39]),
                              bench("s/b/thread", [5, 10, 11, 12, 40]),
                              bench("s/c/process", [40, 41, 42, 43, 44])])
        self.assertFalse(outs[0].holds)
        self.assertEqual(v, "nuanced")

    def test_threshold_relations_on_counters(self):
        b = bench("s/a/process", [1, 2, 3])
        b.counters = {"x_kib": [10, 10, 10], "y_kib": [5, 6, 7]}
        benches = {b.key: b}
        rules = [claims.Rule("CY", "sum above 15", b.key, None, "above", 15, "x_kib+y_kib"),
                 claims.Rule("CY", "x below 11", b.key, None, "below", 11, "x_kib"),
                 claims.Rule("CY", "x equals 10", b.key, None, "equals", 10, "x_kib")]
        v, outs = claims.judge("CY", benches, rules)
        self.assertEqual(v, "supported")
        self.assertEqual(outs[0].value, 16)
        rules.append(claims.Rule("CY", "y equals 6", b.key, None, "equals", 6, "y_kib"))
        self.assertEqual(claims.judge("CY", benches, rules)[0], "nuanced")
        missing = [claims.Rule("CY", "no such counter", b.key, None, "above", 1, "z_kib")]
        v, outs = claims.judge("CY", benches, missing)
        self.assertEqual(v, "missing data")
        self.assertIn("no z_kib samples", outs[0].why)

    def test_missing_data(self):
        v, outs = self.judge([bench("s/b/thread", [10, 11, 12])])
        self.assertEqual(v, "missing data")
        self.assertIn("was not run", outs[0].why)


class Report(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def folder_with(self, text):
        with open(os.path.join(self.tmp, "benchmarks.json"), "w") as f:
            f.write(text)
        return self.tmp

    def test_pipeline_on_fixture(self):
        shutil.copy(FIXTURE, os.path.join(self.tmp, "benchmarks.json"))
        r = run([PY, "scripts/report.py", self.tmp])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.tmp, "REPORT.md")) as f:
            text = f.read()
        for fig in ("create_methods", "create_memory", "footprint", "cow", "scale", "placement",
                    "ipc_throughput", "ipc_latency", "pool_throughput", "pool_schedule"):
            for ext in ("png", "svg"):
                path = os.path.join(self.tmp, "figures", f"{fig}.{ext}")
                self.assertGreater(os.path.getsize(path), 1000, path)
            self.assertIn(f"figures/{fig}.png", text)
        for claim in ("## C1", "## C2", "## C3", "### C4", "### C5", "### C6", "### C7 — protection",
                      "## C8"):
            self.assertIn(claim, text)
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced)\.\*\*",
                                        text)), 8)
        # The notes' question, answered from the run: the failure reaches the caller.
        self.assertIn("| segv | process | worker killed by SIGSEGV | yes |", text)
        self.assertIn("the whole process died of SIGSEGV", text)
        # The notes' Python beside C, and their question answered.
        self.assertIn("## The notes' own Python beside C", text)
        self.assertIn("| never fetches the result | **no** |", text)
        self.assertIn("| calls `get()` | yes | get() raised ValueError", text)
        # The speed targets, with lmbench's method as the kernel transports' reference.
        self.assertIn("### Against lmbench's method", text)
        self.assertIn("| pipe, 64 KiB: at least lmbench's bw_pipe method |", text)
        self.assertIn("Throughput with the pair on two cores", text)
        # Every claim has its data.
        self.assertNotIn("missing data", text)
        # The notes' nums example, with the values the run observed.
        self.assertIn("| fork | a global | [11, 22] |", text)
        self.assertIn("| pthread_create | a global | [11, 22, 0, 1, 2] |", text)
        self.assertIn("| pthread_create | thread |", text)

    def test_far_cpus_are_told_apart(self):
        """Repetitions whose cache-line probe says the host put the two vCPUs far apart
        are counted, and the speed targets are shown again without them."""
        def ring(mode, times, probes):
            b = bench(f"ipc_diff_core/shm_ring/{mode}/msg_bytes:65536", times)
            b.args = {"msg_bytes": 65536}
            b.counters = {"probe_ns": probes}
            return b
        # Processes ran three of five repetitions on far CPUs, four times slower.
        benches = {b.key: b for b in (
            ring("thread", [1.4, 1.5, 1.5, 1.6, 1.5], [90, 95, 92, 91, 94]),
            ring("process", [1.5, 6.0, 6.1, 6.2, 1.6], [92, 410, 420, 430, 93]))}
        self.assertEqual(report.far_share(benches, report.probe_floor(benches)), (3, 10))
        self.assertEqual(report.near_only(benches["ipc_diff_core/shm_ring/process/"
                                                  "msg_bytes:65536"], 90), [1.5, 1.6])
        text = "\n".join(report.targets_part({}, benches))
        self.assertIn("In 3 of the run's 10 pinned repetitions", text)
        self.assertIn("| shm ring, 64 KiB: processes within 10% of threads | 0.25x | **no** | "
                      "0.969x | yes |", text)

    def check_error(self, folder, words):
        r = run([PY, "scripts/report.py", folder])
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


class Compare(unittest.TestCase):
    """The comparison command on two fixture runs: one the fixture, the other the same
    with pthread_create made 1.5 times slower."""

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
            if row["name"].startswith("create/pthread/thread/parent_mib:0/"):
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
        self.assertIn("| create/pthread/thread/parent_mib:0 | 1.500 **✱** |", text)
        self.assertIn("| create/fork/process/parent_mib:0 | 1.000 |", text)
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


class PythonBench(unittest.TestCase):
    """The notes' Python, measured by bench/py_bench.py."""

    def run_py(self, pattern, reps=2):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        r = run([PY, "bench/py_bench.py", "--filter", pattern, "--repetitions", str(reps),
                 "--min-time", "0.01", "--out", os.path.join(tmp, "benchmarks.json")])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        return results.load(tmp)

    def test_json_is_what_the_report_reads(self):
        ctx, benches = self.run_py("py_create/thread|py_queue3|py_pool/thread_pool")
        self.assertIn("py_create/thread/thread", benches)
        self.assertIn("py_queue3/mp_queue/process", benches)
        for b in benches.values():
            self.assertEqual(len(b.times_us), 2, b.key)
            self.assertTrue(all(t > 0 for t in b.times_us), b.key)
        self.assertEqual(children_of(os.getpid()), [])

    def test_exception_fetched_three_ways(self):
        _, benches = self.run_py("py_exception", reps=1)
        shown = {b.variant: b.counter("shown") for b in benches.values()}
        self.assertEqual(shown, {"never_fetched": 0, "get": 1, "error_callback": 1})
        self.assertIn("ValueError", benches["py_exception/get/process"].label)

    def test_missing_start_method_is_skipped(self):
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import py_bench
        suite = py_bench.Suite("quick", "py_create/(spawn|forkserver)")
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
    error, and no process or shared-memory object is left."""

    def test_real_suite(self):
        shm_before, sysv_before = shm_objects(), sysv_queues()
        with tempfile.TemporaryDirectory() as out:
            r = run([PY, "scripts/run.py", "--out", out, "--min-time", "0.001",
                     "--repetitions", "2", "--bench", os.path.join(BUILD, "tvp-bench")])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("[1/", r.stdout)
            (folder,) = os.listdir(out)
            first = os.path.join(out, folder)
            with open(os.path.join(first, "benchmarks.json")) as f:
                doc = json.load(f)
            # A benchmark may be skipped for a system limit it names; nothing else.
            limits = re.compile(r"msgsize_max|msgmax|msgmnb|wmem_max|RLIMIT_|MemAvailable|"
                                r"transparent huge pages are|max_map_count")
            errors = [(b["name"], b.get("error_message")) for b in doc["benchmarks"]
                      if b.get("error_occurred") and not limits.search(b.get("error_message", ""))]
            self.assertEqual(errors, [])
            self.assertGreater(len(doc["benchmarks"]), 40)
            # lmbench's method ran beside the transports it is the reference for.
            rates = [b.get("bytes_per_second", 0) for b in doc["benchmarks"]
                     if b["name"].startswith("bw_lmbench/pipe/process/msg_bytes:65536")]
            self.assertTrue(rates and all(r > 0 for r in rates), rates)
            for key in ("topology", "cpu_model", "kernel", "thp", "governor", "nproc",
                        "tvp_version", "profile", "placement", "scenario_seconds"):
                self.assertIn(key, doc["context"])
            self.assertTrue(os.path.exists(os.path.join(first, "REPORT.md")))
            self.assertTrue(os.path.exists(os.path.join(first, "topology.xml")))
            # A second run makes a second folder: results never overwrite each other.
            r = run([PY, "scripts/run.py", "--out", out, "--min-time", "0.001",
                     "--repetitions", "1", "--filter", "^create/pthread/",
                     "--bench", os.path.join(BUILD, "tvp-bench")])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertEqual(len(os.listdir(out)), 2)
        self.assertEqual(children_of(os.getpid()), [])
        self.assertEqual(tvp_processes(), [])
        self.assertEqual(shm_objects() - shm_before, set())
        self.assertEqual(sysv_queues() - sysv_before, set())

    def test_sigint_mid_transfer_removes_queues(self):
        """Interrupted while message queues exist, tvp-bench still removes them."""
        before = sysv_queues()
        p = subprocess.Popen([os.path.join(BUILD, "tvp-bench"), "--scenario=ipc",
                              "--min-time=5", "--benchmark_filter=^ipc/sysv_mq/process/"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while sysv_queues() == before and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertNotEqual(sysv_queues(), before, "no queue appeared")
        p.send_signal(signal.SIGINT)
        p.wait(timeout=20)
        self.assertEqual(p.returncode, -signal.SIGINT)
        time.sleep(0.3)  # the peer dies of its parent-death signal
        self.assertEqual(sysv_queues() - before, set())
        self.assertEqual(tvp_processes(), [])

    def test_sigint_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.Popen([PY, "scripts/run.py", "--out", out, "--min-time", "0.5",
                                  "--bench", os.path.join(BUILD, "tvp-bench")],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
            deadline = time.monotonic() + 20
            while not tvp_processes() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 130, err)
            self.assertIn("interrupted", err)
        time.sleep(0.2)
        self.assertEqual(tvp_processes(), [])
        self.assertEqual(children_of(os.getpid()), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
