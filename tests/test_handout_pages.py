"""test_handout_pages.py - what a lecturer reading the handout alone asked of its pages
(issue 28, the second reading): C8 says what it measured (memory per connection and
connections held in the same memory) and that Python's threads are concurrent, not
parallel; a failed prediction missed the suite's bar, which is not "no difference"; C6's
verdict says when it holds; each page's footer says what its numbers are; the ⚠ line names
a scenario in words; C4's race and its fix; C7's switching finding first; C2's figure
one tick style on a log axis it names.

Pages are built from the reference run's JSON in a copy (never written into
results/reference), figures drawn by gnuplot; no browser (tests/test_zh.py's Edition
renders the pages in Chromium). Tier: fast (tests/tiers)."""
import os
import re
import shutil
import statistics
import tempfile
import unittest

from scripts_kit import *  # noqa: F401,F403
from report import claims_table, handout, handout_claims, handout_figures, i18n, state  # noqa: E402


def copy_of_reference():
    """A folder with the reference run's data files (not what was made from them)."""
    tmp = tempfile.mkdtemp(prefix="tvp-handout-pages-")
    for name in os.listdir(REFERENCE):
        path = os.path.join(REFERENCE, name)
        if os.path.isfile(path) and not name.endswith((".md", ".html")):
            shutil.copy(path, tmp)
    return tmp


class Pages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = copy_of_reference()
        cls.ref = results.load(cls.folder)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    def read(self, *parts):
        with open(os.path.join(self.folder, *parts), encoding="utf-8") as f:
            return f.read()

    def held(self):
        """The reference's held medians, thread per connection then fork, read here."""
        out = []
        for server, mode in (("thread_per_conn", "thread"), ("fork_per_conn", "process")):
            k = claims.http_held(server, mode)
            b = self.ref.bench(k.resolve(self.ref.pus) if self.ref.pus else k)
            out.append(int(statistics.median(claims.values(b, "held"))))
        return out

    # --- C8 ---------------------------------------------------------------------------

    def test_c8_says_what_it_measured_and_the_gil(self):
        t, p = self.held()
        self.assertGreater(t, p)  # the reference: 7,250 against 2,000
        bullets = handout.reading("C8", self.ref)
        self.assertEqual(len(bullets), 3)
        self.assertIn(f"threads held {t:,}, processes {p:,}", bullets[0])
        self.assertIn("并发性高", bullets[0])
        self.assertIn("concurrency, yes", bullets[1])
        self.assertIn(f"N = logical CPUs, here {self.ref.pus}", bullets[2])
        self.assertIn("Parallel CPU, no", bullets[2])
        line = handout.verdicts_line("C8", self.ref)
        self.assertIn("The notes' Python: supported, on concurrency, not parallel CPU", line)

    def test_c8_figure_has_the_held_panel(self):
        t, p = self.held()
        fig = handout_figures.held_figure(self.ref, self.folder)
        self.assertEqual(fig, "figures/handout_pair_C8.png")
        data = self.read("data", "handout_pair_C8.dat")
        right = data.split("\n\n\n")[1].splitlines()
        self.assertEqual([r.split("\t")[5] for r in right], [f"{t:,}", f"{p:,}"])
        svg = self.read("figures", "handout_pair_C8.svg")
        self.assertIn("<text>connections held in</text>", svg)  # over two lines

    def test_c8_figure_needs_both_held_rows(self):
        empty = results.Run({}, Describe({}), {})
        self.assertIsNone(handout_figures.held_figure(empty, self.folder))
        self.assertIsNone(handout_claims.held(empty))

    # --- thresholds --------------------------------------------------------------------

    def outcome(self, ratio, a_mode="process", b_mode="thread", threshold=1.5):
        a = key("create", "fork", a_mode, "create")
        b = key("create", "pthread", b_mode, "create")
        rule = claims.Rule("C9", "x", a, b, "greater", threshold)
        return claims.Outcome(rule, False, ratio=ratio)

    def test_a_failed_prediction_missed_the_bar(self):
        words = handout_claims.failed_words(self.outcome(1.27), "vfork costs more")
        self.assertEqual(words, "“vfork costs more”: measured 1.27×, short of the suite's "
                                "bar (≥ 1.5×): a process still costs 27% more")
        self.assertTrue(handout_claims.failed_words(self.outcome(1.0), "s").endswith(
            ": the same cost"))
        # Two processes (posix_spawn from a large parent against a small one): no
        # "a process still costs".
        words = handout_claims.failed_words(self.outcome(1.06, b_mode="process"), "s")
        self.assertNotIn("still", words)
        with i18n.language("zh"):
            self.assertIn("未达到本套件定的门槛（≥ 1.5×）：进程仍比线程贵 27%",
                          handout_claims.failed_words(self.outcome(1.27), "s"))

    def test_a_kib_bar_reads_in_mib(self):
        rule = claims.Rule("C9", "x", key("cow", "fork", "process", "m"), None, "above",
                           131072, unit="KiB")
        self.assertEqual(handout_claims.threshold_words(rule), "more than 128 MiB")
        with i18n.language("zh"):
            self.assertEqual(handout_claims.threshold_words(rule), "超过 128 MiB")

    def test_the_title_page_says_where_bars_come_from(self):
        title = "\n".join(handout.title_page(self.ref))
        self.assertIn("the suite's reading of the notes' words (开销大: at least 1.5×)", title)
        self.assertIn("× is process ÷ thread", title)
        self.assertIn("usually repeated 5 times", title)
        self.assertNotIn("hardware thread", title)
        with i18n.language("zh"):
            title = "\n".join(handout.title_page(self.ref))
        self.assertIn("逻辑 CPU：操作系统看到的一个 CPU", title)
        self.assertIn("通常重复 5 次", title)
        self.assertNotIn("运行：", title)

    # --- C6, C4, C7, C2, C5 --------------------------------------------------------------

    def test_c6_verdict_says_when_it_holds(self):
        line = handout.verdicts_line("C6", self.ref)
        self.assertRegex(line, r"supported, only when nobody collects the result: get\(\) and "
                               r"error_callback show it, \d of \d")
        self.assertRegex(handout_claims.c6_process(self.ref),
                         r"子进程会: a plain Process prints its traceback \(\d of \d runs\)")

    def test_c4_names_the_race_and_the_fix(self):
        text = handout.c4_racy_loop(self.ref)[0]
        self.assertIn("before the writer has put everything", text)
        self.assertIn("a sentinel", text)
        self.assertIn("a fixed number of get()", text)
        handout_figures.racy_loop_figure(self.ref, self.folder)
        data = self.read("data", "handout_pair_C4.dat")
        # The right panel's two bars read in opposite directions: each says which.
        right = data.split("\n\n\n")[1].splitlines()
        self.assertEqual([r.split("\t")[7] for r in right], ["early ✗", "lost ✓"])

    def test_c7_leads_with_switching(self):
        bullets = handout.reading("C7", self.ref)
        self.assertTrue(bullets[0].startswith("Clearest finding: on Linux switching between "
                                              "processes costs the same as between threads"))
        self.assertRegex(bullets[0], r"\(\d\.\d\d× and \d\.\d\d×\)")
        # Python's one failure where the run has it (the Pipe round trips fail in one
        # reference and hold in another: VerdictsTwice.C7).
        failed = [o for o in claims.judge("C7", self.ref, py_rules.PY_RULES)[1]
                  if o.rule.counted and o.holds is False]
        if failed:
            self.assertIn("The notes' Python fails one: “" + handout.short(
                handout.said(failed[0].rule)), bullets[-1])
        else:
            self.assertNotIn("The notes' Python fails", " ".join(bullets))

    def test_c2_says_what_each_verdict_measured_and_its_axis(self):
        line = handout.verdicts_line("C2", self.ref)
        self.assertIn("nuanced, on memory and copy-on-write", line)
        self.assertIn("supported, on Process against Thread", line)
        with i18n.language("zh"):
            handout.memory_figure(self.ref, self.folder)
        svg = self.read("figures", "zh", "handout_memory_C2.svg")
        texts = re.findall(r"<text>([^<]*)</text>", svg)
        self.assertIn("1,000", texts)
        self.assertFalse([t for t in texts if "万" in t])
        self.assertTrue([t for t in texts if "对数刻度" in t])

    def test_c5_callout_and_task_labels(self):
        with i18n.language("zh"):
            handout_figures.schedule_figure(self.ref, self.folder)
        rows = self.read("data", "zh", "handout_schedule_C5.dat") \
            .split("\n\n\n")[0].splitlines()
        over = [r.split("\t")[5] for r in rows if r.split("\t")[5]]
        self.assertTrue(over)
        self.assertTrue(all(o.startswith("#") for o in over), over)
        svg = self.read("figures", "zh", "handout_schedule_C5.svg")
        self.assertIn("创建池时就启动", svg)

    # --- the footer and the ⚠ line --------------------------------------------------------

    def test_each_footer_says_what_its_numbers_are(self):
        for claim_id, says in (("C5", "the median of 5 repetitions of the notes' Pool(3)"),
                               ("C6", "in how many of 5 runs the caller saw the exception"),
                               ("C3", "Medians of 5: thread 3 of 3, process 0 of 3.")):
            with self.subTest(claim=claim_id):
                note = handout.page_note(self.ref, claim_id)
                self.assertIn(says, note)
                self.assertNotIn("[ ]", note)
        # C8's key is readings of one server: their count, and no interval drawn from
        # them (they are not independent), never "one repetition".
        note = handout.page_note(self.ref, "C8")
        n = claims_table.key_readings("C8", self.ref)
        self.assertGreater(n, 1)
        self.assertIn(f"Medians of {n} readings of one server: not independent, so no "
                      "interval.", note)
        self.assertNotIn("[", note)
        self.assertIsNone(claims_table.key_readings("C1", self.ref))
        with i18n.language("zh"):
            self.assertIn("中位数的 93.75% 置信区间", handout.page_note(self.ref, "C1"))

    def test_the_flag_names_a_scenario_in_words(self):
        run = results.load(self.folder)
        run.ctx["cpu_shares"] = __import__("json").dumps({"scale": {"others": 0.9,
                                                                    "steal": 0.0}})
        # The line says one change in full and counts the others; each change's words
        # name its scenario in words (here scale's, whichever the line puts first).
        moves = state.movements(run)["scale"]
        words = " ".join(state.moved_words(run, "scale", m,
                                           handout_claims.scenario_words("scale")) or ""
                         for m in moves)
        self.assertIn("during the multicore scaling run (context, not on this page), other "
                      "processes used 90% of the CPUs", words)
        line = handout.flagged_line("C8", run)
        self.assertTrue("multicore scaling run" in line or "more changes" in line, line)
        with i18n.language("zh"):
            words = " ".join(state.moved_words(run, "scale", m,
                                               handout_claims.scenario_words("scale")) or ""
                             for m in moves)
            line = handout.flagged_line("C8", run)
        # The catalogue spaces a scenario's name off; the line drops the spaces.
        self.assertIn("运行多核扩展的测量（背景测量，不在本页）时", words.replace(" ", ""))
        self.assertNotIn("scale", line)


if __name__ == "__main__":
    unittest.main()
