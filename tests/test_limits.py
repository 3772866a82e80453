"""test_limits.py - nothing lost under limits and faults: the cgroup readers on fixture
v1 and v2 trees; a cut-off output closed after its last whole benchmark; a scenario
killed mid-run keeps what it finished and names the death; a memory cgroup around a
small cow run keeps rows and names the limit; the OOM killer's count is read; kill -9
mid-queue leaves no queue; a full disk gives exit 2 and no traceback.

What needs root (making cgroups, mounting a tmpfs, an IPC namespace) is skipped with the
reason where the machine does not allow it, never passed silently."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
BENCH = os.path.join(BUILD, "tvp-bench")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from running import cglimits  # noqa: E402
from running import deaths  # noqa: E402

PY = sys.executable
PATIENCE = float(os.environ.get("TVP_TEST_TIMEOUT") or 300) / 2
# A small cow run: each benchmark at its first sizes, a few quick repetitions.
SMALL_COW = ["--filter", "^cow/", "--smoke", "--min-time", "0.001", "--repetitions", "3",
             "--no-report"]


def fixture(version):
    d = os.path.join(FIXTURES, f"cgroup-v{version}")
    return cglimits.read(os.path.join(d, "cgroup"), os.path.join(d, "mountinfo"), d)


def run_py(args, **kw):
    return subprocess.run([PY, os.path.join(ROOT, "scripts", "run.py"), *args],
                          capture_output=True, text=True, cwd=ROOT,
                          timeout=2 * PATIENCE, **kw)


def need_bench(test):
    if not os.access(BENCH, os.X_OK):
        test.skipTest(f"{BENCH} is not built")


def make_memory_cgroup(holder, limit_bytes):
    """Sets holder.cgroup to a new memory cgroup below this process's own, with the
    limit; returns why not where none can be made (holder.cgroup stays None)."""
    mem = cglimits.read()["memory"]
    if not mem:
        return "no memory cgroup controller mounted"
    d = os.path.join(mem["own"], f"tvp-test-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.mkdir(d)
    except OSError as e:
        return f"cannot make a memory cgroup here: {e.strerror}"
    holder.cgroup = d
    limit_file = "memory.limit_in_bytes" if mem["version"] == 1 else "memory.max"
    with open(os.path.join(d, limit_file), "w") as f:
        f.write(str(limit_bytes))
    return ""


def memory_cgroup_or_skip(test, limit_bytes):
    """make_memory_cgroup for one test, removed at its end; skips where none can be made."""
    test.cgroup = None
    why = make_memory_cgroup(test, limit_bytes)
    if not test.cgroup:
        test.skipTest(why)
    test.addCleanup(remove_cgroup, test.cgroup)
    return test.cgroup


def remove_cgroup(d):
    for _ in range(200):
        try:
            os.rmdir(d)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)  # its last process is still leaving
    raise AssertionError(f"cgroup {d} could not be removed")


def in_cgroup(d, cmd):
    """cmd run as a process of cgroup d (it moves itself in, then execs)."""
    return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', d, *cmd]


class Readers(unittest.TestCase):
    """The lowest limit on the path and the cgroup that sets it, on both versions."""

    def test_v1(self):
        lim = fixture(1)
        mem, pids = lim["memory"], lim["pids"]
        self.assertEqual((mem["version"], mem["max"], mem["current"]), (1, 419430400, 314572800))
        self.assertTrue(mem["dir"].endswith("/memory/docker"), mem["dir"])
        self.assertEqual((pids["max"], pids["current"]), (150, 150))
        self.assertTrue(pids["dir"].endswith("/pids/docker/abc"), pids["dir"])
        # Both the caller's cgroup and the parent count OOM kills; the parent set the limit.
        kills = cglimits.oom_kills(mem)
        self.assertEqual(sorted(kills.values()), [2, 3])

    def test_v2(self):
        lim = fixture(2)
        mem, pids = lim["memory"], lim["pids"]
        self.assertEqual((mem["version"], mem["max"], mem["current"]), (2, 268435456, 104857600))
        self.assertTrue(mem["dir"].endswith("/ci/job"), mem["dir"])
        self.assertEqual((pids["max"], pids["current"]), (100, 40))
        self.assertTrue(pids["dir"].endswith("/sys/fs/cgroup/ci"), pids["dir"])
        self.assertEqual(list(cglimits.oom_kills(mem).values()), [1])

    def test_available_is_capped_by_the_limit(self):
        lim = fixture(2)
        # 256 MiB limit, 100 MiB used: 156 MiB left, less than the host's 8 GiB.
        self.assertEqual(cglimits.available_kib(8 << 20, lim), (159744, "memory cgroup"))
        self.assertEqual(cglimits.available_kib(1000, lim), (1000, "MemAvailable"))
        ctx = cglimits.context(lim)
        self.assertEqual(ctx["cgroup_memory_max_bytes"], "268435456")
        self.assertEqual(ctx["cgroup_pids_max"], "100")

    def test_the_lowest_limit_on_the_path_binds(self):
        """Both a cgroup and its parent set limits: the lower binds, whichever sets it
        (memory: the parent's 256 MiB under the job's 512; pids: the job's 100 under
        the parent's 200)."""
        d = os.path.join(FIXTURES, "cgroup-v2-nested")
        lim = cglimits.read(os.path.join(d, "cgroup"), os.path.join(d, "mountinfo"), d)
        mem, pids = lim["memory"], lim["pids"]
        self.assertEqual((mem["max"], mem["current"]), (268435456, 209715200))
        self.assertTrue(mem["dir"].endswith("/sys/fs/cgroup/ci"), mem["dir"])
        self.assertEqual((pids["max"], pids["current"]), (100, 40))
        self.assertTrue(pids["dir"].endswith("/ci/job"), pids["dir"])

    def test_oom_counter_moved(self):
        self.assertEqual(cglimits.oom_kills_moved({"a": 1, "b": 4}, {"a": 1, "b": 5}), 1)
        self.assertEqual(cglimits.oom_kills_moved({"a": 1}, {"a": 1}), 0)
        self.assertIsNone(cglimits.oom_kills_moved({}, {}))

    def test_nothing_mounted(self):
        lim = cglimits.read(os.path.join(FIXTURES, "cgroup-v2", "cgroup"),
                            os.path.join(FIXTURES, "meminfo"), "")
        self.assertEqual(lim, {"memory": None, "pids": None})


class Salvage(unittest.TestCase):
    """A writer killed mid-document leaves its finished rows readable."""

    def doc(self):
        return {"context": {"k": "v"}, "benchmarks": [
            {"name": f"a/{i}", "run_name": f"a/{i}", "real_time": i} for i in range(3)]}

    def test_cut_mid_row_keeps_the_rows_before(self):
        text = json.dumps(self.doc(), indent=2)
        cut = text[:text.index('"a/2"') + 3]
        doc, was_cut = deaths.salvage(cut)
        self.assertTrue(was_cut)
        self.assertEqual([b["name"] for b in doc["benchmarks"]], ["a/0", "a/1"])
        self.assertEqual(deaths.finished(doc), {"a/0", "a/1"})

    def test_whole_and_empty(self):
        text = json.dumps(self.doc(), indent=2)
        self.assertEqual(deaths.salvage(text), (self.doc(), False))
        head = text[:text.index('"benchmarks": [') + len('"benchmarks": [')]
        doc, cut = deaths.salvage(head + "\n")
        self.assertTrue(cut)
        self.assertEqual(doc["benchmarks"], [])
        self.assertEqual(deaths.salvage('{"cont'), (None, False))

    def test_rest_leaves_out_the_dead(self):
        names = ["c/x:1/real_time", "c/x:10/real_time", "c/x:100/real_time"]
        filt, left, died = deaths.rest_filter(names, {"c/x:1/real_time"}, "c/x:10")
        self.assertEqual(died, ["c/x:10/real_time"])
        self.assertEqual(left, ["c/x:100/real_time"])
        self.assertIn("x:100", filt)
        self.assertEqual(deaths.signal_name(-9), "SIGKILL")
        self.assertIsNone(deaths.signal_name(1))


class KilledUnderLimit(unittest.TestCase):
    """One small cow run, as docker run --memory=400m would hold it: inside a memory
    cgroup of 400 MiB where one can be made, its tvp-bench SIGKILLed once it finished a
    benchmark. The run goes on, keeps every benchmark but at most the one that was
    running, and names the death; the 256 MiB parents are skipped with the limit named,
    not guessed from the host's MemAvailable. One run for both: each costs the probes
    of every scenario."""

    @classmethod
    def setUpClass(cls):
        cls.doc, cls.why_not, cls.cgroup, cls.stderr, cls.killed = None, "", None, "", False
        if not os.access(BENCH, os.X_OK):
            cls.why_not = f"{BENCH} is not built"
            return
        cls.cgroup_why = make_memory_cgroup(cls, 400 << 20)
        with tempfile.TemporaryDirectory() as out:
            cmd = [PY, os.path.join(ROOT, "scripts", "run.py"), "--out", out, *SMALL_COW,
                   "--bench", BENCH]
            proc = subprocess.Popen(in_cgroup(cls.cgroup, cmd) if cls.cgroup else cmd,
                                    cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            cls.killed = kill_cow_midway(proc, out)
            _, cls.stderr = proc.communicate(timeout=2 * PATIENCE)
            cls.rc = proc.returncode
            folders = os.listdir(out)
            if cls.rc == 0 and len(folders) == 1:
                with open(os.path.join(out, folders[0], "benchmarks.json")) as f:
                    cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        if cls.cgroup:
            remove_cgroup(cls.cgroup)

    def ran(self):
        if self.why_not:
            self.skipTest(self.why_not)
        self.assertEqual(self.rc, 0, self.stderr[-2000:])
        self.assertIsNotNone(self.doc)

    def test_kill_keeps_rows(self):
        self.ran()
        if not self.killed:
            self.skipTest("the cow run ended before it could be killed midway")
        died = json.loads(self.doc["context"]["deaths"])
        self.assertEqual(len(died), 1, died)
        self.assertEqual((died[0]["scenario"], died[0]["signal"]), ("cow", "SIGKILL"))
        self.assertGreaterEqual(died[0]["rows_kept"], 1)
        listed = subprocess.run([BENCH, "--scenario=cow", "--smoke",
                                 "--benchmark_list_tests=true"],
                                capture_output=True, text=True).stdout.split()
        have = deaths.finished(self.doc)
        lost = [n for n in listed if n not in have]
        self.assertLessEqual(len(lost), 1, lost)
        if lost:
            self.assertEqual(died[0]["benchmark"], lost[0])
        else:  # killed between two benchmarks: the one before is named
            self.assertTrue(any(deaths.matches(died[0]["after"], n) for n in have), died)
        self.assertIn("died of SIGKILL", self.stderr)

    def test_limit_named(self):
        self.ran()
        if not self.cgroup:
            self.skipTest(self.cgroup_why)
        rows = [b for b in self.doc["benchmarks"] if b["name"].startswith("cow/")]
        ran = [b for b in rows if not b.get("error_occurred")]
        skipped = [b["error_message"] for b in rows if b.get("error_occurred")]
        self.assertTrue(ran, "no cow row ran")
        self.assertTrue(skipped, "no 256 MiB parent was skipped under 400 MiB")
        for why in skipped:
            self.assertIn("memory cgroup's limit of 400 MiB", why)
        self.assertEqual(self.doc["context"]["cgroup_memory_max_bytes"], str(400 << 20))
        self.assertEqual(self.doc["context"]["mem_available_source"], "memory cgroup")

    def test_left_is_the_limit_less_its_use(self):
        """What tvp-bench says is left under the limit is the limit less what the cgroup
        uses, both named in the same skip (MiB, each rounded down)."""
        self.ran()
        if not self.cgroup:
            self.skipTest(self.cgroup_why)
        said = [re.search(r"the (\d+) MiB left under the memory cgroup's limit of (\d+) "
                          r"MiB \((\d+) MiB in use\)", b.get("error_message", ""))
                for b in self.doc["benchmarks"] if b.get("error_occurred")]
        said = [m for m in said if m]
        self.assertTrue(said, "no skip names what is left under the limit")
        for m in said:
            left, limit, used = map(int, m.groups())
            self.assertGreater(used, 0, m.group(0))
            self.assertIn(limit - used - left, (0, 1), m.group(0))


def kill_cow_midway(proc, out):
    """SIGKILLs the cow scenario's tvp-bench once its output holds a finished
    benchmark; whether it did."""
    deadline = time.monotonic() + PATIENCE
    while proc.poll() is None and time.monotonic() < deadline:
        for folder in os.listdir(out):
            part = os.path.join(out, folder, ".part-cow.json")
            try:
                with open(part) as f:
                    text = f.read()
            except OSError:
                continue
            if "\n    }" not in text:
                continue
            for pid in children(proc.pid) + [g for c in children(proc.pid)
                                             for g in children(c)]:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        argv = f.read()
                        # The scenario's own run, not a listing of its names.
                        if b"--scenario=cow" in argv and b"--benchmark_out=" in argv:
                            os.kill(pid, signal.SIGKILL)
                            return True
                except OSError:
                    continue
        time.sleep(0.005)
    return False


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class OomKill(unittest.TestCase):
    """A process the memory cgroup's OOM killer ends is recorded as SIGKILL with the
    cgroup's OOM counter moved: run.py's own recording, run inside a 160 MiB cgroup."""

    def test_oom_named(self):
        d = memory_cgroup_or_skip(self, 160 << 20)
        code = (
            "import json, os, sys; sys.path.insert(0, 'scripts'); from running import run\n"
            "died = []\n"
            "hog = [sys.executable, '-c', 'b = bytearray(512 << 20); b[::4096] = "
            "b\"x\" * len(b[::4096])']\n"
            "rc, reruns = run.run_recovering('hog', hog, '/nonexistent/.part-hog.json', "
            "True, died)\n"
            "print(json.dumps([rc, died]))\n")
        r = subprocess.run(in_cgroup(d, [PY, "-c", code]), capture_output=True, text=True,
                           cwd=ROOT, timeout=2 * PATIENCE)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        rc, died = json.loads(r.stdout.splitlines()[-1])
        self.assertEqual(rc, -signal.SIGKILL)
        self.assertEqual(died[0]["signal"], "SIGKILL")
        self.assertGreaterEqual(died[0]["oom_kills"], 1)
        self.assertIn("OOM killer", r.stderr)


class QueueAfterKill9(unittest.TestCase):
    """kill -9 while System V queues carry messages: the queue lives in the run's own
    IPC namespace, and once its last process is gone so is the namespace, with it."""

    def test_no_queue_outlives(self):
        self.check()

    def test_no_queue_outlives_another_user(self):
        """The same for a user without CAP_SYS_ADMIN: a user namespace of its own holds
        the IPC namespace (where the kernel allows unprivileged ones)."""
        if os.geteuid() != 0:
            self.skipTest("not root: the test above ran as this user already")

        def nobody():
            os.setgid(65534)
            os.setuid(65534)
        self.check(nobody)

    def check(self, as_user=None):
        need_bench(self)
        proc = subprocess.Popen([BENCH, "--scenario=ipc", "--min-time=30", "--repetitions=1",
                                 "--benchmark_filter=sysv_mq/process.*kind:fork/pin:none/"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd="/", preexec_fn=as_user)
        try:
            ns, queue = wait_for_queue(proc.pid)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        if ns is None:
            self.skipTest("tvp-bench could not make an IPC namespace of its own (not root?)")
        self.assertTrue(queue, "no queue appeared in the run's namespace")
        # Nothing is left in the namespace (its workers got the parent-death signal), so
        # the kernel has removed it and every queue in it.
        deadline = time.monotonic() + PATIENCE
        while in_namespace(ns) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(in_namespace(ns), [])
        # The next start is unaffected, and still has a namespace of its own.
        r = subprocess.run([BENCH, "--scenario=globals", "--smoke", "--benchmark_filter=^$"],
                           capture_output=True, text=True, timeout=2 * PATIENCE)
        self.assertEqual(r.returncode, 0, r.stderr[-1000:])


def nsenter(pid):
    """nsenter's words for pid's IPC namespace; another user than root joins the user
    namespace that holds it first (as its owner it may), keeping its own uid."""
    argv = ["nsenter", f"--ipc=/proc/{pid}/ns/ipc"]
    if os.geteuid() != 0 and os.readlink(f"/proc/{pid}/ns/user") != \
            os.readlink("/proc/self/ns/user"):
        argv[1:1] = [f"--user=/proc/{pid}/ns/user", "--preserve-credentials"]
    return argv


def wait_for_queue(pid):
    """(the namespace's inode, its queues' lines) once one holds messages; (None,
    []) when the process keeps this one (it unshares before its first benchmark)."""
    mine = os.readlink("/proc/self/ns/ipc")
    start = time.monotonic()
    while time.monotonic() < start + PATIENCE:
        try:
            ns = os.readlink(f"/proc/{pid}/ns/ipc")
        except OSError:
            return None, []
        if ns == mine:
            if time.monotonic() > start + 10:
                return None, []
        else:
            try:
                r = subprocess.run(nsenter(pid) + ["cat", "/proc/sysvipc/msg"],
                                   capture_output=True, text=True)
            except OSError:
                return None, []
            queues = r.stdout.splitlines()[1:]
            if queues:
                return ns, queues
        time.sleep(0.01)
    return ns, []


class RunKilled(unittest.TestCase):
    """kill -9 of run.py itself while the System V queue rows run: tvp-bench dies with
    it (its parent-death signal), its workers with tvp-bench, and the namespace that
    held the queue with the last of them."""

    def test_kill_run_py(self):
        need_bench(self)
        with tempfile.TemporaryDirectory() as out:
            proc = subprocess.Popen(
                # Rows that would run far longer than the test waits: only the
                # parent-death signal can end them in time.
                [PY, os.path.join(ROOT, "scripts", "run.py"), "--out", out, "--no-report",
                 "--min-time", "60", "--repetitions", "20", "--bench", BENCH, "--filter",
                 "^ipc/sysv_mq/process/.*kind:fork/pin:none/"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                bench = self.wait_for_ipc_bench(proc)
                ns, queue = wait_for_queue(bench) if bench else (None, [])
            finally:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
            if bench is None:
                self.skipTest("run.py ended before its ipc scenario started")
            if ns is None:
                self.skipTest("tvp-bench could not make an IPC namespace of its own (not root?)")
            self.assertTrue(queue, "no queue appeared in the run's namespace")
            deadline = time.monotonic() + PATIENCE
            while in_namespace(ns) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertEqual(in_namespace(ns), [])

    def wait_for_ipc_bench(self, proc):
        deadline = time.monotonic() + 2 * PATIENCE
        while proc.poll() is None and time.monotonic() < deadline:
            for pid in children(proc.pid):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        argv = f.read()
                        if b"--scenario=ipc" in argv and b"--benchmark_out=" in argv:
                            return pid
                except OSError:
                    continue
            time.sleep(0.01)
        return None


def in_namespace(ns):
    """The processes whose IPC namespace is ns."""
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.readlink(f"/proc/{p}/ns/ipc") == ns:
                    found.append(int(p))
            except OSError:
                pass
    return found


class FullDisk(unittest.TestCase):
    """Results on a 100 KiB tmpfs: one line naming the folder, what was kept and how to
    write the report later; exit status 2; no traceback."""

    def test_enospc(self):
        need_bench(self)
        with tempfile.TemporaryDirectory() as mnt:
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", mnt],
                               capture_output=True, text=True)
            if r.returncode != 0:
                self.skipTest("cannot mount a tmpfs here: " +
                              (r.stderr.strip().splitlines() or ["mount failed"])[0])
            try:
                r = run_py(["--out", mnt, *[a for a in SMALL_COW if a != "--no-report"],
                            "--bench", BENCH])
                (folder,) = os.listdir(mnt)
                kept = sorted(os.listdir(os.path.join(mnt, folder)))
            finally:
                subprocess.run(["umount", mnt], check=True)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertNotIn("Traceback", r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        self.assertIn("No space left on device", last)
        self.assertIn(os.path.join(mnt, folder), last)
        self.assertNotIn("REPORT.md", kept)
        if "benchmarks.json" in kept:
            self.assertIn(f"scripts/write_report.py {os.path.join(mnt, folder)}", last)


class FullDiskStop(unittest.TestCase):
    """Break full-disk-report-kept, and the line itself without a tmpfs: full_disk.stop
    removes what a full disk left half-written (a REPORT.md a reader would take for the
    run's, the .tmp files), keeps the whole raw files, says so in one line with the way
    to write the report later, and exits with status 2."""

    def test_stop(self):
        import contextlib
        import errno
        import io
        from report import full_disk
        with tempfile.TemporaryDirectory() as folder:
            for name, text in (("REPORT.md", "# half a rep"), ("benchmarks.json.tmp", "{"),
                               ("samples.csv.tmp", "run,"), ("benchmarks.json", "{}"),
                               ("samples.csv", "run,host\n")):
                with open(os.path.join(folder, name), "w") as f:
                    f.write(text)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as e:
                full_disk.stop(folder, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC),
                                               os.path.join(folder, "REPORT.md")))
            self.assertEqual(e.exception.code, 2)
            self.assertEqual(sorted(os.listdir(folder)), ["benchmarks.json", "samples.csv"])
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("No space left on device", lines[0])
        self.assertIn("kept benchmarks.json and samples.csv", lines[0])
        self.assertIn(f"scripts/write_report.py {folder}", lines[0])


if __name__ == "__main__":
    unittest.main()
