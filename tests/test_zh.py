"""test_zh.py - the Chinese edition and the handout, from the committed reference JSON.

The report in both languages and the handout in both languages (with their HTML) are
written from results/reference's benchmarks.json into a scratch folder; then: every
msgid the Chinese report showed has a translation (so no English sentence of the
catalogue's is left), every prediction of the rule tables has one, the claim-level
code's every msgid has one, the figures of the Chinese edition name the CJK font, the
HTML holds every image inline, and `make claim` refuses a claim that does not exist."""
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from dataclasses import replace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, os.environ.get("TVP_REFERENCE", "results/reference"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from running import claim  # noqa: E402
from verdicts import claims  # noqa: E402
from report import handout  # noqa: E402
from contract import results  # noqa: E402
from report import document, i18n  # noqa: E402
from report.verdicts import threshold_text  # noqa: E402

# The files whose every string is translated, shown in both languages: each _() or N_()
# in them must have a translation.
OWNED = ["scripts/report/verdicts.py", "scripts/report/claims_table.py",
         "scripts/report/document.py", "scripts/report/globals.py",
         "scripts/report/i18n.py", "scripts/report/handout.py", "scripts/report/python.py",
         "scripts/report/python_gil.py", "scripts/report/python_answers.py",
         "scripts/report/python_rows.py",
         "scripts/report/ipc.py", "scripts/report/ipc_latency.py",
         "scripts/report/handout_figures.py", "scripts/report/scale.py"]
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def msgids_in(path):
    """The string literals passed to _() or N_() in a Python file."""
    with open(os.path.join(ROOT, path)) as f:
        tree = ast.parse(f.read())
    out = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant)
                and isinstance(a.value, str)]
        if node.func.id in ("_", "N_") and args:
            out.add(args[0])
        elif node.func.id in ("C_", "NC_") and len(args) == 2:
            out.add(f"{args[0]}\x04{args[1]}")  # gettext's key of a msgctxt's entry
    return out


def catalogue(lang="zh"):
    with i18n.language(lang):
        return dict(i18n._catalogue._catalog)


class Catalogue(unittest.TestCase):
    """The catalogue against the code, without writing a report."""

    def test_every_prediction_has_a_translation(self):
        """Each Rule.prediction of scripts/verdicts/claims.py and scripts/verdicts/py_rules.py, each word
        unit and each key unit and condition: a rule added without its Chinese fails
        here, naming it (make po brings it into the .po, untranslated)."""
        cat = catalogue()
        missing = [f"{where}: {msgid}" for msgid, where in i18n.data_strings()
                   if not cat.get(msgid)]
        self.assertEqual(missing, [], "untranslated in locale/zh_CN/LC_MESSAGES/tvp.po")

    def test_claim_level_code_is_translated(self):
        cat = catalogue()
        for path in OWNED:
            with self.subTest(file=path):
                missing = sorted(m for m in msgids_in(path) if m and not cat.get(m))
                self.assertEqual(missing, [])

    def test_one_word_two_meanings_has_a_context(self):
        """"cpu" the scale workload and "CPU" the machine's processor are two entries,
        the one told apart by its msgctxt; a context the catalogue lacks falls back to
        the English word and is recorded as missing."""
        with i18n.language("zh"):
            self.assertEqual(i18n._("CPU"), "处理器")
            workload = i18n.C_("workload", "cpu")
            self.assertIn("cpu", workload)
            self.assertNotIn("处理器", workload)
            self.assertTrue(HAS_CJK.search(workload))
            self.assertEqual(i18n.C_("no such context", "cpu"), "cpu")
            self.assertIn("no such context\x04cpu", i18n.MISSING)
        self.assertEqual(i18n.C_("workload", "cpu"), "cpu")  # English: the word itself

    def test_skipped_reasons_are_translated_by_their_shape(self):
        """The reasons tvp-bench and py_bench give in English: a known shape in
        Chinese with its numbers and names kept (a strerror text translated too); an
        unknown one in English, said to be; English unchanged."""
        mq = "posix_mq: a 65536-byte message is over fs.mqueue.msgsize_max (8192)"
        odd = "the fork worker did not end cleanly"
        with i18n.language("zh"):
            self.assertEqual(i18n.reason(mq),
                             "posix_mq：65536 字节的消息超过了 fs.mqueue.msgsize_max（8192）")
            self.assertEqual(i18n.reason("pthread_create: Resource temporarily unavailable"),
                             "pthread_create：资源暂时不可用")
            self.assertEqual(i18n.reason("mmap: Some words no table knows"),
                             "mmap: Some words no table knows（英文原文，未翻译）")
            self.assertEqual(i18n.reason(odd), odd + "（英文原文，未翻译）")
        for text in (mq, odd):
            self.assertEqual(i18n.reason(text), text)

    def test_one_word_for_a_worker(self):
        """工作者 is gone from the catalogue: 工作线程/工作进程 where the kind is
        known, 线程/进程 where it is not (a Chinese lecturer read 执行体 as the NT Executive)."""
        cat = catalogue()
        left = sorted(k for k, v in cat.items() if isinstance(v, str) and "工作者" in v)
        self.assertEqual(left, [])
        self.assertEqual(cat["workers"], "个线程/进程")
        self.assertIn("工作进程", cat["worker killed by {signal}"])

    def test_placeholders_match(self):
        """A translation keeps the {named} placeholders of its msgid (a number is never
        lost or invented by the translator), and the %d of a gnuplot format."""
        for msgid, msgstr in catalogue().items():
            if not isinstance(msgid, str) or not msgid:
                continue
            with self.subTest(msgid=msgid[:60]):
                self.assertEqual(set(re.findall(r"\{(\w*)\}", msgid)),
                                 set(re.findall(r"\{(\w*)\}", msgstr)))
                self.assertEqual(msgid.count("%d"), msgstr.count("%d"))

    def test_po_compiles_without_fuzzy_or_untranslated(self):
        if not shutil.which("msgfmt"):
            self.skipTest("msgfmt (gettext) is not installed: make deps")
        for folder in [f for f in i18n.languages().values() if f]:
            r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull,
                                i18n.po_path(folder)], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("fuzzy", r.stderr)
            self.assertNotIn("untranslated", r.stderr)

    def test_english_is_the_identity(self):
        with i18n.language("en"):
            self.assertEqual(i18n._("supported"), "supported")
            self.assertEqual(i18n.current(), "en")
        with i18n.language("zh"):
            # The words a student reads right: a claim holds, holds in part, fails.
            self.assertEqual(i18n._("supported"), "成立")
            self.assertEqual(i18n._("not supported"), "不成立")
            self.assertEqual(i18n._("nuanced"), "部分成立")
        self.assertEqual(i18n.current(), "en")

    def test_unknown_language_is_refused(self):
        with self.assertRaises(i18n.LanguageError) as cm:
            i18n.set_language("fr")
        self.assertIn("zh", str(cm.exception))
        self.assertEqual(i18n.current(), "en")


class Claim(unittest.TestCase):
    """make claim: what it runs comes from the rules' keys."""

    def test_keys_follow_the_rules(self):
        """A rule added to a claim brings its benchmark into the claim's run; nothing is
        listed by hand."""
        extra = results.key("globals", "vfork", "process", "nums", shared=0)
        rule = replace(claims.rules_of("C3")[0], a=extra, prediction="test rule")
        before = claim.needed_keys("C3")
        self.assertNotIn(extra, before)
        claims.RULES.append(rule)
        try:
            self.assertIn(extra, claim.needed_keys("C3"))
        finally:
            claims.RULES.remove(rule)
        for r in claims.rules_of("C3"):
            self.assertIn(r.a, before)

    def test_filters_match_exactly(self):
        name = "globals/fork/process/measure:nums/shared:0/manual_time"
        f = claim.c_filter([name])
        self.assertTrue(re.search(f, name))
        self.assertFalse(re.search(f, name.replace("shared:0", "shared:1")))
        k = results.key("python", "process", "process", "create", start_method="fork", x=1)
        p = re.compile(claim.python_filter([k]))
        self.assertTrue(p.search("python/process/process/measure:create/x:1/start_method:fork"))
        self.assertTrue(p.search("python/process/process/measure:create/start_method:fork/x:1"))
        self.assertFalse(p.search("python/process/process/measure:create/start_method:spawn/x:1"))

    def test_every_claim_key_is_registered(self):
        """Each C key a claim needs is one tvp-bench registers in the quick profile (the
        python scenario's keys are py_bench's, checked by the contract test)."""
        bench = os.path.join(ROOT, os.environ.get("BUILD", "build"), "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} is not built")
        for c in claims.CLAIMS:
            with self.subTest(claim=c):
                self.assertEqual(claim.plan(c, bench)[2], [])

    def run_claim(self, *args):
        return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "claim.py"),
                               *args], capture_output=True, text=True, cwd=ROOT)

    def test_bad_claim_is_refused(self):
        for bad in ("C9", "c", ""):
            with self.subTest(claim=bad):
                r = self.run_claim(bad, "--list")
                self.assertEqual(r.returncode, 2)
                self.assertIn("unknown claim", r.stderr)
                self.assertIn("C1, C2, C3, C4, C5, C6, C7, C8", r.stderr)
        r = self.run_claim("C3", "--lang", "fr", "--list")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no catalogue for language 'fr'", r.stderr)

    def test_claim_end_to_end(self):
        """make claim's script on C3 (a few seconds): only the benchmarks of C3's rules
        ran, the nums example decides the claim as the notes say, and the Chinese page
        and its self-contained HTML are written."""
        bench = os.path.join(ROOT, os.environ.get("BUILD", "build"), "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} is not built")
        with tempfile.TemporaryDirectory(prefix="tvp-claim-") as out:
            r = self.run_claim("C3", "--lang", "zh", "--out", out, "--bench", bench)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            (folder,) = [os.path.join(out, d) for d in os.listdir(out)]
            run = results.load(folder)
            self.assertEqual(set(run.benches), set(claim.needed_keys("C3")))
            self.assertEqual(claims.judged("C3", run)[0], "supported")
            with open(os.path.join(folder, "HANDOUT.zh.md"), encoding="utf-8") as f:
                page = f.read()
            self.assertEqual(re.findall(r"^## (\S+)", page, flags=re.M), ["C3"])
            self.assertIn("<strong>本套件的 C 程序：成立</strong>", page)
            # The key numbers on the page's figure (its words say what it shows).
            with open(os.path.join(folder, "data", "zh", "handout_key_C3.dat"),
                      encoding="utf-8") as f:
                bars = [line.split("\t") for line in f.read().splitlines()]
            self.assertEqual([(b[1], b[-1]) for b in bars], [("线程", "3/3"), ("进程", "0/3")])
            self.assertIn("图中：主程序看得到的追加（共 3 次）", page)
            if shutil.which("pandoc"):
                self.assertTrue(os.path.isfile(os.path.join(folder, "HANDOUT.zh.html")))

    def test_make_claim_refuses_a_bad_claim(self):
        if not shutil.which("make"):
            self.skipTest("no make")
        # The claim is checked before anything is built; -o keeps make from building
        # build/ should a sanitizer build be what tests/run was given.
        make = ["make", "-s", "--no-print-directory", "-o", "deps", "-o", "all"]
        r = subprocess.run(make + ["claim", "C=C9"],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unknown claim 'C9'", r.stderr)
        r = subprocess.run(make + ["claim"],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("say which claim", r.stderr)
        r = subprocess.run(make + ["claim", "C=C3", "LANG=fr"],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no catalogue for language 'fr'", r.stderr)


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

    def test_listed_counts_what_does_not_fit(self):
        items = ["a" * 50, "b" * 50, "c" * 50]
        text = handout.listed("Holds: {predictions}.", items, 130)
        self.assertEqual(text, "Holds: " + "a" * 50 + "; " + "b" * 50 +
                         " (1 more in the report).")
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


class Edition(unittest.TestCase):
    """The report and the handout in both languages, from the reference run's JSON."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tvp-zh-")
        cls.folder = os.path.join(cls.tmp, "run")
        os.makedirs(cls.folder)
        for name in os.listdir(REFERENCE):  # the data, not what was made from it
            path = os.path.join(REFERENCE, name)
            if os.path.isfile(path) and not name.endswith((".md", ".html")):
                shutil.copy(path, cls.folder)
        i18n.USED.clear()
        i18n.MISSING.clear()
        document.write_report(cls.folder, ["en", "zh"])
        cls.used, cls.missing = set(i18n.USED), set(i18n.MISSING)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def read(self, name):
        with open(os.path.join(self.folder, name), encoding="utf-8") as f:
            return f.read()

    def test_every_msgid_of_the_chinese_report_is_translated(self):
        """The list a translator works from: every string the Chinese report and
        handout showed through _() that the catalogue does not translate. Empty: a
        section that wraps a new string must bring its translation (make po)."""
        self.assertGreater(len(self.used), 100)
        self.assertEqual(sorted(self.missing), [])

    def test_chinese_report(self):
        text = self.read("REPORT.zh.md")
        self.assertTrue(text.startswith("# tvp 报告：vm 上的线程与进程"))
        self.assertIn("## 论断一览", text)
        for claim_id, c in claims.CLAIMS.items():
            self.assertIn(c["zh"], text)
            self.assertNotIn(c["en"], text)  # English words only in the English report
        table = text[text.index("## 论断一览"):]
        table = table[:table.index("\n## ", 5)]
        # Code spans stay as written in every language (a path: scripts/verdicts/...).
        words = re.sub(r"`[^`]*`", "", table)
        for word in ("supported", "nuanced", "undecided", "missing data", "holds",
                     "prediction", "verdict"):
            self.assertNotIn(word, words)
        self.assertRegex(table, r"\*\*(成立|不成立|部分成立|无法判定|缺少数据)")
        self.assertIn("**判定：", text)
        self.assertIn("| 预测 | 测量值 | 阈值 | p 值（检验） | 变异系数 | 结果 |", text)

    def test_numbers_are_the_same_in_both_languages(self):
        """The claims table quotes the same numbers in both languages (a translation may
        put them in another order)."""
        num = re.compile(r"\d[\d,]*(?:\.\d+)?")

        def numbers(name):
            text = self.read(name)
            part = text[text.index("| C1 |"):]
            return sorted(num.findall(part[:part.index("\n\n")]))
        self.assertEqual(numbers("REPORT.md"), numbers("REPORT.zh.md"))

    def test_anchors_follow_the_translated_headings(self):
        text = self.read("REPORT.zh.md")
        self.assertIn("(#c3--进程间不共享全局变量)", text)
        self.assertIn("## C3 — 进程间不共享全局变量", text)
        self.assertIn("[论断一览](#论断一览)", text)

    def test_appendices_in_their_language(self):
        """The Chinese report links the Chinese appendices, at their translated headings."""
        text = self.read("REPORT.zh.md")
        self.assertIn("## 附录", text)
        self.assertIn("[机器与运行](MACHINE.zh.md#机器与运行)", text)
        self.assertIn("[本机上噪声大的测试](NOISE.zh.md)", text)
        appendix = self.read("MACHINE.zh.md")
        self.assertIn("[报告](REPORT.zh.md)", appendix)
        self.assertIn("\n## 机器状态\n", appendix)
        self.assertNotIn("## 机器状态", text)

    def test_chinese_figures(self):
        """The Chinese edition's figures are its own (figures/zh/), in the CJK font; the
        converted one has its labels in Chinese, PNG and SVG."""
        text = self.read("REPORT.zh.md")
        links = re.findall(r"!\[[^\]]*\]\((figures/[^)]+\.png)\)", text)
        self.assertGreater(len(links), 10)
        for link in links:
            self.assertTrue(link.startswith("figures/zh/"), link)
            self.assertTrue(os.path.isfile(os.path.join(self.folder, link)), link)
        svg = self.read("figures/zh/globals.svg")
        self.assertIn('font-family="Noto Sans CJK SC"', svg)
        self.assertIn("父进程看到的追加次数", svg)
        self.assertIn("fork（进程）", svg)
        self.assertNotIn("appends", svg)
        self.assertGreater(os.path.getsize(os.path.join(self.folder, "figures/zh/globals.png")),
                           10_000)
        self.assertIn("appends the parent sees", self.read("figures/globals.svg"))

    def test_handout_pages(self):
        """A title page with the machine once, then a page per claim: the notes'
        sentence, C's verdict and Python's side by side, a figure with words for it."""
        for name, sides in (("HANDOUT.md", ("The suite's C: ", "The notes' Python: ")),
                            ("HANDOUT.zh.md", ("本套件的 C 程序：", "讲义的 Python："))):
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
        self.assertIn("逻辑 CPU：处理器的一个硬件线程", zh)
        self.assertIn("测量方案：quick（快速），每个基准重复 5 次", zh)
        self.assertIn("数字为中位数；[ ] 内为 5 次重复的最小–最大值（93.75% 置信区间）。详见 "
                      "REPORT.zh.md。", zh)
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
                    if first:
                        self.assertIn(f"预测“{handout.short(handout.said(first.rule))}”"
                                      "不成立：实测 ", page)
                        self.assertIn(f"，预测要求 {threshold_text(first.rule)}", page)

    def test_handout_page_carries_the_runs_flag(self):
        """A claim whose scenario the run flagged (other processes took the CPUs while
        it ran) says so on its page, as the report's table does."""
        from report import state
        run = results.load(self.folder)
        shares = {"scale": {"others": 0.9, "steal": 0.0}}
        run.ctx["cpu_shares"] = __import__("json").dumps(shares)
        self.assertIn("C8", state.flagged_claims(run))
        with i18n.language("zh"):
            page = "\n".join(handout.page("C8", run, self.folder))
            # What moved, in words: scale's share of the CPUs taken by others (the
            # reference's own state flags http beside it).
            self.assertIn("⚠ 测量期间机器有变化：", page)
            self.assertIn("运行 scale 时，其他进程占用了 90% 的 CPU", page)
            self.assertNotIn("⚠", "\n".join(handout.page("C3", run, self.folder)))

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
        self.assertIn("在调用者中抛出：5 次中 5 次", grid)

    def test_handout_c5_schedule_is_the_run(self):
        """C5's figure draws the notes' Pool(3) from the median repetition: ten tasks
        on three workers, the first three at once and seven that waited."""
        rows = self.read("data/handout_schedule_C5.dat").split("\n\n\n")[0].splitlines()
        self.assertEqual(len(rows), 10)
        self.assertEqual(sorted(r.split("\t")[3] for r in rows), ["0"] * 3 + ["1"] * 7)
        self.assertEqual({r.split("\t")[0] for r in rows}, {"0", "1", "2"})

    def test_numbers_and_titles_read_as_the_language_writes_them(self):
        """Ticks in 万 in Chinese, k in English, never "600.0k"; scale's panels named in
        Chinese; the GIL title without "2.0-2.0"; spawn and forkserver's missing N
        explained."""
        ticks = {name: re.findall(r"<text>([^<]*)</text>", self.read(name))
                 for name in ("figures/zh/scale.svg", "figures/scale.svg",
                              "figures/zh/http_rate.keepalive.svg",
                              "figures/http_rate.keepalive.svg", "figures/zh/placement.svg")}
        self.assertIn("60万", ticks["figures/zh/scale.svg"])  # cpu's 600,000
        self.assertIn("cpu（纯计算）", ticks["figures/zh/scale.svg"])
        for name in ("figures/zh/scale.svg", "figures/scale.svg"):
            bad = [t for t in ticks[name] if re.fullmatch(r"\s*\d+\.0[kMG万亿]?\s*|.*e\+\d+", t)]
            self.assertEqual(bad, [], name)
        self.assertIn("100万", ticks["figures/zh/http_rate.keepalive.svg"])
        self.assertFalse([t for t in ticks["figures/http_rate.keepalive.svg"] if "e+" in t])
        self.assertTrue([t for t in ticks["figures/zh/placement.svg"] if "紧凑" in t])
        report = self.read("REPORT.zh.md")
        self.assertNotRegex(report, r"(\d\.\d)-\1 个(逻辑 CPU|PU)")
        self.assertIn("quick 配置下 spawn 和 forkserver 只运行到逻辑 CPU 数", report)

    def test_handout_reading_names_the_failed_predictions(self):
        """C2 on the reference run: the vfork prediction fails, and the reading says so;
        those that fail after it are listed while the page has room, else counted for the
        report to list (three bullets at 28 px)."""
        zh = self.read("HANDOUT.zh.md")
        c2 = zh[zh.index("## C2"):zh.index("## C3")]
        _verdict, outcomes = claims.judged("C2", results.load(self.folder))
        failed = [o.rule for o in outcomes if o.rule.counted and o.holds is False]
        self.assertEqual(len(failed), 3)
        with i18n.language("zh"):
            shown = [r for r in failed if i18n._(handout.short(handout.said(r))) in c2]
        self.assertEqual(shown, failed[:len(shown)])
        self.assertTrue(shown)
        if len(shown) < len(failed):
            self.assertIn(f"（另有 {len(failed) - len(shown)} 条，见报告）", c2)

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
        """The ⚠ line says what moved and by how much, from the run's probes: the
        reference's ipc took memcpy in cache from 28.1 to 15.2 GB/s (C4 and C7 read
        ipc), and pool ran with about one logical CPU of two."""
        from report import state
        from report.kit import fmt
        run = results.load(self.folder)
        moved = next(m for m in state.movements(run)["ipc"] if m.get("probe") ==
                     "memcpy_cache_gbs")
        before, after = fmt(moved["before"]), fmt(moved["after"])
        self.assertEqual((before, after), ("28.1", "15.2"))
        for claim_id in ("C4", "C7"):
            self.assertIn(f"ipc 前后，缓存内 memcpy：{before} → {after} GB/s",
                          self.page_of("HANDOUT.zh.md", claim_id))
            self.assertIn(f"memcpy in cache {before} → {after} GB/s before and after ipc",
                          self.page_of("HANDOUT.md", claim_id))
        self.assertIn("pool 前后，2 个逻辑 CPU 只有 1.05 个能同时工作",
                      self.page_of("HANDOUT.zh.md", "C7"))
        self.assertNotIn("parallel_pus", self.read("HANDOUT.md"))

    def test_moved_words_for_each_kind(self):
        """Every kind of change the report flags has words for a lecturer; parallel
        capacity is said once (as a lost CPU), not also as a probe that moved."""
        from report import state
        run = results.load(self.folder)
        cases = [(dict(kind="moved", probe="switch_ns", before=5000, after=9000),
                  "a context switch pair on one PU 5,000 → 9,000 ns before and after ipc"),
                 (dict(kind="off", probe="first_touch_ns", before=4000, after=4100,
                       usual=2000), "a new page's first write 4,000 and 4,100 ns before "
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
        self.assertIn("The notes' Python, its one prediction: " +
                      handout.short(counted[0].rule.prediction), en.replace("’", "'"))
        self.assertIn(f"(measured {counted[0].ratio:.2f}×): supported", en)
        with i18n.language("zh"):
            self.assertIn("讲义的 Python 只有 1 条预测：" +
                          handout.short(handout.said(counted[0].rule)), zh)
        self.assertIn("但 CPython 有 GIL", zh)
        self.assertIn("Python 线程能带来并发，却不能让 CPU 计算并行", zh)
        self.assertIn("concurrency, not parallel CPU work (here N threads did 0.59×", en)

    def test_handout_c4_racy_loop_is_no_proof(self):
        """The notes' racy loop never stopping early in the reference's 25 runs is said
        to be no proof of safety; a run where it did stop early says so instead."""
        zh = self.page_of("HANDOUT.zh.md", "C4")
        self.assertIn("在这里 25 次运行中没有一次提前退出。但这不能证明它安全", zh)
        run = results.load(self.folder)
        key = handout.handout_figures.rule_key("C4", claims.RULES, "runs_short")
        bench = run.bench(key.resolve(run.pus) if run.pus else key)
        bench.counters["runs_short"] = [1, 0, 2, 0, 0]
        text = handout.c4_racy_loop(run)[0]
        self.assertIn("stopped early in 3 of 25 runs:", text)
        self.assertNotIn("no proof", text)

    def test_handout_c6_starts_from_the_notes_own_worker(self):
        """The notes' worker catches its 1/0 itself: C6's page says so first, before
        what a pool does with an exception a task does not catch."""
        for name, says, then in (("HANDOUT.zh.md", "讲义自己的 worker 用 try/except 接住了 1/0",
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
        self.assertIn("不稳健：阈值放宽或收紧 25%，判定就会变", zh)
        for name in ("HANDOUT.zh.md", "HANDOUT.md"):
            text = self.read(name)
            self.assertNotIn("同上", text)
            self.assertNotRegex(text, r"“the same ")

    def test_handout_c5_names_every_task_and_its_unit(self):
        """Every task of the schedule is named, on its bar or over a bar too short for
        its number; the axis says the notes' sleeps are scaled."""
        rows = self.read("data/handout_schedule_C5.dat").split("\n\n\n")[0].splitlines()
        named = sorted(int(r.split("\t")[4] or r.split("\t")[5]) for r in rows)
        self.assertEqual(named, list(range(10)))
        self.assertTrue(any(r.split("\t")[5] for r in rows))  # 0 and 8 in the reference
        self.assertIn("讲义中的 sleep 缩短为 1/100",
                      self.read("figures/zh/handout_schedule_C5.svg"))

    def test_handout_words_a_lecturer_reads(self):
        """C1 says what the minimal parent is; C3's figure has a title that reads; a
        multiple near 1 keeps its digits ("1.02", not "1")."""
        from report import claims_table
        self.assertIn("由一个几乎不占内存的父进程创建", self.page_of("HANDOUT.zh.md", "C1"))
        self.assertIn("主程序看得到的追加（共 3 次）", self.read("figures/zh/handout_key_C3.svg"))
        self.assertEqual([claims_table.times(x) for x in (1.02, 0.98, 1.0, 4.93, 88.4)],
                         ["1.02", "0.98", "1", "4.9", "88"])


if __name__ == "__main__":
    unittest.main()
