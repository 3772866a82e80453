"""test_catalogue.py - the catalogue of runs (SQLite, scripts/catalogue.py): runs and
their verdicts, samples as samples.csv has them, medians as the JSON's, the example
queries, a rebuild that keeps the old database when it fails, a scan that skips what is
not a run, any argument name a column, and its refusals (split from tests/test_runs.py
and tests/test_behaviours.py). The runs but the reference are SYNTHETIC (tests/runs_kit.py).

Needs results/reference/ (TVP_REFERENCE=FOLDER names another). Tier: fast (tests/tiers)."""
import collections
import sqlite3
import unittest
from unittest import mock

from scripts_kit import *  # noqa: F401,F403
from runs_kit import make_runs, old_schema_run, reference_doc, remove_runs  # noqa: E402
from runs import catalogue  # noqa: E402
from runs import samples  # noqa: E402


FORK_1G = "create/fork/process/measure:round_trip/parent:tvp/layout:{}/parent_mib:1024"


TMP = None
RUNS = {}


def setUpModule():
    """The runs every test reads, made once (tests/runs_kit.py)."""
    global TMP
    TMP = make_runs(RUNS)


def tearDownModule():
    remove_runs(TMP)


def dump(db):
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def query(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class Catalogue(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(dir=TMP)
        cls.db = os.path.join(cls.tmp, "catalogue.sqlite")
        r = run([PY, "scripts/catalogue.py", "--db", cls.db,
                 RUNS["ref"], RUNS["box2"], RUNS["box3"]])
        assert r.returncode == 0, r.stderr
        cls.out = r.stdout

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_runs_and_their_verdicts(self):
        rows = query(self.db, "SELECT id, host, kernel, placement, profile, name_schema, "
                              "C1, C3, C6 FROM runs ORDER BY id")
        kernel = reference_doc()["context"]["kernel"]
        # C6 is judged on the notes' Python, which every run shares with the reference
        # (its plain Process row included): supported in each.
        self.assertEqual(rows, [
            ("box2", "box2", "Linux 6.1.0-synthetic x86_64", "compact", "quick", "2",
             "supported", "supported", "supported"),
            ("box3", "box3", kernel, "scatter", "quick", "2",
             "supported", "nuanced", "supported"),
            ("ref", "vm", kernel, "none", "quick", "2",
             "supported", "supported", "supported")])
        ref = results.load(RUNS["ref"])
        self.assertEqual(query(self.db, "SELECT claim, verdict FROM verdicts WHERE run = 'ref'"),
                         [(c, claims.judged(c, ref)[0]) for c in claims.CLAIMS])
        self.assertIn("3 runs", self.out)

    def test_samples_are_samples_csv(self):
        args, rows = samples.tidy(RUNS["box2"])
        self.assertEqual(query(self.db, "SELECT COUNT(*) FROM samples WHERE run = 'box2'"),
                         [(len(rows),)])
        cols = [c[1] for c in query(self.db, "PRAGMA table_info(samples)")]
        self.assertEqual(cols, samples.columns(args))
        # An argument a benchmark lacks is NULL, and numbers stay numbers.
        self.assertEqual(query(self.db, "SELECT COUNT(*) FROM samples WHERE scenario = 'create' "
                                        "AND (pin IS NOT NULL OR typeof(parent_mib) != 'integer')"),
                         [(0,)])
        self.assertEqual(query(self.db, "SELECT COUNT(*) FROM samples WHERE metric = 'error' "
                                        "AND (value IS NOT NULL OR error IS NULL)"), [(0,)])

    def test_medians_are_the_medians_of_the_json(self):
        doc = reference_doc()
        name = "scale/cpu/thread/measure:rate/kind:pthread/pin:none/workers:2"
        vals = [r["ops_per_s"] for r in doc["benchmarks"]
                if r.get("run_type") != "aggregate" and r["name"].startswith(name + "/")]
        self.assertEqual(len(vals), 5)
        got = query(self.db, "SELECT median, n FROM medians WHERE run = 'ref' AND "
                             "benchmark = ? AND metric = 'ops_per_s'", name)
        self.assertEqual(len(got), 1)
        self.assertAlmostEqual(got[0][0], statistics.median(vals))
        self.assertEqual(got[0][1], 5)
        # An even n averages the two middle values, as statistics.median does.
        conn = sqlite3.connect(":memory:")
        for stmt in catalogue.schema([]):
            conn.execute(stmt)
        conn.executemany("INSERT INTO samples (run, benchmark, metric, value) VALUES "
                         "('r', 'b', 'm', ?)", [(v,) for v in (4.0, 1.0, 3.0, 10.0)])
        self.assertEqual(conn.execute("SELECT median, n FROM medians").fetchall(), [(3.5, 4)])

    def ref_medians(self, name, metric):
        vals = [float(r["value"]) for r in samples.tidy(RUNS["ref"])[1]
                if r["benchmark"] == name and r["metric"] == metric]
        return statistics.median(vals)

    def test_example_queries(self):
        (_, q1), (_, q2), (_, q3) = catalogue.EXAMPLES
        # 1: fork with 1 GiB of parent memory, by kernel: the synthetic kernel's run is
        # twice the reference, box3 (the reference's kernel) half of it.
        kernel = reference_doc()["context"]["kernel"]
        want = []
        for k, run_id, factor in (("Linux 6.1.0-synthetic x86_64", "box2", 2.0),
                                  (kernel, "box3", 0.5), (kernel, "ref", 1.0)):
            for layout in sorted(("private", "thp", "maps", "shared")):
                want.append((k, layout, round(
                    self.ref_medians(FORK_1G.format(layout), "time_us") * factor, 1), 5, run_id))
        want.sort(key=lambda w: (w[0], w[1], w[4]))  # ORDER BY kernel, layout, run
        got = query(self.db, q1)
        self.assertEqual([g[:2] + g[3:] for g in got], [w[:2] + w[3:] for w in want])
        for g, w in zip(got, want):
            self.assertAlmostEqual(g[2], w[2], delta=0.11)
        # 2: the verdicts by machine: C3 flipped on box3 alone.
        got = query(self.db, q2)
        c3 = [(g[0], g[3], g[4]) for g in got if g[2] == "C3"]
        self.assertEqual(c3, [("box2", "supported", 1), ("box3", "nuanced", 1),
                              ("vm", "supported", 1)])
        self.assertEqual({(g[0], g[4]) for g in got}, {("box2", 1), ("box3", 1), ("vm", 1)})
        self.assertEqual(collections.Counter(g[0] for g in got),
                         {"box2": 8, "box3": 8, "vm": 8})
        # 3: the pipe at 64 KiB by placement: box2 half the reference's rate, box3 twice.
        got = query(self.db, q3)
        self.assertEqual(sorted({g[0] for g in got}), ["compact", "none", "scatter"])
        ref = {(g[1], g[2], g[3]): g[4] for g in got if g[5] == "ref"}
        self.assertEqual(len(ref), 5)  # thread and fork, unpinned and on two cores; spawned
        for g in got:
            name = (f"ipc/pipe/{g[1]}/measure:throughput/kind:{g[2]}/pin:{g[3]}"
                    "/msg_bytes:65536")
            factor = {"ref": 1.0, "box2": 0.5, "box3": 2.0}[g[5]]
            self.assertAlmostEqual(g[4], round(self.ref_medians(name, "bytes_per_second")
                                               / 1e9 * factor, 3), delta=0.0011)

    def test_examples_flag(self):
        r = run([PY, "scripts/catalogue.py", "--db", self.db, "--examples"])
        self.assertEqual(r.returncode, 0, r.stderr)
        for title, sql in catalogue.EXAMPLES:
            self.assertIn(title, r.stdout)
        self.assertIn("box3 | AMD EPYC | C3 | nuanced | 1", r.stdout)


class CatalogueRebuild(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=TMP)
        self.db = os.path.join(self.tmp, "catalogue.sqlite")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def left_over(self):
        return [f for f in os.listdir(self.tmp) if f != "catalogue.sqlite"]

    def test_same_content_and_removed_folder(self):
        two = [RUNS["ref"], RUNS["box2"]]
        catalogue.build(self.db, two)
        first = dump(self.db)
        catalogue.build(self.db, two)
        self.assertEqual(dump(self.db), first)
        # A run no longer among the folders leaves the catalogue with all its rows.
        catalogue.build(self.db, [RUNS["ref"]])
        self.assertEqual(query(self.db, "SELECT id FROM runs"), [("ref",)])
        self.assertEqual(query(self.db, "SELECT DISTINCT run FROM samples"), [("ref",)])
        self.assertEqual(self.left_over(), [])

    def test_interrupted_rebuild_leaves_the_old_database(self):
        catalogue.build(self.db, [RUNS["ref"]])
        before = dump(self.db)
        # The second run's samples fail half-way through the rebuild.
        real = samples.tidy
        calls = []

        def fails_second(folder, doc=None):
            calls.append(folder)
            if len(calls) == 2:
                raise RuntimeError("interrupted")
            return real(folder, doc)
        with mock.patch.object(samples, "tidy", fails_second):
            with self.assertRaises(RuntimeError):
                catalogue.build(self.db, [RUNS["ref"], RUNS["box2"]])
        self.assertEqual(dump(self.db), before)
        self.assertEqual(self.left_over(), [])
        # A named folder that is not a run: exit status 2, the old database as it was.
        with tempfile.TemporaryDirectory() as empty:
            r = run([PY, "scripts/catalogue.py", "--db", self.db, RUNS["box2"], empty])
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"is {empty} a tvp results folder?", r.stderr)
        self.assertEqual(dump(self.db), before)
        self.assertEqual(self.left_over(), [])

    def test_a_scan_skips_what_is_not_a_run(self):
        """Under results/, comparisons, runs of another schema and copies are skipped,
        each with a line; the runs are catalogued."""
        base = os.path.join(self.tmp, "results")
        os.makedirs(os.path.join(base, "compare-a-vs-b"))
        shutil.copytree(RUNS["ref"], os.path.join(base, "a-ref"))
        shutil.copytree(RUNS["ref"], os.path.join(base, "b-copy"))
        old_schema_run(os.path.join(base, "c-old"))
        with open(os.path.join(base, "notes.txt"), "w") as f:
            f.write("not a folder\n")
        skipped = []
        n_runs, _ = catalogue.build(self.db, catalogue.folders_under(base),
                                    lambda folder, why: skipped.append((folder, why)))
        self.assertEqual(n_runs, 1)
        self.assertEqual(query(self.db, "SELECT id FROM runs"), [("a-ref",)])
        self.assertEqual([os.path.basename(f) for f, _ in skipped],
                         ["b-copy", "c-old", "compare-a-vs-b"])
        whys = [why for _, why in skipped]
        self.assertIn("holds the same run as", whys[0])
        self.assertIn("written by tvp 9df3951 with the names of schema 1", whys[1])
        self.assertIn("a tvp results folder?", whys[2])
        self.assertTrue(all("\n" not in w for w in whys))


class CatalogueNames(unittest.TestCase):
    """Break catalogue-quote-unescaped: the catalogue's columns are named by the runs'
    argument names; any name, a double quote in it included, makes a column of exactly
    that name, never broken SQL."""

    def test_any_argument_name_is_a_column(self):
        import sqlite3
        args = ['kind', 'odd"name', 'x y']
        conn = sqlite3.connect(":memory:")
        for stmt in catalogue.schema(args):
            conn.execute(stmt)
        cols = [r[1] for r in conn.execute("PRAGMA table_info(samples)")]
        self.assertEqual([c for c in cols if c in args], args)
        self.assertEqual(catalogue.q('a"b'), '"a""b"')


class CatalogueEdges(unittest.TestCase):
    """The catalogue's refusals that make coverage found untested: two runs with one id
    (the folder's name) are refused when named and skipped with the reason in a scan;
    a database that cannot be written is a clear error (exit 2, nothing half-made); the
    example queries on a catalogue not built yet say so; a scan of no results/ folder
    finds nothing."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.ref = os.path.join(ROOT, "results", "reference")
        if not os.path.exists(os.path.join(self.ref, "benchmarks.json")):
            self.skipTest("results/reference is not there")

    def twin_named_alike(self):
        """Two runs in two folders of the same name: the reference, and a copy of it
        whose date differs (another run, the same id)."""
        a = os.path.join(self.tmp, "a", "run")
        b = os.path.join(self.tmp, "b", "run")
        shutil.copytree(self.ref, a)
        shutil.copytree(self.ref, b)
        path = os.path.join(b, "benchmarks.json")
        with open(path) as f:
            doc = json.load(f)
        doc["context"]["date"] = "2000-01-01T00:00:00+00:00"
        with open(path, "w") as f:
            json.dump(doc, f)
        return a, b

    def test_two_runs_with_one_id(self):
        a, b = self.twin_named_alike()
        db = os.path.join(self.tmp, "cat.sqlite")
        with self.assertRaises(results.ResultsError) as e:
            catalogue.build(db, [a, b])
        self.assertIn("a run with the id run is already in the catalogue", str(e.exception))
        self.assertFalse(os.path.exists(db))
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        with self.assertRaises(results.ResultsError):
            catalogue.build(db, [a, empty])
        self.assertFalse(os.path.exists(db))
        skipped = []
        n_runs, _ = catalogue.build(db, [a, b, empty],
                                    lambda folder, why: skipped.append(folder))
        self.assertEqual((n_runs, sorted(skipped)), (1, sorted([b, empty])))

    def test_unwritable_database(self):
        blocker = os.path.join(self.tmp, "file")
        with open(blocker, "w") as f:
            f.write("a file, not a folder\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = catalogue.main(["--db", os.path.join(blocker, "cat.sqlite"), self.ref])
        self.assertEqual(rc, 2)
        self.assertIn("cannot write", err.getvalue())
        self.assertEqual(os.listdir(self.tmp), ["file"])  # no temporary file left

    def test_examples_before_any_catalogue(self):
        out = io.StringIO()
        db = os.path.join(self.tmp, "none.sqlite")
        with contextlib.redirect_stdout(out):
            rc = catalogue.main(["--examples", "--db", db])
        self.assertEqual(rc, 0)
        self.assertIn("does not exist yet: make catalogue", out.getvalue())
        self.assertIn("SELECT", out.getvalue())

    def test_no_results_folder(self):
        self.assertEqual(catalogue.folders_under(os.path.join(self.tmp, "no-such")), [])


if __name__ == "__main__":
    unittest.main()
