"""test_python_rows.py - the Python layer's rows by their definitions (split from
tests/test_behaviours.py, issue 26: each class pins a behaviour a deliberate break of
tests/mutant_list.py once changed with every other test passing, and says which): the GIL
figure's executors of exactly N workers (bench/py_gil.py), wrk's latency units
(bench/py_http.py) and a Python server row's time per request (py_bench.py, needs wrk).

Tier: fast (tests/tiers): a few rows at most."""
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403

sys.path.insert(0, os.path.join(ROOT, "bench"))


class GilExecutors(unittest.TestCase):
    """Break gil-executor-every-cpu: the GIL figure's executors are made with exactly N
    workers (a ProcessPoolExecutor without max_workers takes every CPU, whatever N)."""

    def test_executors_made_with_n_workers(self):
        import concurrent.futures as cf
        import py_gil
        import py_harness
        made = []

        def recording(base):
            class Recording(base):
                def __init__(self, *a, **kw):
                    super().__init__(*a, **kw)
                    made.append((base.__name__, self._max_workers))
            return Recording

        suite = py_harness.Suite("quick", r"^python/(process|thread)_executor/.*gil/work:io/")
        suite.reps, suite.work_s = 1, 0.002
        with mock.patch.object(cf, "ProcessPoolExecutor", recording(cf.ProcessPoolExecutor)), \
                mock.patch.object(cf, "ThreadPoolExecutor", recording(cf.ThreadPoolExecutor)):
            with contextlib.redirect_stdout(io.StringIO()):  # its progress lines
                py_gil.gil(suite)
        pus = len(os.sched_getaffinity(0))
        want = py_gil.worker_counts(pus)
        for kind in ("ProcessPoolExecutor", "ThreadPoolExecutor"):
            self.assertEqual([n for k, n in made if k == kind], want, made)
        # Each row's worker count is the one its executor was made with.
        rows = [r for r in suite.rows if "process_executor" in r["name"]]
        self.assertEqual(sorted(int(re.search(r"workers:(\d+)", r["name"]).group(1))
                                for r in rows), sorted(want))


class PythonWrkUnits(unittest.TestCase):
    """Break py-http-ms-as-us: bench/py_http.py reads wrk's latencies in every unit wrk
    prints (850.00us, 1.20ms, 1.50s, 2.00m) as microseconds, as src/wrk.c does."""

    def test_units(self):
        import py_http
        for text, us in (("850.00us", 850.0), ("1.20ms", 1200.0), ("1.50s", 1.5e6),
                         ("2.00m", 120e6)):
            with self.subTest(text=text):
                r = py_http.parse_wrk(f"     50%  {text}\n     99%  {text}\n"
                                      "  10 requests in 1.00s, 1.00KB read\n"
                                      "Requests/sec:     10.00\n")
                self.assertAlmostEqual(r["p50_us"], us)
                self.assertAlmostEqual(r["p99_us"], us)


@unittest.skipUnless(shutil.which("wrk"), "wrk is not installed")
class PythonServerTime(unittest.TestCase):
    """Break py-http-time-per-window: a Python server row's time is µs per request, as
    C's rows are: wrk's window over the requests it got answered, so that time and wrk's
    own requests/s agree (their product is a second, but for wrk's rounding)."""

    def test_time_is_per_request(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p.json")
            r = subprocess.run(
                [sys.executable, os.path.join(ROOT, "bench", "py_bench.py"), "--repetitions",
                 "1", "--filter", "^python/http_threading/thread/measure:http/conn:close/"
                 "connections:100$", f"--out={out}"], cwd=ROOT, capture_output=True,
                text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 1, rows)
        b = rows[0]
        if b.get("error_occurred"):
            self.skipTest(b["error_message"])
        self.assertEqual(b["time_unit"], "us")
        self.assertAlmostEqual(b["real_time"] * b["requests_per_s"] / 1e6, 1.0, delta=0.05)


if __name__ == "__main__":
    unittest.main()
