"""test_handout_edition.py - the handout in both languages, written from the committed
reference JSON (split from test_zh.py): its pages, words, figures for the projector, the
browser check, and the handout command's refusals."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zh_kit import *  # noqa: E402,F401,F403
from zh_kit import WrittenEdition  # noqa: E402


class ProjectorFigures(unittest.TestCase):
    """scripts/report/handout_figures.py on runs made here: what it counts, and what it does
    when a run lacks the rows (no figure, so the page falls back; never a made-up one)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tvp-zh-figures-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def run_of(self, *rows):
        from contract.describe import Describe
        benches = {}
        for name, counters in rows:
            n = len(next(iter(counters.values())))
            b = results.Bench(results.parse_name(name), name, [1.0] * n)
            b.counters = {k: list(v) for k, v in counters.items()}
            benches[b.key] = b
        return results.Run({}, Describe({}), benches)

    def test_a_run_without_the_rows_draws_nothing(self):
        from report import handout_figures
        empty = self.run_of()
        for claim, draw in handout_figures.FIGURES.items():
            with self.subTest(claim=claim):
                self.assertIsNone(draw(empty, self.tmp))
        self.assertIsNone(handout_figures.remedy(empty))
        self.assertFalse(os.listdir(self.tmp))

    def test_runs_are_summed_over_repetitions(self):
        """The racy loop's counters count runs within each repetition (runs_short of
        runs); a flag counts the repetitions where it is set."""
        from report import handout_figures
        loop = "python/mp_queue/process/measure:notes_loop"
        crash = "pool/pool/thread/measure:fault/kind:pthread/failure:segv"
        run = self.run_of((loop, {"runs": [5, 5, 5], "runs_short": [0, 2, 1],
                                  "runs_queue_whole": [5, 5, 5]}),
                          (crash, {"pool_survived": [0, 1, 0]}))
        key = handout_figures.rule_key("C4", claims.RULES, "runs_short")
        self.assertEqual(str(key), loop)
        self.assertEqual(handout_figures.runs_of(run, key, "runs_short"), (3, 15))
        self.assertEqual(handout_figures.runs_of(run, key, "runs_queue_whole"), (15, 15))
        key = handout_figures.rule_key("C7", claims.RULES, "pool_survived", mode="thread")
        self.assertEqual(handout_figures.runs_of(run, key, "pool_survived"), (1, 3))

    def test_titles_wrap_where_a_reader_pauses(self):
        from report import handout_figures
        self.assertEqual(handout_figures.wrap("µs per item, a 64 KiB dict of strings"),
                         ["µs per item,", "a 64 KiB dict of", "strings"])
        self.assertEqual(handout_figures.unit_words("µs per pipe round trip (two context "
                                                    "switches)"), "µs per pipe round trip")
        self.assertEqual(handout_figures.unit_words("每次管道往返（含两次上下文切换）所需的 µs"),
                         "每次管道往返所需的 µs")


class HandoutWords(unittest.TestCase):
    """How a page's bullet fits three lines at 28 px: predictions listed while they fit,
    the rest counted; a prediction's statement without its conditions."""

    def test_listed_lists_what_fits(self):
        items = ["a" * 50, "b" * 50, "c" * 50]
        text = handout.listed("Holds: {predictions}.", items, 130)
        # The rest is in the report the foot names: no "(1 more ...)" on a projector.
        self.assertEqual(text, "Holds: " + "a" * 50 + "; " + "b" * 50 + ".")
        self.assertEqual(handout.listed("Holds: {predictions}.", items[:1], 10),
                         "Holds: " + "a" * 50 + ".")  # one at least, however long
        self.assertEqual(handout.listed("Holds: {predictions}.", items, 500),
                         "Holds: " + "; ".join(items) + ".")

    def test_columns_count_cjk_twice(self):
        self.assertEqual(handout.columns("ab"), 2)
        self.assertEqual(handout.columns("成立"), 4)
        self.assertEqual(handout.columns("<strong>C</strong>"), 1)

    def test_short_keeps_the_statement(self):
        self.assertEqual(handout.short("a connection costs a server less memory as a thread: "
                                       "thread per connection, 1000 connections"),
                         "a connection costs a server less memory as a thread")
        self.assertEqual(handout.short("一个连接由线程承担比由 fork 出的进程承担占用服务器更少的内存："
                                       "每连接一个线程对比每连接 fork 一个进程，1000 个连接"),
                         "一个连接由线程承担比由 fork 出的进程承担占用服务器更少的内存")
        for whole in ("too short: kept whole",
                      "a forked child that writes every page has copied every page "
                      "(copy-on-write: at least 90% of 256 MiB)",  # no open bracket
                      "the same in the notes' Pool(3): 7 of the 10 tasks wait for a worker "
                      "to finish",  # leans on the one before
                      "讲义的 Pool(3) 也一样：10 个任务中有 7 个要等工作进程结束，每个任务只运行一次"):
            self.assertEqual(handout.short(whole), whole)


class HandoutEdition(WrittenEdition):
    """The handout in both languages (with its HTML), from the reference run's JSON."""

    def test_handout_pages(self):
        """A title page with the machine once, then a page per claim: the notes'
        sentence, C's verdict and Python's side by side, a figure with words for it."""
        for name, sides in (("HANDOUT.md", ("The suite's C: ", "The notes' Python: ")),
                            ("HANDOUT.zh.md", ("本测试套件的 C 程序：", "讲义的 Python："))):
            with self.subTest(handout=name):
                text = self.read(name)
                title, *pages = re.split(r"^## ", text, flags=re.M)
                self.assertIn("AMD EPYC", title)  # the machine line, once
                self.assertEqual([p.split(" ")[0] for p in pages], list(claims.CLAIMS))
                for claim_id, page in zip(claims.CLAIMS, pages):
                    self.assertIn(claims.CLAIMS[claim_id]["zh"], page)
                    self.assertNotIn("AMD EPYC", page)
                    verdicts = re.search(r'<p class="verdicts">(.*)</p>', page).group(1)
                    # C's verdict and Python's where both have rules, the judged one first
                    run = results.load(self.folder)
                    have = [side for side, rules in zip(sides, (claims.RULES,
                                                                handout.py_rules.PY_RULES))
                            if any(r.counted for r in claims.rules_of(claim_id, rules))]
                    if claims.judged_rules(claim_id) is handout.py_rules.PY_RULES:
                        have.reverse()
                    shown = [side for side in have if side.lower() in verdicts.lower()]
                    self.assertEqual(shown, have, verdicts)
                    fig = re.search(r"!\[([^\]]*)\]\(([^)]+)\)", page)
                    self.assertIsNotNone(fig, f"{claim_id} has no figure")
                    self.assertTrue(os.path.isfile(os.path.join(self.folder, fig.group(2))))
                    self.assertNotEqual(fig.group(1), claim_id, "alt text says nothing")
                    self.assertIn('<p class="note">', page)
                del run
        zh = self.read("HANDOUT.zh.md")
        self.assertTrue(HAS_CJK.search(zh))
        self.assertIn("机器：AMD EPYC 处理器，2 个逻辑 CPU，Linux 6.18，运行在一台 KVM 虚拟机上的 "
                      "Docker 容器里。", zh)
        self.assertIn("逻辑 CPU：操作系统看到的一个 CPU", zh)
        # The profile said as what it means, not by its name.
        self.assertIn("测量方案：快速档（整个运行不到 10 分钟），每个基准通常重复 5 次", zh)
        self.assertNotIn("quick", zh)
        # The report named once, on the title page: students do not have it.
        self.assertIn("每一页的详细内容见同一文件夹中的 REPORT.zh.md。", zh)
        self.assertEqual(zh.count("REPORT.zh.md"), 1)
        from report.claims_table import key_numbers
        with i18n.language("zh"):
            t, p = key_numbers("C1", results.load(self.folder))[:2]
        self.assertIn(f"5 次重复的中位数：线程 {t}，进程 {p}（KiB）；[ ] 内为 5 次中的最小值和"
                      "最大值，真正的中位数有 93.75% 的把握落在其中。</p>", zh)
        self.assertNotIn("Verdict", zh)
        self.assertNotIn("Key numbers", zh)

    def test_handout_counts_are_spelled_out(self):
        """Each page says how many counted predictions hold, fail and were undecided,
        from the outcomes themselves ("8 条预测中 5 条成立、2 条不成立、1 条无法判定"),
        and a failed one with what was measured."""
        zh = self.read("HANDOUT.zh.md")
        run = results.load(self.folder)
        for claim_id in claims.CLAIMS:
            page = zh[zh.index(f"## {claim_id} "):]
            page = page[:page.index("\n## ")] if "\n## " in page else page
            outs = [o for o in claims.judge(claim_id, run, claims.RULES)[1] if o.rule.counted]
            if not outs:
                continue
            held = sum(o.holds is True for o in outs)
            failed = sum(o.holds is False for o in outs)
            with self.subTest(claim=claim_id):
                words = f"{len(outs)} 条预测中 {held} 条成立"
                if failed:
                    words += f"、{failed} 条不成立"
                self.assertIn(words, page)
                with i18n.language("zh"):
                    # The first that failed, with the threshold it missed beside what
                    # was measured; the others counted, in the report.
                    first = next((o for o in outs if o.holds is False), None)
                    # Every page in one form: 预测“…”不成立：实测 … (a line that began
                    # 不成立： and went on with the prediction read as the observation).
                    self.assertNotRegex(page, r"(?m)^- 不成立")
                    if claim_id == "C7":  # its failures, each with its ratio, in one bullet
                        self.assertIn("预测“进程切换比线程切换开销大”不成立：", page)
                        for o in outs:
                            if o.holds is False:
                                self.assertIn(f"{o.ratio:.2f}×", page)
                    elif first and first.rule.relation == "equals":
                        # An exact prediction: what was predicted, then what was measured.
                        self.assertIn(f"预测“{handout.short(handout.said(first.rule))}”"
                                      "不成立：预测"
                                      f"{handout.handout_claims.threshold_words(first.rule)}"
                                      "，实测 ", page)
                    elif first:
                        self.assertIn(f"预测“{handout.short(handout.said(first.rule))}”"
                                      "不成立：实测 ", page)
                        self.assertIn("，未达到本测试套件定的门槛（"
                                      f"{handout.handout_claims.threshold_words(first.rule)}）",
                                      page)

    def test_handout_page_carries_the_runs_flag(self):
        """A claim whose scenario the run flagged (other processes took the CPUs while
        it ran) says so on its page, as the report's table does."""
        from unittest import mock
        from report import handout_claims, state
        run = results.load(self.folder)
        shares = {"scale": {"others": 0.9, "steal": 0.0}}
        run.ctx["cpu_shares"] = __import__("json").dumps(shares)
        self.assertIn("C8", state.flagged_claims(run))
        # C8 counts memory and connections held; it shows one timing, the GIL's context
        # ratio (python). Scale is context it does not show: never its ⚠. The run's own
        # python movement decides, read both ways.
        moved = state.movements(run)
        for keep_python in (True, False):
            with mock.patch.object(state, "movements", lambda r: {
                    k: v for k, v in moved.items() if keep_python or k != "python"}):
                with i18n.language("zh"):
                    page = "\n".join(handout.page("C8", run, self.folder))
                    c3 = "\n".join(handout.page("C3", run, self.folder))
                self.assertNotIn("多核扩展", page)
                self.assertNotIn("⚠", c3)
                if keep_python and "python" in moved:
                    self.assertEqual(handout_claims.flagged_scenarios("C8", run), ["python"])
                    self.assertIn("⚠ 进行 Python 的测量时，", page)
                    self.assertIn("本页的耗时可能偏大", page)
                else:
                    self.assertNotIn("⚠", page)

    def test_handout_in_a_browser(self):
        """Both handouts at 1280x720 in headless Chromium, page by page: each page fits
        one screen, every image loaded, no text on the page under 28 px (the back row),
        none inside its figure under 20 px, drawn for the projector (handout.PROJECTOR:
        every claim). The
        screenshots go to build/handout-screens/ for a person to look at, with what
        every figure's own text measures as shown (handout_check.json)."""
        from report import handout_check
        if not handout_check.browser():
            self.skipTest("no Chromium here: make deps installs Debian's chromium")
        screens = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")),
                               "handout-screens")
        os.makedirs(screens, exist_ok=True)
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "handout_check.py"),
                            self.folder, "--out", screens], capture_output=True, text=True,
                           timeout=900)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(os.path.join(screens, "handout_check.json"), "w") as f:
            f.write(r.stdout)
        report = __import__("json").loads(r.stdout)
        self.assertEqual(sorted(report), ["HANDOUT.html", "HANDOUT.zh.html"])
        for name, pages in report.items():
            self.assertEqual([p["page"] for p in pages],
                             ["title"] + [c.lower() for c in claims.CLAIMS])
            for p in pages:
                with self.subTest(handout=name, page=p["page"]):
                    self.assertEqual(p["viewport"], [1280, 720])
                    self.assertTrue(p["fits"], f"{p['content_height']:.0f} px of content")
                    self.assertGreaterEqual(p["min_text_px"], 28, p["smallest_text"])
                    self.assertTrue(os.path.getsize(p["screenshot"]) > 5000)
                    for img in p["images"]:
                        self.assertGreater(img["natural_width"], 0, img["alt"])
                        self.assertGreater(img["shown_width"], 300, img["alt"])
                        if p["page"].upper() in handout.PROJECTOR:
                            self.assertGreaterEqual(img["shown_text_px"], 20, img["alt"])
                    self.assertEqual(len(p["images"]), 0 if p["page"] == "title" else 1)

    def test_handout_figures_drawn_for_the_projector(self):
        """Every page's figure is one drawn for the projector from this run's rows: C4
        and C7 their key number beside a count, C5 the notes' Pool(3) as it ran, C6 what
        the caller sees; each with 22-point text, in blue and vermilion (no red-green
        pair)."""
        expect = {"C4": "handout_pair_C4", "C5": "handout_schedule_C5",
                  "C6": "handout_grid_C6", "C7": "handout_pair_C7"}
        for name, sub in (("HANDOUT.md", "figures/"), ("HANDOUT.zh.md", "figures/zh/")):
            text = self.read(name)
            for claim_id, base in expect.items():
                with self.subTest(handout=name, claim=claim_id):
                    page = text[text.index(f"## {claim_id} "):]
                    fig = re.search(r"!\[[^\]]*\]\(([^)]+)\)", page).group(1)
                    self.assertEqual(fig, f"{sub}{base}.png")
                    svg = self.read(fig[:-4] + ".svg")
                    sizes = {float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)}
                    self.assertTrue(sizes and min(sizes) >= 22, sizes)
                    colours = {tuple(int(c) for c in m) for m in
                               re.findall(r"rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)", svg)}
                    self.assertIn((0, 114, 178), colours)  # blue
                    self.assertIn((213, 94, 0), colours)   # vermilion
                    # Neither the report's red (214, 39, 40) nor any green.
                    self.assertNotIn((214, 39, 40), colours)
                    self.assertFalse([c for c in colours if c[1] > c[0] + 40 and
                                      c[1] > c[2] + 40], colours)

    def test_handout_c6_answers_how_to_handle_it(self):
        """C6's page answers the notes' own question (如何处理？) in words, with this
        run's counts: get() and error_callback; the cell of the notes' call reads "not
        shown" with the number of runs that saw nothing, never "0 of 5"."""
        zh = self.read("HANDOUT.zh.md")
        c6 = zh[zh.index("## C6"):zh.index("## C7")]
        self.assertIn("如何处理", c6)
        self.assertIn("get()", c6)
        self.assertIn("error_callback", c6)
        self.assertNotIn("0（显示）", c6)
        grid = self.read("data/zh/handout_grid_C6.dat")
        self.assertIn("没有显示：5 次中 5 次", grid)
        self.assertIn("在主进程中重新抛出：5 次中 5 次", grid)

    def test_handout_c5_schedule_is_the_run(self):
        """C5's figure draws the notes' Pool(3) from the median repetition: ten tasks
        on three workers, the first three at once and seven that waited."""
        rows = self.read("data/handout_schedule_C5.dat").split("\n\n\n")[0].splitlines()
        self.assertEqual(len(rows), 10)
        self.assertEqual(sorted(r.split("\t")[3] for r in rows), ["0"] * 3 + ["1"] * 7)
        self.assertEqual({r.split("\t")[0] for r in rows}, {"0", "1", "2"})

    def test_handout_reading_names_the_failed_predictions(self):
        """C2 on the reference run: the vfork prediction fails, and the reading says so;
        those that fail after it are listed while the page has room, else counted for the
        report to list (three bullets at 28 px)."""
        zh = self.read("HANDOUT.zh.md")
        c2 = zh[zh.index("## C2"):zh.index("## C3")]
        _verdict, outcomes = claims.judged("C2", results.load(self.folder))
        failed = [o.rule for o in outcomes if o.rule.counted and o.holds is False]
        self.assertTrue(failed)  # vfork's and posix_spawn's, in the references so far
        with i18n.language("zh"):
            shown = [r for r in failed if i18n._(handout.short(handout.said(r))) in c2]
        self.assertEqual(shown, failed[:len(shown)])
        self.assertTrue(shown)
        self.assertNotIn("供讲课人参考", c2)  # the report lists the rest

    def test_html_is_self_contained(self):
        if not shutil.which("pandoc"):
            self.skipTest("pandoc is not installed: make deps")
        for name in ("HANDOUT.html", "HANDOUT.zh.html"):
            with self.subTest(html=name):
                html = self.read(name)
                images = re.findall(r"<img\b[^>]*>", html)
                self.assertEqual(len(images), len(claims.CLAIMS))
                for img in images:
                    self.assertRegex(img, r'src="data:image/(png|svg\+xml)[;,]')
                refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html)
                external = [r for r in refs if not r.startswith(("data:", "#"))]
                self.assertEqual(external, [])
                self.assertNotIn("url(http", html)
        self.assertIn('lang="zh-CN"', self.read("HANDOUT.zh.html"))

    def test_handout_script_refuses_bad_input(self):
        script = os.path.join(ROOT, "scripts", "handout.py")
        for args, says in ((["--claims", "C9"], "unknown claim C9"),
                           (["--lang", "fr"], "no catalogue for language 'fr'")):
            r = subprocess.run([sys.executable, script, self.folder, *args],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn(says, r.stderr)
        r = subprocess.run([sys.executable, script, os.path.join(self.tmp, "nothing")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)

    # --- what a lecturer asked of the pages (issue 28) -------------------------------

    def page_of(self, name, claim_id):
        text = self.read(name)
        page = text[text.index(f"## {claim_id} "):]
        return page[:page.index("\n## ")] if "\n## " in page else page

    def test_handout_pages_have_at_most_three_bullets(self):
        """A page is read from the back row: at most three bullets beside its figure,
        the title page at most four lines under its heading."""
        for name in ("HANDOUT.md", "HANDOUT.zh.md"):
            for claim_id in claims.CLAIMS:
                with self.subTest(handout=name, claim=claim_id):
                    bullets = re.findall(r"^- ", self.page_of(name, claim_id), re.M)
                    self.assertLessEqual(len(bullets), 3)
                    self.assertGreaterEqual(len(bullets), 1)
            title = self.read(name).split("## ")[0]
            self.assertLessEqual(len(re.findall(r"^- ", title, re.M)), 4)

    def test_handout_flag_says_what_moved(self):
        """The ⚠ line says what moved and by how much, from the run's probes, naming the
        scenario in words (issue 28): on each flagged page of the reference whose top
        leaves room, the first change of its first flagged scenario in full, the others
        counted; where it does not, a short line that sends the lecturer to the report
        (the figure would shrink below 20 px). Read from the run, not written in: the
        next reference flags other pages."""
        from report import handout_claims, state
        run = results.load(self.folder)
        moved = state.movements(run)
        self.assertTrue(state.flagged_claims(run))  # the reference has flagged pages
        for claim in claims.CLAIMS:
            page = self.page_of("HANDOUT.md", claim)
            scenarios = handout_claims.flagged_scenarios(claim, run)
            with self.subTest(claim=claim):
                if not scenarios:  # no timing shown, or none moved: no ⚠ at all
                    self.assertNotIn("⚠", page)
                    continue
                if "during this page's measurements: see the report" in page:
                    continue
                # A CPU taken by others in a student's words; a probe in the report's.
                said = [w for sc in scenarios for m in moved.get(sc, [])
                        for w in [handout.lost_words(m, sc) if m["kind"] == "lost" else
                                  state.moved_words(run, sc, m,
                                                    handout_claims.scenario_words(sc))] if w]
                self.assertTrue(said)
                self.assertIn(said[0].lower(), page.lower())
                self.assertNotIn("worked in parallel", page)
                if len(said) > 1:
                    self.assertIn(f"and {len(said) - 1} more changes (in the report)", page)
        self.assertNotIn("parallel_pus", self.read("HANDOUT.md"))
        zh = self.read("HANDOUT.zh.md")
        self.assertNotIn("个能同时工作", zh)

    def test_moved_words_for_each_kind(self):
        """Every kind of change the report flags has words for a lecturer; parallel
        capacity is said once (as a lost CPU), not also as a probe that moved."""
        from report import state
        run = results.load(self.folder)
        cases = [(dict(kind="moved", probe="switch_ns", before=5000, after=9000),
                  "a context switch pair on one PU 5,000 → 9,000 ns before and after ipc"),
                 (dict(kind="off", probe="first_touch_ns", before=4000, after=4100,
                       usual=2000), "the first write to a newly allocated page 4,000 and "
                                    "4,100 ns before "
                                    "and after ipc, 2,000 for the rest of the run"),
                 (dict(kind="lost", low=1.05, pus=2.0, unseen=True),
                  "only 1.05 of 2 logical CPUs worked in parallel before or after ipc"),
                 (dict(kind="others", share=0.5), "during ipc, other processes used 50% "
                                                  "of the CPUs"),
                 (dict(kind="steal", share=0.2), "during ipc, the hypervisor took 20% of "
                                                 "the CPUs")]
        for m, words in cases:
            self.assertEqual(state.moved_words(run, "ipc", m), words)
        self.assertIsNone(state.moved_words(run, "ipc", dict(
            kind="moved", probe="parallel_pus", before=2, after=1)))
        with i18n.language("zh"):
            for m, _words in cases:
                self.assertTrue(HAS_CJK.search(state.moved_words(run, "ipc", m)), m)

    def test_handout_c8_names_pythons_prediction_and_the_gil(self):
        """C8's page says what Python's one counted prediction is and its result, and
        that CPython's GIL makes Python threads concurrent, not parallel, with this
        run's pure-Python work of N threads against N processes."""
        from verdicts import py_rules
        run = results.load(self.folder)
        counted = [o for o in claims.judge("C8", run, py_rules.PY_RULES)[1] if o.rule.counted]
        self.assertEqual(len(counted), 1)
        zh, en = self.page_of("HANDOUT.zh.md", "C8"), self.page_of("HANDOUT.md", "C8")
        # Issue 28: Python's prediction said as what it measured (memory per connection:
        # concurrency), beside the GIL (not parallel CPU work), N defined.
        # What Python's multiple counts (user pages only), not "the report's hypothesis".
        self.assertIn(f"The notes' Python: concurrency, yes: {counted[0].ratio:.0f}× the "
                      "memory for a process, user pages only (Pss)", en.replace("’", "'"))
        self.assertIn(f"讲义的 Python：并发，成立：进程的内存是线程的 {counted[0].ratio:.0f}×，但只计"
                      "用户态内存（Pss）", zh)
        self.assertNotIn("报告的假设", zh)
        # The GIL row is context: said so, not listed as a failed prediction.
        self.assertIn("背景（不计入判定）：CPU 并行计算。有 GIL", zh)
        self.assertRegex(en, r"Context, not counted in the verdict: parallel CPU work\. With "
                             r"the GIL, N threads did 0\.\d\d× the work of N processes "
                             r"\(N = \d+ logical CPUs\)")

    def test_handout_c4_racy_loop_is_no_proof(self):
        """The notes' racy loop never stopping early in the reference's 25 runs is said
        to be no proof of safety; a run where it did stop early says so instead."""
        zh = self.page_of("HANDOUT.zh.md", "C4")
        run = results.load(self.folder)
        key = handout.handout_figures.rule_key("C4", claims.RULES, "runs_short")
        bench = run.bench(key.resolve(run.pus) if run.pus else key)
        k, n = int(sum(bench.counters["runs_short"])), int(sum(bench.counters["runs"]))
        # The reference's own count, whichever way it went.
        if k:
            self.assertIn(f"在这台机器上的 {n} 次运行中，它有 {k} 次提前退出。", zh)
            self.assertNotIn("没有出现不能证明", zh)
        else:
            self.assertIn(f"{n} 次运行中 0 次提前退出", zh)
            self.assertIn("这里竞争很少出现；没有出现不能证明它不会出现", zh)
        bench.counters["runs_short"] = [0] * len(bench.counters["runs_short"])
        text = handout.c4_racy_loop(run)[0]
        self.assertIn(f"0 of {n} runs stopped early", text)
        self.assertIn("no proof", text)
        bench.counters["runs_short"] = [1, 0, 2, 0, 0][:len(bench.counters["runs_short"])]
        text = handout.c4_racy_loop(run)[0]
        self.assertIn(f"stopped early in 3 of {n} runs.", text)
        self.assertNotIn("no proof", text)

    def test_handout_c6_starts_from_the_notes_own_worker(self):
        """The notes' worker catches its 1/0 itself: C6's page says so first, before
        what a pool does with an exception a task does not catch."""
        for name, says, then in (("HANDOUT.zh.md", "讲义自己的 worker 用 try/except 捕获了 1/0",
                                  "如何处理"),
                                 ("HANDOUT.md", "own worker catches its 1/0", "What to do")):
            page = self.page_of(name, "C6")
            bullets = re.findall(r"^- (.*)$", page, re.M)
            self.assertIn(says, bullets[0])
            self.assertIn(then, bullets[-1])

    def test_handout_c7_key_is_decided_and_words_are_whole(self):
        """C7's key number is the creation comparison, counted and decided (it holds in
        the reference), not the undecided switching one; "fragile" is explained where it
        is said; no prediction leans on one off the page ("同上", "the same")."""
        run = results.load(self.folder)
        pair = claims.CLAIMS["C7"]["key"]
        res = (lambda k: k.resolve(run.pus) if run.pus else k)
        on_key = [o for o in claims.judged("C7", run)[1] if o.rule.counted and o.rule.b
                  and {res(o.rule.a), res(o.rule.b)} == {res(pair.thread), res(pair.process)}]
        self.assertEqual([o.holds for o in on_key], [True])
        for name in ("data/handout_pair_C7.dat", "data/zh/handout_pair_C7.dat"):
            self.assertNotIn("undecided", self.read(name))
        zh = self.page_of("HANDOUT.zh.md", "C7")
        # "Fragile" with what it means where the reference's C7 is fragile (it was in
        # the reference of 2026-12-07, not in that of 2026-12-08); never the word alone.
        if claims.is_fragile("C7", run, claims.RULES):
            self.assertIn("不稳健：阈值放宽或收紧 25%，判定就会变", zh)
        else:
            self.assertNotIn("不稳健", zh)
        for name in ("HANDOUT.zh.md", "HANDOUT.md"):
            text = self.read(name)
            self.assertNotIn("同上", text)
            self.assertNotRegex(text, r"“the same ")

    def test_handout_c5_names_every_task_and_its_unit(self):
        """Every task of the schedule is named, on its bar or over a bar too short for
        its number; the axis says the notes' sleeps are scaled."""
        rows = self.read("data/handout_schedule_C5.dat").split("\n\n\n")[0].splitlines()
        # Over a bar, "#8": a task's number, not a tick of the axis.
        named = sorted(int(r.split("\t")[4] or r.split("\t")[5].lstrip("#")) for r in rows)
        self.assertEqual(named, list(range(10)))
        self.assertTrue(any(r.split("\t")[5] for r in rows))  # 0 and 8 in the reference
        self.assertIn("讲义中的 sleep 缩短为 1/100",
                      self.read("figures/zh/handout_schedule_C5.svg"))

    def test_handout_words_a_lecturer_reads(self):
        """C1 says what the minimal parent is; C3's figure has a title that reads; a
        multiple near 1 keeps its digits ("1.02", not "1")."""
        from report import claims_table
        self.assertIn("由一个几乎不占内存的父进程创建", self.page_of("HANDOUT.zh.md", "C1"))
        self.assertIn("主程序能看到的追加次数", self.read("figures/zh/handout_key_C3.svg"))
        self.assertEqual([claims_table.times(x) for x in (1.02, 0.98, 1.0, 4.93, 88.4)],
                         ["1.02", "0.98", "1", "4.9", "88"])


if __name__ == "__main__":
    unittest.main()
