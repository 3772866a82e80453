"""test_handout.py - the handout's reading and its check (split from
tests/test_behaviours.py, issue 26: each class pins a behaviour a deliberate break of
tests/mutant_list.py once changed with every other test passing, and says which): the
reading counts and lists counted predictions only; scripts/handout_check.py finds a box
that overflows and a figure's smallest font (Chromium, skipped without it).
tests/test_zh.py holds the handouts written whole.

Tier: fast (tests/tiers)."""
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403


class HandoutReading(unittest.TestCase):
    """Breaks handout-held-counts-undecided and handout-open-includes-context: the
    handout's reading counts as holding only the counted predictions that hold, and
    lists as not decided only counted ones, never a context row."""

    def test_reading_counts_and_lists_counted_rows_only(self):
        from report import handout
        a = key("s", "a", "process", "m")
        rule = lambda text, counted=True: claims.Rule("C9", text, a, None, "above", 1,
                                                      counted=counted)
        outs = [claims.Outcome(rule("holds"), True), claims.Outcome(rule("fails"), False),
                claims.Outcome(rule("open"), None, undecided=True),
                claims.Outcome(rule("context open", counted=False), None, undecided=True),
                claims.Outcome(rule("context holds", counted=False), True)]
        with mock.patch.object(claims, "judged", lambda c, r: ("nuanced", outs)), \
                mock.patch.object(handout, "key_text", lambda c, r: "–"):
            text = " ".join(handout.reading("C9", run_of()))
        # The page's tally counts the counted predictions only (3, not 5).
        self.assertEqual(handout.tally(outs), "3 predictions: 1 hold, 1 fail, 1 undecided")
        self.assertIn("Holds: holds.", text)
        # The prediction in quotes, then what was measured.
        self.assertIn("“fails” fails: measured", text)
        self.assertIn("Not decided by this run: open.", text)
        self.assertNotIn("context", text)


class HandoutCheck(unittest.TestCase):
    """Breaks handout-check-overflow-ignored and handout-check-largest-font: a page whose
    reading runs past its box does not fit, even where the box itself ends on the screen
    (a lecturer would not see the rest); and a figure's text is as small as its smallest
    font (the SVG twin's), which is what must stay readable."""

    def test_smallest_font_of_a_figure(self):
        from report import handout_check
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "fig.svg"), "w") as f:
                f.write('<svg><text font-size="22.00">T</text><text font-size="9.5">t</text>'
                        '<text font-size="14">m</text></svg>')
            self.assertEqual(handout_check.svg_min_font(tmp, "fig.png"), 9.5)
            self.assertIsNone(handout_check.svg_min_font(tmp, "none.png"))

    def test_a_box_that_overflows_does_not_fit(self):
        from report import handout_check
        if not handout_check.browser():
            self.skipTest("no Chromium here")
        words = " ".join(["a line of the reading that goes on"] * 400)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "HANDOUT.html"), "w") as f:
                f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
                        "<style>body { margin: 0; font-size: 24px; } section.level2 { "
                        "height: 600px; }</style></head><body><div class=\"title\">A "
                        "handout</div><section id=\"c1\" class=\"level2\"><h2>C1</h2>"
                        '<div class="body" style="height: 100px; overflow: hidden">'
                        f"{words}</div></section></body></html>")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "handout_check.py"),
                                tmp, "--out", os.path.join(tmp, "screens")],
                               capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        pages = {p["page"]: p for p in json.loads(r.stdout)["HANDOUT.html"]}
        self.assertTrue(pages["title"]["fits"])
        c1 = pages["c1"]
        self.assertLessEqual(c1["content_height"], c1["height"] + 1)  # the box ends on screen
        self.assertEqual(c1["overflowing"], ["div.body"])
        self.assertFalse(c1["fits"])


if __name__ == "__main__":
    unittest.main()
