"""test_why.py - the attribution pass (scripts/why.py, why_fold.py, why_phases.py) and
what the report makes of it (scripts/report/why.py and the sentences of create, cow and
scale that name a mechanism).

Grouping: a recorded `perf script` output (tests/fixtures/perf-script-fork-1g.txt: the
pass's fork-of-1-GiB case, CPU-wide, cut to 56 samples: 23 of tvp-bench, 21 of four of
its children, 12 of other processes, with the fork events) read into phases. Skip: no
perf, perf that does not run, perf_event_paranoid and kptr_restrict in the way, each a
reason and exit status 0; bad input exit status 2. Report: with and without why/, and
with a pass that was skipped. Control: tvp-bench's side of perf's control pipe. Live: one small pass, where perf can sample the kernel
here (skipped with the reason where it cannot). WhyAttribution and WhySentences (from
tests/test_behaviours.py): the process tree at any depth, phases where the kernel inlined
their callers, and a row without samples quoting no share."""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from contract import results  # noqa: E402
from running import why  # noqa: E402
from report import why_fold  # noqa: E402
from report import cow, create, i18n, kit, scale  # noqa: E402
from report import why as why_report  # noqa: E402
from report.why_phases import FUNCTION_PHASE, PHASE_IDS  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "perf-script-fork-1g.txt")
ROOT_PID = 23750  # tvp-bench in the fixture
REFERENCE = os.path.join(ROOT, "results", "reference", "benchmarks.json")


def fixture():
    with open(FIXTURE) as f:
        return why_fold.parse(f)


def sample(*frames, pid=1):
    """A sample from (function, kernel) pairs, innermost first."""
    return why_fold.Sample("t", pid, pid, [why_fold.Frame(f, k) for f, k in frames])


class Grouping(unittest.TestCase):
    def test_the_fixture_is_read_whole(self):
        samples, forks = fixture()
        self.assertEqual(len(samples), 56)
        self.assertTrue(all(s.frames for s in samples))
        self.assertEqual([p for _c, p in forks[:4]], [ROOT_PID] * 4)

    def test_only_the_process_tree_is_kept(self):
        samples, forks = fixture()
        tree = why_fold.tree(ROOT_PID, forks)
        self.assertEqual(len(tree), 5)  # tvp-bench and its four children in the fixture
        kept = [s for s in samples if s.pid in tree]
        self.assertEqual(len(kept), 44)
        self.assertTrue(all(s.comm == "tvp-bench" for s in kept))
        self.assertFalse(any(s.pid in tree for s in samples if s.comm != "tvp-bench"))

    def test_fork_parent_copies_and_child_tears_down(self):
        samples, forks = fixture()
        tree = why_fold.tree(ROOT_PID, forks)
        parent = why_fold.shares([s for s in samples if s.pid == ROOT_PID])
        child = why_fold.shares([s for s in samples if s.pid in tree and s.pid != ROOT_PID])
        self.assertAlmostEqual(parent["pt_copy"], 100 * 20 / 23)
        self.assertAlmostEqual(parent["other"], 100 * 2 / 23)  # pgd_alloc, percpu alloc
        self.assertAlmostEqual(parent["user"], 100 * 1 / 23)
        self.assertAlmostEqual(child["pt_teardown"], 100 * 20 / 21)
        self.assertAlmostEqual(child["user"], 100 * 1 / 21)

    def test_shares_sum_to_100_with_every_phase(self):
        samples, forks = fixture()
        for keep in (samples, samples[:7], [s for s in samples if s.pid == ROOT_PID]):
            s = why_fold.shares(keep)
            self.assertEqual(list(s), PHASE_IDS)
            self.assertAlmostEqual(sum(s.values()), 100.0)
        self.assertEqual(sum(why_fold.shares([]).values()), 0)

    def test_an_unknown_kernel_function_is_other_kernel(self):
        s = sample(("no_such_function_anywhere", True), ("do_syscall_64", True),
                   ("main", False))
        self.assertNotIn("no_such_function_anywhere", FUNCTION_PHASE)
        self.assertEqual(why_fold.phase_of(s), "other")

    def test_a_sample_in_user_space_is_user(self):
        # even when a kernel function the map names is further out (a signal handler)
        s = sample(("loop_page_fault", False), ("copy_page_range", True))
        self.assertEqual(why_fold.phase_of(s), "user")

    def test_the_innermost_named_function_wins(self):
        lock = sample(("_raw_spin_lock", True), ("copy_pte_range", True),
                      ("copy_page_range", True))
        helper_copy = sample(("vm_normal_page", True), ("copy_pte_range", True))
        helper_zap = sample(("vm_normal_page", True), ("zap_pte_range", True))
        self.assertEqual(why_fold.phase_of(lock), "locks")
        self.assertEqual(why_fold.phase_of(helper_copy), "pt_copy")
        self.assertEqual(why_fold.phase_of(helper_zap), "pt_teardown")

    def test_compiler_suffixes_and_offsets_go(self):
        self.assertEqual(why_fold.function_name("finish_task_switch.isra.0+0x9a"),
                         "finish_task_switch")
        self.assertEqual(why_fold.function_name("lruvec_stat_mod_folio.constprop.0"),
                         "lruvec_stat_mod_folio")
        self.assertEqual(why_fold.phase_of(sample(("finish_task_switch", True))), "sched")

    def test_folded_stacks_outermost_first_with_counts(self):
        samples, forks = fixture()
        folded = why_fold.folded(samples)
        self.assertEqual(sum(folded.values()), len(samples))
        copy = [k for k in folded if k.endswith(";copy_page_range_[k]")]
        self.assertTrue(copy)
        self.assertTrue(copy[0].startswith("tvp-bench;"))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.folded")
            why_fold.write_folded(path, samples)
            with open(path) as f:
                lines = f.read().splitlines()
        self.assertEqual(sum(int(line.rsplit(" ", 1)[1]) for line in lines), len(samples))

    def test_rows_of_the_fixture(self):
        samples, forks = fixture()
        case = next(c for c in why.CASES if c["id"] == "fork_1g")
        with tempfile.TemporaryDirectory() as d:
            rows = why.rows_of(case, ROOT_PID, 2.0, 4000, samples, forks, d)
            self.assertEqual(sorted(os.listdir(d)),
                             ["fork_1g_child.folded", "fork_1g_parent.folded"])
        parent, child = rows
        self.assertEqual((parent["side"], parent["samples"], parent["processes"]),
                         ("parent", 23, 1))
        self.assertEqual((child["side"], child["samples"], child["processes"]),
                         ("children", 21, 4))
        self.assertAlmostEqual(child["cpus"], 21 / 8000)
        self.assertEqual(parent["top"][0]["function"], "copy_page_range")

    def test_a_line_that_is_not_perf_script_says_where(self):
        with self.assertRaisesRegex(why_fold.PerfScriptError, "line 2"):
            why_fold.parse(["tvp-bench 1/1\n", "garbage\n"])


class Skip(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tvp-test-why-")
        shutil.copy(os.path.join(ROOT, "tests", "fixtures", "run-small.json"),
                    os.path.join(self.dir, "benchmarks.json"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = why.main(list(args))
        return rc, out.getvalue(), err.getvalue()

    def skipped(self):
        with open(os.path.join(self.dir, "why", "why.json")) as f:
            return json.load(f)["skipped"]

    def test_no_perf_binary(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "why.py"), self.dir],
                           env=dict(os.environ, PATH="/nonexistent"), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("why: skipped: no perf binary", r.stdout)
        self.assertNotIn("Traceback", r.stderr)
        self.assertIn("no perf binary", self.skipped())

    def test_perf_that_does_not_run(self):
        with mock.patch.object(why.shutil, "which", return_value="/bin/false"):
            rc, out, _err = self.main(self.dir)
        self.assertEqual(rc, 0)
        self.assertIn("perf does not run here", out)

    def test_paranoid_too_high_without_root(self):
        def read_int(path):
            return 2 if "paranoid" in path else 0
        with mock.patch.object(why.shutil, "which", return_value="/bin/true"), \
                mock.patch.object(why.os, "geteuid", return_value=1000), \
                mock.patch.object(why, "read_int", read_int):
            rc, out, _err = self.main(self.dir)
        self.assertEqual(rc, 0)
        self.assertIn("kernel.perf_event_paranoid is 2", out)
        self.assertIn("perf_event_paranoid", self.skipped())

    def test_kernel_symbols_hidden(self):
        def read_int(path):
            return 2 if "kptr" in path else -1
        with mock.patch.object(why.shutil, "which", return_value="/bin/true"), \
                mock.patch.object(why, "read_int", read_int):
            rc, out, _err = self.main(self.dir)
        self.assertEqual(rc, 0)
        self.assertIn("kernel.kptr_restrict is 2", out)

    def test_bad_input_exits_2_with_a_message(self):
        for args, words in (([os.path.join(self.dir, "nothing")], "no results folder"),
                            (["--only", "nosuch", self.dir], "unknown case nosuch"),
                            (["--frequency", "0", self.dir], "--frequency")):
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "why.py")]
                               + args, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(words, r.stderr)
            self.assertNotIn("Traceback", r.stderr)


@unittest.skipUnless(os.path.exists(REFERENCE), "no reference run")
class Report(unittest.TestCase):
    """The section and the sentences, with why/ (a pass's rows written from the
    fixture's shares), without it, and with a pass that was skipped."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tvp-test-why-report-")
        shutil.copy(REFERENCE, os.path.join(cls.dir, "benchmarks.json"))
        cls.res = results.load(cls.dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def setUp(self):
        shutil.rmtree(os.path.join(self.dir, "why"), ignore_errors=True)
        self.res.why = None

    def with_why(self, doc):
        os.makedirs(os.path.join(self.dir, "why"))
        with open(os.path.join(self.dir, "why", "why.json"), "w") as f:
            json.dump(doc, f)
        self.res.why = why_report.load(self.dir)

    def row(self, row_id, **phases):
        shares = {p: 0.0 for p in PHASE_IDS}
        shares.update(phases)
        shares["other"] += 100 - sum(shares.values())
        return {"id": row_id, "samples": 800, "cpus": 1.5, "workers": 2,
                "phases": shares, "top": [{"function": "clear_page_erms", "kernel": True,
                                           "share": 16.0}]}

    def doc(self, teardown=97.0):
        return {"skipped": None, "frequency": 4000, "perf": "perf version 6.1",
                "kernel": "6.x", "rows": [
                    self.row("fork_1g_parent", pt_copy=96.0),
                    self.row("fork_1g_child", pt_teardown=teardown),
                    self.row("cow_child", page_copy=22.0, fault=38.0, memcg=7.0, locks=13.0),
                    self.row("first_touch_child", fault=57.0),
                    self.row("page_fault_thread", tlb=2.0, locks=15.0),
                    self.row("page_fault_process", tlb=4.0, locks=13.0)]}

    def text(self):
        lines = create.memory_reading(self.res) + cow.section(self.res, self.dir) + \
            scale.section(self.res, self.dir)
        return " ".join(lines)

    def test_without_why_the_mechanisms_are_hypotheses(self):
        text = self.text()
        self.assertIn("that it is spent in exit unmapping what fork copied is a hypothesis",
                      text)
        self.assertNotIn("almost all", text)
        self.assertIn("are hypotheses (`make why`", text)
        self.assertNotIn("Sampled apart", text)
        section = "\n".join(why_report.section(self.res, self.dir))
        self.assertIn("Not measured in this run: `make why RUN=", section)

    def test_with_why_the_sentences_quote_the_shares(self):
        self.with_why(self.doc())
        text = self.text()
        self.assertIn("almost all of it spent in exit tearing down the page tables fork "
                      "copied: 97% of the child's samples, and 96% of the parent's", text)
        self.assertIn("22% of the child's samples copy the page's bytes", text)
        self.assertIn("spends 16% of its samples zeroing them and 41% in the rest", text)
        self.assertIn("threads spent 2% of their CPU samples in TLB shootdowns and 15% in "
                      "lock functions (mostly spin-unlock samples: that the mmap lock is "
                      "behind them is a hypothesis", text)
        self.assertNotIn("are hypotheses (`make why`", text)

    def test_almost_all_only_where_the_share_is(self):
        self.with_why(self.doc(teardown=60.0))
        text = self.text()
        self.assertNotIn("almost all", text)
        self.assertIn("60% of the child's samples are in exit tearing down", text)

    def test_the_section_table_and_figure(self):
        self.with_why(self.doc())
        lines = why_report.section(self.res, self.dir)
        table = [line for line in lines if line.startswith("| ")]
        self.assertEqual(len(table), 1 + 6)  # header and a row each
        self.assertIn("page-table copy", table[0])
        self.assertIn("| fork 1 GiB: parent | `fork_1g_parent` | 800 | 1.50 | 0% | 96% |",
                      "\n".join(table))
        if shutil.which("gnuplot") and kit.DRAW:
            self.assertIn("![Share of samples by phase](figures/why_phases.png)", lines)
            self.assertTrue(os.path.getsize(os.path.join(self.dir, "figures",
                                                         "why_phases.png")) > 0)

    def test_a_skipped_pass_says_why(self):
        self.with_why({"skipped": "kernel.perf_event_paranoid is 3", "rows": []})
        section = "\n".join(why_report.section(self.res, self.dir))
        self.assertIn("could not run here: kernel.perf_event_paranoid is 3", section)
        self.assertIn("hypothesis", self.text())

    def test_a_damaged_why_json_reads_as_none(self):
        os.makedirs(os.path.join(self.dir, "why"))
        with open(os.path.join(self.dir, "why", "why.json"), "w") as f:
            f.write("{not json")
        self.assertIsNone(why_report.load(self.dir))

    def test_chinese_words_for_every_phase(self):
        with i18n.language("zh"):
            self.with_why(self.doc())
            section = "\n".join(why_report.section(self.res, self.dir))
            self.assertNotIn("page-table copy", section)
            self.assertNotIn("Where each benchmark's time goes", section)


class Control(unittest.TestCase):
    """tvp-bench's side of perf's control pipe (bench/gbench.cc), with this test as perf:
    each benchmark call switches sampling on before its loop and off after it, waits for
    the ack each time, and says at the end how long sampling was on."""

    def test_enable_and_disable_around_each_loop(self):
        bench = os.path.join(BUILD, "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} not built")
        ctl_r, ctl_w = os.pipe()
        ack_r, ack_w = os.pipe()
        p = subprocess.Popen(
            [bench, "--repetitions", "2", "--min-time", "0.01",
             "--benchmark_filter=^globals/fork/process/measure:nums/shared:0/manual_time$"],
            pass_fds=(ctl_w, ack_r), env=dict(os.environ, TVP_PERF_CTL=f"{ctl_w},{ack_r}"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(ctl_w)
        os.close(ack_r)
        commands = []
        with os.fdopen(ctl_r) as ctl:
            for line in ctl:  # until tvp-bench exits and the pipe's writer is gone
                commands.append(line.strip())
                os.write(ack_w, b"ack\n")
        os.close(ack_w)
        err = p.communicate(timeout=120)[1].decode()
        self.assertEqual(p.returncode, 0, err)
        self.assertGreaterEqual(len(commands), 4)  # Google Benchmark calls it 2+ times
        self.assertEqual(commands, ["enable", "disable"] * (len(commands) // 2))
        self.assertRegex(err, r"tvp-bench: perf sampling on for [0-9.]+ s")

    def test_without_the_variable_nothing_is_said(self):
        bench = os.path.join(BUILD, "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} not built")
        env = {k: v for k, v in os.environ.items() if k != "TVP_PERF_CTL"}
        r = subprocess.run(
            [bench, "--repetitions", "1", "--min-time", "0.01",
             "--benchmark_filter=^globals/fork/process/measure:nums/shared:0/manual_time$"],
            env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("perf sampling", r.stderr)


class Live(unittest.TestCase):
    """One case of the pass for real, few samples: only where perf can sample the
    kernel CPU-wide here."""

    def test_one_small_pass(self):
        try:
            why.check_perf()
        except why.Skip as e:
            self.skipTest(f"perf cannot attribute here: {e}")
        bench = os.path.join(BUILD, "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} not built")
        d = tempfile.mkdtemp(prefix="tvp-test-why-live-")
        try:
            shutil.copy(os.path.join(ROOT, "tests", "fixtures", "run-small.json"),
                        os.path.join(d, "benchmarks.json"))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "why.py"),
                                "--bench", bench, "--only", "fork_0", "--frequency", "1000",
                                d], capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "why", "why.json")) as f:
                doc = json.load(f)
            (row,) = doc["rows"]
            self.assertEqual(row["id"], "fork_0")
            self.assertGreater(row["samples"], 0)
            self.assertGreater(row["processes"], 1)  # the children were kept
            self.assertAlmostEqual(sum(row["phases"].values()), 100.0)
            self.assertGreater(row["sampled_s"], 0)
            self.assertTrue(os.path.getsize(os.path.join(d, "why", "fork_0.folded")) > 0)
            self.assertEqual(sorted(os.listdir(os.path.join(d, "why"))),
                             ["fork_0.folded", "why.json"])
        finally:
            shutil.rmtree(d)


class WhyAttribution(unittest.TestCase):
    """Breaks of the attribution pass (scripts/report/why_fold.py, why_phases.py) the perf
    fixture cannot show: the process tree holds descendants at any depth (a worker's own
    child), and a copy-on-write copy's bytes (copy_page) and a contended spin lock's slow
    path are their phases also where the kernel inlined what called them (the slow path
    right under copy_pte_range: locks, as the phase map's doc says)."""

    def test_tree_at_any_depth(self):
        from report import why_fold
        forks = [(11, 10), (12, 11), (13, 12), (20, 99)]
        self.assertEqual(why_fold.tree(10, forks), {10, 11, 12, 13})

    def sample(self, *kernel):
        from report import why_fold
        frames = [why_fold.Frame(f, True) for f in kernel] + [why_fold.Frame("main", False)]
        return why_fold.Sample("tvp-bench", 10, 10, frames)

    def test_phases_of_the_functions_that_take_the_time(self):
        from report import why_fold
        fault = ("handle_mm_fault", "exc_page_fault", "asm_exc_page_fault")
        self.assertEqual(why_fold.phase_of(self.sample("copy_page", "wp_page_copy", *fault)),
                         "page_copy")
        self.assertEqual(why_fold.phase_of(self.sample(
            "native_queued_spin_lock_slowpath", "copy_pte_range", "copy_pmd_range",
            "copy_page_range", "dup_mmap", "dup_mm")), "locks")


class WhySentences(unittest.TestCase):
    """Break why-share-no-samples: a row of the attribution pass that caught no sample
    says nothing about its phases, so the create sentence keeps its mechanism a
    hypothesis instead of quoting 0% of nothing."""

    def test_a_row_without_samples_is_no_share(self):
        import types
        from report import why
        def row(row_id, samples, **phases):
            return {"id": row_id, "samples": samples, "phases": phases, "top": []}
        doc = {"rows": [row("fork_1g_child", 0, pt_teardown=0.0),
                        row("fork_1g_parent", 800, pt_copy=95.0)]}
        w = why.Why(doc)
        self.assertIsNone(w.share("fork_1g_child", "pt_teardown"))
        self.assertEqual(w.share("fork_1g_parent", "pt_copy"), 95.0)
        text = why.fork_exit_words(types.SimpleNamespace(why=w), "500", "300")
        self.assertIn("is a hypothesis", text)
        self.assertNotIn("0%", text)


if __name__ == "__main__":
    unittest.main()
