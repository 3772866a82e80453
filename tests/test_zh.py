"""test_zh.py - the Chinese edition and the handout, from the committed reference JSON.

The report in both languages and the handout in both languages (with their HTML) are
written from results/reference's benchmarks.json into a scratch folder; then: every
msgid the Chinese report showed has a translation (so no English sentence of the
catalogue's is left), every prediction of the rule tables has one, the claim-level
code's every msgid has one, the figures of the Chinese edition name the CJK font, the
HTML holds every image inline, and `make claim` refuses a claim that does not exist."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zh_kit import *  # noqa: E402,F401,F403
from zh_kit import WrittenEdition  # noqa: E402


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
            self.assertIn("<strong>本测试套件的 C 程序：成立</strong>", page)
            # The key numbers on the page's figure (its words say what it shows).
            with open(os.path.join(folder, "data", "zh", "handout_key_C3.dat"),
                      encoding="utf-8") as f:
                bars = [line.split("\t") for line in f.read().splitlines()]
            self.assertEqual([(b[1], b[-1]) for b in bars], [("线程", "3/3"), ("进程", "0/3")])
            self.assertIn("图中：主程序能看到的追加次数（共追加 3 次）", page)
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


class Edition(WrittenEdition):
    """The report in both languages, from the reference run's JSON (the handout: tests/test_handout_edition.py)."""

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


if __name__ == "__main__":
    unittest.main()
