"""test_units.py - the fast tier's units: pure functions of scripts/ on made-up runs, no
build and no reference run: the statistics, names read by their fields, the claim rules
(every outcome), the scale and copy-on-write sections, perf's takes in the ipc section.

Tier: unit (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class Stats(unittest.TestCase):
    def test_median_interval_by_hand(self):
        # n = 10: ranks 2 and 9 hold the median with 1 - 2 * 11/1024 = 97.85%.
        med, lo, hi, cov = stats.median_ci([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
        self.assertEqual((med, lo, hi), (5.5, 2, 9))
        self.assertAlmostEqual(cov, 1 - 22 / 1024)
        # n = 5 cannot reach 95%: [min, max] at 1 - 2/32.
        self.assertEqual(stats.median_ci([5, 1, 4, 2, 3]), (3, 1, 5, 0.9375))

    def test_u_test_by_hand(self):
        # 4 against 4, fully separated: 2 / C(8, 4) = 2/70.
        self.assertAlmostEqual(stats.u_test([1, 2, 3, 4], [5, 6, 7, 8]), 2 / 70)
        # One swap (U = 1): P(U <= 1) = 2/70 per side, so p = 4/70.
        self.assertAlmostEqual(stats.u_test([1, 2, 3, 5], [4, 6, 7, 8]), 4 / 70)
        self.assertAlmostEqual(stats.u_test_min_p(3, 3), 0.1)

    def test_median_of_skewed_samples(self):
        # One slow repetition pulls the mean far off; the median stays put. Every
        # table uses Bench.median, so it must be the median, not the mean.
        self.assertEqual(stats.median_ci([1, 2, 3, 4, 100])[0], 3)
        self.assertEqual(stats.median_ci([100, 1, 2, 4])[0], 3)
        b = bench("s/a/thread/measure:m", [10, 11, 12, 13, 500])
        self.assertEqual(b.median, 12)
        b.counters = {"x_kib": [1, 1, 2, 90, 1]}
        self.assertEqual(b.counter("x_kib"), 1)

    def test_cv(self):
        self.assertAlmostEqual(stats.cv([1, 1, 1]), 0)
        self.assertAlmostEqual(stats.cv([9, 11]), (2 ** 0.5) / 10)


class Names(unittest.TestCase):
    """Names of schema 2 are read by their fields; the one key builder matches by them."""

    def test_fields_without_google_benchmarks_suffixes(self):
        k = results.parse_name("create/fork/process/measure:round_trip/layout:thp/"
                               "parent_mib:1024/iterations:3/manual_time")
        self.assertEqual(k.fields(), {"scenario": "create", "variant": "fork",
                                      "mode": "process", "measure": "round_trip",
                                      "layout": "thp", "parent_mib": 1024})
        self.assertIsInstance(k.args["parent_mib"], int)
        self.assertEqual(str(k), "create/fork/process/measure:round_trip/layout:thp/"
                                 "parent_mib:1024")
        self.assertEqual(results.parse_name("ipc/cacheline/thread/measure:latency/kind:pthread/"
                                            "pin:none/real_time").args,
                         {"kind": "pthread", "pin": "none"})

    def test_other_names_are_not_keys(self):
        for name in ("create/fork/process/parent_mib:0/manual_time",   # schema 1: no measure
                     "probe/manual/thread/us:3/iterations:10/manual_time",
                     "create/fork/sometimes/measure:round_trip", "BM_memcpy/8"):
            self.assertIsNone(results.parse_name(name), name)

    def test_key_builder_matches_by_fields_in_any_order(self):
        b = bench("ipc/pipe/process/measure:throughput/msg_bytes:64/pin:none/kind:fork",
                  [1, 2, 3])
        r = run_of(b)
        self.assertIs(r.get("ipc", "pipe", "process", "throughput", kind="fork", pin="none",
                            msg_bytes=64), b)
        self.assertEqual(key("ipc", "pipe", "process", "throughput", pin="none", kind="fork",
                             msg_bytes=64), b.key)
        self.assertIs(r.ok("ipc", "pipe", "process", measure="throughput", msg_bytes=64,
                           kind="fork", pin="none"), b)
        # A key names one benchmark: every field, no more, no fewer, and the mode too.
        self.assertIsNone(r.get("ipc", "pipe", "process", "throughput", kind="fork",
                                msg_bytes=64))
        self.assertIsNone(r.get("ipc", "pipe", "thread", "throughput", kind="fork", pin="none",
                                msg_bytes=64))
        self.assertIsNone(r.get("ipc", "pipe", "process", "throughput", kind="fork", pin="none",
                                msg_bytes=64, extra=1))
        # select matches the fields it is given, whatever the others are.
        self.assertEqual(r.select("ipc", kind="fork"), [b])
        self.assertEqual(r.select("ipc", "latency"), [])
        # Every lookup is recorded, so a test can list the keys the report wants.
        self.assertIn(b.key, r.requested)

    def test_machine_pus_fill_a_rule_key(self):
        b = bench("pool/pool/thread/measure:throughput/kind:pthread/task_ns:0/workers:4", [1])
        r = run_of(b, ctx={"pus": "4"})
        self.assertIs(r.bench(key("pool", "pool", "thread", "throughput", kind="pthread",
                                  task_ns=0, workers=results.PUS)), b)

    def test_mode_is_the_names_and_kinds_are_the_runs(self):
        d = Describe({"worker_kinds": [{"name": "pthread", "mode": "thread"},
                                       {"name": "fork", "mode": "process"}]})
        r = run_of(describe=d)
        self.assertEqual(r.kind_of(bench("globals/fork/process/measure:nums/shared:0")), "fork")
        self.assertEqual(r.kind_of(bench("scale/cpu/process/measure:rate/kind:fork/pin:none/"
                                         "workers:1")), "fork")
        self.assertIsNone(r.kind_of(bench("ipc/memcpy/thread/measure:copy/msg_bytes:64")))
        self.assertEqual(d.mode_of("fork"), "process")
        self.assertIsNone(d.mode_of("fork_twin"))


class Claims(unittest.TestCase):
    A, B, C = (key("s", "a", "process", "m"), key("s", "b", "thread", "m"),
               key("s", "c", "process", "m"))
    RULES = [claims.Rule("CX", "a > b", A, B, "greater", 2.0),
             claims.Rule("CX", "c > b", C, B, "greater", 2.0)]

    def judge(self, *benches):
        return claims.judge("CX", run_of(*benches), self.RULES)

    def test_supported(self):
        v, _ = self.judge(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                          bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                          bench("s/c/process/measure:m", [40, 41, 42, 43, 44]))
        self.assertEqual(v, "supported")

    def test_not_supported(self):
        v, outs = self.judge(bench("s/a/process/measure:m", [10, 11, 12, 13, 14]),
                             bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                             bench("s/c/process/measure:m", [11, 12, 13, 14, 15]))
        self.assertEqual(v, "not supported")
        self.assertFalse(any(o.holds for o in outs))

    def test_nuanced(self):
        v, _ = self.judge(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                          bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                          bench("s/c/process/measure:m", [10, 11, 12, 13, 14]))
        self.assertEqual(v, "nuanced")

    def test_ratio_without_significance_is_undecided(self):
        # Medians 2.6x apart but overlapping samples (CVs near 20%, below the noise
        # limit): the rank test cannot put a beyond twice b, nor short of it; with the
        # other prediction alone decided, 1 of 2 is not a majority: undecided.
        v, outs = self.judge(bench("s/a/process/measure:m", [20, 30, 31, 32, 36]),
                             bench("s/b/thread/measure:m", [10, 11, 12, 13, 17]),
                             bench("s/c/process/measure:m", [100, 101, 102, 103, 104]))
        self.assertIsNone(outs[0].holds)
        self.assertTrue(outs[0].undecided)
        self.assertIn("not significantly", outs[0].why)
        self.assertEqual(v, "undecided")

    def test_threshold_relations_on_counters(self):
        b = bench("s/a/process/measure:m", [1, 2, 3, 4, 5])
        b.counters = {"x_kib": [10, 10, 10, 10, 10], "y_kib": [6, 6, 7, 6, 6]}
        r = run_of(b)
        rules = [claims.Rule("CY", "sum above 15", b.key, None, "above", 15, "x_kib+y_kib"),
                 claims.Rule("CY", "x below 11", b.key, None, "below", 11, "x_kib"),
                 claims.Rule("CY", "x equals 10", b.key, None, "equals", 10, "x_kib")]
        v, outs = claims.judge("CY", r, rules)
        self.assertEqual(v, "supported")
        self.assertEqual(outs[0].value, 16)
        rules.append(claims.Rule("CY", "y equals 6", b.key, None, "equals", 6, "y_kib"))
        self.assertEqual(claims.judge("CY", r, rules)[0], "nuanced")
        missing = [claims.Rule("CY", "no such counter", b.key, None, "above", 1, "z_kib")]
        v, outs = claims.judge("CY", r, missing)
        self.assertEqual(v, "missing data")
        self.assertIn("no z_kib samples", outs[0].why)

    def test_similar_is_a_band_around_one(self):
        similar = [claims.Rule("CS", "a ~ b", self.A, self.B, "similar", 0.10)]
        b = bench("s/b/thread/measure:m", [100, 101, 102, 103, 104])
        for a_times, holds in (([104, 105, 106, 107, 108], True),    # +4%
                               ([96, 97, 98, 99, 100], True),         # -2%
                               ([120, 121, 122, 123, 124], False),    # +20%
                               ([80, 81, 82, 83, 84], False)):        # -20%
            v, outs = claims.judge("CS", run_of(bench("s/a/process/measure:m", a_times), b),
                                   similar)
            self.assertEqual(outs[0].holds, holds, a_times)

    def test_degenerate_samples_are_undecided_not_a_crash(self):
        a = bench("s/a/process/measure:m", [30, 31, 32, 33, 34])
        zero = bench("s/b/thread/measure:m", [0, 0, 0, 0, 0])
        one = bench("s/b/thread/measure:m", [10])
        c = bench("s/c/process/measure:m", [40, 41, 42, 43, 44])
        for b, why in ((zero, "median 0"), (one, "one repetition")):
            v, outs = self.judge(a, b, c)
            self.assertEqual(v, "undecided")
            self.assertTrue(all(o.undecided and o.holds is None for o in outs))
            self.assertIn(why, outs[0].why)
            self.assertEqual(outs[0].gap, "undecided")

    def test_missing_data(self):
        v, outs = self.judge(bench("s/b/thread/measure:m", [10, 11, 12]))
        self.assertEqual(v, "missing data")
        self.assertIn("s/a/process/measure:m was not run", outs[0].why)

    def test_rules_need_the_machines_pus(self):
        rule = claims.Rule("CZ", "per PU", key("s", "a", "thread", "m", workers=results.PUS),
                           None, "above", 1)
        v, outs = claims.judge("CZ", run_of(), [rule])
        self.assertEqual(v, "missing data")
        self.assertIn("how many PUs", outs[0].why)

    def test_claims_md_is_written_from_the_rules(self):
        from report import claims_doc
        with open(os.path.join(ROOT, "CLAIMS.md")) as f:
            self.assertEqual(f.read(), claims_doc.document(),
                             "CLAIMS.md is out of date: make claims-doc")

    def test_fragile_when_a_threshold_move_changes_the_verdict(self):
        # 1.6x against a threshold of 1.5: 25% harder (1.625) it fails; 3x stays.
        rules = [claims.Rule("CF", "a > b", self.A, self.B, "greater", 1.5)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        thin = run_of(bench("s/a/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]), b)
        wide = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b)
        self.assertEqual(claims.judge("CF", thin, rules)[0], "supported")
        self.assertTrue(claims.is_fragile("CF", thin, rules))
        self.assertEqual(claims.fragility("CF", thin, rules)[1], ["a > b"])
        self.assertFalse(claims.is_fragile("CF", wide, rules))

    def test_ties_make_a_directional_prediction_fail_not_hold(self):
        # Equal rates, tight: "a is 10% ahead" fails (an exact test puts it short), and
        # "within 10%" holds by equivalence; with noise, both are undecided.
        rules = [claims.Rule("CT", "a ahead", self.A, self.B, "greater", 1.1),
                 claims.Rule("CT", "a ~ b", self.A, self.B, "similar", 0.1)]
        tight = run_of(bench("s/a/process/measure:m", [100, 100.2, 100.4, 100.6, 100.8]),
                       bench("s/b/thread/measure:m", [100.1, 100.3, 100.5, 100.7, 100.9]))
        outs = claims.judge("CT", tight, rules)[1]
        self.assertEqual([o.holds for o in outs], [False, True])
        self.assertEqual(outs[0].direction, "no difference")
        noisy = run_of(bench("s/a/process/measure:m", [60, 80, 100, 120, 140]),
                       bench("s/b/thread/measure:m", [61, 81, 101, 121, 141]))
        outs = claims.judge("CT", noisy, rules)[1]
        self.assertEqual([o.holds for o in outs], [None, None])
        self.assertTrue(all(o.undecided for o in outs))

    def test_past_the_threshold_means_beyond_threshold_times_b(self):
        # a is clearly more than b, and its median 1.53x b's, but its values straddle
        # 1.5 x b's: "at least 1.5x" is undecided, not held.
        rules = [claims.Rule("CG", "a >= 1.5 b", self.A, self.B, "greater", 1.5)]
        r = run_of(bench("s/a/process/measure:m", [14.6, 15.1, 15.4, 15.6, 16.0]),
                   bench("s/b/thread/measure:m", [9.8, 9.9, 10.1, 10.3, 10.6]))
        o = claims.judge("CG", r, rules)[1][0]
        self.assertGreaterEqual(o.ratio, 1.5)
        self.assertEqual(o.direction, "a ahead")
        self.assertIsNone(o.holds)
        self.assertTrue(o.undecided)

    def test_exact_p_with_ties(self):
        # Five identical counts against five others: the exact floor, not the normal
        # approximation's 0.004 that scipy's default gives when values tie.
        self.assertAlmostEqual(stats.u_test([5] * 5, [2] * 5), 2 / 252)
        self.assertAlmostEqual(stats.rank_test([5] * 5, [2] * 5, 1.0, "greater"), 1 / 252)
        self.assertAlmostEqual(stats.sign_test([3] * 5, 2), 1 / 32)
        # Identical samples: no evidence either way, whatever order the values came in.
        self.assertAlmostEqual(stats.u_test([3] * 5, [3] * 5), 1.0)
        self.assertAlmostEqual(stats.rank_test([3] * 5, [3] * 5, 1.0, "less"), 1.0)

    def test_rank_test_is_the_permutation_distribution(self):
        # The subset-sum table against scipy listing every split, ties and a threshold
        # factor included, each alternative.
        from scipy import stats as sps
        cases = [([1, 2, 2, 3], [2, 2, 4, 5, 5], 1.0), ([4, 4, 4], [1, 2, 3], 1.5),
                 ([0.5, 0.9, 1.3, 1.3, 2.0], [1.0, 1.3, 1.7], 1.0)]
        for a, b, factor in cases:
            y = [v * factor for v in b]
            r = sps.rankdata(a + y)
            for alt in ("greater", "less", "two-sided"):
                want = sps.permutation_test(
                    (r[:len(a)], r[len(a):]), lambda u, v, axis: u.sum(axis=axis),
                    permutation_type="independent", vectorized=True, alternative=alt,
                    n_resamples=float("inf")).pvalue
                self.assertAlmostEqual(stats.rank_test(a, b, factor, alt), want, msg=(a, b, alt))
        # 10 against 10, every one of the first above every one of the second: 1 split of
        # comb(20, 10), exact where scipy would list all 184,756.
        self.assertAlmostEqual(stats.rank_test(list(range(10, 20)), list(range(10)), 1.0,
                                               "greater"), 1 / 184756)

    def test_context_rows_do_not_count(self):
        rules = [claims.Rule("CC", "a > b", self.A, self.B, "greater", 2.0),
                 claims.Rule("CC", "c > b", self.C, self.B, "greater", 2.0, counted=False)]
        r = run_of(bench("s/a/process/measure:m", [30, 31, 32, 33, 34]),
                   bench("s/b/thread/measure:m", [10, 11, 12, 13, 14]),
                   bench("s/c/process/measure:m", [10, 11, 12, 13, 14]))
        v, outs = claims.judge("CC", r, rules)
        self.assertEqual(v, "supported")
        self.assertFalse(outs[1].holds)

    def test_every_rule_key_is_built_from_fields(self):
        for rule in claims.RULES + py_rules.PY_RULES:
            for k in (rule.a, rule.b):
                self.assertTrue(k is None or isinstance(k, results.Key), rule.prediction)
        for c in claims.CLAIMS.values():
            if c.get("key"):
                self.assertIsInstance(c["key"][0], results.Key)


class ScaleAndCowReport(unittest.TestCase):
    """The scale and copy-on-write sections on a made-up run: the linear line stops at
    the PUs, ticks are the measured Ns, false sharing is shown three ways, the TLB count
    reaches the Reading, faults that coincide are one line named for all, and captions
    give the intervals' real coverage."""

    DESCRIBE = {"worker_kinds": [{"name": "pthread", "mode": "thread"},
                                 {"name": "fork", "mode": "process"}],
                "scale_workloads": [{"name": w} for w in (
                    "cpu", "false_sharing", "false_sharing_shared", "page_fault")],
                "layouts": [{"name": "private"}, {"name": "thp"}]}

    def setUp(self):
        from report import kit
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        for sub in ("data", "figures"):
            os.makedirs(os.path.join(self.tmp, sub))
        self.kit = kit

    def scale_run(self):
        rates = {  # (workload, mode): ops/s at N = 1, 2, 4 (2 PUs)
            ("cpu", "thread"): (100, 200, 200), ("cpu", "process"): (100, 200, 200),
            ("false_sharing", "thread"): (100, 20, 20),
            ("false_sharing", "process"): (100, 200, 200),
            ("false_sharing_shared", "thread"): (100, 20, 20),
            ("false_sharing_shared", "process"): (100, 21, 21),
            ("page_fault", "thread"): (100, 60, 90),
            ("page_fault", "process"): (100, 200, 200)}
        tlb = {"page_fault": {"thread": 1.0, "process": 0.01}}
        benches = []
        for (w, mode), per_n in rates.items():
            kind = "pthread" if mode == "thread" else "fork"
            for n, rate in zip((1, 2, 4), per_n):
                b = bench(f"scale/{w}/{mode}/measure:rate/kind:{kind}/pin:none/workers:{n}",
                          [100.0] * 5)
                b.counters = {"ops_per_s": [rate * (1 + (i - 2) / 100) for i in range(5)],
                              "tlb_shootdowns_per_op": [tlb.get(w, {}).get(mode, 0.0)] * 5,
                              "tlb_shootdowns_per_s": [3000.0 if w == "page_fault" and
                                                       mode == "thread" else 20.0] * 5}
                benches.append(b)
        return run_of(*benches, ctx={"pus": "2"}, describe=Describe(self.DESCRIBE))

    def test_scale_section(self):
        from report import scale
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        text = "\n".join(scale.section(self.scale_run(), self.tmp))
        with open(os.path.join(self.tmp, "data", "scale.cpu.dat")) as f:
            rows = [line.split() for line in f.read().splitlines()[1:]]
        self.assertEqual([r[0] for r in rows], ["1", "2", "4"])
        # N x one worker up to the PUs only: no "ideal" past the machine.
        self.assertEqual([r[-1] for r in rows], ["100", "200", "NaN"])
        self.assertIn("93.75% interval", text)
        # False sharing three ways, and the difference put on the data, not the lines.
        self.assertIn("| processes, one MAP_SHARED array | shared by all | 21 |", text)
        self.assertIn("| processes, the global array | each its own copy: none shared | 200 |",
                      text)
        self.assertIn("a process does not share the lines at all: it does not share the data",
                      text)
        # The TLB count measured, the mechanism worded as a hypothesis.
        self.assertIn("| page_fault | 1 | 3,000 | 0.01 | 20 |", text)
        self.assertIn("threads caused 1 TLB-shootdown interrupts per operation", text)
        self.assertIn("that is measured", text)
        self.assertIn("hypothesis", text)
        self.assertNotIn("takes the one address space's lock, which", text)

    def test_scale_efficiency_from_paired_speedups(self):
        """The efficiency is each repetition's own N over its own one worker: with the
        pairs saying 1.0x, medians that would make 2x (a slow N = 1 row) do not show."""
        from report import scale
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        r = self.scale_run()
        for b in r.select("scale", "rate", variant="cpu"):
            if b.args["workers"] > 1:
                b.counters["speedup"] = [1.0, 0.98, 1.0, 1.02, 1.01]
        text = "\n".join(scale.section(r, self.tmp))
        self.assertIn("| cpu | | 200 | 50% | 200 | 50% |", text)

    def test_scale_figure_ticks_and_no_warning(self):
        """gnuplot draws the panels with ticks at the measured Ns only, and says nothing."""
        from report import scale
        scale.section(self.scale_run(), self.tmp)
        prefix = os.path.join(self.tmp, "data", "scale")
        r = run(["gnuplot", "-c", "plots/scale.gp", prefix, os.path.join(self.tmp, "x"),
                 "cpu page_fault", "0 1", "1,2,4 1,2,4", "93.75% interval"])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        with open(os.path.join(self.tmp, "x.svg")) as f:
            svg = f.read()
        labels = set(re.findall(r">\s*(\d)\s*</text>", svg))
        self.assertTrue({"1", "2", "4"} <= labels, labels)
        self.assertNotIn("3", labels)

    def cow_run(self):
        benches = []

        def add(kind, mode, writer, layout, touched, ns, faults, extra=None):
            for pct in (0, 1, 10, 100):
                b = bench(f"cow/{kind}/{mode}/measure:write/writer:{writer}/layout:{layout}/"
                          f"parent_touched:{touched}/pct:{pct}/parent_mib:256",
                          [ns * pct * 655 / 1e3 + 1] * 5)
                b.counters = {"minflt": [faults * pct * 655] * 5,
                              "private_dirty_kib": [4 * faults * pct * 655] * 5,
                              "kib_per_fault": [4.0 * faults] * 5,
                              "ns_per_page": [float(ns)] * 5}
                b.counters.update(extra or {})
                benches.append(b)
        add("fork", "process", "child", "private", 1, 1919, 1)
        add("fork", "process", "parent", "private", 1, 1900, 1)
        add("fork", "process", "child", "private", 0, 1354, 1)
        add("pthread", "thread", "child", "private", 1, 15, 0)
        add("fork", "process", "child", "thp", 1, 4000, 1,
            {"region_thp_kib": [262144.0] * 5, "region_thp_kib_after": [0.0] * 5})
        add("pthread", "thread", "child", "thp", 1, 10, 0,
            {"region_thp_kib": [262144.0] * 5, "region_thp_kib_after": [262144.0] * 5})
        m = bench("cow/memcpy/thread/measure:copy/bytes:4096", [0.343] * 5)
        return run_of(*benches, m, describe=Describe(self.DESCRIBE))

    def test_cow_section(self):
        from report import cow
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        text = "\n".join(cow.section(self.cow_run(), self.tmp))
        with open(os.path.join(self.tmp, "data", "cow_faults.dat")) as f:
            titles = re.findall(r'^"(.*)"$', f.read(), re.M)
        # Four writers that fault once a page are one line, two threads that never
        # fault another; each legend entry names every series it stands for.
        self.assertEqual(titles, ["the 4 process series at left, identical",
                                  "the 2 thread series at left, identical"])
        self.assertIn("(the 4 process series at left, identical: child writes, 4 KiB pages; "
                      "parent writes, 4 KiB pages; child writes, never-touched memory; "
                      "child writes, huge pages; the 2 thread series at left, identical: ", text)
        with open(os.path.join(self.tmp, "data", "cow.dat")) as f:
            self.assertEqual(len(re.findall(r'^"', f.read(), re.M)), 6)
        self.assertIn("write loop µs [93.75% interval]", text)
        # 1,919 - 1,354 = 565 ns more than a zeroing fault: more than the 343 ns memcpy.
        self.assertIn("costs 565 ns more than a fault that zeroes", text)
        self.assertIn("more than the 343 ns memcpy", text)
        self.assertNotIn("of a fault — the rest is the fault itself", text)
        # The huge pages as the writer saw them, before and after its writes.
        self.assertIn("| 262,144 → 0 |", text)
        self.assertIn("held 256 MiB in huge pages just before it wrote", text)

    def test_cow_reading_without_a_difference(self):
        """A COW fault the U test cannot tell from a first touch draws no conclusion about
        the copy."""
        from report import cow
        self.kit.DRAW = False
        self.addCleanup(setattr, self.kit, "DRAW", True)
        run = self.cow_run()
        for b in run.select("cow", "write", variant="fork"):
            if b.args.get("layout") == "private" and b.args.get("writer") == "child":
                b.counters["ns_per_page"] = [1000.0, 3000.0, 1500.0, 2500.0, 2000.0]
        text = "\n".join(cow.section(run, self.tmp))
        self.assertIn("not told apart in this run", text)
        self.assertNotIn("memcpy of one 4 KiB page takes", text)


class Appendices(unittest.TestCase):
    """An appendix with nothing to say is no file: a report written again over a folder
    whose run is now quiet removes the NOISE.md and SKIPPED.md of an earlier one."""

    def test_a_stale_appendix_is_removed(self):
        from report import document
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("NOISE", "SKIPPED"):
                with open(os.path.join(tmp, f"{name}.md"), "w") as f:
                    f.write("# stale\n")
            quiet = run_of(bench("s/a/process/measure:m", [100, 100, 100]))
            lines = document.appendices(quiet, tmp)
            self.assertEqual(sorted(os.listdir(tmp)), ["MACHINE.md"])
            self.assertEqual(lines[0], "## Appendices")
            self.assertEqual([line for line in lines if line.startswith("- ")],
                             [lines[2]])
            self.assertTrue(lines[2].startswith("- [State of the machine](MACHINE.md), "
                                                "[Machine and run](MACHINE.md#machine-and-run): "))


class PeerReference(unittest.TestCase):
    """`perf bench sched pipe` is taken as rows that run with ipc (bench/perf_ref.c), one
    take a repetition, and the run's context and the report quote their median and
    range."""

    def test_report_quotes_median_and_range(self):
        from report import ipc
        perf = [bench("perf_ref/sched_pipe/process/measure:latency/kind:fork/pin:same_pu/"
                      "iterations:1/manual_time", [2.7, 4.6, 2.8]),
                bench("ipc/pipe/process/measure:latency/kind:fork/pin:same_pu/real_time",
                      [3.0, 3.1, 2.9])]
        r = run_of(*perf, ctx={"pus": "2", "perf_sched_pipe_same_pu_us": "9.9"})
        self.assertEqual(ipc.perf_takes(r, "same_pu"), (2.8, 2.7, 4.6, 3))
        text = " ".join(ipc.perf_part(r))
        self.assertIn("on one PU 2.8 µs (median of 3 takes, 2.7-4.6) against tvp's 3 µs", text)
        # An older run: the single take its context kept, said to be one.
        old = run_of(perf[1], ctx={"pus": "2", "perf_sched_pipe_same_pu_us": "4.57"})
        self.assertIn("on one PU 4.57 µs (one take)", " ".join(ipc.perf_part(old)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
