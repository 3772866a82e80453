"""test_kill9.py - kill -9 mid-queue leaves no queue: System V queues live in the run's
own IPC namespace, which dies with its last process, whether tvp-bench or run.py above
it is killed (split from tests/test_limits.py).

An IPC namespace needs root or an unprivileged user namespace: skipped with the reason
where the machine does not allow it. Tier: live."""
import unittest

from scripts_kit import *  # noqa: F401,F403


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


if __name__ == "__main__":
    unittest.main()
