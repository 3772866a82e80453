"""test_golden.py - the fast tier's golden data: the report and compare written from
tests/fixtures/run-small.json and from results/reference (TVP_REFERENCE), bad and old
results folders, the ipc section's polled rings on made-up and fixture runs.

Tier: golden (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class Report(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def folder_with(self, text):
        with open(os.path.join(self.tmp, "benchmarks.json"), "w") as f:
            f.write(text)
        return self.tmp

    def write(self, folder):
        r = run([PY, "scripts/write_report.py", folder])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(folder, "REPORT.md")) as f:
            return f.read()

    def test_pipeline_on_fixture(self):
        folder, text, _ = written_report(self, FIXTURE)
        for fig in FIGURES:
            for ext in ("png", "svg"):
                path = os.path.join(folder, "figures", f"{fig}.{ext}")
                self.assertGreater(os.path.getsize(path), 1000, path)
            self.assertIn(f"figures/{fig}.png", text)
        for claim in ("## C1", "## C2", "## C3", "### C4", "### C5", "### C6", "### C7 — protection",
                      "## C8"):
            self.assertIn(claim, text)
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)
        # The notes' question, answered from the run: the failure reaches the caller.
        self.assertIn("| segv | process | worker killed by SIGSEGV | yes |", text)
        self.assertIn("the whole process died of SIGSEGV", text)
        # The notes' Python beside C, and their question answered.
        self.assertIn("## The notes' own Python beside C", text)
        self.assertIn("| never fetches the result | **no** |", text)
        # The bytes on fd 2 column: none captured for a fetched exception (not asked).
        self.assertIn("| calls `get()` | yes | – | get() raised ValueError", text)
        self.assertIn("### Against lmbench's method", text)
        # Every claim has its data, but for the Python rows newer than the fixture.
        assert_no_missing_data_but_newer_rows(self, text)
        # The notes' nums example, with the values the run observed.
        self.assertIn("| fork | a global | [11, 22] |", text)
        self.assertIn("| pthread_create | a global | [11, 22, 0, 1, 2] |", text)
        self.assertIn("| pthread_create | thread |", text)
        # The implementation's speed targets are not the lecturers' business: their own file.
        self.assertNotIn("Speed targets", text)
        self.assertIn("[TARGETS.md](TARGETS.md)", text)
        with open(os.path.join(folder, "TARGETS.md")) as f:
            goals = f.read()
        self.assertIn("| pipe, 64 KiB: at least lmbench's bw_pipe method |", goals)
        self.assertIn("Throughput with the pair on two cores", goals)

    def test_far_cpus_are_told_apart(self):
        """Repetitions whose cache-line probe says the host put the two vCPUs far apart
        are counted, and the speed targets are shown again without them."""
        def ring(mode, kind, times, probes):
            b = bench(f"ipc/shm_ring/{mode}/measure:throughput/kind:{kind}/pin:diff_core/"
                      "msg_bytes:65536", times)
            b.counters = {"probe_ns": probes}
            return b
        # Processes ran three of five repetitions on far CPUs, four times slower.
        forked = ring("process", "fork", [1.5, 6.0, 6.1, 6.2, 1.6], [92, 410, 420, 430, 93])
        r = run_of(ring("thread", "pthread", [1.4, 1.5, 1.5, 1.6, 1.5], [90, 95, 92, 91, 94]),
                   forked)
        self.assertEqual(probe.far_share(r, probe.probe_floor(r)), (3, 10))
        self.assertEqual(probe.near_only(forked, 90), [1.5, 1.6])
        text = "\n".join(targets.targets_text(r))
        self.assertIn("In 3 of the run's 10 pinned repetitions", text)
        self.assertIn("| shm ring, 64 KiB: processes within 10% of threads | 0.25x | **no** | "
                      "0.969x | yes |", text)

    def check_error(self, folder, words, script="scripts/write_report.py"):
        r = run([PY, script, folder])
        self.assertEqual(r.returncode, 2)
        self.assertIn(words, r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_missing_folder(self):
        self.check_error(os.path.join(self.tmp, "nope"), "no such results folder")

    def test_folder_without_json(self):
        self.check_error(self.tmp, "missing")

    def test_malformed_json(self):
        self.check_error(self.folder_with("{ this is not json"), "not valid JSON")

    def test_truncated_json(self):
        with open(FIXTURE) as f:
            text = f.read()
        self.check_error(self.folder_with(text[: len(text) // 2]), "truncated")

    def test_older_format(self):
        old = {"context": {"host_name": "x"}, "benchmarks": []}
        self.check_error(self.folder_with(json.dumps(old)), "older or other tool")

    def test_not_benchmark_json(self):
        self.check_error(self.folder_with("[1, 2, 3]"), "not Google Benchmark JSON")

    def test_old_schema_is_refused_with_its_version(self):
        def schema_1(doc):
            del doc["context"]["name_schema"]
            doc["context"]["tvp_version"] = "9df3951"
        folder = copy_run(FIXTURE, os.path.join(self.tmp, "old"), schema_1)
        words = (f"{folder} was written by tvp 9df3951 with the names of schema 1; this tvp "
                 "reads schema 2: re-run it, or read it with tvp 9df3951")
        self.check_error(folder, words)
        r = run([PY, "scripts/compare.py", "--out", self.tmp, fixture_folder(self.tmp), folder])
        self.assertEqual(r.returncode, 2)
        self.assertIn(words, r.stderr)

    def test_rows_the_tables_lack_still_show(self):
        """A kind, transport or layout the run's tables do not list breaks nothing: its
        rows come after the listed ones; with no tables at all the report still runs."""
        def fewer(doc):
            d = json.loads(doc["context"]["tvp_describe"])
            d["worker_kinds"] = [k for k in d["worker_kinds"] if k["name"] != "clone"]
            d["transports"] = d["transports"][1:]
            d["layouts"] = d["pin_policies"] = d["pool_failures"] = []
            doc["context"]["tvp_describe"] = json.dumps(d)
        text = self.write(copy_run(FIXTURE, os.path.join(self.tmp, "fewer"), fewer))
        self.assertIn("| clone | a global | [11, 22] |", text)
        self.assertRegex(text, r"\n\| pipe \| 64 B \| ")
        self.assertIn("| segv | process | worker killed by SIGSEGV | yes |", text)

        def none(doc):
            doc["context"]["tvp_describe"] = "{}"
        text = self.write(copy_run(FIXTURE, os.path.join(self.tmp, "none"), none))
        self.assertIn("| fork | a global | [11, 22] |", text)

    def test_schema_2_without_its_description(self):
        def undescribed(doc):
            del doc["context"]["tvp_describe"]
        self.check_error(copy_run(FIXTURE, os.path.join(self.tmp, "x"), undescribed),
                         "tvp_describe")


class Reference(unittest.TestCase):
    """The report of a realistic run: results/reference/ (schema 2), or TVP_REFERENCE."""

    def report(self, edit=None):
        """(folder, REPORT.md) of the reference after edit(doc), written once per process."""
        folder, text, stderr = written_report(self, reference_json(self), edit)
        self.assertNotIn("Traceback", stderr)
        return folder, text

    def test_report_of_the_reference_run(self):
        folder, text = self.report()
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)
        for fig in FIGURES:
            self.assertIn(f"figures/{fig}.png", text)
            self.assertGreater(os.path.getsize(os.path.join(folder, "figures", f"{fig}.png")),
                               1000, fig)
        assert_no_missing_data_but_newer_rows(self, text)
        self.assertNotIn("Speed targets", text)
        self.assertTrue(os.path.exists(os.path.join(folder, "TARGETS.md")))

    def test_appendices_beside_the_report(self):
        """The report leads with the claims: what was skipped, what was noisy and the
        state of the machine are files of their own beside it, linked from its end (as
        TARGETS.md is), and the report's warnings link the state where it now is."""
        folder, text = self.report()
        heads = re.findall(r"^## (.*)$", text, re.M)
        self.assertEqual(heads[-1], "Appendices")
        for name, headings in (("SKIPPED", ["Skipped here"]), ("NOISE", ["Noisy here"]),
                               ("MACHINE", ["State of the machine", "Machine and run"])):
            with open(os.path.join(folder, f"{name}.md")) as f:
                appendix = f.read()
            self.assertTrue(appendix.startswith("# Appendix to the tvp report on "), name)
            self.assertIn("[the report](REPORT.md)", appendix)
            for h in headings:
                self.assertNotIn(h, heads)
                self.assertIn(f"\n## {h}\n", appendix)
            self.assertIn(f"[{headings[0]}]({name}.md)", text)
        self.assertIn("[Machine and run](MACHINE.md#machine-and-run)", text)
        with open(os.path.join(folder, "MACHINE.md")) as f:
            self.assertIn("| a null system call, ns (`syscall_ns`) |", f.read())
        from report import state
        self.assertEqual(state.machine_link(), "MACHINE.md#state-of-the-machine")

    def test_zero_readings_do_not_crash_the_report(self):
        """A reader that returns all zeros (a broken /proc reader, or a machine that
        hides the numbers) gives undecided predictions, never an exception."""
        def zero(doc):
            for b in doc["benchmarks"]:
                if b["name"].startswith(("footprint/", "scale/")):
                    for c in ("kernel_kib", "kernel_stack_kib", "slab_kib", "private_kib",
                              "ops_per_s", "ops_per_s_per_worker"):
                        if c in b:
                            b[c] = 0
        _, text = self.report(zero)
        self.assertIn("undecided", text)

    def test_new_worker_kind_reaches_every_table(self):
        """A kind added to C's table appears in every table that lists kinds, with no
        edit on the Python side, and breaks nothing."""
        _, text = self.report(with_fork_twin)
        n = r"[\d.,]+"
        tables = {  # a line of each table, as a pattern
            "creation by method": r"\n\| fork_twin \| process \| ",
            "creation against parent memory": r"\n\| fork_twin \| 4 KiB pages \| ",
            "copy-on-write": r"\n\| child writes, 4 KiB pages \(fork_twin\) \| ",
            "footprint": rf"\n\| fork_twin \| {n} \| 0 \| ",
            "nums": r"\n\| fork_twin \| a global \| ",
            "IPC throughput": r"\n\| transport \| size \| .*\| processes \(fork_twin\) \|",
            "IPC latency": r"\n\| transport \| .*\| processes \(fork_twin\), one PU \|",
            "lmbench's method": r"\n\| pipe \(`bw_pipe`\) \| unpinned \(fork_twin\) \| ",
            "Queue(3)": r"\n\| processes \(fork_twin\) \| ",
            "pool against a worker per task": r"\n\| task length \| .*\| fork_twin pool \|",
            "Pool(3)": rf"\n\| fork_twin \| {n} \| {n} \| [+-]\d+% \|",
            "failures": r"\n\| segv \| fork_twin \| ",
            "stray write": r"\n\| stray write \| fork_twin \| ",
            "scale": r"\n\| workload \| one operation \| .*\| processes \(fork_twin\) /s \|",
            "placement": r"\n\| workload \| .*\| processes \(fork_twin\) compact \|",
        }
        for table, pattern in tables.items():
            self.assertRegex(text, pattern, table)
        self.assertEqual(len(re.findall(r"\*\*Verdict: (supported|not supported|nuanced|undecided|missing data)[^*]*\*\*",
                                        text)), 8)


class KeyUndecided(unittest.TestCase):
    """A key multiple shown large on a projector says when the counted prediction on the
    same pair is undecided: on the reference, every counted comparison's own pair reads
    undecided exactly when that comparison is (found in the run, not written in: the
    next reference may decide others), C8 (memory per connection) and C7's creation key
    (5x) hold and carry no such word, and neither does the handout's C7 figure."""

    def test_reference(self):
        from report import claims_table
        ref = results.load(REFERENCE)
        seen = set()
        for claim in claims.CLAIMS:
            for o in claims.judged(claim, ref)[1]:
                if not o.rule.counted or o.rule.b is None:
                    continue
                pair = claims.KeyPair(o.rule.b, o.rule.a, o.rule.metric, "")
                same = [p for p in claims.judged(claim, ref)[1] if p.rule.counted
                        and p.rule.b is not None
                        and {str(p.rule.a), str(p.rule.b)} == {str(o.rule.a), str(o.rule.b)}]
                with self.subTest(prediction=o.rule.prediction):
                    self.assertEqual(claims_table.key_undecided(claim, ref, pair),
                                     any(p.undecided for p in same))
                seen.add(bool(o.undecided))
        self.assertEqual(seen, {True, False})  # the reference has both kinds
        self.assertFalse(claims_table.key_undecided("C7", ref))
        self.assertFalse(claims_table.key_undecided("C8", ref))
        self.assertFalse(claims_table.key_undecided("C6", ref))  # no key pair
        from report import handout_figures
        rows, unit, ratio = handout_figures.key_block("C7", ref)
        self.assertNotIn("undecided", ratio)


class Compare(unittest.TestCase):
    """The comparison command on two fixture runs: one the fixture, the other the same
    with pthread_create made 1.5 times slower."""

    CREATE = "create/{}/measure:round_trip/parent:tvp/layout:private/parent_mib:0"

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        with open(FIXTURE) as f:
            doc = json.load(f)
        # Twice the fixture's repetitions, so a difference can reach significance.
        doc["benchmarks"] = [dict(r) for r in doc["benchmarks"] for _ in (0, 1)]
        self.a = os.path.join(self.tmp, "a")
        self.b = os.path.join(self.tmp, "b")
        os.makedirs(self.a)
        os.makedirs(self.b)
        with open(os.path.join(self.a, "benchmarks.json"), "w") as f:
            json.dump(doc, f)
        for row in doc["benchmarks"]:
            if row["name"].startswith(self.CREATE.format("pthread/thread") + "/"):
                row["real_time"] *= 1.5
        with open(os.path.join(self.b, "benchmarks.json"), "w") as f:
            json.dump(doc, f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_two_runs(self):
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertEqual(r.returncode, 0, r.stderr)
        folder = os.path.join(self.tmp, "compare-a-vs-b")
        with open(os.path.join(folder, "COMPARE.md")) as f:
            text = f.read()
        self.assertIn(f"| {self.CREATE.format('pthread/thread')} | 1.500 **✱** |", text)
        self.assertIn(f"| {self.CREATE.format('fork/process')} | 1.000 |", text)
        self.assertGreater(os.path.getsize(os.path.join(folder, "figures", "compare.png")), 1000)
        # A second comparison never overwrites the first.
        run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertTrue(os.path.isdir(folder + "-2"))

    def test_bad_folders(self):
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a,
                 os.path.join(self.tmp, "nope")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such results folder", r.stderr)
        with open(os.path.join(self.b, "benchmarks.json"), "w") as f:
            f.write('{"context": {')
        r = run([PY, "scripts/compare.py", "--out", self.tmp, self.a, self.b])
        self.assertEqual(r.returncode, 2)
        self.assertIn("not valid JSON", r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_imports_the_kit_not_the_report(self):
        r = run([PY, "-c", "import sys; sys.argv = ['compare.py']; sys.path.insert(0, 'scripts');"
                 "from runs import compare; print(sorted(m for m in sys.modules if m.startswith('report')))"])
        self.assertEqual(r.returncode, 0, r.stderr)
        # The kit and the catalogue it translates its words with, which imports nothing.
        self.assertEqual(r.stdout.strip(), "['report', 'report.i18n', 'report.kit']")


class IpcPolling(unittest.TestCase):
    """The ipc section's rings that poll first: each repetition against its own probe,
    the probe sentences say only what the numbers show, and the figures are drawn."""

    LIMIT = "ipc/cacheline/thread/measure:latency/kind:pthread/pin:diff_core"

    def polled_run(self, *more):
        def spin(mode, kind, us, times, probes, cpu):
            b = bench(f"ipc/shm_ring/{mode}/measure:spin_latency/kind:{kind}/pin:diff_core/"
                      f"spin_us:{us}", times)
            b.counters = {"probe_ns": probes, "cpu_ns_per_round_trip": cpu,
                          "round_trip_median_ns": [170 + 10 * (kind == "fork")] * 3
                          + [180 + 10 * (kind == "fork")] * 2,
                          "sleeps_per_round_trip": [0.001] * len(times),
                          "spin_hits_per_round_trip": [2.0] * len(times)}
            return b
        limit = bench(self.LIMIT, [0.1, 0.1, 0.1, 0.1, 0.1])  # 100 ns, in µs
        limit.counters = {"round_trip_median_ns": [120] * 5}
        asleep = spin("thread", "pthread", 0, [40.0] * 5, [100] * 5, [9000] * 5)
        asleep.counters["round_trip_median_ns"] = [38000] * 5
        # The forked pair's third repetition ran on far CPUs: 1 µs beside a 500 ns probe.
        return run_of(
            limit,
            spin("thread", "pthread", 10, [0.2] * 5, [100] * 5, [400] * 5),
            spin("process", "fork", 10, [0.2, 0.2, 1.0, 0.2, 0.2], [100, 100, 500, 100, 100],
                 [400] * 5),
            asleep,
            bench("ipc/shm_ring/thread/measure:spin_throughput/kind:pthread/pin:diff_core/"
                  "spin_us:10/msg_bytes:64", [1.0] * 5), *more)

    def limit_text(self, r):
        from report import spin
        return "\n".join(spin.spin_limit(r, spin.spin_rows(r, "diff_core"),
                                          [("shm_ring", "pthread"), ("shm_ring", "fork")],
                                          ["pthread", "fork"], 10,
                                          r.get("ipc", "cacheline", "thread", "latency",
                                                kind="pthread", pin="diff_core"), 100.0))

    def test_rings_against_the_probe_with_a_line_each_way(self):
        each = bench("ipc/cacheline_each_way/thread/measure:latency/kind:pthread/pin:diff_core",
                     [0.15] * 5)
        each.counters = {"round_trip_median_ns": [160] * 5, "probe_ns": [100] * 5}
        text = self.limit_text(self.polled_run(each))
        self.assertIn("| the probe with a line each way | 150 [150, 150] | 1.50x | 1.50x | 160 | "
                      "1.33x | – |", text)
        # 200 ns against 150, and single round trips 170 and 180 against 160
        self.assertIn("shm_ring, threads 1.33x (1.06x by median single round trips); "
                      "shm_ring, processes 1.33x (1.12x by median single round trips).",
                      text)
        # A run without the second probe says nothing of it.
        self.assertNotIn("a line each way", self.limit_text(self.polled_run()))

    def test_each_repetition_against_its_own_probe(self):
        from report import spin
        r = self.polled_run()
        text = "\n".join(spin.spin_limit(r, spin.spin_rows(r, "diff_core"),
                                          [("shm_ring", "pthread"), ("shm_ring", "fork")],
                                          ["pthread", "fork"], 10,
                                          r.get(*self.LIMIT.split("/")[:3], "latency",
                                                kind="pthread", pin="diff_core"), 100.0))
        # Medians: 200 ns against a 100 ns probe, 2x; the far repetition is 1000/500 = 2x too.
        self.assertIn("| shm_ring, threads | 200 [200, 200] | 2.00x | 2.00x | 170 | 1.42x | 400 |",
                      text)
        self.assertIn("| shm_ring, processes | 200 [200, 1,000] | 2.00x | 2.00x | 180 | 1.50x | "
                      "400 |", text)
        # Four equal repetitions and one slow one against five equal: the exact test sees
        # no difference at all.
        self.assertIn("processes (fork) against threads: 1.00x the round trip (U test p = 1.00)",
                      text)
        self.assertIn("1.06x the median single round trip", text)

    def test_sweep_rule_and_cpu(self):
        from report import spin
        # 1 µs: a median single round trip of 500 ns, over 1.25x the 170 ns of 10 µs.
        one = bench("ipc/shm_ring/thread/measure:spin_latency/kind:pthread/pin:diff_core/"
                    "spin_us:1", [0.5] * 5)
        one.counters = {"round_trip_median_ns": [500] * 5, "probe_ns": [100] * 5}
        r = self.polled_run(one)
        sweep = spin.spin_rows(r, "diff_core")
        text = "\n".join(spin.spin_choice(r, sweep, [("shm_ring", "pthread")], ["pthread"],
                                          [0, 1, 10], 10))
        self.assertIn("On this run the rule picks 10 µs too.", text)
        # Two bounds cannot test it: the run says so instead of confirming the default.
        text = "\n".join(spin.spin_choice(r, sweep, [("shm_ring", "pthread")], ["pthread"],
                                          [0, 10], 10))
        self.assertIn("This run measured only 0 and 10 µs, too few bounds to test the rule",
                      text)
        self.assertNotIn("picks", text)

    def test_unpinned_probe_says_what_it_measured(self):
        from report import spin
        r = run_of(bench(self.LIMIT, [0.09, 0.1, 0.1, 0.1, 0.11]),
                   bench("ipc/cacheline/thread/measure:latency/kind:pthread/pin:none",
                         [0.084, 0.09, 0.1, 0.11, 0.125]))
        text = "\n".join(spin.probe_part(r))
        self.assertNotIn("land on one CPU", text)
        self.assertIn("Unpinned, where the scheduler places the two threads: 100 [84, 125] ns, "
                      "the slowest repetition 125 ns. No repetition was slow enough", text)

    def test_figures_drawn_on_the_fixture(self):
        folder, text, stderr = written_report(self, FIXTURE)
        self.assertNotIn("warning", stderr.lower())
        for fig in ("ipc_throughput", "ipc_ratio", "ipc_latency"):
            self.assertIn(f"figures/{fig}.png", text)
            self.assertGreater(os.path.getsize(os.path.join(folder, "figures", f"{fig}.png")),
                               1000)
        self.assertRegex(text, r"covers \d+(\.\d+)?%")


if __name__ == "__main__":
    unittest.main(verbosity=2)
