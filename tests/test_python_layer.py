"""test_python_layer.py - the Python layer (bench/py_bench.py, scripts/verdicts/py_rules.py, the
report's Python section, run.py --python) asserted on behaviour, never on timing.

One real run of the whole layer at its smallest (one repetition, a few milliseconds of
work each; a check that every family reports, not a measurement) is shared by the
tests that read rows: every family's rows are there with their counters; the context
records the interpreter's GIL and start method; every key of py_rules is a row of that
run; what the crash cases saw is what Python does; and nothing it started outlives it.
The rest break things on purpose (a consumer that fails mid-transfer) and check that no
child and no shared_memory segment is left, and run two interpreters into one report."""
import contextlib
import glob
import io
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import unittest
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import py_contract  # noqa: E402
import py_exceptions  # noqa: E402
import py_gil  # noqa: E402
import py_harness  # noqa: E402
import py_payload  # noqa: E402
import py_queues  # noqa: E402
from verdicts import py_rules  # noqa: E402
from contract import results  # noqa: E402
from scripts_kit import PATIENCE, children_of, describe_processes, marked, run, \
    shm_objects, wait_until  # noqa: E402

PY = sys.executable
# Every family the layer writes, and a counter each of its rows must carry.
FAMILIES = {"create": None, "gil": "ops_per_s", "memory": "pss_kib",
            "nums": "parent_sees_items", "queue": None, "queue3": None,
            "payload": "delivered", "pingpong": None, "pool": None, "pool_notes": "ideal_ms",
            "exception": "shown", "reuse": "distinct_workers", "crash": "caller_survived",
            "notes_loop": "runs_short"}


def psm_segments():
    return {s for s in shm_objects() if s.startswith("psm_")}


def run_layer(folder, *args, exe=PY, mark=None):
    """py_bench.py into folder/benchmarks.json; returns the CompletedProcess."""
    env = dict(os.environ)
    if mark:
        env["TVP_TEST_MARK"] = mark
    return run([exe, "bench/py_bench.py", "--repetitions", "1", "--min-time", "0.005",
                "--out", os.path.join(folder, "benchmarks.json"), *args], env=env)


def second_interpreter():
    """Another Python to run beside this one: a pyenv one when the machine has one,
    else this one again (run.py then tags it _2)."""
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    return found[-1] if found else PY


class WholeLayer(unittest.TestCase):
    """The whole layer once, at its smallest."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.mark = uuid.uuid4().hex
        cls.shm_before = psm_segments()
        cls.proc = run_layer(cls.tmp, mark=cls.mark)
        cls.layer = results.load(cls.tmp) if cls.proc.returncode == 0 else None
        with open(os.path.join(cls.tmp, "benchmarks.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def setUp(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-3000:])

    def test_every_family_reports(self):
        measures = {b.measure for b in self.layer.select("python")}
        self.assertEqual(set(FAMILIES) - measures, set())
        for b in self.layer.select("python"):
            self.assertFalse(b.error, f"{b.name}: {b.error}")
            self.assertTrue(b.times_us and all(t > 0 for t in b.times_us), b.name)
            counter = FAMILIES.get(b.measure)
            if counter:
                self.assertIsNotNone(b.counter(counter), f"{b.name} lacks {counter}")

    def test_gil_rows_cover_every_way_and_n(self):
        pus = len(os.sched_getaffinity(0))
        ns = set(py_gil.worker_counts(pus))
        self.assertTrue({1, pus, 2 * pus} <= ns)
        methods = mp.get_all_start_methods()
        ways = [("thread", {}), ("thread_executor", {}),
                ("process_executor", {"start_method": "fork"})] + [
            ("process", {"start_method": m}) for m in methods]
        for variant, args in ways:
            got = {b.args["workers"] for b in self.layer.select("python", "gil",
                                                             variant=variant, work="cpu",
                                                             **args)}
            # The quick profile (this run's) takes spawn and forkserver up to the PUs only.
            want = ns - {2 * pus} if args.get("start_method") in ("spawn", "forkserver") \
                else ns
            self.assertEqual(got, want, (variant, args))
        for b in self.layer.select("python", "gil"):
            n = b.args["workers"]
            # The same work per worker at every N: the operations of the window are N
            # times one worker's count.
            self.assertEqual(b.counter("ops_per_s") / b.counter("ops_per_s_per_worker"), n)

    def test_gil_context_recorded(self):
        ctx = self.doc["context"]
        self.assertIn(ctx["python_gil_enabled"], ("0", "1"))
        self.assertIn(ctx["python_gil_disabled_build"], ("0", "1"))
        gil_on = getattr(sys, "_is_gil_enabled", lambda: True)()
        self.assertEqual(ctx["python_gil_enabled"], str(int(gil_on)))
        self.assertIn(ctx["python_default_start_method"], mp.get_all_start_methods())
        self.assertEqual(ctx["python_default_start_method"], mp.get_context().get_start_method())
        self.assertRegex(ctx["python_tag"], r"^py\d+t?$")
        self.assertGreater(int(ctx["python_private_kib"]), 0)

    def test_rule_keys_are_rows_of_the_run(self):
        pus = len(os.sched_getaffinity(0))
        missing = []
        for r in py_rules.PY_RULES:
            for k in (r.a, r.b):
                if k is None:
                    continue
                b = self.layer.bench(k.resolve(pus))
                if b is None or b.error:
                    missing.append(str(k))
                elif r.metric != "time":
                    # a counter, or a metric read from counters (results.DERIVED:
                    # tasks_waited from the schedule)
                    for m in r.metric.split("+"):
                        if not b.values(m):
                            missing.append(f"{k} ({m})")
        self.assertEqual(missing, [])

    def test_every_rule_decides_or_says_why(self):
        from verdicts import claims
        for claim in claims.CLAIMS:
            for o in claims.judge(claim, self.layer, py_rules.PY_RULES)[1]:
                # One repetition cannot decide a comparison, nor a value against a
                # threshold (the sign test needs 5); a count must hold in it, and does or not.
                if o.rule.b is None and o.rule.relation == "equals":
                    self.assertIsNotNone(o.holds, f"{o.rule.prediction}: {o.why}")
                elif o.holds is None:
                    self.assertTrue(o.undecided, f"{o.rule.prediction}: {o.why}")
                    self.assertIn("repetition", o.why)

    def test_nums_as_python_does_it(self):
        seen = {(b.mode, b.args.get("start_method"), b.args["via"]): b.counter(
            "parent_sees_items") for b in self.layer.select("python", "nums")}
        self.assertEqual(seen.pop(("thread", None, "global")), 5)
        for (mode, method, via), n in seen.items():
            self.assertEqual(n, 2 if via == "global" else 5, (method, via))

    def test_crashes_as_python_does_them(self):
        def c(variant, mode, failure, counter):
            return self.layer.get("python", variant, mode, "crash",
                                failure=failure).counter(counter)
        for failure in ("exit", "segv"):
            self.assertEqual(c("thread", "thread", failure, "caller_survived"), 0)
            self.assertEqual(c("thread_executor", "thread", failure, "caller_survived"), 0)
            self.assertEqual(c("process", "process", failure, "caller_survived"), 1)
            self.assertEqual(c("process", "process", failure, "seen"), 1)
            # Pool replaces the dead worker but never answers for its task...
            self.assertEqual(c("mp_pool", "process", failure, "seen"), 0)
            self.assertEqual(c("mp_pool", "process", failure, "pool_usable"), 1)
            # ...ProcessPoolExecutor says so, and is broken for good.
            self.assertEqual(c("process_executor", "process", failure, "seen"), 1)
            self.assertEqual(c("process_executor", "process", failure, "pool_usable"), 0)
            self.assertIn("BrokenProcessPool", self.layer.get(
                "python", "process_executor", "process", "crash", failure=failure).label)
        self.assertEqual(c("thread", "thread", "raise", "seen"), 0)
        self.assertEqual(c("thread_executor", "thread", "raise", "seen"), 1)
        self.assertIn("SIGSEGV", self.layer.get("python", "process", "process", "crash",
                                              failure="segv").label)

    def test_pool_facts(self):
        pool = self.layer.get("python", "mp_pool", "process", "reuse", start_method="fork")
        self.assertEqual(pool.counter("workers_up_front"), 3)  # mp.Pool: all up front
        self.assertLessEqual(pool.counter("distinct_workers"), 3)
        ex = self.layer.get("python", "process_executor", "process", "reuse",
                          start_method="fork")
        self.assertEqual(ex.counter("workers_up_front"), 0)  # on the first submit

    def test_every_payload_arrives_whole(self):
        rows = self.layer.select("python", "payload")
        self.assertEqual({b.args["payload"] for b in rows}, set(py_payload.PAYLOADS))
        self.assertEqual([b.name for b in rows if b.counter("delivered") != 1], [])

    def test_fair_bases_measured(self):
        self.assertIsNotNone(self.layer.ok("python", "interpreter", "process", "create",
                                         how="posix_spawn"))
        fork = self.layer.ok("python", "c_fork", "process", "create")
        self.assertIsNotNone(fork)
        self.assertGreater(fork.counter("parent_private_kib"), 0)

    def test_gil_speedups_paired_per_repetition(self):
        rows = {}
        for row in self.doc["benchmarks"]:
            if "/measure:gil/" in row["name"]:
                rows.setdefault(row["name"], {})[row["repetition_index"]] = row
        paired = 0
        for full, reps in rows.items():
            n = int(py_contract.fields(full)["workers"])
            one = rows[full.replace(f"/workers:{n}/", "/workers:1/")]
            for rep, row in reps.items():
                if n == 1:
                    self.assertNotIn("speedup", row)
                    continue
                # The repetition's own N over its own N = 1 (time per operation is the
                # window over N times one worker's count).
                self.assertAlmostEqual(row["speedup"],
                                       one[rep]["real_time"] / row["real_time"], places=9)
                paired += 1
        self.assertGreater(paired, 0)

    def test_notes_loop_row(self):
        b = self.layer.get("python", "mp_queue", "process", "notes_loop")
        runs = py_queues.NOTES_LOOP_RUNS["quick"]
        self.assertEqual(b.counter("runs"), runs)
        self.assertEqual(b.counter("items_put"), 3)
        self.assertTrue(0 <= b.counter("runs_short") <= runs)
        self.assertTrue(b.counter("runs_short") <= b.counter("items_lost") <= 3 * runs)
        # The queue itself loses nothing: what the loop missed was still in it.
        self.assertEqual(b.counter("runs_queue_whole"), runs - b.counter("runs_no_result"))

    def test_exception_rows_and_the_plain_process(self):
        nf = self.layer.get("python", "mp_pool", "process", "exception", fetch="never_fetched")
        self.assertEqual(nf.counter("shown"), 0)
        self.assertEqual(nf.counter("stderr_bytes"), 0)
        p = self.layer.get("python", "process", "process", "exception", fetch="none")
        self.assertEqual(p.counter("shown"), 1)
        self.assertGreater(p.counter("stderr_bytes"), 0)

    def test_nothing_outlives_the_run(self):
        # The forkserver and the resource tracker end when their parent's pipe closes:
        # wait for that, never more than the harness allows.
        wait_until(lambda: not marked(self.mark), PATIENCE)
        self.assertEqual(marked(self.mark), set(), describe_processes(marked(self.mark)))
        self.assertEqual(psm_segments() - self.shm_before, set())


class Leaks(unittest.TestCase):
    """A transfer that fails in the middle leaves no child and no segment behind."""

    def setUp(self):
        self.shm_before = psm_segments()

    def broken(self, *a, **kw):
        raise RuntimeError("the consumer broke on purpose")

    def workers_left(self):
        """Children of this process other than multiprocessing's long-lived helpers (the
        forkserver and the resource tracker, which live as long as this process)."""
        from multiprocessing import forkserver, resource_tracker
        helpers = {getattr(forkserver._forkserver, "_forkserver_pid", None),
                   getattr(resource_tracker._resource_tracker, "_pid", None)}
        return [c for c in children_of(os.getpid()) if c[0] not in helpers]

    def assert_clean(self):
        wait_until(lambda: not self.workers_left(), PATIENCE)
        self.assertEqual(self.workers_left(), [])
        self.assertEqual(mp.active_children(), [])
        self.assertEqual(psm_segments() - self.shm_before, set())

    def test_gated_worker_is_reaped_when_the_consumer_fails(self):
        fork = mp.get_context("fork")
        q = fork.Queue()
        with self.assertRaises(RuntimeError):
            py_harness.run_gated(fork, py_queues.gated_produce, (q, 1000, 64, False),
                               self.broken, timeout=30)
        q.close()
        q.join_thread()
        self.assert_clean()

    def test_shared_memory_is_unlinked_when_the_consumer_fails(self):
        real = py_payload.pickle.loads
        py_payload.pickle.loads = self.broken
        try:
            with self.assertRaises(RuntimeError):
                py_payload.payload_once("shared_memory", "ints", 4096, 50, [])
        finally:
            py_payload.pickle.loads = real
        self.assert_clean()

    def test_every_transport_delivers_and_cleans_up(self):
        for transport in ("queue", "mp_queue", "mp_pipe", "shared_memory", "pickle"):
            for kind in py_payload.PAYLOADS:
                check = []
                self.assertGreater(py_payload.payload_once(transport, kind, 64, 20, check), 0)
                self.assertEqual(check, [1], (transport, kind))
        self.assert_clean()

    def test_gil_by_hand_leaves_no_worker(self):
        for method in mp.get_all_start_methods():
            sec = py_gil.gil_by_hand(mp.get_context(method), "cpu", 2, 1000)
            self.assertGreater(sec, 0)
        self.assert_clean()


def fail_loudly(x):
    """A pool task that writes to fd 2 below Python's sys.stderr, prints to the worker's
    own sys.stdout, then raises: what an instrument blind to workers would miss."""
    os.write(2, b"worker wrote this to fd 2\n")
    print("worker printed this", flush=True)
    raise ValueError(f"task {x} failed")


class Instruments(unittest.TestCase):
    """The instruments see what they claim to see."""

    def fd_identity(self):
        return [(os.fstat(fd).st_dev, os.fstat(fd).st_ino) for fd in (1, 2)]

    def test_fd_capture_sees_a_workers_stderr(self):
        before = self.fd_identity()
        counters, label = py_exceptions.never_fetched(fail_loudly)
        self.assertEqual(self.fd_identity(), before)  # fd 1 and 2 restored
        self.assertEqual(counters["shown"], 0)  # no traceback, no message: only the writes
        self.assertEqual(counters["stderr_bytes"], len(b"worker wrote this to fd 2\n"))
        self.assertEqual(counters["stdout_bytes"], len(b"worker printed this\n"))
        self.assertEqual(json.loads(label)[0][:3], ["reached_fds", 20, 26])  # outcome code
        counters, _ = py_exceptions.never_fetched()  # the notes' task: nothing reaches the fds
        self.assertEqual((counters["shown"], counters["stderr_bytes"],
                          counters["stdout_bytes"]), (0, 0, 0))
        self.assertEqual(mp.active_children(), [])

    def test_fd_capture_sees_a_traceback_in_a_worker(self):
        with py_exceptions.fd_capture() as got:
            p = mp.get_context("fork").Process(target=py_exceptions.fail, args=(9,))
            p.start()
            p.join()
            out, err = got()
        self.assertEqual(py_exceptions.shown_on_fds(out, err, "task 9 failed"), 1)
        self.assertIn(py_exceptions.TRACEBACK, err)

    def test_plain_process_shows_its_traceback(self):
        counters, label = py_exceptions.plain_process_raises()
        self.assertEqual(counters["shown"], 1)
        self.assertEqual(counters["exitcode"], 1)
        self.assertGreater(counters["stderr_bytes"], 0)
        self.assertIn("ValueError: task 4 failed", label)

    def test_notes_loop_counts_short_runs(self):
        runs = py_queues.NOTES_LOOP_RUNS["quick"]
        # What the notes' consumer got in each fresh run: whole, short, no result at all.
        script = ([[1, 2, 3], [1], None, [1, 2]] * runs)[:runs]

        class FakeProgram:
            DATA = [1, 2, 3]

            def run_once(self):
                r = script.pop(0)  # the queue kept whatever the loop did not take
                return 0, "", r, (None if r is None else [1, 2, 3][len(r):])
        want = [r for r in script]
        real = py_queues.notes_loop_module
        py_queues.notes_loop_module = FakeProgram
        try:
            suite = py_harness.Suite("quick", "")
            suite.reps = 1
            with contextlib.redirect_stdout(io.StringIO()):  # its progress line
                py_queues.notes_loop(suite)
        finally:
            py_queues.notes_loop_module = real
        row = suite.rows[0]
        self.assertTrue(row["name"].startswith("python/mp_queue/process/measure:notes_loop"))
        self.assertEqual(row["runs"], runs)
        self.assertEqual(row["runs_short"], sum(r != [1, 2, 3] for r in want))
        self.assertEqual(row["items_lost"], sum(3 - len(r or []) for r in want))
        self.assertEqual(row["runs_no_result"], sum(r is None for r in want))
        self.assertEqual(row["runs_queue_whole"], sum(r is not None for r in want))

    def test_crash_rows_repeat(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run_layer(tmp, "--filter", "python/thread/thread/measure:crash/failure:raise",
                          "--repetitions", "3")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(os.path.join(tmp, "benchmarks.json")) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual([row["repetition_index"] for row in rows], [0, 1, 2])
        for row in rows:
            self.assertEqual((row["caller_survived"], row["seen"], row["others_done"]),
                             (1, 0, 1))


class TwoInterpreters(unittest.TestCase):
    """run.py --python twice: both interpreters in one run and one report, each with its
    GIL figure; the second one's names tagged."""

    def test_tags_are_unique(self):
        from running import run as run_py
        got = run_py.python_interpreters([PY, PY])
        self.assertEqual(got[0][0], "python")
        self.assertIsNone(got[0][2])
        self.assertRegex(got[1][2], r"^py\d+t?_2$")
        self.assertEqual(got[1][0], f"python@{got[1][2]}")

    def test_side_by_side(self):
        from running import run as run_py
        second = second_interpreter()
        interps = run_py.python_interpreters([PY, second])
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for scen, exe, tag in interps:
                out = os.path.join(tmp, f".part-{scen}.json")
                cmd = [exe, "bench/py_bench.py", "--repetitions", "2", "--min-time", "0.005",
                       "--filter", "python/thread/thread/measure:(gil/work:io|create)",
                       f"--out={out}"] + ([f"--tag={tag}"] if tag else [])
                r = run(cmd)
                self.assertEqual(r.returncode, 0, r.stderr[-2000:])
                parts.append(out)
            merged = run_py.merge(parts, {s: 1.0 for s, _, _ in interps})
            listed = json.loads(merged["context"]["python_interpreters"])
            self.assertEqual([i["python_interp_tag"] for i in listed],
                             ["", interps[1][2]])
            self.assertEqual(listed[1]["python_tag"], interps[1][2].split("_")[0])
            folder = os.path.join(tmp, "run")
            os.makedirs(folder)
            with open(os.path.join(folder, "benchmarks.json"), "w") as f:
                json.dump(merged, f)
            r = run([PY, "scripts/write_report.py", folder])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            loaded = results.load(folder)
            tagged = [b for b in loaded.select("python") if b.args.get("interp")]
            self.assertTrue(tagged)
            self.assertEqual({b.args["interp"] for b in tagged}, {interps[1][2]})
            with open(os.path.join(folder, "REPORT.md")) as f:
                text = f.read()
            self.assertEqual(text.count("### The GIL: "), 2, "a GIL figure per interpreter")
            if shutil.which("gnuplot"):
                for suffix in ("main", interps[1][2]):
                    self.assertTrue(os.path.exists(os.path.join(
                        folder, "figures", f"python_gil_{suffix}.png")), suffix)

    def test_throughput_against_the_first_ones_thread(self):
        """Each interpreter's own speed-up, and its throughput against one thread of the
        first: the notes' calm numbers of 2026-12-07 (3.11: one thread 36.2 M ops/s, two
        threads 35.4 M, two processes 67.6 M; 3.13t: 18.6 M, 36.2 M, 36.2 M) say that two
        free-threaded threads do what one GIL thread does, which 3.13t's own 1.95x
        hides."""
        from report import python as report_python
        from scripts_kit import bench, run_of
        pus = 2
        rates = {None: {("thread", 1): 36.2e6, ("thread", 2): 35.4e6, ("process", 2): 67.6e6,
                        ("process", 1): 36.0e6},
                 "py3135t": {("thread", 1): 18.6e6, ("thread", 2): 36.2e6,
                             ("process", 2): 36.2e6, ("process", 1): 18.6e6}}
        benches = []
        for tag, cells in rates.items():
            for (variant, n), rate in cells.items():
                method = "/start_method:fork" if variant == "process" else ""
                interp = f"/interp:{tag}" if tag else ""
                b = bench(f"python/{variant}/{variant}/measure:gil/work:cpu{method}/"
                          f"workers:{n}{interp}/manual_time", [1.0] * 3)
                b.counters = {"ops_per_s": [rate] * 3}
                if n > 1:
                    one = cells[(variant, 1)]
                    b.counters["speedup"] = [rate / one] * 3
                benches.append(b)
        infos = [{"python_interp_tag": "", "python": "3.11.2", "python_gil_enabled": "1"},
                 {"python_interp_tag": "py3135t", "python": "3.13.5",
                  "python_gil_enabled": "0", "python_gil_disabled_build": "1"}]
        r = run_of(*benches, ctx={"pus": str(pus), "python_interpreters": json.dumps(infos)})
        rows = [line for line in report_python.interpreters_part(
            r, report_python.interpreters(r)) if line.startswith("| ")][1:]
        first, ft = ([c.strip() for c in line.strip("|").split("|")] for line in rows)
        # Own speed-ups, threads and processes at N = PUs; then one thread's M ops/s and
        # both against the first interpreter's one thread.
        self.assertEqual(first[7:12], ["0.98x", "1.88x", "36.2", "0.98x", "1.87x"])
        self.assertEqual(ft[7:12], ["1.95x", "1.95x", "18.6", "1.00x", "1.00x"])

    def test_a_missing_interpreter_stops_before_the_run(self):
        r = run([PY, "scripts/run.py", "--python", "/nonexistent/python3", "--no-report",
                 "--out", tempfile.gettempdir()])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--python /nonexistent/python3", r.stderr)


if __name__ == "__main__":
    unittest.main()
