"""test_samples.py - every repetition in samples.csv (scripts/samples.py): its columns,
each (benchmark, metric, repetition) of the JSON once with its value, arguments and
units, repetitions numbered where a row carries no index, and a folder that is not a run
(split from tests/test_runs.py and tests/test_behaviours.py).

Needs results/reference/ (TVP_REFERENCE=FOLDER names another). Tier: fast (tests/tiers)."""
import collections
import csv
import unittest

from scripts_kit import *  # noqa: F401,F403
from runs_kit import make_runs, remove_runs  # noqa: E402
from runs import samples  # noqa: E402


# What Google Benchmark itself writes into a repetition's row; every other number is a
# counter of tvp's. Written out here rather than taken from results.py, so the test
# checks samples.csv against the JSON, not against the code that wrote it.
GB_OWN = {"name", "run_name", "run_type", "family_index", "per_family_instance_index",
          "repetitions", "repetition_index", "threads", "iterations", "real_time",
          "cpu_time", "time_unit", "label", "error_occurred", "error_message",
          "aggregate_name", "aggregate_unit"}
GB_SUFFIX = re.compile(r"(/iterations:\d+|/repeats:\d+|/manual_time|/real_time)+$")
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


TMP = None
RUNS = {}


def setUpModule():
    """The module's temporary folder (tests/runs_kit.py); Samples copies the reference
    into it."""
    global TMP
    TMP = make_runs(RUNS, which=())


def tearDownModule():
    remove_runs(TMP)


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


class SamplesNumbers(unittest.TestCase):
    """Break samples-reps-unnumbered: rows without repetition_index (an older writer)
    are numbered 0, 1, 2 ... per benchmark, in the order of the rows."""

    def test_rows_without_an_index_are_numbered_in_order(self):
        rows = []
        for rep in range(3):
            for name in ("s/a/process/measure:m", "s/b/thread/measure:m"):
                rows.append({"name": name + "/manual_time", "run_name": name + "/manual_time",
                             "run_type": "iteration", "real_time": 10.0 + rep,
                             "time_unit": "us", "minflt": rep})
        doc = {"context": {"host_name": "h"}, "benchmarks": rows}
        with tempfile.TemporaryDirectory() as folder:
            _args, out = samples.tidy(folder, doc)
        got = {}
        for r in out:
            got.setdefault((r["benchmark"], r["metric"]), []).append((r["repetition"], r["value"]))
        for name in ("s/a/process/measure:m", "s/b/thread/measure:m"):
            self.assertEqual(got[(name, "time_us")], [(0, 10.0), (1, 11.0), (2, 12.0)])
            self.assertEqual(got[(name, "minflt")], [(0, 0), (1, 1), (2, 2)])

    def test_an_index_given_is_kept(self):
        rows = [{"name": "s/a/process/measure:m", "run_type": "iteration", "real_time": 1.0,
                 "time_unit": "us", "repetition_index": i} for i in (3, 5)]
        with tempfile.TemporaryDirectory() as folder:
            _args, out = samples.tidy(folder, {"context": {}, "benchmarks": rows})
        self.assertEqual([r["repetition"] for r in out], [3, 5])


if __name__ == "__main__":
    unittest.main()
