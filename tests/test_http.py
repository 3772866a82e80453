"""test_http.py - the http scenario (C8): the suite's server answers correctly in every
worker model, keep-alive and a connection per request; tvp-bench drives it and Apache
with wrk and leaves nothing behind after a run, a failed run, Ctrl-C and kill -9 (no
server, Apache or wrk process, no cgroup, no temporary folder); connections held under a
memory limit by five fresh servers; Python's servers answer alike, their memory rows come
from a tiny run and Ctrl-C leaves no server; the budget planner knows the new rows. Load only on 127.0.0.1, a few connections and one-second windows:
nothing here asserts a speed.

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

BENCH = os.path.join(BUILD, "tvp-bench")
# The server is static and never sanitized: beside the plain build's tvp-bench.
HTTPD = next((p for p in (os.path.join(BUILD, "tvp-httpd"),
                          os.path.join(ROOT, "build", "tvp-httpd")) if os.access(p, os.X_OK)),
             os.path.join(BUILD, "tvp-httpd"))
MODELS = ["thread_per_conn", "fork_per_conn", "prefork_pool", "thread_pool", "epoll"]
HAVE_APACHE = os.access("/usr/sbin/apache2", os.X_OK)
HAVE_WRK = shutil.which("wrk") is not None


def body(n):
    """The bytes src/http_server.c serves, written out again here from its rule."""
    return bytes(ord("\n") if (i + 1) % 64 == 0 else ord("a") + (i * 7 + i // 64) % 26
                 for i in range(n))


def read_reply(sock, buf=b""):
    """One HTTP reply: (status line, headers dict, body, bytes left over)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(f"closed before a header block: {buf[:200]!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("closed inside a body")
        rest += chunk
    return lines[0], headers, rest[:length], rest[length:]


def closed_by_peer(sock):
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


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


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


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
