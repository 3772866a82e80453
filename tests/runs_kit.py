"""runs_kit.py - the runs that test_samples.py, test_catalogue.py and test_compare.py read
(split from tests/test_runs.py with them): the reference run, and SYNTHETIC runs made from
it in a temporary folder, each a copy of the reference's benchmarks.json with its context
edited (host, kernel, placement) and its numbers scaled, changed or removed as each test
says. None of them was measured; they only give the scripts runs that differ in known
ways. Not a test itself (tests/run runs tests/test_*.py).

Needs results/reference/ (a real quick-profile run of schema 2; TVP_REFERENCE=FOLDER
names another), SciPy, and gnuplot for the figures."""
import json
import os
import shutil
import tempfile
import unittest

from scripts_kit import REFERENCE

# Every benchmark of C's queue transport and of Python's queue.Queue is dropped from box3.
QUEUE = ("ipc/queue/", "python/queue/")
RATES = ("_per_second", "ops_per_s")


def reference_doc():
    with open(os.path.join(REFERENCE, "benchmarks.json")) as f:
        return json.load(f)


def old_schema_run(folder):
    """A run folder as tvp 9df3951 wrote it, before names of schema 2 (synthetic)."""
    os.makedirs(folder)
    doc = reference_doc()
    del doc["context"]["name_schema"]
    doc["context"]["tvp_version"] = "9df3951"
    with open(os.path.join(folder, "benchmarks.json"), "w") as f:
        json.dump(doc, f)
    return folder


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


def make_runs(runs, which=("ref", "box2", "box3")):
    """A test module's temporary folder (returned, for its setUpModule to keep), and in
    it the runs which names, their folders put in runs: ref (the reference as it is),
    box2 (another host and kernel, placement compact, twice as slow) and box3 (another
    host, placement scatter, twice as fast, without the queue transport, C3 flipped).
    Skips the module where the reference is missing."""
    if not os.path.exists(os.path.join(REFERENCE, "benchmarks.json")):
        raise unittest.SkipTest(f"{REFERENCE}/benchmarks.json is missing: these tests read "
                                "a real run of schema 2 (TVP_REFERENCE=FOLDER names another)")
    tmp = tempfile.mkdtemp(prefix="tvp-test-runs-")
    folder = os.path.join(tmp, "runs")
    os.makedirs(folder)
    if "ref" in which:
        runs["ref"] = os.path.join(folder, "ref")
        shutil.copytree(REFERENCE, runs["ref"])
    if "box2" in which:
        runs["box2"] = synthetic(os.path.join(folder, "box2"), host="box2",
                                 kernel="Linux 6.1.0-synthetic x86_64", placement="compact",
                                 factor=2.0)
    if "box3" in which:
        runs["box3"] = synthetic(os.path.join(folder, "box3"), host="box3",
                                 placement="scatter", factor=0.5, drop=QUEUE,
                                 edit=globals_not_shared)
    return tmp


def remove_runs(tmp):
    if tmp:
        shutil.rmtree(tmp)
