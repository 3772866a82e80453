"""test_rules.py - the rule table and the verdict logic at their edges (split from
tests/test_behaviours.py, issue 26: each class pins a behaviour a deliberate break of
tests/mutant_list.py once changed with every other test passing, and says which):
the sign test's ties, the robustness line's counted rows only, a rule's threshold the
number its words give, rows run in a row (no p-value), the key pair make claim runs, and
the edges make coverage found untested (empty samples, a row that is not a benchmark, a
folder that cannot be written). Python only, on made-up runs.

Tier: fast (tests/tiers)."""
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403
from runs import samples  # noqa: E402
from report import verdicts  # noqa: E402


class SignTest(unittest.TestCase):
    """Break sign-test-ties-below: a value equal to the threshold carries no sign; it is
    dropped, never counted as below (nor as above)."""

    def test_values_at_the_threshold_are_dropped(self):
        # Two above, three at it: the test is of 2 values, p = 1/4 either side of none.
        self.assertAlmostEqual(stats.sign_test([2, 2, 2, 3, 3], 2, "greater"), 0.25)
        self.assertAlmostEqual(stats.sign_test([2, 2, 2, 1, 1], 2, "less"), 0.25)
        # Every value at the threshold: no evidence at all, either way.
        self.assertEqual(stats.sign_test([5] * 5, 5, "greater"), 1.0)
        self.assertEqual(stats.sign_test([5] * 5, 5, "less"), 1.0)
        # Five above and five at it: as five above alone.
        self.assertAlmostEqual(stats.sign_test([7] * 5 + [5] * 5, 5, "greater"), 1 / 32)

    def test_a_rule_at_its_threshold_is_not_refuted(self):
        # "above 5" with every repetition at 5 is not shown below it: undecided, not
        # failed (counting ties as below would make it fail at p = 1/32).
        a = key("s", "a", "process", "m")
        rules = [claims.Rule("CS", "a above 5", a, None, "above", 5)]
        out = claims.judge("CS", run_of(bench("s/a/process/measure:m", [5] * 5)), rules)[1][0]
        self.assertIsNone(out.holds)


class Robustness(unittest.TestCase):
    """Break robustness-lists-context: the line after each claim's table names only the
    counted predictions whose outcome moves with the thresholds, never a context row."""
    A, B, C = (key("s", "a", "process", "m"), key("s", "b", "thread", "m"),
               key("s", "c", "process", "m"))

    def test_a_context_row_that_moves_is_not_listed(self):
        rules = [claims.Rule("CR", "a well past b", self.A, self.B, "greater", 1.5),
                 claims.Rule("CR", "c just past b", self.C, self.B, "greater", 1.5,
                             counted=False)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        run = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b,
                     bench("s/c/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]))
        # The context row does move: 25% harder (1.625x) it fails.
        harder = [claims.moved(r, 1 + claims.ROBUSTNESS) for r in rules]
        self.assertFalse(claims.judge("CR", run, harder)[1][1].holds)
        self.assertEqual(claims.fragility("CR", run, rules), (["supported", "supported"], []))
        line = verdicts.robustness_line("CR", run, rules)
        self.assertTrue(line.startswith("**Robust:**"), line)
        self.assertNotIn("c just past b", line)

    def test_a_counted_row_that_moves_is_listed(self):
        rules = [claims.Rule("CR", "a well past b", self.A, self.B, "greater", 1.5),
                 claims.Rule("CR", "c just past b", self.C, self.B, "greater", 1.5)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        run = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b,
                     bench("s/c/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]))
        self.assertEqual(claims.fragility("CR", run, rules)[1], ["c just past b"])
        self.assertIn("c just past b", verdicts.robustness_line("CR", run, rules))


class EdgesOfTheVerdictLogic(unittest.TestCase):
    """What the verdict logic does at its edges, where make coverage found branches no
    test took: empty samples, a row that is not a benchmark, a folder that cannot be
    written."""

    def test_median_of_nothing_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.median_ci([])

    def test_rank_test_floor_of_an_empty_side(self):
        self.assertEqual(stats.rank_test_min_p(0, 5), 1.0)
        self.assertEqual(stats.rank_test_min_p(5, 0), 1.0)
        self.assertAlmostEqual(stats.rank_test_min_p(5, 5), 1 / 252)
        self.assertAlmostEqual(stats.rank_test_min_p(5, 5, "two-sided"), 2 / 252)

    def test_rules_at_their_edges(self):
        a, b = key("s", "a", "process", "m"), key("s", "b", "thread", "m")
        five = [10, 10.1, 10.2, 10.3, 10.4]
        # "within 10%" moved 25% harder is within 8%, easier within 12.5%; equals stays.
        sim = claims.Rule("CE", "a ~ b", a, b, "similar", 0.1)
        self.assertAlmostEqual(claims.moved(sim, 1.25).threshold, 0.08)
        self.assertAlmostEqual(claims.moved(sim, 0.75).threshold, 0.1 / 0.75)
        eq = claims.Rule("CE", "a is 2", a, None, "equals", 2, "n")
        self.assertIs(claims.moved(eq, 1.25), eq)
        # A benchmark that failed, or was not run, gives no outcome but says why.
        failed = bench("s/a/process/measure:m", five)
        failed.error = "fork: Resource temporarily unavailable"
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(failed, bench("s/b/thread/measure:m", five)))
        self.assertIsNone(o.holds)
        self.assertFalse(o.undecided)
        self.assertIn("Resource temporarily unavailable", o.why)
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(bench("s/b/thread/measure:m", five)))
        self.assertIn("was not run", o.why)
        # Too few repetitions for any exact test: undecided, with the reason.
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(bench("s/a/process/measure:m", [30, 31, 32]),
                                   bench("s/b/thread/measure:m", [10, 11])))
        self.assertTrue(o.undecided)
        self.assertIn("cannot reach", o.why)
        with self.assertRaises(ValueError):
            claims.evaluate(claims.Rule("CE", "a ? b", a, None, "about", 1),
                            run_of(bench("s/a/process/measure:m", five)))

    def test_samples_rows(self):
        def tidy(rows):
            with tempfile.TemporaryDirectory() as folder:
                return samples.tidy(folder, {"context": {}, "benchmarks": rows})[1]
        with self.assertRaises(results.ResultsError):
            tidy([{"run_type": "iteration", "real_time": 1.0}])  # no name
        with self.assertRaises(results.ResultsError):
            tidy(["not a row"])
        # Aggregates and names of another suite are left out, as the report leaves them.
        self.assertEqual(tidy([{"name": "s/a/process/measure:m_mean", "run_type": "aggregate",
                                "real_time": 1.0},
                               {"name": "BM_other/8", "real_time": 1.0}]), [])
        with self.assertRaises(results.ResultsError):
            tidy([{"name": "s/a/process/measure:m", "real_time": "fast"}])

    def test_samples_script_errors(self):
        script = os.path.join(ROOT, "scripts", "samples.py")
        r = subprocess.run([sys.executable, script], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("samples.csv", r.stdout)
        with tempfile.TemporaryDirectory() as folder:
            r = subprocess.run([sys.executable, script, folder], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.startswith("tvp: "), r.stderr)
            self.assertNotIn("Traceback", r.stderr)

    def test_samples_unwritable_folder(self):
        # samples.csv cannot be written where a folder has its name (root or not).
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "benchmarks.json"), "w") as f:
                json.dump({"context": {"name_schema": "2", "tvp_version": "t", "profile": "quick",
                                       "placement": "none"}, "benchmarks": []}, f)
            os.mkdir(os.path.join(folder, "samples.csv"))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "samples.py"),
                                folder], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(folder, "samples.csv.tmp")))
            self.assertIn("cannot write", r.stderr)


class RuleWords(unittest.TestCase):
    """Breaks py-rule-thread-threshold and the like: a rule's threshold is the number its
    own words give ("under 64 KiB" is below 64, "at least twice" is greater than 2), so
    a threshold typed wrong cannot hide behind a reference run that passes either way."""

    def test_thresholds_say_what_the_words_say(self):
        from verdicts import py_rules
        seen = 0
        for r in list(claims.RULES) + list(py_rules.PY_RULES):
            with self.subTest(rule=r.prediction):
                m = re.search(r"under (\d+) KiB", r.prediction)
                if m:
                    self.assertEqual((r.relation, r.threshold), ("below", int(m.group(1))))
                    seen += 1
                if re.search(r"at least twice", r.prediction):
                    self.assertEqual((r.relation, r.threshold), ("greater", 2.0))
                    seen += 1
        self.assertGreaterEqual(seen, 4)


class RowsRunInARow(unittest.TestCase):
    """The verdict logic for rows whose repetitions ran in a row (a server kept up, no
    p-value): a comparison holds or fails only when every repetition lies on one side of
    the threshold, else it is undecided; for "greater" and for "within x", both ways. A
    run without a description never counts a row as run in a row. make coverage found
    these outcomes untested."""

    A, B = key("s", "a", "process", "m"), key("s", "b", "thread", "m")

    def outcome(self, relation, threshold, a, b):
        from verdicts import engine
        return engine.in_a_row_comparison(
            claims.Rule("CE", "a against b", self.A, self.B, relation, threshold), a, b, {})

    def test_greater(self):
        self.assertIs(self.outcome("greater", 2.0, [21, 22, 25], [10, 10.5, 9]).holds, True)
        self.assertIs(self.outcome("greater", 2.0, [12, 13, 14], [10, 10.5, 9]).holds, False)
        o = self.outcome("greater", 2.0, [18, 22, 25], [10, 10.5, 9])
        self.assertIsNone(o.holds)
        self.assertTrue(o.undecided)
        self.assertIn("overlap the threshold", o.why)
        self.assertIsNone(o.p_diff)

    def test_within(self):
        self.assertIs(self.outcome("similar", 0.1, [10, 10.2, 10.4], [10.1, 10.3, 10]).holds,
                      True)
        self.assertIs(self.outcome("similar", 0.1, [13, 14, 15], [10, 10.3, 10.1]).holds,
                      False)
        self.assertIs(self.outcome("similar", 0.1, [7, 7.5, 8], [10, 10.3, 10.1]).holds,
                      False)
        o = self.outcome("similar", 0.1, [10, 11.5, 10.2], [10, 10.3, 10.1])
        self.assertTrue(o.undecided)
        with self.assertRaises(ValueError):
            self.outcome("about", 1.0, [1], [1])

    def test_no_description(self):
        from verdicts import engine
        self.assertFalse(engine.ran_in_a_row(object(), self.A))


class ClaimKeys(unittest.TestCase):
    """Break claim-pair-forgotten: make claim runs the benchmarks of the claim's key pair
    (the thread and process numbers its handout page and the claims table show) as well
    as its rules', resolved to this machine's PUs."""

    def test_the_key_pair_is_run(self):
        from running import claim
        pus = len(os.sched_getaffinity(0))
        for c, spec in claims.CLAIMS.items():
            pair = spec.get("key")
            if not pair:
                continue
            with self.subTest(claim=c):
                keys = claim.needed_keys(c)
                for k in (pair.thread, pair.process):
                    self.assertIn(k.resolve(pus), keys)

    def test_a_pair_no_rule_reads_is_run_too(self):
        # Every claim's pair is also read by a rule today: a claim whose pair no rule
        # reads shows whether the pair itself is asked for.
        from running import claim
        t, p = key("s", "t", "thread", "m"), key("s", "p", "process", "m")
        pair = claims.KeyPair(t, p, "time", "µs")
        with mock.patch.dict(claims.CLAIMS, {"CZ": {"key": pair}}):
            self.assertEqual(claim.needed_keys("CZ"), [t, p])


if __name__ == "__main__":
    unittest.main()
