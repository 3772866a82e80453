"""test_http_python.py - Python's HTTP servers for C8 (bench/py_http.py, split from
tests/test_http.py): ThreadingHTTPServer, ForkingMixIn and the ThreadPoolExecutor server
answer with the C server's bytes, keep-alive and close; their memory rows come from a
tiny run; Ctrl-C mid-row leaves no server; wrk's report read in its units.

Run by tests/run with BUILD set to the build folder; the live tier (tests/tiers)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from scripts_kit import marked, describe_processes, wait_until  # noqa: E402,F401
from http_kit import _cmdline, body, closed_by_peer, read_reply  # noqa: E402


class PythonServers(unittest.TestCase):
    """bench/py_http.py: Python's two standard servers answer with the C server's bytes,
    keep-alive and close; its reading of wrk's report."""

    def setUp(self):
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import py_http
        self.py_http = py_http

    def test_every_server_answers_the_same_bytes(self):
        for model in ("threading", "forking", "pool"):
            with self.subTest(model=model):
                p, port = self.py_http.start(model, None)
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                        c.sendall(b"GET /64k.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                        status, h, b, rest = read_reply(c)
                        self.assertEqual((status.split()[1], b), ("200", body(65536)))
                        c.sendall(b"GET /small.txt HTTP/1.1\r\nConnection: close\r\n\r\n")
                        status, h, b, rest = read_reply(c, rest)
                        # Said back: without it wrk counts a read error per request.
                        self.assertEqual((b, h.get("connection")), (body(128), "close"))
                        self.assertTrue(closed_by_peer(c))
                finally:
                    self.py_http.stop(p)

    def py_bench(self, *args, **kw):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.mark = f"{os.getpid()}-{self.id()}"
        env = dict(os.environ, TVP_TEST_MARK=self.mark)
        return subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "py_bench.py"),
                                 *args], env=env, cwd=self.tmp, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)

    def test_memory_rows_from_a_tiny_run(self):
        """http_memory: each server holds its 100 idle connections, a forked child each
        for ForkingMixIn, one process for the threaded two; Pss per connection counted;
        no server left after the run."""
        out = "out.json"
        p = self.py_bench("--filter", "measure:http_memory", "--repetitions", "1",
                          "--out", out)
        stdout, stderr = p.communicate(timeout=240)
        self.assertEqual(p.returncode, 0, stderr[-2000:])
        with open(os.path.join(self.tmp, out)) as f:
            rows = [b for b in json.load(f)["benchmarks"] if "http_memory" in b["name"]]
        by = {b["name"].split("/")[1]: b for b in rows}
        self.assertEqual(sorted(by), ["http_forking", "http_pool", "http_threading"])
        for variant, b in by.items():
            with self.subTest(variant=variant):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                self.assertEqual(b["held"], 100)
                self.assertGreater(b["pss_kib_per_conn"], 0)
                self.assertEqual(b["server_processes"], 101 if variant == "http_forking" else 1)
                self.assertGreaterEqual(b["server_threads"], 101)
        self.assertTrue(wait_until(lambda: not marked(self.mark), 15),
                        describe_processes(marked(self.mark)))

    def test_a_server_that_does_not_start_is_skipped_with_the_reason(self):
        """A memory row whose server never starts: skipped, saying so; nothing left."""
        mark = f"{os.getpid()}-{self.id()}"
        rows, skipped = [], []
        suite = type("Suite", (), {"rows": rows, "wanted": lambda self, n: True,
                                   "skip": lambda self, n, why: skipped.append((n, why))})()
        fake = type("PyBench", (), {"name": staticmethod(
            lambda variant, measure, **a: f"python/{variant}/x/measure:{measure}")})
        old_server, old_env = dict(self.py_http.SERVER), os.environ.get("TVP_TEST_MARK")
        os.environ["TVP_TEST_MARK"] = mark
        try:
            self.py_http.SERVER.update(http_threading="nonesuch")
            self.py_http.run_memory(suite, fake, 1)
        finally:
            self.py_http.SERVER.update(old_server)
            if old_env is None:
                os.environ.pop("TVP_TEST_MARK")
            else:
                os.environ["TVP_TEST_MARK"] = old_env
        self.assertEqual([n for n, _ in skipped], ["python/http_threading/x/measure:http_memory"])
        self.assertIn("did not start", skipped[0][1])
        self.assertEqual(sorted(r["name"].split("/")[1] for r in rows),
                         ["http_forking", "http_pool"])
        self.assertTrue(wait_until(lambda: not marked(mark), 15),
                        describe_processes(marked(mark)))

    def test_ctrl_c_mid_memory_row_leaves_no_server(self):
        p = self.py_bench("--filter", "http_forking/.*measure:http_memory", "--out", "x.json",
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        self.assertTrue(wait_until(lambda: any("--serve" in _cmdline(q)
                                               for q in marked(self.mark)), 120),
                        "no server started")
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=60)
        self.assertTrue(wait_until(lambda: not marked(self.mark), 15),
                        describe_processes(marked(self.mark)))

    def test_wrk_report(self):
        out = ("  Latency Distribution\n     50%  850.00us\n     99%    1.50s \n"
               "  40123 requests in 1.00s, 8.00MB read\n"
               "  Socket errors: connect 1, read 2, write 3, timeout 4\n"
               "  Non-2xx or 3xx responses: 5\nRequests/sec:  40050.25\n")
        r = self.py_http.parse_wrk(out)
        self.assertEqual((r["requests"], r["errors"], r["timeouts"]), (40123, 11, 4))
        self.assertAlmostEqual(r["p50_us"], 850.0)
        self.assertAlmostEqual(r["p99_us"], 1.5e6)
        self.assertIsNone(self.py_http.parse_wrk("unable to connect\n"))

    def test_bad_usage(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "py_http.py"),
                            "--serve", "nonesuch"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--serve", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
