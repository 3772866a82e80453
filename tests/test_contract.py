"""test_contract.py - the contract between C's names and the keys Python asks for
(Contract: tvp-bench --describe and --benchmark_list_tests, no measurement; the extra-kind
build), and the committed reference against this version (ReferenceCurrent). Golden tier,
but it needs the build ($BUILD/tvp-bench, make extra-kind).

Tier: golden, needs the build (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class ReferenceCurrent(unittest.TestCase):
    """The committed reference against this version (scripts/reference.py): the
    outcomes `make reference` generated from it, and the benchmarks it ran."""

    def test_outcomes_as_generated(self):
        """Every prediction's outcome and every verdict on both committed runs, keyed by
        the prediction's text, as tests/reference_outcomes.json recorded them: a change of
        a rule or a statistic that moves one fails here until `scripts/reference.py
        outcomes` writes the file again (and the diff shows what moved)."""
        import reference
        with open(reference.OUTCOMES) as f:
            recorded = json.load(f)["runs"]
        for name in reference.RUNS:
            now = reference.outcomes_of(results.load(os.path.join(ROOT, "results", name)))
            for claim in sorted(set(now) | set(recorded[name])):
                for table in ("C", "PY"):
                    with self.subTest(run=name, claim=claim, table=table):
                        self.assertEqual(now.get(claim, {}).get(table),
                                         recorded[name].get(claim, {}).get(table))

    def test_reference_ran_this_versions_benchmarks(self):
        """A reference taken by a version whose C benchmarks had other names (a family
        added, renamed or removed since) fails: make reference."""
        import reference
        for name in reference.RUNS:
            new, gone = reference.stale(os.path.join(BUILD, "tvp-bench"),
                                        os.path.join(ROOT, "results", name))
            with self.subTest(run=name):
                self.assertEqual((new, gone), ([], []))

    def test_stale_names_are_seen(self):
        """The check itself: a run missing one of today's benchmarks, and holding one
        today's version no longer registers, is reported both ways."""
        import reference
        with open(os.path.join(REFERENCE, "benchmarks.json")) as f:
            doc = json.load(f)
        victim = next(b["name"] for b in doc["benchmarks"] if b["name"].startswith("create/"))
        doc["benchmarks"] = [b for b in doc["benchmarks"]
                             if results.parse_name(b.get("run_name", b["name"]))
                             != results.parse_name(victim)]
        gone = "create/pthread/thread/measure:gone/manual_time"
        doc["benchmarks"].append(dict(doc["benchmarks"][0], name=gone, run_name=gone))
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        with open(os.path.join(tmp, "benchmarks.json"), "w") as f:
            json.dump(doc, f)
        new, gone = reference.stale(os.path.join(BUILD, "tvp-bench"), tmp)
        self.assertIn(str(results.parse_name(victim)), new)
        self.assertEqual(gone, ["create/pthread/thread/measure:gone"])


class Contract(unittest.TestCase):
    """NEEDS THE C SIDE OF SCHEMA 2 (tvp-bench --describe, the new names, py_bench.py's
    tvp_describe). Every key the report's sections and the claim rules ask for is a name
    C registers: the whole report and every rule are run over the names
    `tvp-bench --benchmark_list_tests` prints (no measurement), and every key they look
    up that C did not register is listed. Python's keys are checked against the families
    py_bench.py describes (it has no list of tests)."""
    BENCH = os.path.join(BUILD, "tvp-bench")

    def python_describe(self):
        """py_bench.py's own tvp_describe, from a run that measures nothing."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "py.json")
            r = run([PY, "bench/py_bench.py", "--filter", "^measure nothing$", "--out", out])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                ctx = json.load(f)["context"]
        self.assertIn("tvp_describe", ctx, "py_bench.py does not describe itself")
        return json.loads(ctx["tvp_describe"])

    def keys_c_lacks(self, profile):
        listed = run([self.BENCH, "--benchmark_list_tests", f"--profile={profile}"])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        described = run([self.BENCH, "--describe", f"--profile={profile}"])
        self.assertEqual(described.returncode, 0, described.stderr)
        c_side = json.loads(described.stdout)
        py_side = self.python_describe()
        # As scripts/run.py merges them: the scenarios concatenated, python_kinds added.
        merged = dict(c_side, scenarios=c_side["scenarios"] + py_side["scenarios"],
                      python_kinds=py_side.get("python_kinds", []))
        ctx = {"pus": str(len(os.sched_getaffinity(0))), "profile": profile,
               "placement": "none", "tvp_version": "test"}
        names = listed.stdout.split() + wanted.family_names(Describe(py_side), "python")
        names_run = wanted.names_run(names, Describe(merged), ctx)
        self.assertGreater(len(names_run.benches), 40, "tvp-bench listed no names of schema 2")
        keys = wanted.wanted_keys(names_run)
        c_scenarios = {s["name"] for s in c_side["scenarios"]}
        lacking = sorted(str(k) for k in keys
                         if k.scenario in c_scenarios and k not in names_run.benches)
        py_keys = [k for k in keys if k.scenario not in c_scenarios]
        lacking += sorted(f"{k} (python)" for k in wanted.off_family(py_keys,
                                                                       Describe(py_side)))
        return lacking

    def test_quick_profile(self):
        self.assertEqual(self.keys_c_lacks("quick"), [])

    def test_a_kind_added_in_c_reaches_the_report(self):
        """The suite built with one more row in worker_kinds[] (make extra-kind): the
        scenarios that run every kind measure it, and the report's tables show it, with
        no edit on the Python side."""
        bench = os.path.join(ROOT, "build", "extra-kind", "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("build/extra-kind/tvp-bench is not built (make extra-kind)")
        import run as run_py
        with tempfile.TemporaryDirectory() as tmp:
            parts = []
            for scenario, only in (("create", "layout:private/parent_mib:0/"), ("globals", "")):
                out = os.path.join(tmp, f".part-{scenario}.json")
                r = run([bench, f"--scenario={scenario}", "--repetitions=2", "--min-time=0.01",
                         f"--benchmark_filter={only}", f"--benchmark_out={out}",
                         "--benchmark_out_format=json"])
                self.assertEqual(r.returncode, 0, r.stderr[-2000:])
                parts.append(out)
            merged = run_py.merge(parts, {"create": 1.0, "globals": 1.0})
            described = [k["name"] for k in json.loads(merged["context"]["tvp_describe"])
                         ["worker_kinds"]]
            self.assertIn("fork_twin", described)
            folder = os.path.join(tmp, "run")
            os.makedirs(folder)
            with open(os.path.join(folder, "benchmarks.json"), "w") as f:
                json.dump(merged, f)
            r = run([PY, "scripts/write_report.py", folder])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(os.path.join(folder, "REPORT.md")) as f:
                text = f.read()
        self.assertRegex(text, r"\n\| fork \(twin\) \| process \| ", "creation by method")
        self.assertRegex(text, r"\n\| fork \(twin\) \| a global \| ", "the nums example")

    def test_full_profile(self):
        self.assertEqual(self.keys_c_lacks("full"), [])

    def test_every_scenario_has_a_section(self):
        """Every scenario the suite describes (C's and the Python one) is reported by a
        section of the report: a module named after it, or one that says it covers it
        (SCENARIOS)."""
        from report import document
        covered = set()
        for section in document.SECTIONS:
            covered.update(document.scenarios_of(section))
        described = run([self.BENCH, "--describe"])
        self.assertEqual(described.returncode, 0, described.stderr)
        scenarios = {s["name"] for s in json.loads(described.stdout)["scenarios"]}
        scenarios |= {s["name"] for s in self.python_describe()["scenarios"]}
        self.assertEqual(scenarios - covered, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
