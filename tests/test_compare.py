"""test_compare.py - compare.py with two runs and with many (the verdict matrix and its
flips, the key numbers and their figure, the benchmarks that change most or are
missing), never overwriting, and the bad input it refuses, as catalogue.py does (split
from tests/test_runs.py and tests/test_behaviours.py). The runs but the reference are
SYNTHETIC (tests/runs_kit.py).

Needs results/reference/ (TVP_REFERENCE=FOLDER names another), SciPy and gnuplot.
Tier: fast (tests/tiers)."""
import unittest

from scripts_kit import *  # noqa: F401,F403
from runs_kit import make_runs, old_schema_run, reference_doc, remove_runs  # noqa: E402
from runs import compare_runs  # noqa: E402


TMP = None
RUNS = {}


def setUpModule():
    """The runs every test reads, made once (tests/runs_kit.py)."""
    global TMP
    TMP = make_runs(RUNS)


def tearDownModule():
    remove_runs(TMP)


class CompareMany(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(dir=TMP)
        cls.r = run([PY, "scripts/compare.py", "--out", cls.out,
                     RUNS["ref"], RUNS["box2"], RUNS["box3"]])
        cls.folder = os.path.join(cls.out, "compare-ref-vs-2-others")
        path = os.path.join(cls.folder, "COMPARE.md")
        cls.text = ""
        if os.path.exists(path):
            with open(path) as f:
                cls.text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out)

    def setUp(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)

    def labels(self):
        kernel = compare_runs.kernel_release(reference_doc()["context"]["kernel"])
        return (f"#1 vm, AMD EPYC, {kernel}, placement none",
                "#2 box2, AMD EPYC, 6.1.0-synthetic, placement compact",
                f"#3 box3, AMD EPYC, {kernel}, placement scatter")

    def test_verdict_matrix_with_a_flip(self):
        one, two, three = self.labels()
        self.assertIn(f"| claim | {one} | {two} | {three} | |", self.text)
        self.assertIn("| C3 | supported | supported | **nuanced** | ⇄ flips |", self.text)
        self.assertIn("| C1 | supported | supported | supported | |", self.text)

    def test_key_numbers_and_a_missing_pair(self):
        one, two, three = self.labels()
        self.assertRegex(self.text, r"\| C2: µs to create and reap one worker \| #1 vm, .*\| "
                                    r"[\d.]+ \[[\d.]+, [\d.]+\] \| [\d.,]+ \[")
        # box3 has no queue: C4's key pair (queue.Queue against multiprocessing.Queue) is
        # missing there.
        self.assertIn(f"| | {three} | – | – | – |", self.text)

    def test_changes_and_missing_benchmarks(self):
        name = "create/fork/process/measure:round_trip/parent:tvp/layout:private/parent_mib:0"
        self.assertRegex(self.text, rf"\| `{name}` \| [\d.,]+ µs \| 2\.000 ✱ \| 0\.500 ✱ \|")
        # The table of those that change most gives each ratio with its p (which rows
        # make its top 30 is a tie here: every create row moves by 2x).
        most = self.text[self.text.index("## Benchmarks that change most"):
                         self.text.index("## Every benchmark")]
        self.assertRegex(most, r"\| `create/[^`]+` \| [\d.,]+ µs \| 2\.000 ✱ \(p 0\.008\) \| "
                               r"0\.500 ✱ \(p 0\.008\) \|")
        queue = "ipc/queue/process/measure:queue3/kind:fork/pin:none"
        self.assertRegex(self.text, rf"\| `{queue}` \| [\d.,]+ µs \| 2\.000( ✱)? \| – \|")
        # A benchmark that could not run is shown as such in every run.
        mq = "ipc/posix_mq/process/measure:throughput/kind:fork/pin:diff_core/msg_bytes:65536"
        self.assertIn(f"| `{mq}` | skipped | skipped | skipped |", self.text)

    def test_figure(self):
        self.assertIn("![key numbers of every claim across the runs](figures/compare_runs.png)",
                      self.text)
        for ext, least in (("png", 20000), ("svg", 5000)):
            path = os.path.join(self.folder, "figures", f"compare_runs.{ext}")
            self.assertGreater(os.path.getsize(path), least)

    def test_never_overwrites(self):
        r = run([PY, "scripts/compare.py", "--out", self.out,
                 RUNS["ref"], RUNS["box2"], RUNS["box3"]])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.folder + "-2", "COMPARE.md")))

    def test_same_labels_are_told_apart_by_folder(self):
        ctx = reference_doc()["context"]
        fake = [compare_runs.Entry(n, f, results.Run(ctx, None, {}))
                for n, f in enumerate(("x/a", "y/b", "z/a"), 1)]
        compare_runs.label_runs(fake)
        self.assertEqual([e.label.rsplit(" (", 1)[1] for e in fake],
                         ["x/a)", "b)", "z/a)"])


class KeyNumbers(unittest.TestCase):
    def test_the_figure_draws_the_numbers_of_the_claims_table(self):
        """compare_runs.key_values (the figure's numbers) are the numbers the report's
        claims table writes (claims_table.key_numbers), claim by claim."""
        from report import claims_table
        from report.kit import fmt
        for folder in (RUNS["ref"], RUNS["box3"]):
            run = results.load(folder)
            for claim in claims.CLAIMS:
                text, vals = claims_table.key_numbers(claim, run), \
                    compare_runs.key_values(claim, run)
                self.assertEqual(text is None, vals is None, claim)
                if vals:
                    pair = claims.CLAIMS[claim]["key"]
                    of = pair.of
                    # Readings of one server (C8): their median, no interval.
                    self.assertEqual(text[:2], tuple(
                        f"{fmt(m)} of {of}" if of else fmt(m) if pair.one_server
                        else f"{fmt(m)} [{fmt(lo)}, {fmt(hi)}]"
                        for m, lo, hi in vals[:2]), claim)
                    self.assertEqual(text[3], vals[2])


class CompareTwo(unittest.TestCase):
    def test_two_runs_as_before_plus_claims(self):
        with tempfile.TemporaryDirectory(dir=TMP) as out:
            r = run([PY, "scripts/compare.py", "--out", out, RUNS["ref"], RUNS["box3"]])
            self.assertEqual(r.returncode, 0, r.stderr)
            folder = os.path.join(out, "compare-ref-vs-box3")
            with open(os.path.join(folder, "COMPARE.md")) as f:
                text = f.read()
            for name in ("data/compare.dat", "figures/compare.png", "figures/compare_runs.png"):
                self.assertGreater(os.path.getsize(os.path.join(folder, name)), 100, name)
        # Google Benchmark's table, as before: every benchmark both runs have.
        self.assertIn("| create/fork/process/measure:round_trip/parent:tvp/layout:private/parent_mib:0 "
                      "| 0.500 **✱** |", text)
        self.assertIn("| C3 | supported | **nuanced** | ⇄ flips |", text)
        # What it pairs leaves out the benchmarks box3 lacks: they are listed, with –.
        self.assertRegex(text, r"\| `ipc/queue/process/measure:queue3/kind:fork/pin:none` "
                               r"\| [\d.,]+ µs \| – \|")


class BadInput(unittest.TestCase):
    """Every bad input stops compare.py and catalogue.py with a message and exit status
    2 before anything is written."""

    def setUp(self):
        self.out = tempfile.mkdtemp(dir=TMP)
        self.scratch = tempfile.mkdtemp(dir=TMP)

    def tearDown(self):
        shutil.rmtree(self.out)
        shutil.rmtree(self.scratch)

    def refused(self, folders, words, catalogue_too=True):
        r = run([PY, "scripts/compare.py", "--out", self.out, *folders])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(words, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertEqual(os.listdir(self.out), [])
        if catalogue_too and folders:
            db = os.path.join(self.out, "catalogue.sqlite")
            r = run([PY, "scripts/catalogue.py", "--db", db, *folders])
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn(words, r.stderr)
            self.assertEqual(os.listdir(self.out), [])

    def test_not_a_run(self):
        empty = os.path.join(self.scratch, "empty")
        os.makedirs(empty)
        self.refused([RUNS["ref"], RUNS["box2"], empty],
                     f"{empty}/benchmarks.json: missing (is {empty} a tvp results folder?)")
        nowhere = os.path.join(self.scratch, "nowhere")
        self.refused([RUNS["ref"], nowhere], f"{nowhere}: no such results folder")

    def test_another_schema_names_its_version(self):
        old = old_schema_run(os.path.join(self.scratch, "old"))
        self.refused([RUNS["ref"], old, RUNS["box2"]],
                     f"{old} was written by tvp 9df3951 with the names of schema 1; this tvp "
                     "reads schema 2: re-run it, or read it with tvp 9df3951")

    def test_no_folders(self):
        self.refused([], "compare needs two results folders or more, none was given")
        self.refused([RUNS["ref"]], f"only {RUNS['ref']} was given", catalogue_too=False)

    def test_the_same_run_twice(self):
        self.refused([RUNS["ref"], RUNS["box2"], RUNS["ref"] + "/"],
                     f"{RUNS['ref']}/ is given twice (as {RUNS['ref']} too)")
        copy = os.path.join(self.scratch, "copy")
        os.makedirs(copy)
        shutil.copy(os.path.join(RUNS["box2"], "benchmarks.json"), copy)
        self.refused([RUNS["box2"], copy],
                     f"{copy} holds the same run as {RUNS['box2']} (their benchmarks.json are "
                     "identical)")


class VerdictFlips(unittest.TestCase):
    """Break flips-count-missing-data: comparing runs, a verdict flips only between two
    decided verdicts; a run without the data to decide (or undecided) says nothing."""

    def test_only_decided_verdicts_flip(self):
        from runs import compare_runs
        flips = compare_runs.flips
        self.assertTrue(flips(["supported", "not supported"]))
        self.assertTrue(flips(["supported", "missing data", "nuanced"]))
        self.assertFalse(flips(["supported", "missing data"]))
        self.assertFalse(flips(["undecided", "supported", "supported"]))
        self.assertFalse(flips(["missing data", "undecided"]))


if __name__ == "__main__":
    unittest.main()
