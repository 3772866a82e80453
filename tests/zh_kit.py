"""zh_kit.py - what test_zh.py and test_handout_edition.py share: the catalogue's readers
and a scratch folder with both reports and both handouts written from the reference JSON.

What the tests check is said in test_zh.py's and test_handout_edition.py's own
docstrings."""
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

# The files whose every string is translated, shown in both languages: each _() or N_()
# in them must have a translation.
OWNED = ["scripts/report/verdicts.py", "scripts/report/claims_table.py",
         "scripts/report/document.py", "scripts/report/globals.py",
         "scripts/report/i18n.py", "scripts/report/handout.py", "scripts/report/python.py",
         "scripts/report/python_gil.py", "scripts/report/python_answers.py",
         "scripts/report/python_rows.py",
         "scripts/report/ipc.py", "scripts/report/handout_figures.py", "scripts/report/scale.py",
         "scripts/report/handout_claims.py", "scripts/report/handout_frame.py",
         "scripts/report/handout_page_figure.py", "scripts/report/ipc_latency.py"]
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


class WrittenEdition(unittest.TestCase):
    """The report and the handout in both languages, written once per test class from
    the reference run's JSON into a scratch folder."""

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
