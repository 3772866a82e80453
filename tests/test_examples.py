#!/usr/bin/env python3
"""Tests for examples/: the notes' four Python examples, runnable.

Each example runs as a subprocess (all of them at once, in setUpModule, so the module
takes about as long as the slowest example: ~6-12 s) with a time limit, and the tests
check its output: it ran to the end, printed its RESULT line, and the facts the notes
predict that are deterministic hold. Nothing here asserts on timing, and the racy
example is only checked for a consistent report, never for the race occurring or not.

Every process an example starts carries a marker in its environment; after the example
ends, no process with that marker may be left. The examples' folder must hold the same
files after the run as before.

Run: python3 tests/test_examples.py -v
"""
import os
import re
import signal
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
PYTHON = sys.executable
TIMEOUT_S = 60
RUNS = 10  # runs of each ex3 version: bounded, and no assertion depends on the race

# name: (file, arguments)
PROGRAMS = {
    "ex1": ("ex1_process.py", []),
    "ex2": ("ex2_globals.py", []),
    "ex3": ("ex3_queue.py", ["--runs", str(RUNS)]),
    "ex3-racy": ("ex3_queue_racy.py", ["--runs", str(RUNS)]),
    "ex4": ("ex4_pool.py", []),
}

_started = {}   # name -> (Popen, marker)
_finished = {}  # name -> Run
_files_before = None


class Run:
    def __init__(self, rc, out, leftovers):
        self.rc, self.out, self.leftovers = rc, out, leftovers


def _marker(name):
    return "tvp-test-examples-%d-%s" % (os.getpid(), name)


def _start(name, path, args):
    marker = _marker(name)
    env = dict(os.environ, TVP_TEST_EXAMPLES_MARKER=marker)
    proc = subprocess.Popen([PYTHON, path] + args, cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    return proc, marker


def _marked_pids(marker):
    """Processes still alive (of this user) whose environment carries the marker."""
    needle = ("TVP_TEST_EXAMPLES_MARKER=" + marker).encode() + b"\0"
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as f:
                if needle in f.read() + b"\0":
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


def _finish(proc, marker):
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        _kill(proc, marker)
        out, _ = proc.communicate()
        out += "\n[test_examples: killed after %d s]\n" % TIMEOUT_S
        rc = None
    leftovers = _marked_pids(marker)
    for pid in leftovers:  # clean up, then let the test report it
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return Run(rc, out, leftovers)


def _kill(proc, marker):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    for pid in _marked_pids(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def run_program(name, path, args):
    """Run one more program to the end (used for run_all.py)."""
    return _finish(*_start(name, path, args))


def result(name):
    if name not in _finished:
        _finished[name] = _finish(*_started.pop(name))
    return _finished[name]


def setUpModule():
    global _files_before
    _files_before = sorted(os.listdir(EXAMPLES))
    for name, (fname, args) in PROGRAMS.items():
        _started[name] = _start(name, os.path.join(EXAMPLES, fname), args)


def tearDownModule():
    for name in list(_started):
        proc, marker = _started.pop(name)
        _kill(proc, marker)
        proc.communicate()


class ExampleCase:
    """Checks shared by every example; mixed into one TestCase per example."""
    name = None

    def run_result(self):
        r = result(self.name)
        self.assertIsNotNone(r.rc, "%s did not finish in %d s:\n%s" % (self.name, TIMEOUT_S, r.out))
        self.assertEqual(r.rc, 0, "%s exited with %s:\n%s" % (self.name, r.rc, r.out))
        return r

    def verdict(self, r):
        last = r.out.rstrip("\n").splitlines()[-1]
        m = re.fullmatch(r"RESULT: (\S+) (agrees|disagrees)", last)
        self.assertIsNotNone(m, "%s: last line is not a RESULT line: %r" % (self.name, last))
        self.assertEqual(m.group(1), self.name)
        return m.group(2)

    def find(self, r, pattern):
        m = re.search(pattern, r.out, re.M)
        self.assertIsNotNone(m, "%s: no line matches %r in:\n%s" % (self.name, pattern, r.out))
        return m

    def test_ran_to_the_end_and_left_nothing(self):
        r = self.run_result()
        self.verdict(r)
        self.assertEqual(r.leftovers, [], "%s left processes behind" % self.name)
        if self.name != "ex4":  # ex4 shows tracebacks on purpose
            self.assertNotIn("Traceback", r.out)


class TestEx1Process(ExampleCase, unittest.TestCase):
    name = "ex1"

    def test_both_children_ran_every_step(self):
        r = self.run_result()
        for word in ("singing", "dancing"):
            steps = re.findall(r"^%s\.\.\.(\d)$" % word, r.out, re.M)
            self.assertEqual(steps, ["0", "1", "2", "3", "4"], word)

    def test_children_have_their_own_pids(self):
        r = self.run_result()
        parent = int(self.find(r, r"^父进程pid: (\d+)$").group(1))
        sing_says = int(self.find(r, r"^子进程运行中，pid=(\d+)\.\.\.$").group(1))
        m = self.find(r, r"父进程 pid=(\d+)，p1（sing）pid=(\d+)，p2（dance）pid=(\d+)")
        self.assertEqual(int(m.group(1)), parent)
        p1, p2 = int(m.group(2)), int(m.group(3))
        self.assertEqual(sing_says, p1, "os.getpid() in sing is p1.pid")
        self.assertEqual(len({parent, p1, p2}), 3)
        self.find(r, r"退出码 p1=0，p2=0")


class TestEx2Globals(ExampleCase, unittest.TestCase):
    name = "ex2"

    def test_parent_does_not_see_the_childs_appends(self):
        r = self.run_result()
        parent = int(self.find(r, r"^父进程 pid=(\d+)，开始时 nums=\[11, 22\]$").group(1))
        p1_views = [(int(pid), v) for pid, v in
                    re.findall(r"^in process1 pid=(\d+) ,nums=(\[.*\])$", r.out, re.M)]
        in_child = [v for pid, v in p1_views if pid != parent]
        self.assertEqual(in_child, ["[11, 22]", "[11, 22, 0]", "[11, 22, 0, 1]",
                                    "[11, 22, 0, 1, 2]"])
        p2 = re.findall(r"^in process2 pid=(\d+) ,nums=(\[.*\])$", r.out, re.M)
        self.assertEqual(len(p2), 1)
        self.assertNotEqual(int(p2[0][0]), parent)
        self.assertEqual(p2[0][1], "[11, 22]")
        self.find(r, r"子进程 process1 里 nums = \[11, 22, 0, 1, 2\]，"
                     r"子进程 process2 里 nums = \[11, 22\]，父进程里 nums = \[11, 22\]。")

    def test_a_thread_shares_the_global(self):
        r = self.run_result()
        self.find(r, r"线程执行 work1 之后，主线程里 nums = \[11, 22, 0, 1, 2\]。")
        parent = self.find(r, r"^父进程 pid=(\d+)，").group(1)
        # The control runs in a thread of the parent: it says so, never "in process1".
        self.assertEqual(re.findall(r"^in thread \(work1\) pid=(\d+) ,", r.out, re.M),
                         [parent] * 4)
        self.assertNotIn("in process1 pid=%s " % parent, r.out)
        self.assertEqual(self.verdict(r), "agrees")


class TestEx3Queue(ExampleCase, unittest.TestCase):
    name = "ex3"

    def test_every_run_gets_all_three_items(self):
        r = self.run_result()
        self.find(r, r"^  分析进程分析数据：\[1, 2, 3\]$")
        self.find(r, r"实际：%d 次中，分析进程 %d 次取到全部数据 \[1, 2, 3\]，0 次少取了数据。"
                  % (RUNS, RUNS))
        self.assertEqual(self.verdict(r), "agrees")


class TestEx3QueueRacy(ExampleCase, unittest.TestCase):
    name = "ex3-racy"

    def test_reports_a_consistent_count(self):
        # The race may or may not show in RUNS runs: only the report's consistency is checked.
        r = self.run_result()
        m = self.find(r, r"实际：(\d+) 次中，分析进程取到 3 个的 (\d+) 次，2 个的 (\d+) 次，"
                         r"1 个的 (\d+) 次(?:，没有打印结果（子进程出错）的 (\d+) 次)?；(\d+) 次少取了数据")
        runs, three, two, one, none, lost = (int(g or 0) for g in m.groups())
        self.assertEqual(runs, RUNS)
        self.assertEqual(three + two + one + none, RUNS)
        self.assertEqual(lost, two + one + none)
        self.assertEqual(self.verdict(r), "disagrees" if lost else "agrees")

    def test_the_queue_loses_nothing_the_loop_races(self):
        """What the racy loop left is still in the queue once both children ended:
        the loss is the loop's, never the queue's, and the conclusion says so."""
        r = self.run_result()
        runs = int(self.find(r, r"实际：(\d+) 次中，").group(1))
        m = re.search(r"没有打印结果（子进程出错）的 (\d+) 次", r.out)
        none = int(m.group(1)) if m else 0
        kept = int(self.find(r, r"队列本身：%d 次中有 (\d+) 次，分析进程取到的加上" % runs).group(1))
        self.assertEqual(kept, runs - none)
        if self.verdict(r) == "disagrees":
            self.find(r, r"结论：讲义的程序没有做到讲义说的事，毛病在程序的写法，不在队列")
        else:
            self.find(r, r"结论：这(一次| \d+ 次都)符合讲义。")


class TestEx4Pool(ExampleCase, unittest.TestCase):
    name = "ex4"

    def test_the_pool_runs_every_task_in_at_most_three_processes(self):
        r = self.run_result()
        self.assertEqual(len(re.findall(r"^捕获异常$", r.out, re.M)), 10)
        done = re.findall(r"^(\d+)执行完毕，耗时", r.out, re.M)
        self.assertEqual(sorted(int(i) for i in done), list(range(10)))
        n = int(self.find(r, r"10 个任务全部执行完毕，由 (\d+) 个不同的进程执行").group(1))
        self.assertTrue(1 <= n <= 3, n)
        self.find(r, r"还没提交任何任务时，已经有 3 个工作进程")

    def test_an_unfetched_exception_is_not_shown(self):
        r = self.run_result()
        start = r.out.index("-- 二-1")
        end = r.out.index("讲义的说法：进程池里出现异常不会报出异常信息。")
        shown = r.out[start:end]
        self.assertEqual(len(re.findall(r"^  \| \d+开始执行", shown, re.M)), 10)
        for word in ("执行完毕", "Traceback", "ZeroDivisionError", "division by zero"):
            self.assertNotIn(word, shown)
        self.find(r, r"10 个任务有 10 个开始执行、0 个执行完毕.*输出里没有任何异常信息，程序的退出码是 0。")

    def test_get_and_error_callback_show_it_in_the_parent(self):
        r = self.run_result()
        parent = self.find(r, r"主进程 pid=(\d+)").group(1)
        self.find(r, r"get\(\) 在主进程（pid=%s）里重新抛出了 ZeroDivisionError: division by zero"
                  % parent)
        self.find(r, r"^  \|     print\(1/0\)$")
        self.find(r, r"error_callback 在主进程（pid=%s，线程 [^）]+）里收到了 "
                     r"ZeroDivisionError\('division by zero'\)" % parent)
        self.find(r, r"get\(\) 让主进程看到了异常：是；error_callback 让主进程看到了异常：是。")
        self.find(r, r"之后提交的任务仍由原来的进程（pid [\d、]+）执行：是。")
        self.assertEqual(self.verdict(r), "agrees")


class TestRunAll(unittest.TestCase):
    run_all = os.path.join(EXAMPLES, "run_all.py")

    def test_runs_the_chosen_examples_and_sums_up(self):
        r = run_program("run_all-ok", self.run_all, ["--runs", "2", "ex3", "ex3_queue_racy.py"])
        self.assertEqual(r.rc, 0, r.out)
        self.assertEqual(r.leftovers, [])
        self.assertIn("ex3-racy：", r.out)
        self.assertIn("ex3：", r.out)
        last = r.out.rstrip("\n").splitlines()[-1]
        self.assertRegex(last, r"^SUMMARY: 2 examples, 2 ran, 0 failed; agrees: .*\bex3\b")

    def test_an_example_that_fails_to_run_fails_the_run(self):
        r = run_program("run_all-fail", self.run_all, ["--python", "/bin/false", "ex1"])
        self.assertEqual(r.rc, 1, r.out)
        self.assertIn("SUMMARY: 1 examples, 0 ran, 1 failed (ex1)", r.out)

    def test_an_unknown_example_is_refused(self):
        r = run_program("run_all-bad", self.run_all, ["no-such-example"])
        self.assertEqual(r.rc, 2, r.out)


class TestNoFilesLeft(unittest.TestCase):
    def test_examples_folder_unchanged(self):
        for name in PROGRAMS:
            result(name)
        self.assertEqual(sorted(os.listdir(EXAMPLES)), _files_before)


if __name__ == "__main__":
    unittest.main()
