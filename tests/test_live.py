"""test_live.py - the live tier: runs the real tvp-bench, gbench-probe, py_bench.py and
scripts/run.py (the wrapper's JSON, bad command lines, the smoke run of the real suite
and its Ctrl-C, the notes' Python, perf's takes, scale's paired speed-ups). Needs the
build in $BUILD.

Tier: live (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


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
        import py_create
        import py_harness
        suite = py_harness.Suite("quick", "measure:create/start_method:(spawn|forkserver)")
        real = py_create.mp.get_all_start_methods
        py_create.mp.get_all_start_methods = lambda: ["fork"]
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # keep the runner's lines whole
                py_create.create(suite)
        finally:
            py_create.mp.get_all_start_methods = real
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
        from running import run as run_py
        ctx = run_py.perf_context(doc["benchmarks"])
        takes = sorted(b["real_time"] for b in same)
        self.assertEqual(ctx["perf_sched_pipe_same_pu_us_takes"], "3")
        self.assertAlmostEqual(float(ctx["perf_sched_pipe_same_pu_us"]), takes[1], places=5)
        self.assertEqual(ctx["perf_sched_pipe_same_pu_us_range"],
                         f"{takes[0]:.6f}-{takes[-1]:.6f}")


class ScaleAndCowReport(unittest.TestCase):
    """The scale rows of the real tvp-bench (the section itself is tested on a made-up
    run in test_units.py's class of this name)."""

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
