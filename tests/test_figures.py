"""test_figures.py - the figure check: the report written from the committed reference
run links only figures that exist and were drawn, gnuplot warned about none of them (a
series without a valid point, a log axis given zero), each figure has an SVG twin, and
every number a Reading paragraph quotes is one the run contains: it appears in a table
of the same report, in the data files the figures were drawn from, or as a value of
the run's JSON."""
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, os.environ.get("TVP_REFERENCE", "results/reference"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from report import document, kit  # noqa: E402

FIGURE = re.compile(r"!\[[^\]]*\]\((figures/[^)]+\.png)\)")
# A quoted number: digits with thousands commas and a decimal part, as kit.fmt writes.
# A background fact inside a Reading: "*Background: ... (its source).*" or a parenthesis
# "(background: ...)", one level of parentheses inside it allowed.
BACKGROUND = re.compile(r"\*Background:[^*]*\*|\(background:[^()]*(?:\([^()]*\)[^()]*)*\)")
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])")


class Figures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tvp-figures-")
        cls.folder = os.path.join(cls.tmp, "run")
        os.makedirs(cls.folder)
        for name in os.listdir(REFERENCE):  # the data, not what was made from it
            if name not in ("figures", "data", "REPORT.md") and \
                    os.path.isfile(os.path.join(REFERENCE, name)):
                shutil.copy(os.path.join(REFERENCE, name), cls.folder)
        kit.WARNINGS.clear()
        document.write_report(cls.folder)
        with open(os.path.join(cls.folder, "REPORT.md")) as f:
            cls.text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_every_linked_figure_was_drawn(self):
        links = FIGURE.findall(self.text)
        self.assertGreater(len(links), 10)
        for link in links:
            with self.subTest(figure=link):
                png = os.path.join(self.folder, link)
                self.assertTrue(os.path.isfile(png))
                self.assertGreater(os.path.getsize(png), 10_000)  # more than an empty frame
                svg = png[:-4] + ".svg"
                self.assertTrue(os.path.isfile(svg))
                self.assertGreater(os.path.getsize(svg), 2_000)
        self.assertNotIn("*Figure skipped", self.text)

    def test_gnuplot_warned_about_nothing(self):
        self.assertEqual(kit.WARNINGS, [])

    def test_every_number_a_reading_quotes_is_in_the_run(self):
        """A number computed in a Reading is recorded in data/derived.tsv with how it was
        computed (kit.derived); a background fact is marked *Background: ... (source).* or
        "(background: ...)" and may quote numbers the run does not hold."""
        known = self.numbers_outside_readings()
        for paragraph in self.readings():
            for number in NUMBER.findall(BACKGROUND.sub("", paragraph)):
                value = number.replace(",", "")
                with self.subTest(number=number, reading=paragraph[:80]):
                    self.assertTrue(value in known, f"{number} in: {paragraph}")

    def readings(self):
        return [line for line in self.text.splitlines() if line.startswith("**Reading.**")]

    def numbers_outside_readings(self):
        """Every number of the report outside its Readings, of the figures' data files
        and of the JSON, as written, each also at the precisions kit.fmt may round it to."""
        texts = [line for line in self.text.splitlines()
                 if not line.startswith("**Reading.**")]
        data = os.path.join(self.folder, "data")
        for name in os.listdir(data):
            with open(os.path.join(data, name)) as f:
                texts.append(f.read())
        with open(os.path.join(self.folder, "benchmarks.json")) as f:
            texts.append(json.dumps(json.load(f)))
        known = set()
        for text in texts:
            for number in NUMBER.findall(text):
                known.add(number.replace(",", ""))
                try:
                    x = float(number.replace(",", ""))
                except ValueError:
                    continue
                for digits in (1, 2, 3, 4):
                    known.add(kit.fmt(x, digits).replace(",", ""))
                known.add(f"{x:.0f}")
        return known


if __name__ == "__main__":
    unittest.main()
