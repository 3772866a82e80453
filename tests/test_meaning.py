"""test_meaning.py - the fast tier's golden reading of issue 25: each claim judged on what
its sentence says, on the reference run and on made-up rows, one test per item.

Tier: golden (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class ClaimsMeaning(unittest.TestCase):
    """Issue 25: each claim judged on what its sentence says. One test per item; each
    fails when its item is undone."""

    @classmethod
    def setUpClass(cls):
        cls.ref = results.load(REFERENCE)

    @staticmethod
    def schedule(rows):
        """A pool_notes-like Bench whose one repetition ran the tasks of rows, each
        (worker, start_ms, end_ms), in the order submitted."""
        b = bench("pool/pool/process/measure:notes/kind:fork", [1.0])
        for i, (w, start, end) in enumerate(rows):
            b.counters.update({f"task{i}_worker": [w], f"task{i}_start_ms": [start],
                               f"task{i}_end_ms": [end]})
        return b

    # --- C4 -------------------------------------------------------------------------
    def test_c4_key_number_is_the_notes_python_queue_with_pickling_alone(self):
        from report import claims_table
        pair = claims.CLAIMS["C4"]["key"]
        self.assertEqual((pair.thread.scenario, pair.thread.variant), ("python", "queue"))
        self.assertEqual((pair.process.scenario, pair.process.variant), ("python", "mp_queue"))
        self.assertEqual(pair.within.variant, "pickle")
        cell = claims_table.key_text("C4", self.ref)
        self.assertIn("multiprocessing.Queue against queue.Queue", cell)
        self.assertRegex(cell, r"process = \d+ × thread, of which pickling alone [\d.]+ µs")
        # C's condition-variable queue is no longer called the notes' example
        from report import ipc
        words = " ".join(ipc.queue3_part(self.ref))
        self.assertNotIn("the notes' example", words)
        self.assertNotIn("The notes' Queue(3)", words)
        self.assertIn("the primitives underneath", words)

    def test_c4_notes_loop_is_context_and_reads_no_data_without_its_row(self):
        rule = next(r for r in claims.RULES if r.claim == "C4" and "q.empty()" in r.prediction)
        self.assertFalse(rule.counted)
        self.assertIn("The queue loses nothing", rule.prediction)
        self.assertEqual(str(rule.a), "python/mp_queue/process/measure:notes_loop")
        out = claims.evaluate(rule, run_of())           # a run without the row
        self.assertIsNone(out.holds)
        self.assertFalse(out.undecided)
        self.assertEqual(out.gap, "missing data")
        b = bench("python/mp_queue/process/measure:notes_loop", [1, 1, 1, 1, 1])
        b.counters = {"runs": [200] * 5, "runs_short": [30, 41, 28, 35, 33],
                      "items_lost": [40, 50, 35, 44, 41]}
        self.assertTrue(claims.evaluate(rule, run_of(b)).holds)

    # --- C5 -------------------------------------------------------------------------
    def test_c5_waiting_counted_from_the_schedules(self):
        three = [(0, 0, 2), (1, 0, 25), (2, 0, 13), (0, 2.1, 16), (2, 13.3, 21),
                 (0, 16.5, 34), (2, 21.8, 45), (1, 25.1, 51), (0, 34.2, 36), (0, 36.6, 66)]
        self.assertEqual(self.schedule(three).values("tasks_waited"), [7.0])
        # a fourth worker for the fourth task (a pool that did not make it wait), and a
        # task that started before its worker's previous one ended: neither waited
        other = [(0, 0, 2), (1, 0, 25), (2, 0, 13), (3, 0, 16)] + \
            [(0, 1.0, 16)] + three[5:]
        self.assertEqual(self.schedule(other).values("tasks_waited"), [5.0])
        counted = {r.prediction: r for r in claims.RULES if r.claim == "C5" and r.counted}
        waits = [r for r in counted.values() if r.metric == "tasks_waited"]
        self.assertEqual({r.a.scenario for r in waits}, {"pool", "python"})
        for r in waits:
            self.assertTrue(claims.evaluate(r, self.ref).holds, r.prediction)

    def test_c5_only_while_not_full_judged_on_the_notes_pool(self):
        c5 = [r for r in claims.RULES if r.claim == "C5"]
        lazy = [r for r in c5 if r.part == claims.ONLY_WHILE_NOT_FULL]
        self.assertTrue(lazy and all(r.counted and r.a.scenario == "python" for r in lazy))
        self.assertFalse(claims.evaluate(lazy[0], self.ref).holds)   # all 3 up front
        eager = [r for r in c5 if r.metric == "workers_created_before_submit"]
        self.assertTrue(eager and not any(r.counted for r in eager))
        self.assertIn("built eagerly", eager[0].prediction)

    def test_c5_key_numbers_are_workers_made_and_tasks_waited(self):
        from report import claims_table
        metrics = [claims.CLAIMS["C5"]["key"].metric] + \
            [p.metric for p in claims.CLAIMS["C5"].get("also", [])]
        self.assertEqual(metrics, ["workers_created", "tasks_waited"])
        cell = claims_table.key_text("C5", self.ref)
        self.assertIn("thread 3 of 10 · process 3 of 10: workers made", cell)
        self.assertIn("thread 7 of 10 · process 7 of 10: tasks that waited", cell)

    # --- C6 -------------------------------------------------------------------------
    def test_c6_counts_the_plain_process_contrast(self):
        rule = next(r for r in py_rules.PY_RULES if r.claim == "C6" and "子进程会" in r.prediction)
        self.assertTrue(rule.counted)
        self.assertEqual(str(rule.a), "python/process/process/measure:exception/fetch:none")
        out = claims.evaluate(rule, run_of())           # a run without the row
        self.assertEqual(out.gap, "missing data")
        self.assertIn("was not run", out.why)
        b = bench("python/process/process/measure:exception/fetch:none", [1] * 5)
        b.counters = {"shown": [1] * 5, "stderr_bytes": [420] * 5}
        self.assertTrue(claims.evaluate(rule, run_of(b)).holds)

    # --- C7 and noise ---------------------------------------------------------------
    def test_c7_counts_creation_as_c2_does(self):
        c2 = next(r for r in claims.RULES if r.claim == "C2" and r.a == claims.create(
            *claims.FORK, parent=claims.MINIMAL) and r.b == claims.create(
            *claims.THREAD, parent=claims.MINIMAL))
        c7 = [r for r in claims.RULES if r.claim == "C7" and r.counted and (r.a, r.b) ==
              (c2.a, c2.b)]
        self.assertEqual(len(c7), 1)
        self.assertEqual((c7[0].relation, c7[0].threshold), ("greater", 1.5))
        self.assertTrue(claims.evaluate(c7[0], self.ref).holds)

    def test_a_noisy_counted_comparison_is_undecided(self):
        a, b = key("s", "a", "process", "m"), key("s", "b", "thread", "m")
        rule = claims.Rule("CN", "a > b", a, b, "greater", 1.25)
        # bimodal a: CV far above 30%, repetitions on both sides of 1.25 x b
        noisy = run_of(bench("s/a/process/measure:m", [2, 2.1, 2.2, 9, 9.5]),
                       bench("s/b/thread/measure:m", [4, 4.1, 4.2, 4.3, 4.4]))
        out = claims.evaluate(rule, noisy)
        self.assertIsNone(out.holds)
        self.assertTrue(out.undecided and out.noisy)
        self.assertIn("too noisy here", out.why)
        self.assertEqual(claims.judge("CN", noisy, [rule])[0], "undecided")
        # the same spread clear of the threshold still decides (1000x stays 1000x)
        clear = run_of(bench("s/a/process/measure:m", [2000, 2100, 2200, 9000, 9500]),
                       bench("s/b/thread/measure:m", [4, 4.1, 4.2, 4.3, 4.4]))
        self.assertTrue(claims.evaluate(rule, clear).holds)
        # context rows are shown as measured
        ctx = claims.Rule("CN", "a > b", a, b, "greater", 1.25, counted=False)
        self.assertFalse(claims.evaluate(ctx, noisy).undecided and
                         "too noisy" in claims.evaluate(ctx, noisy).why)

    def test_an_outcome_that_flips_between_placements_is_undecided(self):
        def pair(pin, a_times):
            return [bench(f"ipc/ring/process/measure:throughput/kind:fork/pin:{pin}", a_times),
                    bench(f"ipc/ring/thread/measure:throughput/kind:pthread/pin:{pin}",
                          [10, 10.1, 10.2, 10.3, 10.4])]
        rule = claims.Rule("CP", "processes dearer", key(
            "ipc", "ring", "process", "throughput", kind="fork", pin="diff_core"), key(
            "ipc", "ring", "thread", "throughput", kind="pthread", pin="diff_core"),
            "greater", 1.25)
        alone = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]))
        self.assertFalse(claims.evaluate(rule, alone).holds)
        both = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]),
                      *pair("none", [20, 20.1, 20.2, 20.3, 20.4]))
        out = claims.evaluate(rule, both)
        self.assertIsNone(out.holds)
        self.assertIn("pin:none", out.why)
        agree = run_of(*pair("diff_core", [4, 4.1, 4.2, 4.3, 4.4]),
                       *pair("none", [5, 5.1, 5.2, 5.3, 5.4]))
        self.assertFalse(claims.evaluate(rule, agree).holds)
        # the reference's ring at 64 KiB on two cores: bimodal, undecided
        shm = next(r for r in claims.RULES if r.claim == "C7" and "64 KiB" in r.prediction)
        self.assertIn("too noisy here", claims.evaluate(shm, self.ref).why)

    # --- C2 -------------------------------------------------------------------------
    def test_c2_verdict_line_and_handout_say_which_part_holds(self):
        from report import handout
        from report import verdicts
        line = verdicts.rules_table("C2", self.ref)[0]
        held, failed, mixed = claims.parts(claims.judged("C2", self.ref)[1])
        self.assertIn("a child copies the parent's data when it is made", failed)
        self.assertIn("creating one grows with the parent's memory (fork copies its page "
                      "tables)", held)
        self.assertIn("What holds: " + "; ".join(held), line)
        self.assertIn("What does not: " + "; ".join(failed), line)
        if mixed:
            self.assertIn("Partly: " + "; ".join(mixed), line)
        # The page draws its figure into the folder it is given: a scratch one, never
        # results/reference (a figure script's change would rewrite the reference's).
        with tempfile.TemporaryDirectory(prefix="tvp-meaning-") as scratch:
            page = "\n".join(handout.page("C2", self.ref, scratch))
        # The handout says a failed part in its one form, with what is true instead.
        self.assertIn("“a child copies the parent's data when it is made” fails: fork copies "
                      "page tables only", page)

    # --- statistics and words -------------------------------------------------------
    def test_majority_rule_at_its_edges(self):
        from report.verdicts import verdict_with_gaps

        def outs(*states):
            made = []
            for i, s in enumerate(states):
                r = claims.Rule("CM", f"p{i}", None, None, "above", 0)
                made.append(claims.Outcome(r, holds=s if isinstance(s, bool) else None,
                                           undecided=s == "u"))
            return made
        self.assertEqual(claims.verdict(outs(True, True, "u")), "supported")       # 2 of 3
        self.assertEqual(claims.verdict(outs(True, False, "u", "m")), "undecided")  # 2 of 4
        self.assertEqual(claims.verdict(outs(True, False, True, "u", "m")), "nuanced")
        self.assertEqual(claims.verdict(outs(True, "u")), "undecided")             # 1 of 2
        self.assertEqual(claims.verdict(outs(False, False, "u")), "not supported")
        self.assertEqual(claims.verdict(outs("u", "u")), "undecided")
        self.assertEqual(claims.verdict(outs("m", "m")), "missing data")
        mixed = outs(True, "u", "m")                       # partly undecided, partly no data
        self.assertEqual(claims.verdict(mixed), "undecided")
        words = verdict_with_gaps("undecided", mixed)
        self.assertIn("1 of 3 predictions decided (1 undecided, 1 without data)", words)
        self.assertIn("more repetitions or a calmer machine", words)
        self.assertIn("a run with the rows this one lacks", words)
        with open(os.path.join(ROOT, "CLAIMS.md")) as f:
            self.assertIn("a verdict needs more than 50% of its counted rows decided", f.read())

    def test_python_undecided_apart_from_no_data(self):
        from report import python
        text = "\n".join(python.rules_part(self.ref))
        undecided, _, absent = text.partition("Not tested here, their rows being absent")
        self.assertIn("Measured here but undecided:", undecided)
        self.assertIn("a multiprocessing.Queue costs processes more", undecided)
        self.assertNotIn("a multiprocessing.Queue costs processes more", absent)
        # A run without a row says so apart, never as undecided.
        ctx = dict(self.ref.ctx)
        without = results.Run(ctx, self.ref.describe,
                              {k: b for k, b in self.ref.benches.items()
                               if str(k) != "python/process/process/measure:exception/fetch:none"})
        text = "\n".join(python.rules_part(without))
        undecided, _, absent = text.partition("Not tested here, their rows being absent")
        self.assertIn("a plain Process whose target raises", absent)
        self.assertNotIn("a plain Process whose target raises", undecided)

    def test_within_only_where_the_equivalence_test_shows_it(self):
        from report import scale
        t = bench("scale/cpu/thread/measure:rate/kind:pthread/pin:none/workers:2", [1] * 5)
        p = bench("scale/cpu/process/measure:rate/kind:fork/pin:none/workers:2", [1] * 5)
        t.counters = {"ops_per_s": [100, 101, 102, 103, 104]}
        p.counters = {"ops_per_s": [101, 102, 103, 104, 105]}
        self.assertTrue(scale.equivalent(t, p))
        p.counters = {"ops_per_s": [60, 90, 102, 130, 150]}
        self.assertFalse(scale.equivalent(t, p))
        text = "\n".join(scale.reading(self.ref, ["cpu", "memory", "shared_counter",
                                                  "false_sharing_shared"], "pthread", "fork"))
        self.assertIn("within 10% of each other at cpu", text)
        # A workload inside the margin by its medians but not shown so by the test.
        self.assertRegex(text, r"Not distinguishable here at \w+")

    def test_rows_run_in_a_row_get_no_p_value(self):
        from report.verdicts import p_text
        a = bench("python/process/process/measure:create/start_method:fork", [10, 11, 12, 13, 14])
        b = bench("python/thread/thread/measure:create", [1, 1.1, 1.2, 1.3, 1.4])
        rule = claims.Rule("CR", "process dearer", a.key, b.key, "greater", 1.5)
        in_a_row = Describe({"scenarios": [{"name": "python", "in_a_row": True,
                                            "families": [{"measure": "create"}]}]})
        out = claims.evaluate(rule, run_of(a, b, describe=in_a_row))
        self.assertTrue(out.holds)
        self.assertIsNone(out.p)
        self.assertIsNone(out.p_diff)
        self.assertEqual(p_text(out), "no p: ran in a row")
        # a family that says it interleaves gets its test back
        interleaved = Describe({"scenarios": [{"name": "python", "in_a_row": True,
                                               "families": [{"measure": "create",
                                                             "in_a_row": False}]}]})
        self.assertIsNotNone(claims.evaluate(rule, run_of(a, b, describe=interleaved)).p)
        # and the reference's Python rows (the scenario says in_a_row): none has a p
        for r in py_rules.PY_RULES:
            if r.b is not None:
                self.assertIsNone(claims.evaluate(r, self.ref).p, r.prediction)

    def test_python_c1_says_user_memory_only(self):
        from report import python
        for r in py_rules.PY_RULES:
            if r.claim == "C1" and r.b is not None:
                self.assertIn("user memory only", r.prediction)
        self.assertIn("User memory only", "\n".join(python.memory_part(self.ref)))

    def test_compare_labels_the_intervals_real_coverage(self):
        from runs import compare_runs
        entry = compare_runs.Entry("r", REFERENCE, self.ref)
        words = compare_runs.coverage_words([entry])
        self.assertIn("93.75% with 5 repetitions", words)
        self.assertNotIn("95%", words)

    def test_no_import_circle_between_the_rule_tables(self):
        import ast

        def imports(path):
            """Every module a file imports, by its last name (`from verdicts import
            claims` and `import claims` are both claims), the file found anywhere below
            scripts/."""
            (where,) = [os.path.join(d, path) for d, _, files in os.walk(os.path.join(ROOT, "scripts"))
                        if path in files]
            with open(where) as f:
                tree = ast.parse(f.read())
            names = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[-1] for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    names.add((node.module or "").split(".")[-1])
                    names |= {a.name for a in node.names}
            return names
        self.assertNotIn("claims", imports("py_rules.py"))
        self.assertFalse({"claims", "py_rules"} & imports("engine.py"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
