"""test_pool_notes.py - the live tier: the pool's counters and the notes' Pool(3) in real
runs of tvp-bench and py_bench.py (the same sleeps in C and Python, distinct workers and
run counts, the schedule figure from one repetition, the pool figures of a tiny run).
Needs the build in $BUILD.

Tier: live (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class PoolNotes(unittest.TestCase):
    """The pool's counts and the notes' Pool(3): the same sleeps in C and Python, distinct
    workers and run counts as the benchmarks record them, and a schedule figure drawn
    from one real repetition. Needs tvp-bench in $BUILD."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import py_pool_notes
        self.py = py_pool_notes

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
