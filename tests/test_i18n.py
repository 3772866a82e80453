"""test_i18n.py - the Chinese catalogue's words and its compiling (split from
tests/test_behaviours.py, issue 26: each class pins a behaviour a deliberate break of
tests/mutant_list.py once changed with every other test passing, and says which): each
comparison word keeps its meaning, a compiled catalogue older than its .po is compiled
again, and the empty string stays empty. tests/test_zh.py holds the rest of the Chinese
report's tests.

Tier: fast (tests/tiers)."""
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403
from report import i18n  # noqa: E402


# Each English comparison word, the Chinese that says it (one of), and the Chinese that
# says its opposite: a translation that holds the word must say it and not its opposite.
# Matched on whole words of the msgid; "lower bound" is a bound's name, not a comparison.
COMPARISONS = [
    (r"\bfaster\b", ("快",), ("慢",)),
    (r"\bslower\b", ("慢",), ("快",)),
    (r"\bworse\b", ("慢", "差"), ("快", "好")),
    (r"\bbetter\b", ("快", "好", "善"), ("慢", "差")),
    (r"\bhigher\b", ("高",), ("低",)),
    (r"\bahead\b", ("领先",), ("落后",)),
    (r"\bcosts? more\b", ("大", "高", "多"), ("小", "低", "少")),
    (r"\bcheaper\b", ("降", "低", "少", "小", "1/"), ("高", "贵")),
    (r"\bfewer\b", ("不超过", "少"), ("超过", "多")),
]


class ZhComparisons(unittest.TestCase):
    """Break zh-slower-is-faster: a translation that reverses a comparison (processes
    slower made processes faster) fails, word by word."""

    def test_each_comparison_keeps_its_meaning(self):
        with i18n.language("zh"):
            cat = dict(i18n._catalogue._catalog)
        seen = set()
        for msgid, msgstr in cat.items():
            if not isinstance(msgid, str) or not msgid:
                continue
            for pattern, says, opposite in COMPARISONS:
                if not re.search(pattern, msgid):
                    continue
                seen.add(pattern)
                with self.subTest(msgid=msgid[:70], word=pattern):
                    self.assertTrue(any(w in msgstr for w in says), msgstr)
                    # A short label (a direction, a table cell) is its comparison: the
                    # opposite's word has no place in it. A sentence may hold both.
                    if len(msgid.split()) <= 6:
                        self.assertEqual([w for w in opposite if w in msgstr], [], msgstr)
        # The words the report's verdicts turn on are in the catalogue at all.
        for pattern in (r"\bslower\b", r"\bfaster\b", r"\bhigher\b", r"\bahead\b"):
            self.assertIn(pattern, seen)

    def test_the_direction_words(self):
        with i18n.language("zh"):
            self.assertEqual(i18n._("processes slower"), "进程更慢")
            self.assertEqual(i18n._("processes faster"), "进程更快")


class Catalogues(unittest.TestCase):
    """Breaks i18n-mo-never-rebuilt and i18n-empty-msgid: a compiled catalogue older than
    its .po is compiled again (an edited translation is never ignored), and the empty
    string stays empty in every language (gettext would give the catalogue's header)."""

    def test_an_older_mo_is_rebuilt(self):
        if not shutil.which("msgfmt"):
            self.skipTest("msgfmt (gettext) is not installed: make deps")
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(i18n, "MO_DIR", tmp):
            mo = i18n.compile_mo("zh_CN")
            self.assertTrue(os.path.exists(mo))
            os.utime(mo, (0, 0))  # older than any .po
            self.assertEqual(i18n.compile_mo("zh_CN"), mo)
            self.assertGreater(os.path.getmtime(mo), 0)

    def test_empty_string_stays_empty(self):
        with i18n.language("zh"):
            self.assertEqual(i18n._(""), "")


if __name__ == "__main__":
    unittest.main()
