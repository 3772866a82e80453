"""test_handout_pages.py - what a lecturer reading the handout alone asked of its pages
(issue 28, the second reading): C8 says what it measured (memory per connection and
connections held in the same memory) and that Python's threads are concurrent, not
parallel; a failed prediction missed the suite's bar, which is not "no difference"; C6's
verdict says when it holds; each page's footer says what its numbers are; the ⚠ line names
a scenario in words; C4's race and its fix; C2's figure one tick style on a log axis it
names. And from the third reading: C7's bullets follow its figure and name every failed
prediction; C4's multiple said as pickling; no ⚠ on a page of counts; no "N more" notes;
the foot dark enough to read.

Pages are built from the reference run's JSON in a copy (never written into
results/reference), figures drawn by gnuplot; no browser (tests/test_zh.py's Edition
renders the pages in Chromium). Tier: fast (tests/tiers)."""
import os
import re
import shutil
import statistics
import tempfile
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403
from report import claims_table, handout, handout_claims, handout_figures, i18n, state  # noqa: E402
from verdicts import py_rules  # noqa: E402


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
        self.assertIn(f"N = {self.ref.pus} logical CPUs", bullets[2])
        # Python's multiple counts user pages only; C's kernel part is said beside it.
        self.assertIn("user pages only (Pss)", bullets[1])
        self.assertNotIn("hypothesis", bullets[1])
        self.assertRegex(bullets[1], r"in C, [\d.]+ of a thread's [\d.]+ KiB is kernel memory")
        # Held is counted, not derived from the KiB: its step said.
        self.assertIn("counted in steps of 250, the server's own memory included", bullets[0])
        # The GIL row is context, not one of the verdict's predictions: said so, never
        # as a failed prediction beside "1 prediction: 1 holds".
        self.assertTrue(bullets[2].startswith("Context, not counted in the verdict"))
        self.assertNotIn("Parallel CPU, no", bullets[2])
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
        self.assertIn("<text>connections held</text>", svg)  # over two lines
        # No caption under the panels: their multiples run opposite ways.
        self.assertNotIn("× thread</text>", svg)
        self.assertNotIn("× process</text>", svg)

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
        # The failed prediction in quotes, then what was measured (issue 28, item 2).
        self.assertEqual(words, "“vfork costs more” fails: measured 1.27×, short of the "
                                "suite's bar (≥ 1.5×): a process still costs 27% more")
        self.assertTrue(handout_claims.failed_words(self.outcome(1.0), "s").endswith(
            ": the same cost"))
        # Two processes (posix_spawn from a large parent against a small one): no
        # "a process still costs".
        words = handout_claims.failed_words(self.outcome(1.06, b_mode="process"), "s")
        self.assertNotIn("still", words)
        with i18n.language("zh"):
            words = handout_claims.failed_words(self.outcome(1.27), "s")
            self.assertIn("未达到本测试套件定的门槛（≥ 1.5×）：进程仍比线程贵 27%", words)
            self.assertTrue(words.startswith("预测“s”不成立：实测 1.27×"), words)

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
        # The condition is the verdict ("supported only when ..."), not an afterthought
        # a class skips ("supported, only when ...").
        # One of the title page's four grades, its condition in brackets, then what get()
        # does: not "holds … and the notes are wrong" in one line, which a class read as
        # a verdict against itself.
        self.assertRegex(line, r"supported \(only without calling get\(\)\): get\(\) raises "
                               r"the exception again in the main process, \d of \d")
        self.assertNotIn("supported, only", line)
        with i18n.language("zh"):
            line = handout.verdicts_line("C6", self.ref)
        self.assertIn("成立（仅限不调用 get() 时）", line)
        self.assertIn("异常会在主进程中重新抛出", line)
        self.assertNotIn("不对", line)
        self.assertNotIn("成立，但", line)
        self.assertRegex(handout_claims.c6_process(self.ref),
                         r"子进程会: a plain Process prints its traceback \(\d of \d runs\)")

    def test_c4_names_the_race_and_the_fix(self):
        text = handout.c4_racy_loop(self.ref)[0]
        self.assertIn("before the writer is done", text)
        self.assertIn("a sentinel", text)
        self.assertIn("a fixed number of get()", text)
        handout_figures.racy_loop_figure(self.ref, self.folder)
        data = self.read("data", "handout_pair_C4.dat")
        # The right panel's two bars are of two things: each says whose it is.
        right = data.split("\n\n\n")[1].splitlines()
        self.assertEqual([r.split("\t")[1] for r in right], ["loop:", "queue:"])
        self.assertEqual([r.split("\t")[7] for r in right], ["stopped", "kept all"])
        # The left panel on a log axis it names, its multiple that of the numbers shown.
        left = [r.split("\t") for r in data.split("\n\n\n")[0].splitlines()]
        shown = float(left[1][5].replace(",", "")) / float(left[0][5].replace(",", ""))
        self.assertEqual(handout_figures.shown_ratio("C4", self.ref), f"{shown:.0f}")
        svg = self.read("figures", "handout_pair_C4.svg")
        self.assertIn("(log scale)</text>", svg)
        self.assertIn(f"<text>process = {shown:.0f} × thread</text>", svg)

    def test_c7_bullets_follow_the_figure_and_name_every_failure(self):
        """C7's figure shows creation and a crash: the first bullet says those hold (left,
        right); then every counted C prediction not borne out, with its ratio said as
        process ÷ thread time; then the undecided ones and each of Python's failures. No
        "partly: threads cost less to create, switch and talk" beside "switching costs the
        same": the parts are apart, and what failed is said as failed."""
        bullets = handout.reading("C7", self.ref)
        outs = [o for o in claims.judge("C7", self.ref, claims.RULES)[1] if o.rule.counted]
        make = next(o for o in outs if o.rule.part == claims.CHEAP_TO_MAKE)
        self.assertTrue(make.holds)  # the reference: 4.6×
        self.assertTrue(bullets[0].startswith(
            f"Holds: creating a process takes {make.ratio:.2f}× a thread's time (left)"))
        self.assertIn("(right)", bullets[0])
        failed = [o for o in outs if o.holds is False]
        self.assertEqual(len(failed), 3)  # the reference: both switches, the pipe pair
        # Each failure in the page's one form: the prediction in quotes, then what was
        # measured (a line that began "not borne out:" read as the observation).
        self.assertTrue(bullets[1].startswith(
            "“switching processes costs more than threads” fails: the same on one "
            "logical CPU (round trip: pipe "), bullets[1])
        for o in failed:
            self.assertIn(f"{o.ratio:.2f}×", bullets[1])
        for o in [o for o in outs if o.holds is None and o.undecided]:
            self.assertIn(f"{o.ratio:.2f}×", bullets[-1])
        py_failed = [o for o in claims.judge("C7", self.ref, py_rules.PY_RULES)[1]
                     if o.rule.counted and o.holds is False]
        for o in py_failed:
            self.assertIn(f"{o.ratio:.2f}×", bullets[-1])
        if py_failed:
            self.assertIn("The notes' Python: “", bullets[-1])
        # The summary follows from the verdicts: creation holds, switching does not.
        self.assertIn("So: making processes is what costs, not running them.", bullets[-1])
        page = " ".join(bullets)
        self.assertNotIn("Partly", page)
        self.assertNotIn("switch and talk", page)
        # The report's verdict line says the parts apart: switching does not hold.
        from report import verdicts
        line = verdicts.rules_table("C7", self.ref)[0]
        self.assertIn(claims.CHEAP_TO_SWITCH, line.split("What does not: ")[1])
        self.assertIn(claims.CHEAP_TO_MAKE, line.split("What holds: ")[1].split(".")[0])
        with i18n.language("zh"):
            zh = handout.reading("C7", self.ref)
        self.assertTrue(zh[0].startswith("成立：创建进程的耗时是线程的"))
        self.assertTrue(zh[1].startswith("预测“进程切换比线程切换开销大”不成立：在同一个逻辑 CPU 上实测两者"
                                         "相同（往返一次：管道 "), zh[1])
        self.assertIn("两个逻辑 CPU 之间", " ".join(zh))
        self.assertNotIn("两个核之间", " ".join(zh))
        self.assertIn("贵在创建，不贵在运行", zh[-1])
        for b in zh:
            self.assertFalse(b.startswith("不成立"), b)

    def test_c4_says_what_its_multiple_is_made_of(self):
        """C4's 91× beside C7's cheaper Pipe round trip: the page says the multiple is
        pickling and a feeder thread, not the kernel's pipe; its figure's title names
        the unit in both languages."""
        nums = claims_table.key_numbers("C4", self.ref)
        # The multiple of the numbers the figure shows (261 / 2.83 = 92, not the 93 of
        # the unrounded medians).
        ratio = handout_figures.shown_ratio("C4", self.ref)
        words = handout.c4_queue_cost(self.ref)
        self.assertTrue(words.startswith(f"The {ratio}× (left, log scale): threads pass each "
                                         "item through a queue.Queue, processes through a "
                                         "multiprocessing.Queue, which pickles it"), words)
        self.assertIn("a ~64 KiB dict of strings (the notes put small integers)", words)
        self.assertIn(words, handout.reading("C4", self.ref))
        with i18n.language("zh"):
            self.assertIn("µs", handout_figures.unit_words(i18n._(nums[3])))
        self.assertIn("µs", handout_figures.unit_words(nums[3]))

    def test_c4_zero_early_stops_says_the_race_rarely_shows(self):
        """Zero early stops is said to be no proof; a run where the loop did stop early
        says how often, with the run's own counts (both ways, on edited copies)."""
        run = results.load(self.folder)
        key = handout_figures.rule_key("C4", claims.RULES, "runs_short")
        bench = run.bench(key.resolve(run.pus) if run.pus else key)
        n = int(sum(bench.counters["runs"]))
        bench.counters["runs_short"] = [0] * len(bench.counters["runs_short"])
        text = handout.c4_racy_loop(run)[0]
        self.assertIn(f"0 of {n} runs stopped early", text)
        self.assertIn("the race rarely shows here, which is no proof it cannot happen", text)
        # Where the python scenario ran on about one CPU, the page says how many.
        lost = [m for m in state.movements(run).get("python", []) if m["kind"] == "lost"]
        if lost:
            self.assertIn(f"about {lost[0]['low']:.2f} of 2 logical CPUs at once", text)
        bench.counters["runs_short"][0] = 2
        text = handout.c4_racy_loop(run)[0]
        self.assertIn(f"Here it stopped early in 2 of {n} runs.", text)
        self.assertNotIn("no proof", text)

    def test_an_exact_prediction_says_what_was_predicted(self):
        # "short of the suite's bar (0 workers every time)" beside "median 3" read as
        # nonsense: a failed exact prediction says what it predicted, then the measure.
        exact = [o for o in claims.judge("C5", self.ref, claims.RULES)[1]
                 if o.holds is False and o.rule.relation == "equals"]
        self.assertTrue(exact)
        words = handout_claims.failed_words(exact[0], "p")
        self.assertIn("fails: predicted ", words)
        self.assertNotIn("short of", words)
        ratio = [o for o in claims.judge("C2", self.ref, claims.RULES)[1]
                 if o.holds is False and o.rule.relation == "greater"]
        self.assertIn("short of the suite's bar", handout_claims.failed_words(ratio[0], "p"))

    def test_c5_says_workers_go_idle(self):
        """The notes say a request waits until a process in the pool ends: the page says,
        gently, that a worker goes idle instead (where the run shows them reused)."""
        bullets = handout.reading("C5", self.ref)
        self.assertIn("The notes say 直到进程池中有进程结束; in fact no worker ends: it goes "
                      "idle.", bullets)
        with i18n.language("zh"):
            bullets = handout.reading("C5", self.ref)
        self.assertIn("讲义说“直到进程池中有进程结束”；实际上工作进程并不结束，而是空闲下来。", bullets)
        self.assertFalse([b for b in bullets if "做完手头的任务" in b])

    def test_no_more_notes_for_the_lecturer_on_a_page(self):
        """"(2 more: the full list in REPORT.md)" was noise on a projector: a list that
        does not fit is cut, and the foot names the report."""
        text = handout.listed("Holds: {predictions}.", ["a" * 60, "b" * 60, "c" * 60], 100)
        self.assertEqual(text, "Holds: " + "a" * 60 + ".")
        for claim_id in claims.CLAIMS:
            page = " ".join(handout.reading(claim_id, self.ref))
            self.assertNotIn("more: the full list", page)
            # Students do not have the report: the title page names it, once.
            self.assertNotIn("REPORT", handout.page_note(self.ref, claim_id))
        title = "\n".join(handout.title_page(self.ref))
        self.assertIn("Each page's details are in REPORT.md, beside this file.", title)
        with i18n.language("zh"):
            self.assertIn("REPORT.zh.md", "\n".join(handout.title_page(self.ref)))
            self.assertNotIn("详见", handout.page_note(self.ref, "C1"))

    def test_the_foot_is_dark_enough_to_read(self):
        """The foot note at least 4.5:1 against white (WCAG AA for body text)."""
        from report import handout_html

        def luminance(hex_):
            hex_ = hex_.lstrip("#")
            if len(hex_) == 3:
                hex_ = "".join(c * 2 for c in hex_)
            chans = [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]
            lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
            return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

        for cls in ("note", "flag"):
            colour = re.search(r"\." + cls + r" \{ color: (#[0-9a-fA-F]+)", handout_html.CSS)
            self.assertTrue(colour, cls)
            ratio = (1.05) / (luminance(colour.group(1)) + 0.05)
            self.assertGreaterEqual(ratio, 4.5, (cls, colour.group(1)))

    def test_c2_foot_names_the_parent_of_its_numbers(self):
        """C2's foot gives creation from the minimal parent while its figure starts at a
        64 MiB parent: the foot says which parent its numbers come from."""
        note = handout.page_note(self.ref, "C2")
        # Its process is fork's (the figure has posix_spawn too).
        self.assertIn("(µs; the process by fork, from an almost empty parent)", note)
        with i18n.language("zh"):
            self.assertIn("（µs；进程由 fork 创建，父进程几乎不占内存）",
                          handout.page_note(self.ref, "C2"))

    def test_c2_says_what_each_verdict_measured_and_its_axis(self):
        line = handout.verdicts_line("C2", self.ref)
        # Why C's is nuanced beside Python's supported, in one clause each.
        self.assertIn("nuanced, where 拷贝一份 fails (memory, copy-on-write)",
                      line)
        self.assertIn("supported, first half only", line)
        with i18n.language("zh"):
            self.assertIn("成立，只测了前半句（创建开销），未测“拷贝一份”",
                          handout.verdicts_line("C2", self.ref))
        # The failed part says what is true instead: data pages are copy-on-write too.
        with i18n.language("zh"):
            zh = handout.reading("C2", self.ref)[0]
        self.assertIn("预测“子进程在创建时就复制父进程的数据”不成立：fork 只复制页表；数据页和代码一样"
                      "由父子进程共享", zh)
        with i18n.language("zh"):
            handout.memory_figure(self.ref, self.folder)
        svg = self.read("figures", "zh", "handout_memory_C2.svg")
        texts = re.findall(r"<text>([^<]*)</text>", svg)
        self.assertIn("1,000", texts)
        self.assertFalse([t for t in texts if "万" in t])
        self.assertTrue([t for t in texts if "对数刻度" in t])
        # Three series, told apart without colour (posix_spawn dashed, squares); the
        # huge-page line a word could not explain is left to the report.
        self.assertEqual(len(self.read("data", "zh", "handout_memory_C2.dat").strip()
                             .split("\n\n\n")), 3)

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
        # The vermilion is the run of a task that had waited, not its wait.
        self.assertIn("排过队的任务（运行时段）", svg)
        # The numbers on and over the bars at 24 points.
        self.assertRegex(svg, r'font-family="[^"]*" font-size="24.00"[^>]*>\s*<text>#')
        # The failed part says it is multiprocessing.Pool that starts its workers up front.
        with i18n.language("zh"):
            self.assertIn("预测“池只在未满时才为请求创建线程/进程”不成立：multiprocessing.Pool 不是这样，"
                          "它在创建时就启动全部工作进程", handout.reading("C5", self.ref)[0])

    # --- the footer and the ⚠ line --------------------------------------------------------

    def test_each_footer_says_what_its_numbers_are(self):
        for claim_id, says in (("C5", "the median of 5 repetitions of the notes' Pool(3)"),
                               # Each bar's own outcome: the first counts runs where
                               # the exception was not shown, the others where it was.
                               ("C6", "Each bar counts the runs, of 5, in which what it "
                                      "says happened."),
                               # Every repetition the same: not "the median of 5".
                               ("C3", "All 5 repetitions: thread 3 of 3, process 0 of 3.")):
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
        # The key's numbers carry their unit (C4's 429 was read without one).
        self.assertRegex(handout.page_note(self.ref, "C4"), r"process \d+ \[[^]]*\] \(µs\);")
        self.assertIn("] (KiB);", handout.page_note(self.ref, "C1"))
        with i18n.language("zh"):
            self.assertIn("[ ] 内为 5 次中的最小值和最大值，真正的中位数有 93.75% 的把握落在其中",
                          handout.page_note(self.ref, "C1"))
            self.assertIn("5 次都是：线程 3/3，进程 0/3。", handout.page_note(self.ref, "C3"))

    def test_no_flag_on_a_page_of_counts(self):
        """C5's and C6's numbers are counts (workers, exceptions shown), which a busy
        machine does not move: no ⚠ there, though their scenarios were flagged; a page of
        timings (C7) keeps it. Decided from the rules: a counted prediction that reads a
        time or a rate."""
        flagged = state.flagged_claims(self.ref)
        self.assertIn("C5", flagged)  # the reference's pool scenario lost a CPU
        self.assertIn("C7", flagged)
        self.assertFalse(handout_claims.timed("C5"))
        self.assertFalse(handout_claims.timed("C6"))
        self.assertTrue(handout_claims.timed("C7"))
        self.assertIsNone(handout.flagged_line("C5", self.ref))
        self.assertIsNone(handout.flagged_line("C6", self.ref))
        self.assertTrue(handout.flagged_line("C7", self.ref).startswith("⚠"))
        rule = claims.Rule("C9", "x", key("create", "fork", "process", "m"), None, "equals",
                           3, "workers_created", "workers")
        self.assertFalse(handout_claims.timed_rule(rule))
        self.assertTrue(handout_claims.timed_rule(claims.Rule(
            "C9", "x", key("ipc", "pipe", "process", "m"), None, "above", 1,
            "items_per_second", "items/s")))

    def test_the_probe_is_said_in_a_students_words(self):
        m = dict(kind="moved", probe="first_touch_ns", before=2444, after=1450)
        words = state.moved_words(self.ref, "create", m, "the creation measurement")
        self.assertTrue(words.startswith("the first write to a newly allocated page 2,444"),
                        words)
        with i18n.language("zh"):
            words = state.moved_words(self.ref, "create", m, "x")
        self.assertIn("首次写入新分配内存页的耗时", words)
        self.assertNotIn("新页面的第一次写入", words)

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
        with i18n.language("zh"):
            words = " ".join(state.moved_words(run, "scale", m,
                                               handout_claims.scenario_words("scale")) or ""
                             for m in moves)
        # The catalogue spaces a scenario's name off; the line drops the spaces.
        self.assertIn("运行多核扩展的测量（背景测量，不在本页）时", words.replace(" ", ""))
        # C8 counts memory and connections held; scale is context it does not show: no
        # ⚠ from scale alone (its GIL timing is python's, flagged in the reference: see
        # test_a_timing_shown_gets_the_flag). A page of timings whose scenario moved
        # names it in words.
        moved = state.movements(run)
        with mock.patch.object(state, "movements",
                               lambda r: {k: v for k, v in moved.items() if k != "python"}):
            self.assertIsNone(handout.flagged_line("C8", run))
        run.ctx["cpu_shares"] = __import__("json").dumps({"ipc": {"others": 0.9,
                                                                  "steal": 0.0}})
        line = handout.flagged_line("C7", run)
        self.assertTrue("communication measurement" in line or "more changes" in line, line)
        self.assertNotIn("ipc", line)
        with i18n.language("zh"):
            line = handout.flagged_line("C7", run)
        self.assertNotIn("ipc", line)

    def test_a_timing_shown_gets_the_flag(self):
        """A page that shows a timing gets the ⚠ when its scenario moved, counted or
        context: C8's GIL ratio (python) and C4's key (python) in the reference, where
        about one logical CPU was taken; said in a student's words. Without python's
        movement neither page has one (C8 counts memory, C4's counts are counts)."""
        self.assertIn("python", state.changes(self.ref))  # the reference: 1.01 of 2
        for claim_id in ("C4", "C8"):
            self.assertEqual(handout_claims.flagged_scenarios(claim_id, self.ref), ["python"])
            line = handout.flagged_line(claim_id, self.ref)
            self.assertEqual(line, "⚠ Other programs used 1 of 2 logical CPUs in the Python "
                                   "measurements: timings may be high.")
            with i18n.language("zh"):
                zh = handout.flagged_line(claim_id, self.ref)
            self.assertEqual(zh, "⚠ 进行 Python 的测量时，2 个逻辑 CPU 中约有 1 个被别的程序占用，"
                                 "本页的耗时可能偏大。")
        self.assertFalse(handout_claims.timed("C8"))  # no counted timing: the GIL shows it
        moved = state.movements(self.ref)
        with mock.patch.object(state, "movements",
                               lambda r: {k: v for k, v in moved.items() if k != "python"}):
            for claim_id in ("C4", "C8"):
                self.assertEqual(handout_claims.flagged_scenarios(claim_id, self.ref), [])
                self.assertIsNone(handout.flagged_line(claim_id, self.ref))


if __name__ == "__main__":
    unittest.main()
