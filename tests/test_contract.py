"""test_contract.py - the benchmark-name contract (scripts/contract/contract.py): one grammar, one
checked name builder on each side, the profiles written once, the two programs'
descriptions as the only source of names, and a kind or a transport added in C reaching
the report with no edit on the Python side; and the committed reference against this
version (ReferenceCurrent).

Run by tests/run with BUILD set to the build folder. Grammar, Profiles (but
test_published_by_tvp_bench), PythonDescribe and Styles need Python only; Contract needs
$BUILD/tvp-bench; the extra builds (make extra-kind, make extra-transport) are skipped
with a message when they are not built."""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from contract import contract  # noqa: E402
from contract import results  # noqa: E402
from contract.contract import ContractError  # noqa: E402
from contract.describe import Describe  # noqa: E402
from report import wanted  # noqa: E402

REFERENCE = os.path.join(ROOT, os.environ.get("TVP_REFERENCE", "results/reference"))
PY = sys.executable
PATIENCE = float(os.environ.get("TVP_TEST_TIMEOUT") or 300) / 2


def run(cmd, **kw):
    kw.setdefault("timeout", 2 * PATIENCE)
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)


class ReferenceCurrent(unittest.TestCase):
    """The committed reference against this version (scripts/reference.py): the
    outcomes `make reference` generated from it, and the benchmarks it ran."""

    def test_outcomes_as_generated(self):
        """Every prediction's outcome and every verdict on both committed runs, keyed by
        the prediction's text, as tests/reference_outcomes.json recorded them: a change of
        a rule or a statistic that moves one fails here until `scripts/reference.py
        outcomes` writes the file again (and the diff shows what moved)."""
        from running import reference
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
        """A reference taken by a version whose benchmarks had other names (a family
        added, renamed or removed since, in C or in py_bench.py) fails: make reference."""
        from running import reference
        for name in reference.RUNS:
            new, gone = reference.stale(os.path.join(BUILD, "tvp-bench"),
                                        os.path.join(ROOT, "results", name))
            with self.subTest(run=name):
                self.assertEqual((new, gone), ([], []))

    def test_stale_names_are_seen(self):
        """The check itself: a run missing one of today's benchmarks, and holding one
        today's version no longer registers, is reported both ways."""
        from running import reference
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


class Grammar(unittest.TestCase):
    """One grammar: what bench_register refuses in C, build_name refuses in Python."""

    def test_a_name_built_is_the_name_parsed(self):
        name = contract.build_name("ipc", "pipe", "process", "latency",
                                   {"kind": "fork", "pin": "diff_core", "msg_bytes": 64})
        self.assertEqual(name, "ipc/pipe/process/measure:latency/kind:fork/pin:diff_core/"
                               "msg_bytes:64")
        k = contract.parse_name(name + "/real_time")
        self.assertEqual(k, contract.key("ipc", "pipe", "process", "latency", msg_bytes=64,
                                         pin="diff_core", kind="fork"))
        self.assertEqual(str(k), name)

    def test_what_the_grammar_refuses(self):
        bad = [("Ipc", "pipe", "process", "latency", {}),           # not an identifier
               ("ipc", "pi pe", "process", "latency", {}),
               ("ipc", "pipe", "processes", "latency", {}),         # not a mode
               ("ipc", "pipe", "process", "lat-ency", {}),
               ("ipc", "pipe", "process", "latency", {"Kind": "fork"}),
               ("ipc", "pipe", "process", "latency", {"kind": "fo/rk"}),
               ("ipc", "pipe", "process", "latency", {"size": 1.5}),  # neither int nor id
               ("ipc", "pipe", "process", "latency", {"on": True}),
               ("ipc", "pipe", "process", "latency", [("kind", "a"), ("kind", "b")])]
        for fields in bad:
            with self.subTest(fields=fields), self.assertRaises(ContractError) as e:
                contract.build_name(*fields)
            self.assertIn("benchmark name ", str(e.exception))
        # a refused name is also one parse_name does not read
        self.assertIsNone(contract.parse_name("ipc/pipe/processes/measure:latency"))

    def test_one_copy_of_the_grammar(self):
        """results.py, wanted.py and py_bench.py use contract.py's: no other file of the
        Python side writes the name's regular expression or its own Key."""
        self.assertIs(results.parse_name, contract.parse_name)
        self.assertIs(results.Key, contract.Key)
        self.assertIs(results.SUFFIX, contract.SUFFIX)
        holders = []
        for top in ("scripts", "bench"):  # every folder below them: scripts/ has parts
            for folder, dirs, files in sorted(os.walk(os.path.join(ROOT, top))):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(".py"):
                        with open(os.path.join(folder, f)) as fh:
                            text = fh.read()
                        if "(?P<variant>" in text or re.search(r"^class Key\b", text, re.M):
                            holders.append(os.path.relpath(os.path.join(folder, f), ROOT))
        self.assertEqual(holders, ["scripts/contract/contract.py"])

    def test_py_bench_builds_its_names_through_the_contract(self):
        import py_bench
        self.assertEqual(py_bench.name("thread", "create"),
                         "python/thread/thread/measure:create")
        for args in (("threads", "create", {}), ("thread", "creation", {}),
                     ("thread", "create", {"how": "Posix Spawn"})):
            with self.subTest(args=args), self.assertRaises(ContractError):
                py_bench.name(args[0], args[1], **args[2])

    def test_py_bench_dies_on_a_bad_name(self):
        """A family that asks for a name the contract refuses stops py_bench.py with the
        reason and exit status 1, no traceback, as bench_register's die() does."""
        import py_bench
        err = io.StringIO()
        with mock.patch.dict(py_bench.FAMILIES), contextlib.redirect_stderr(err), \
                contextlib.redirect_stdout(io.StringIO()):
            del py_bench.FAMILIES["create"]
            self.assertEqual(py_bench.main(["--describe"]), 1)
        self.assertRegex(err.getvalue(), r"^py_bench.py: python/\w+/\.\.\.: the measure "
                                         r"'create' is not in FAMILIES$")
        self.assertNotIn("Traceback", err.getvalue())


class Profiles(unittest.TestCase):
    """The profiles' numbers are written once (bench/profiles.def)."""

    def test_read_from_the_one_file(self):
        self.assertEqual(contract.PROFILES["quick"], {"repetitions": 5, "min_time": 0.05,
                                                      "py_min_time": 0.2, "py_work_s": 0.04})
        self.assertEqual(list(contract.PROFILES), ["quick", "full"])

    def test_every_reader_takes_them_from_the_contract(self):
        from running import budget
        import py_contract
        self.assertIs(budget.PROFILES, contract.PROFILES)
        for p, v in contract.PROFILES.items():
            self.assertEqual(py_contract.PROFILES[p], (v["repetitions"], v["py_min_time"]))
            self.assertEqual(py_contract.WORK_S[p], v["py_work_s"])
        # the budget's estimate per scenario scales by repetitions x minimum time against
        # the quick profile's:
        # the quick profile's own numbers given explicitly change nothing
        ctx = {"scenario_seconds": "create=10,ipc=20"}
        quick = contract.PROFILES["quick"]
        self.assertEqual(budget.scenario_estimate(["create", "ipc"], {}, ctx, "quick"),
                         budget.scenario_estimate(["create", "ipc"], {}, ctx, "quick",
                                                  quick["repetitions"], quick["min_time"]))
        doubled = budget.scenario_estimate(["create"], {}, ctx, "quick",
                                           2 * quick["repetitions"])
        self.assertAlmostEqual(doubled["create"], 20.0)

    def test_a_broken_file_is_an_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".def") as f:
            f.write("PROFILE(QUICK, quick, five, 0.05, 0.2, 0.04)\n")
            f.flush()
            with self.assertRaisesRegex(ContractError, "cannot read"):
                contract.read_profiles(f.name)
        with self.assertRaisesRegex(ContractError, "No such file"):
            contract.read_profiles("/nonexistent/profiles.def")

    def test_published_by_tvp_bench(self):
        bench = os.path.join(BUILD, "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest(f"{bench} is not built (make)")
        published = {p["name"]: {k: v for k, v in p.items() if k != "name"}
                     for p in contract.c_describe(bench)["profiles"]}
        self.assertEqual(published, contract.PROFILES)


class PythonDescribe(unittest.TestCase):
    """py_bench.py --describe: tvp-bench's shape, and every name it can register."""

    @classmethod
    def setUpClass(cls):
        cls.desc = contract.py_describe("quick")

    def test_the_shape_of_tvp_bench_describe(self):
        d = self.desc
        self.assertEqual(d["name_schema"], contract.NAME_SCHEMA)
        self.assertEqual(d["profile"], "quick")
        self.assertEqual(d["modes"], list(contract.MODES))
        self.assertEqual([s["name"] for s in d["scenarios"]], ["python"])
        for fam in d["scenarios"][0]["families"]:
            self.assertLessEqual({"measure", "desc", "variants", "args", "values"}, set(fam))

    def test_every_name_is_in_its_family(self):
        names = self.desc["names"]
        self.assertGreater(len(names), 40)
        self.assertEqual(len(names), len(set(names)))
        desc = Describe(self.desc)
        for n in names:
            k = contract.parse_name(n)
            with self.subTest(name=n):
                self.assertIsNotNone(k)
                self.assertEqual(contract.strip_suffix(n), n)
                fam = desc.family(k.scenario, k.measure)
                self.assertIn(k.variant, fam["variants"])
                for a, v in k.args.items():
                    self.assertIn(v, fam["values"][a])

    def test_the_names_a_run_registers(self):
        """A run's rows carry names the description listed, and its tvp_describe has
        the same families: the names come from one builder."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "py.json")
            r = run([PY, "bench/py_bench.py", "--filter", "^python/thread/thread/measure:create$",
                     "--repetitions", "1", "--min-time", "0.01", "--out", out])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                doc = json.load(f)
        rows = {contract.strip_suffix(b["name"]) for b in doc["benchmarks"]}
        self.assertEqual(rows, {"python/thread/thread/measure:create"})
        self.assertLessEqual(rows, set(self.desc["names"]))
        ran = json.loads(doc["context"]["tvp_describe"])
        self.assertEqual(ran["scenarios"], self.desc["scenarios"])

    def test_each_program_is_asked_once(self):
        contract.py_describe("quick")  # cached by setUpClass already
        with mock.patch.object(contract.subprocess, "run",
                               side_effect=AssertionError("asked again")):
            self.assertEqual(contract.py_names("quick"), self.desc["names"])

    def test_a_failing_program_is_an_error(self):
        with self.assertRaisesRegex(ContractError, "No such file|not found"):
            contract.c_describe("/nonexistent/tvp-bench")


class Styles(unittest.TestCase):
    """What the ipc section reads from the transport table, not from a list of names."""

    @staticmethod
    def run_of(transports):
        class FakeRun:
            describe = Describe({"transports": transports})
        return FakeRun()

    def test_an_eleventh_transport_has_a_colour_of_its_own(self):
        from report import ipc
        names = [f"t{i}" for i in range(13)]
        fake = self.run_of([{"name": n} for n in names])
        colours = [ipc.transport_style(fake, n)[0] for n in names + ["not_in_the_table"]]
        self.assertEqual(len(set(colours)), len(colours), colours)
        self.assertEqual(colours[:10], list(ipc.PALETTE))
        for c in colours:
            self.assertRegex(c, r"^#[0-9a-f]{6}$")

    def test_the_kernel_column_decides(self):
        from report import ipc
        fake = self.run_of([{"name": "pipe", "kernel": True},
                            {"name": "my_ring", "kernel": False},
                            {"name": "shm_ring", "kernel": True}])
        self.assertTrue(ipc.through_kernel(fake, "pipe"))
        self.assertFalse(ipc.through_kernel(fake, "my_ring"))
        self.assertTrue(ipc.through_kernel(fake, "shm_ring"))
        # a run from before the column: the rings and the queue of then are user space
        old = self.run_of([{"name": n} for n in ("pipe", "shm_ring", "queue", "spsc_ring")])
        self.assertEqual([ipc.through_kernel(old, n) for n in ("pipe", "shm_ring", "queue",
                                                                 "spsc_ring")],
                         [True, False, False, False])


class Contract(unittest.TestCase):
    """NEEDS $BUILD/tvp-bench. Every key the report's sections and the claim rules ask
    for is a name one side registers: the whole report and every rule are run over the
    names `tvp-bench --benchmark_list_tests` and `py_bench.py --describe` list (no
    measurement), and every key they look up that neither registers is listed."""
    BENCH = os.path.join(BUILD, "tvp-bench")

    def setUp(self):
        if not os.access(self.BENCH, os.X_OK):
            self.skipTest(f"{self.BENCH} is not built (make)")

    def keys_nobody_registers(self, profile):
        c_side = contract.c_describe(self.BENCH, profile)
        py_side = contract.py_describe(profile)
        ctx = {"pus": str(len(os.sched_getaffinity(0))), "profile": profile,
               "placement": "none", "tvp_version": "test"}
        names = contract.c_names(self.BENCH, profile) + py_side["names"]
        names_run = wanted.names_run(names, Describe(contract.merged(c_side, py_side)), ctx)
        self.assertGreater(len(names_run.benches), 40, "no names of schema 2 listed")
        self.assertTrue(any(k.scenario == "python" for k in names_run.benches))
        keys = wanted.wanted_keys(names_run)
        return sorted(str(k) for k in keys if k not in names_run.benches)

    def test_quick_profile(self):
        self.assertEqual(self.keys_nobody_registers("quick"), [])

    def test_full_profile(self):
        self.assertEqual(self.keys_nobody_registers("full"), [])

    def test_the_contract_document_is_current(self):
        """docs/contract.md is what scripts/contract_doc.py writes from both --describe
        outputs today: make contract-doc after a family or a table changes."""
        from contract import contract_doc
        text = contract_doc.document(contract.c_describe(self.BENCH), contract.py_describe())
        with open(os.path.join(ROOT, "docs", "contract.md")) as f:
            self.assertEqual(f.read(), text, "docs/contract.md is out of date: "
                                             "make contract-doc")

    def test_every_scenario_has_a_section(self):
        """Every scenario the suite describes (C's and the Python one) is reported by a
        section of the report: a module named after it, or one that says it covers it
        (SCENARIOS)."""
        from report import document
        covered = set()
        for section in document.SECTIONS:
            covered.update(document.scenarios_of(section))
        both = contract.merged(contract.c_describe(self.BENCH), contract.py_describe())
        self.assertEqual({s["name"] for s in both["scenarios"]} - covered, set())


def report_of(bench, parts, tmp):
    """Runs tvp-bench once per (scenario, filter) of parts, merges the JSON as run.py
    does and writes the report: (its folder, its REPORT.md)."""
    from running import run as run_py
    outs, seconds = [], {}
    for scenario, only in parts:
        out = os.path.join(tmp, f".part-{scenario}.json")
        r = run([bench, f"--scenario={scenario}", "--repetitions=2", "--min-time=0.01",
                 f"--benchmark_filter={only}", f"--benchmark_out={out}",
                 "--benchmark_out_format=json"])
        if r.returncode != 0:
            raise AssertionError(r.stderr[-2000:])
        outs.append(out)
        seconds[scenario] = 1.0
    merged = run_py.merge(outs, seconds)
    folder = os.path.join(tmp, "run")
    os.makedirs(folder)
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(merged, f)
    r = run([PY, "scripts/write_report.py", folder])
    if r.returncode != 0:
        raise AssertionError(r.stderr[-2000:])
    with open(os.path.join(folder, "REPORT.md")) as f:
        return folder, f.read()


class ExtraRows(unittest.TestCase):
    """The suite built with more rows in C's tables reaches every table and figure of
    the report, with no edit on the Python side."""

    def test_a_kind_added_in_c_reaches_the_report(self):
        """One more row in worker_kinds[] (make extra-kind): the scenarios that run every
        kind measure it, and the report's tables show it."""
        bench = os.path.join(ROOT, "build", "extra-kind", "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("build/extra-kind/tvp-bench is not built (make extra-kind)")
        self.assertIn("fork_twin", [k["name"] for k in contract.c_describe(bench)
                                    ["worker_kinds"]])
        with tempfile.TemporaryDirectory() as tmp:
            _, text = report_of(bench, (("create", "layout:private/parent_mib:0/"),
                                        ("globals", "")), tmp)
        self.assertRegex(text, r"\n\| fork \(twin\) \| process \| ", "creation by method")
        self.assertRegex(text, r"\n\| fork \(twin\) \| a global \| ", "the nums example")

    def test_transports_added_in_c_reach_the_report(self):
        """Two more rows in ipc_transports[] (make extra-transport): pipe_twin (the pipe:
        a kernel transport) and shm_twin (the shared-memory ring: user space), two
        more than the plain build's (eleven today). Each is in the throughput, latency and C7 tables and in every
        figure of the ipc section, shm_twin in the polling tables and figure too; the
        eleventh has a colour no other transport has; and the sentence on the kernel's
        transports counts pipe_twin, not shm_twin, from the table's kernel column."""
        bench = os.path.join(ROOT, "build", "extra-transport", "tvp-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("build/extra-transport/tvp-bench is not built "
                          "(make extra-transport)")
        table = contract.c_describe(bench)["transports"]
        self.assertEqual([(t["name"], t["kernel"]) for t in table[-2:]],
                         [("pipe_twin", True), ("shm_twin", False)])
        # Two more than the plain build's table, however many a newcomer has added.
        plain = contract.c_describe(os.path.join(BUILD, "tvp-bench"))["transports"]
        self.assertEqual(len(table), len(plain) + 2)
        only = (r"^ipc/(pipe|pipe_twin|shm_twin)/[a-z]+/measure:[a-z_]+/kind:(pthread|fork)/"
                r"pin:(diff_core|none)/(msg_bytes:64/|real_time|spin_us:100/real|"
                r"spin_us:100/msg_bytes:65536/)")
        from report import ipc
        from report.kit import fmt
        with tempfile.TemporaryDirectory() as tmp:
            folder, text = report_of(bench, (("ipc", only),), tmp)
            svgs = {}
            for fig in ("ipc_throughput", "ipc_ratio", "ipc_latency", "ipc_spin"):
                with open(os.path.join(folder, "figures", f"{fig}.svg")) as f:
                    svgs[fig] = f.read()
            ran = results.load(folder)
        for t in ("pipe", "pipe_twin", "shm_twin"):
            with self.subTest(transport=t):
                self.assertRegex(text, rf"\n\| {t} \| 64 B \| ", "throughput table")
                self.assertEqual(len(re.findall(rf"\n\| {t} \| [\d,.]+ \[", text)), 2,
                                 "latency table and C7's context table")
                for fig in ("ipc_throughput", "ipc_ratio", "ipc_latency"):
                    self.assertIn(f"<text>{t}</text>", svgs[fig], fig)
        for who in ("threads", "processes"):
            self.assertRegex(text, rf"\n\| shm_twin, {who} \| ", "the polling tables")
            self.assertIn(f"<text>shm_twin, {who}</text>", svgs["ipc_spin"])
        # the eleventh transport's colour: not the first's, and drawn
        first, eleventh = (ipc.transport_style(ran, t)[0] for t in ("pipe", "shm_twin"))
        self.assertNotEqual(first, eleventh)
        rgb = [int(eleventh[i:i + 2], 16) for i in (1, 3, 5)]
        self.assertRegex(svgs["ipc_throughput"], r"rgb\(\s*%d,\s*%d,\s*%d\)" % tuple(rgb))
        # the kernel's transports: pipe and pipe_twin, whatever shm_twin measured
        self.assertEqual([ipc.through_kernel(ran, t) for t in ("pipe_twin", "shm_twin")],
                         [True, False])
        meds = [b.median for b in ran.select("ipc", "latency")
                if b.variant in ("pipe", "pipe_twin") and b.args.get("pin") == "diff_core"]
        self.assertEqual(len(meds), 4)
        self.assertIn(f"Through the kernel's transports (pipe, sockets, message queues, TCP) "
                      f"a round trip took {fmt(min(meds))} to {fmt(max(meds))} µs", text)


if __name__ == "__main__":
    unittest.main()
