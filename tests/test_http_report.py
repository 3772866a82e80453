"""test_http_report.py - the http section of the report and the budget planner's http
rows (split from tests/test_http.py): a skipped row's reason in the report's language; a
process-per-connection server short of processes in wrk's window said to be; each http
row costed by its wrk windows.

Run by tests/run with BUILD set to the build folder; the live tier (tests/tiers), as it
was inside test_http.py (Budget lists tvp-bench's rows)."""
import os
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from http_kit import BENCH  # noqa: E402


class FakeRow:
    """An http row as results.load gives it, with only what report/http.py reads."""

    def __init__(self, variant, measure, error=None, **counters):
        self.variant, self.measure, self.error = variant, measure, error
        self.args = ({"conn": "keepalive", "body": "small", "pin": "split",
                      "connections": 10000} if measure == "rate" else {"connections": 10000})
        self.counters = {k: [v] for k, v in counters.items()}
        self.usable = error is None
        self.label = ""

    def counter(self, name):
        v = self.counters.get(name)
        return v[0] if v else None


class FakeRun:
    def __init__(self, rows):
        self.rows = rows

    def select(self, scenario, measure=None, **args):
        return [b for b in self.rows if measure in (None, b.measure) and
                all(b.args.get(k) == v for k, v in args.items())]


class Report(unittest.TestCase):
    """report/http.py: a skipped row's reason in the report's language, as the other
    sections' are; a process-per-connection server short of processes in wrk's window
    is said to be, only where the run sampled it there."""

    def setUp(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        from report import http, i18n
        self.http, self.i18n = http, i18n

    def test_skip_reasons_are_translated(self):
        why = "RLIMIT_NOFILE 200 cannot hold 10000 connections"
        run = FakeRun([FakeRow("thread_per_conn", "rate", why),
                       FakeRow("thread_per_conn", "memory", why)])
        with self.i18n.language("zh"):
            for lines in (self.http.rate_table(run), self.http.memory_table(run)):
                text = "\n".join(lines)
                self.assertIn("RLIMIT_NOFILE 为 200，容纳不了 10000 个连接", text)
                self.assertNotIn("not translated", text)
                self.assertNotIn("cannot hold", text)

    def test_a_server_short_of_processes_in_the_window_is_said_to_be(self):
        rows = [FakeRow("apache_prefork", "rate", requests_per_s=1e4, server_processes=300,
                        server_threads=300, warmup_s=15.0),
                # An older run: counted after wrk's window, no warm-up: nothing said.
                FakeRow("prefork_pool", "rate", requests_per_s=1e4, server_processes=9,
                        server_threads=9),
                FakeRow("thread_pool", "rate", requests_per_s=1e4, server_processes=1,
                        server_threads=300, warmup_s=0.1)]
        said = self.http.starved(FakeRun(rows))
        self.assertEqual(len(said), 1, said)
        self.assertIn("Apache prefork held 300 processes", said[0])
        self.assertIn("10000 connections", said[0])
        table = "\n".join(self.http.rate_table(FakeRun(rows)))
        self.assertIn("| 300 / 300 | 15.0 |", table)
        self.assertIn("| – | – |", table)  # the older run's count is not shown


class Budget(unittest.TestCase):
    """The budget planner knows the new rows: each http row costs its wrk windows, not
    the default second for a row the reference never ran."""

    def test_http_rows_are_estimated_by_their_window(self):
        from running import budget
        from contract import results
        names = subprocess.run([BENCH, "--scenario=http", "--benchmark_list_tests"],
                               capture_output=True, text=True, timeout=60).stdout.split()
        self.assertTrue(names)
        items = budget.make_items({"http": names}, {"benchmarks": [], "context": {}}, {})
        for it in items:
            with self.subTest(name=it.name):
                self.assertEqual(it.key.scenario, "http")
                secs = it.seconds(0.05, 0.05, 5)
                reps = it.fixed_reps or 5
                if it.key.measure == "rate":
                    self.assertGreaterEqual(secs, 1.0 * reps)  # a 1 s wrk window each
                elif it.name in budget.C_CHANGED:  # a server kept across repetitions
                    self.assertEqual(secs, budget.C_CHANGED[it.name][0] * reps)
                else:  # a server started and filled with connections
                    self.assertGreaterEqual(secs, 2.0 * reps)
        self.assertIsNotNone(results)

    def test_rows_changed_since_the_reference_cost_what_they_do_now(self):
        """Apache prefork's memory row grew a fresh server three times in the reference
        (7 s a repetition); now once: the planner counts the new cost until a reference
        that ran the row as it is now (its rows carry total_kib_per_conn)."""
        from running import budget
        name = ("http/apache_prefork/process/measure:memory/connections:100/iterations:1/"
                "repeats:3/manual_time")
        row = {"name": name, "run_name": name, "run_type": "iteration", "iterations": 1,
               "real_time": 6970.0, "time_unit": "ms", "kib_per_conn": 318.0}
        ref = {"benchmarks": [row] * 3, "context": {}}
        (it,) = budget.make_items({"http": [name]}, ref, {})
        self.assertAlmostEqual(it.seconds(0.05, 0.05, 5), budget.C_CHANGED[name][0] * 3)
        row = dict(row, total_kib_per_conn=370.0)
        (it,) = budget.make_items({"http": [name]}, {"benchmarks": [row] * 3,
                                                     "context": {}}, {})
        self.assertAlmostEqual(it.seconds(0.05, 0.05, 5), 6.97 * 3)


if __name__ == "__main__":
    unittest.main()
