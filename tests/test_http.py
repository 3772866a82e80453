"""test_http.py - the http scenario (C8): the suite's server answers correctly in every
worker model, keep-alive and a connection per request; tvp-bench drives it and Apache
with wrk and leaves nothing behind after a run, a failed run, Ctrl-C and kill -9 (no
server, Apache or wrk process, no cgroup, no temporary folder); connections held under a
memory limit by fresh servers; a server measured after another adds up. Python's servers
are tests/test_http_python.py's, the report's reading and the budget planner
tests/test_http_report.py's. Load only on 127.0.0.1, a few connections and one-second
windows: nothing here asserts a speed.

Run by tests/run with BUILD set to the build folder. Apache's tests are skipped with
the reason where apache2 is not installed (make deps installs it), wrk's where wrk is
not."""
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
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from scripts_kit import marked, describe_processes, memory_cgroup_home, wait_until  # noqa: E402
from http_kit import (BENCH, HAVE_APACHE, HAVE_WRK, HTTPD, MODELS, _cmdline, body,  # noqa: E402
                      closed_by_peer, read_reply)


class Server:
    def __init__(self, model, capacity=8):
        self.p = subprocess.Popen([HTTPD, model, str(capacity)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.port = int(self.p.stdout.readline())

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def stop(self):
        self.p.kill()
        self.p.wait()
        self.p.stdout.close()
        self.p.stderr.close()


class Models(unittest.TestCase):
    """tvp-httpd in every model: the bodies, byte for byte, with their lengths; keep-alive
    holds the connection for the next request; Connection: close and HTTP/1.0 end it."""

    def setUp(self):
        if not os.access(HTTPD, os.X_OK):
            self.skipTest(f"{HTTPD} is not built (make)")

    def serve(self, model):
        s = Server(model)
        self.addCleanup(s.stop)
        return s

    def test_keep_alive_answers_both_bodies_on_one_connection(self):
        for model in MODELS:
            with self.subTest(model=model):
                s = self.serve(model)
                with s.connect() as c:
                    # Two requests in one write (pipelined), then a third after.
                    c.sendall(b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                              b"GET /64k.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                    status, h, b, rest = read_reply(c)
                    self.assertEqual(status, "HTTP/1.1 200 OK")
                    self.assertEqual(h["content-length"], "128")
                    self.assertEqual(b, body(128))
                    status, h, b, rest = read_reply(c, rest)
                    self.assertEqual(h["content-length"], "65536")
                    self.assertEqual(b, body(65536))
                    c.sendall(b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                    self.assertEqual(read_reply(c, rest)[2], body(128))

    def test_connection_close_and_http10_end_the_connection(self):
        for model in MODELS:
            for req in (b"GET /small.txt HTTP/1.1\r\nConnection: close\r\n\r\n",
                        b"GET /small.txt HTTP/1.0\r\n\r\n"):
                with self.subTest(model=model, request=req.split(b"\r\n")[0]):
                    s = self.serve(model)
                    with s.connect() as c:
                        c.sendall(req)
                        status, h, b, rest = read_reply(c)
                        self.assertEqual((status, h["connection"], b),
                                         ("HTTP/1.1 200 OK", "close", body(128)))
                        self.assertEqual(rest, b"")
                        self.assertTrue(closed_by_peer(c))

    def test_unknown_path_is_404_and_connection_per_request_repeats(self):
        for model in MODELS:
            with self.subTest(model=model):
                s = self.serve(model)
                with s.connect() as c:
                    c.sendall(b"GET /nothing HTTP/1.1\r\n\r\n")
                    self.assertEqual(read_reply(c)[0], "HTTP/1.1 404 Not Found")
                # Many connections one after another, each its own worker where the
                # model makes one: each answered.
                for _ in range(20):
                    with s.connect() as c:
                        c.sendall(b"GET /64k.txt HTTP/1.1\r\nConnection: close\r\n\r\n")
                        self.assertEqual(read_reply(c)[2], body(65536))

    def test_killing_the_server_ends_its_workers(self):
        """The bench kills a server's first process: every forked worker dies with it."""
        for model in ("fork_per_conn", "prefork_pool"):
            with self.subTest(model=model):
                s = Server(model)
                conns = [s.connect() for _ in range(3)]
                for c in conns:
                    c.sendall(b"GET /small.txt HTTP/1.1\r\n\r\n")
                    read_reply(c)
                kids = [int(p) for p in os.listdir("/proc") if p.isdigit() and
                        _ppid(int(p)) == s.p.pid]
                self.assertGreaterEqual(len(kids), 3)
                s.stop()
                self.assertTrue(wait_until(lambda: not any(_alive(k) for k in kids), 10),
                                describe_processes(kids))
                for c in conns:
                    c.close()

    def test_bad_arguments(self):
        for args in (["nonesuch", "8"], ["epoll", "0"], ["epoll", "8", "70000"], []):
            with self.subTest(args=args):
                r = subprocess.run([HTTPD, *args], capture_output=True, text=True, timeout=10)
                self.assertEqual(r.returncode, 2)
                self.assertTrue(r.stderr.strip())


def _ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return None


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Runs(unittest.TestCase):
    """tvp-bench --scenario=http, a few rows at a time: what it measures comes back, and
    nothing stays: no process of the run, no cgroup, no folder of its own in TMPDIR."""

    def setUp(self):
        if not HAVE_WRK:
            self.skipTest("wrk is not installed (make deps)")
        self.tmp = tempfile.mkdtemp()
        # Apache's children run as www-data and must reach the document root the run
        # makes in TMPDIR (mkdtemp makes it 0700; see test_apache_in_a_private_tmpdir).
        os.chmod(self.tmp, 0o755)
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.mark = f"{os.getpid()}-{self.id()}"

    def env(self, **more):
        return dict(os.environ, TMPDIR=self.tmp, TVP_TEST_MARK=self.mark, **more)

    def bench(self, filt, **env):
        out = os.path.join(self.tmp, "out.json")
        r = subprocess.run([BENCH, "--scenario=http", f"--benchmark_filter={filt}",
                            f"--benchmark_out={out}", "--benchmark_out_format=json"],
                           capture_output=True, text=True, timeout=240, env=self.env(**env))
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            doc = json.load(f)
        os.unlink(out)
        return doc

    def assert_nothing_left(self, pid=None):
        self.assertTrue(wait_until(lambda: not marked(self.mark), 15),
                        describe_processes(marked(self.mark)))
        self.assertEqual(os.listdir(self.tmp), [])
        home = memory_cgroup_home()
        if pid and home and os.path.isdir(home):
            self.assertEqual([d for d in os.listdir(home) if d.startswith(f"tvp-{pid}-")], [])

    def rows(self, doc):
        return [b for b in doc["benchmarks"] if b.get("run_type") != "aggregate"]

    def test_suite_server_rate_and_memory(self):
        doc = self.bench("^http/(epoll/.*rate/conn:keepalive.*split/connections:100|"
                         "thread_per_conn/.*rate/conn:close.*connections:100|"
                         "fork_per_conn/.*memory/connections:100)/")
        rows = self.rows(doc)
        # The quick profile: a context rate row once, the counted connection-per-request
        # pair three times, a memory row off its counted level (1000) once.
        self.assertEqual(len(rows), 1 + 3 + 1, [b["name"] for b in rows])
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            if "measure:rate" in b["name"]:
                self.assertGreater(b["requests"], 0)
                self.assertGreater(b["requests_per_s"], 0)
                self.assertLessEqual(b["p50_us"], b["p99_us"])
                self.assertEqual(b["errors"], 0)
                self.assertGreater(b["server_cpu_ns_per_request"], 0)
            else:
                self.assertEqual(b["held"], 100)
                # A process per connection: the server's first and 100 more.
                self.assertEqual(b["server_processes"], 101)
                self.assertGreater(b["pss_kib_per_conn"], 0)
        self.assert_nothing_left()

    def test_rate_rows_sample_the_server_in_the_window_after_a_warm_up(self):
        """The processes and threads a rate row records are the server's while wrk's
        connections are open (a thread or a process each, beside the first), not what
        is left once they close; each row is warmed up first with as many connections,
        all answered."""
        doc = self.bench("^http/(thread_per_conn|fork_per_conn)/.*rate/conn:keepalive.*"
                         "split/connections:100/")
        rows = self.rows(doc)
        self.assertEqual(len(rows), 2, [b["name"] for b in rows])
        by = {b["name"].split("/")[1]: b for b in rows}
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            self.assertEqual(b["warmup_answered"], 100)
            self.assertGreaterEqual(b["warmup_s"], 0)
        self.assertEqual(by["thread_per_conn"]["server_threads"], 1 + 100)
        self.assertEqual(by["thread_per_conn"]["server_processes"], 1)
        self.assertEqual(by["fork_per_conn"]["server_processes"], 1 + 100)
        self.assert_nothing_left()

    def test_memory_repetitions_share_the_fresh_servers_baseline(self):
        """A memory row's first repetition starts a fresh server and reads its baseline;
        the later ones hold the connections again on it, against that baseline. All
        the server's memory per connection counts the baseline too."""
        doc = self.bench("^http/thread_per_conn/.*memory/connections:1000/")
        rows = self.rows(doc)
        self.assertEqual(len(rows), 3, [b["name"] for b in rows])
        self.assertEqual(len({b["baseline_kib"] for b in rows}), 1)
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            self.assertEqual(b["held"], 1000)
            self.assertEqual(b["server_threads"], 1 + 1000)
            self.assertAlmostEqual(b["total_kib_per_conn"],
                                   b["kib_per_conn"] + b["baseline_kib"] / 1000, delta=0.5)
        self.assert_nothing_left()

    def test_a_server_after_another_is_measured_in_a_fresh_cgroup(self):
        """The second server's idle baseline holds none of the first's kernel memory:
        its total is its baseline plus what its connections added, and the connections
        add kernel memory (the reference's epoll row at 100, after the thread pool's,
        read 7 MiB of kernel memory idle and a negative kernel part per connection)."""
        doc = self.bench("^http/(thread_pool|epoll)/.*memory/connections:100/")
        rows = self.rows(doc)
        self.assertEqual([b["name"].split("/")[1] for b in rows], ["thread_pool", "epoll"])
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            self.assertAlmostEqual(b["total_kib_per_conn"],
                                   b["kib_per_conn"] + b["baseline_kib"] / 100, delta=0.5)
            if "kmem_kib_per_conn" in rows[0]:  # contained: a memory cgroup of its own
                self.assertIn("kmem_kib_per_conn", b)
        self.assert_nothing_left()

    def test_connections_held_under_a_memory_limit(self):
        """Three fresh servers filled step by step in a cgroup (v1 or v2) limited to
        256 MiB: each sweep ends (an OOM kill, a step unanswered, or the cap) and says
        why; the limit goes with the cgroup. Where no memory cgroup can be made the row
        is skipped with the reason (the v2 path is tested on fixture trees in
        test_http.c)."""
        doc = self.bench("^http/fork_per_conn/.*held/limit_mib:256/")
        rows = self.rows(doc)
        if rows[0].get("error_occurred"):
            self.assertIn("needs a memory cgroup", rows[0]["error_message"])
            self.assert_nothing_left()
            self.skipTest(rows[0]["error_message"])
        self.assertEqual(len(rows), 3, [b["name"] for b in rows])
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            self.assertGreater(b["held"], 0)
            self.assertRegex(b["label"], r"^(OOM kill|server died|answered|reached)")
            if b["label"].startswith("OOM kill"):
                self.assertGreaterEqual(b["oom_kills"], 1)
        self.assert_nothing_left()

    def test_a_server_that_does_not_start_is_skipped_with_the_reason(self):
        doc = self.bench("^http/epoll/.*rate/conn:keepalive.*split/connections:100/",
                         TVP_HTTPD="/nonexistent/tvp-httpd")
        (b, *_) = self.rows(doc)
        self.assertTrue(b.get("error_occurred"))
        self.assertIn("did not start", b["error_message"])
        self.assert_nothing_left()

    def test_a_level_beyond_the_descriptor_limit_is_skipped(self):
        out = os.path.join(self.tmp, "out.json")
        # prlimit's own limit for the child: 200 descriptors hold no 1000 connections.
        r = subprocess.run(["prlimit", "--nofile=200:200", BENCH, "--scenario=http",
                            "--benchmark_filter=^http/thread_per_conn/.*rate/conn:keepalive.*"
                            "pin:split/connections:1000/", f"--benchmark_out={out}"],
                           capture_output=True, text=True, timeout=120, env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            (b, *_) = self.rows(json.load(f))
        os.unlink(out)
        self.assertIn("RLIMIT_NOFILE 200 cannot hold 1000 connections", b["error_message"])
        self.assert_nothing_left()

    def test_the_full_profile_sweeps_ten_thousand_or_says_why_not(self):
        """The full profile asks every server for 10,000 connections (rate and memory);
        where the descriptor limit cannot hold them the row is skipped with the reason,
        at once, and nothing is left."""
        names = subprocess.run([BENCH, "--scenario=http", "--profile=full",
                                "--benchmark_list_tests"], capture_output=True, text=True,
                               timeout=60, env=self.env()).stdout.split()
        for server in ("thread_per_conn", "fork_per_conn", "epoll", "apache_prefork"):
            for measure in ("rate/conn:keepalive/body:small/pin:split", "memory"):
                with self.subTest(server=server, measure=measure):
                    self.assertTrue([n for n in names if f"/{server}/" in n and
                                     f"measure:{measure}/connections:10000/" in n])
        out = os.path.join(self.tmp, "out.json")
        r = subprocess.run(["prlimit", "--nofile=1024:1024", BENCH, "--scenario=http",
                            "--profile=full", "--benchmark_filter=^http/fork_per_conn/.*"
                            "(rate/conn:keepalive.*pin:split|memory)/connections:10000/",
                            f"--benchmark_out={out}"],
                           capture_output=True, text=True, timeout=120, env=self.env())
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(out) as f:
            rows = self.rows(json.load(f))
        os.unlink(out)
        self.assertEqual(len(rows), 2 * 3, [b["name"] for b in rows])
        for b in rows:
            self.assertIn("RLIMIT_NOFILE 1024 cannot hold 10000 connections",
                          b["error_message"])
        self.assert_nothing_left()

    def test_apache_lifecycle(self):
        """Each MPM started from the config the run writes, answering wrk and the held
        connections with the same bytes, stopped with every child gone; the config is in
        the JSON."""
        if not HAVE_APACHE:
            self.skipTest("apache2 is not installed (make deps)")
        doc = self.bench("^http/apache_(prefork|worker|event)/.*(rate/conn:keepalive.*"
                         "pin:split/connections:100|memory/connections:100)/")
        rows = self.rows(doc)
        # rate: prefork and event once (worker's keep-alive rate is the full profile's);
        # memory: prefork and worker 3 each (C8 counts them), event 1.
        self.assertEqual(len(rows), 2 + 3 + 3 + 1, [b["name"] for b in rows])
        for b in rows:
            self.assertFalse(b.get("error_occurred"), b.get("error_message"))
            if "measure:memory" in b["name"]:
                self.assertEqual(b["held"], 100, b["name"])
            else:
                # Errors are Apache's to make (a prefork child retired under a kept-alive
                # connection reads as one): counted, not asserted away.
                self.assertGreater(b["requests"], 0)
                self.assertGreaterEqual(b["errors"], 0)
                # Warmed up to the level, prefork is not starved in the window: a
                # process for each connection (the row follows its memory rows, which
                # grew it; alone, its warm-up grows it).
                if "apache_prefork" in b["name"] and b["warmup_answered"] == 100:
                    self.assertGreaterEqual(b["server_processes"], 100)
        conf = doc["context"]["http_conf_apache_prefork"]
        self.assertIn("LoadModule mpm_prefork_module", conf)
        self.assertIn("MaxRequestWorkers 1000", conf)
        self.assertIn("Listen 127.0.0.1:", conf)
        self.assertIn("ThreadsPerChild 64", doc["context"]["http_conf_apache_event"])
        # Debian's shipped MPM settings under the capacity, not httpd's compiled-in ones.
        self.assertIn("IncludeOptional /etc/apache2/mods-available/mpm_prefork.conf", conf)
        self.assert_nothing_left()

    def test_apache_in_a_private_tmpdir_is_skipped_with_the_reason(self):
        """A TMPDIR that www-data cannot enter: Apache starts but answers 403; the row
        says so rather than counting 403s as requests, and nothing is left."""
        if not HAVE_APACHE or os.geteuid() != 0:
            self.skipTest("needs apache2 and root (Apache then serves as www-data)")
        os.chmod(self.tmp, 0o700)
        doc = self.bench("^http/apache_event/.*memory/connections:100/")
        (b, *_) = self.rows(doc)
        self.assertTrue(b.get("error_occurred"))
        self.assertIn("did not serve", b["error_message"])
        self.assert_nothing_left()

    def interrupt(self, sig, filt, wait_for):
        p = subprocess.Popen([BENCH, "--scenario=http", f"--benchmark_filter={filt}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=self.env(), preexec_fn=lambda: signal.signal(
                                 signal.SIGINT, signal.SIG_DFL))
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        self.assertTrue(wait_until(lambda: any(wait_for in _cmdline(q)
                                               for q in marked(self.mark)), 60),
                        f"no {wait_for} started")
        time.sleep(0.5)
        p.send_signal(sig)
        p.wait(timeout=60)
        self.assertEqual(p.returncode, -sig)
        self.assert_nothing_left(p.pid)

    def test_ctrl_c_and_kill_leave_nothing(self):
        """Mid-run, with a server's connections open (and Apache's children, which no
        parent-death signal reaches, where Apache is installed)."""
        rows = [("tvp-httpd", "^http/fork_per_conn/.*memory/connections:1000/")]
        if HAVE_APACHE:
            rows.append(("apache2", "^http/apache_prefork/.*memory/connections:100/"))
        for server, filt in rows:
            for sig in (signal.SIGINT, signal.SIGKILL):
                with self.subTest(server=server, signal=sig.name):
                    self.interrupt(sig, filt, server)


if __name__ == "__main__":
    unittest.main()
