"""test_cgroups.py - cgroups: the readers on fixture v1 and v2 trees (the lowest limit on
the path binds); a small cow run inside a 400 MiB memory cgroup, its tvp-bench SIGKILLed
mid-run, keeps what it finished, names the death and the limit; the OOM killer's count
is read (split from tests/test_limits.py).

What needs root (making cgroups) is skipped with the reason where the machine does not
allow it, never passed silently. Tier: Readers fast, the rest live (tests/tiers)."""
import unittest

from scripts_kit import *  # noqa: F401,F403
from running import cglimits  # noqa: E402
from running import deaths  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def fixture(version):
    d = os.path.join(FIXTURES, f"cgroup-v{version}")
    return cglimits.read(os.path.join(d, "cgroup"), os.path.join(d, "mountinfo"), d)


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


if __name__ == "__main__":
    unittest.main()
