"""test_runs.py - runs across machines and over time: every repetition in samples.csv,
the catalogue of runs (SQLite), compare.py with two runs and with many, and the bad
input they all refuse.

Needs results/reference/ (a real quick-profile run of schema 2; TVP_REFERENCE=FOLDER
names another), SciPy, and gnuplot for the figures. Every other run here is SYNTHETIC:
a copy of the reference's benchmarks.json in a temporary folder with its context edited
(host, kernel, placement) and its numbers scaled, changed or removed as each test says.
None of them was measured; they only give the scripts runs that differ in known ways."""
import collections
import csv
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from runs import catalogue  # noqa: E402
from verdicts import claims  # noqa: E402
from runs import compare_runs  # noqa: E402
from contract import results  # noqa: E402
from runs import samples  # noqa: E402

PY = sys.executable
REFERENCE = os.path.join(ROOT, os.environ.get("TVP_REFERENCE", "results/reference"))
# What Google Benchmark itself writes into a repetition's row; every other number is a
# counter of tvp's. Written out here rather than taken from results.py, so the test
# checks samples.csv against the JSON, not against the code that wrote it.
GB_OWN = {"name", "run_name", "run_type", "family_index", "per_family_instance_index",
          "repetitions", "repetition_index", "threads", "iterations", "real_time",
          "cpu_time", "time_unit", "label", "error_occurred", "error_message",
          "aggregate_name", "aggregate_unit"}
GB_SUFFIX = re.compile(r"(/iterations:\d+|/repeats:\d+|/manual_time|/real_time)+$")
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
FORK_1G = "create/fork/process/measure:round_trip/parent:tvp/layout:{}/parent_mib:1024"
# Every benchmark of C's queue transport and of Python's queue.Queue is dropped from box3.
QUEUE = ("ipc/queue/", "python/queue/")
RATES = ("_per_second", "ops_per_s")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def old_schema_run(folder):
    """A run folder as tvp 9df3951 wrote it, before names of schema 2 (synthetic)."""
    os.makedirs(folder)
    doc = reference_doc()
    del doc["context"]["name_schema"]
    doc["context"]["tvp_version"] = "9df3951"
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(doc, f)
    return folder


def reference_doc():
    with open(os.path.join(REFERENCE, "benchmarks.json")) as f:
        return json.load(f)


def synthetic(folder, host=None, kernel=None, placement=None, factor=1.0, drop=None,
              edit=None):
    """A SYNTHETIC run: the reference with its context edited, every repetition's time
    multiplied by factor (and its rates divided by it, so a faster machine is faster in
    both), the benchmarks whose names start with drop left out, and edit(row) applied
    to every repetition."""
    doc = reference_doc()
    ctx = doc["context"]
    for k, v in (("host_name", host), ("kernel", kernel), ("placement", placement)):
        if v is not None:
            ctx[k] = v
    rows = []
    for row in doc["benchmarks"]:
        if drop and row["name"].startswith(drop):
            continue
        if row.get("run_type") != "aggregate":
            row["real_time"] *= factor
            for k, v in row.items():
                if k.endswith(RATES) and isinstance(v, float):
                    row[k] = v / factor
            if edit:
                edit(row)
        rows.append(row)
    doc["benchmarks"] = rows
    os.makedirs(folder)
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(doc, f)
    return folder


def globals_not_shared(row):
    """Makes a forked and a cloned child's append visible to the parent: C3's
    predictions for processes fail, its verdict flips from supported to nuanced."""
    if row["name"].startswith(("globals/fork/process/", "globals/clone/process/")):
        row["parent_sees_items"] = 5


TMP = None
RUNS = {}


def setUpModule():
    """The runs every test reads, made once: ref (the reference as it is), box2 (another
    host and kernel, placement compact, twice as slow) and box3 (another host,
    placement scatter, twice as fast, without the queue transport, C3 flipped)."""
    global TMP
    if not os.path.exists(os.path.join(REFERENCE, "benchmarks.json")):
        raise unittest.SkipTest(f"{REFERENCE}/benchmarks.json is missing: these tests read "
                                "a real run of schema 2 (TVP_REFERENCE=FOLDER names another)")
    TMP = tempfile.mkdtemp(prefix="tvp-test-runs-")
    runs = os.path.join(TMP, "runs")
    os.makedirs(runs)
    RUNS["ref"] = os.path.join(runs, "ref")
    shutil.copytree(REFERENCE, RUNS["ref"])
    RUNS["box2"] = synthetic(os.path.join(runs, "box2"), host="box2",
                             kernel="Linux 6.1.0-synthetic x86_64", placement="compact",
                             factor=2.0)
    RUNS["box3"] = synthetic(os.path.join(runs, "box3"), host="box3", placement="scatter",
                             factor=0.5, drop=QUEUE, edit=globals_not_shared)


def tearDownModule():
    if TMP:
        shutil.rmtree(TMP)


def read_csv(path):
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


class Samples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = os.path.join(TMP, "samples-ref")
        shutil.copytree(REFERENCE, cls.folder)
        cls.path = samples.write_samples(cls.folder)
        cls.columns, cls.rows = read_csv(cls.path)
        with open(os.path.join(cls.folder, "benchmarks.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder)

    def test_columns(self):
        self.assertEqual(self.path, os.path.join(self.folder, "samples.csv"))
        self.assertEqual(self.columns[:12], [
            "run", "host", "kernel", "cpu_model", "profile", "placement", "tvp_version",
            "benchmark", "scenario", "variant", "mode", "measure"])
        self.assertEqual(self.columns[-5:], ["metric", "unit", "repetition", "value", "error"])
        # Every name argument of the run is a column of its own, once.
        for arg in ("kind", "pin", "layout", "msg_bytes", "workers", "parent_mib", "task_ns"):
            self.assertEqual(self.columns.count(arg), 1, arg)
        ctx = self.doc["context"]
        self.assertEqual({(r["run"], r["host"], r["kernel"], r["placement"]) for r in self.rows},
                         {("samples-ref", ctx["host_name"], ctx["kernel"], ctx["placement"])})

    def test_every_repetition_of_every_counter_once(self):
        """Each (benchmark, metric, repetition) of the JSON is one row with its value,
        and the CSV has nothing else but one error row per benchmark that could not run."""
        want, errors = {}, {}
        for row in self.doc["benchmarks"]:
            if row.get("run_type") == "aggregate":
                continue
            name = GB_SUFFIX.sub("", row["run_name"])
            if row.get("error_occurred"):
                errors[name] = row["error_message"]
                continue
            rep = row["repetition_index"]
            want[(name, "time_us", rep)] = row["real_time"] * TO_US[row["time_unit"]]
            for k, v in row.items():
                if k not in GB_OWN:
                    want[(name, k, rep)] = v
        got = collections.Counter()
        for r in self.rows:
            if r["metric"] == "error":
                self.assertEqual(r["error"], errors.get(r["benchmark"]), r["benchmark"])
                self.assertEqual((r["value"], r["repetition"]), ("", ""))
                got[(r["benchmark"], "error")] += 1
                continue
            k = (r["benchmark"], r["metric"], int(r["repetition"]))
            got[k] += 1
            self.assertTrue(k in want, f"{k} is not in the JSON")
            self.assertAlmostEqual(float(r["value"]), want[k], delta=abs(want[k]) * 1e-12)
        self.assertEqual(set(got) ^ (set(want) | {(n, "error") for n in errors}), set())
        self.assertEqual(max(got.values()), 1)
        self.assertEqual(len(self.rows), len(want) + len(errors))
        self.assertTrue(errors, "the reference run has benchmarks that could not run")

    def test_arguments_and_units(self):
        by = {(r["benchmark"], r["metric"]): r for r in self.rows if r["repetition"] in ("0", "")}
        create = by[("create/fork/process/measure:round_trip/parent:tvp/layout:thp/parent_mib:1024",
                     "time_us")]
        self.assertEqual((create["scenario"], create["variant"], create["mode"],
                          create["measure"], create["layout"], create["parent_mib"],
                          create["kind"], create["msg_bytes"], create["unit"]),
                         ("create", "fork", "process", "round_trip", "thp", "1024", "", "", "µs"))
        pipe = "ipc/pipe/process/measure:throughput/kind:fork/pin:diff_core/msg_bytes:65536"
        self.assertEqual((by[(pipe, "bytes_per_second")]["unit"], by[(pipe, "probe_ns")]["unit"],
                          by[(pipe, "time_us")]["pin"], by[(pipe, "time_us")]["msg_bytes"]),
                         ("1/s", "ns", "diff_core", "65536"))
        units = {r["metric"]: r["unit"] for r in self.rows}
        for metric, unit in (("private_kib", "KiB"), ("kib_per_fault", "KiB"),
                             ("ns_per_page", "ns"), ("ops_per_s_per_worker", "1/s"),
                             ("items_per_second", "1/s"), ("recover_us", "µs"),
                             ("task0_start_ms", "ms"), ("pages", "count"),
                             ("seen_status", "count"), ("error", "")):
            self.assertEqual(units.get(metric), unit, metric)

    def test_a_folder_that_is_not_a_run(self):
        with tempfile.TemporaryDirectory() as d:
            r = run([PY, "scripts/samples.py", d])
            self.assertEqual(r.returncode, 2)
            self.assertIn("is " + d + " a tvp results folder?", r.stderr)
            self.assertEqual(os.listdir(d), [])


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
                    of = claims.CLAIMS[claim]["key"].of
                    self.assertEqual(text[:2], tuple(
                        f"{fmt(m)} of {of}" if of else f"{fmt(m)} [{fmt(lo)}, {fmt(hi)}]"
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


if __name__ == "__main__":
    unittest.main()
