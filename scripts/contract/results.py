"""results.py - reads a run's benchmarks.json: names of schema 2, read by their fields.

A name is SCENARIO/VARIANT/MODE/measure:MEASURE[/ARG:VALUE]... (the contract between C
and Python, schema 2: scripts/contract/contract.py), then Google Benchmark's /iterations:N and
time suffix, which are left out. A benchmark is found by its fields, never by the position of a field in the
name: key("create", "fork", "process", "round_trip", layout="private", parent_mib=0)
matches whatever order C writes the args in. Samples are the per-repetition rows;
aggregate rows (mean, median, stddev, cv) are recomputed from them, not trusted."""
import json
import os
from dataclasses import dataclass, field

from verdicts import stats
from contract.contract import NAME, NAME_SCHEMA, PUS, SUFFIX, Key, key, parse_name  # noqa: F401
from contract.describe import Describe, DescribeError

# The name grammar, the Key and its builder live in contract.py (the contract in one
# place); results reads runs with them.
SCHEMA = str(NAME_SCHEMA)
TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
GB_FIELDS = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
             "threads", "iterations", "real_time", "cpu_time"}
REQUIRED_CONTEXT = ("tvp_version", "profile", "placement")


class ResultsError(Exception):
    """A results folder or file that cannot be read; the message says why."""


# The benchmarks whose report reads a counter rather than the time of an iteration: their
# noise is judged on that counter (a footprint row's start-up time is never shown).
REPORTED = {("scale", "rate"): "ops_per_s", ("footprint", "memory"): "private_kib+kernel_kib",
            ("http", "rate"): "requests_per_s", ("http", "memory"): "kib_per_conn",
            ("python", "gil"): "ops_per_s", ("python", "memory"): "pss_kib"}


def tasks_waited(counters):
    """Per repetition, from a pool's schedule (task<i>_worker, _start_ms, _end_ms, tasks
    in the order submitted): the tasks that started only after an earlier task on their
    own worker had ended, i.e. that waited for a worker to finish. [] without a
    schedule."""
    tasks = []
    while f"task{len(tasks)}_worker" in counters:
        i = len(tasks)
        tasks.append([counters.get(f"task{i}_{f}") for f in ("worker", "start_ms", "end_ms")])
    if not tasks or any(None in t for t in tasks):
        return []
    out = []
    for rep in range(len(tasks[0][0])):
        waited = 0
        for i, (worker, start, _end) in enumerate(tasks):
            waited += any(tasks[j][0][rep] == worker[rep] and tasks[j][2][rep] <= start[rep]
                          for j in range(i))
        out.append(float(waited))
    return out


# Metrics computed from a benchmark's counters where it does not publish them itself.
DERIVED = {"tasks_waited": tasks_waited}


@dataclass
class Bench:
    key: Key
    name: str            # the name as C wrote it, without Google Benchmark's suffixes
    times_us: list = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    error: str = ""
    label: str = ""

    scenario = property(lambda self: self.key.scenario)
    variant = property(lambda self: self.key.variant)
    mode = property(lambda self: self.key.mode)
    measure = property(lambda self: self.key.measure)
    args = property(lambda self: self.key.args)

    def median_ci(self):
        return stats.median_ci(self.times_us)

    @property
    def median(self):
        return self.median_ci()[0]

    @property
    def cv(self):
        return stats.cv(self.times_us)

    def values(self, metric="time"):
        """Per-repetition values of a metric: the times ("time"), or a counter, or a sum
        of counters joined by "+"; [] where a counter is missing."""
        if metric == "time":
            return self.times_us
        if metric in DERIVED and metric not in self.counters:
            return DERIVED[metric](self.counters)
        parts = [self.counters.get(name) for name in metric.split("+")]
        if any(p is None for p in parts):
            return []
        return [sum(v) for v in zip(*parts)]

    def cv_of(self, metric="time"):
        """The coefficient of variation of the metric a table or a verdict uses."""
        return stats.cv(self.values(metric))

    @property
    def metric(self):
        """The metric the report reads of this benchmark: its time, or the counter its
        tables and verdicts quote (a rate, a memory size)."""
        m = REPORTED.get((self.scenario, self.measure), "time")
        return m if self.values(m) else "time"


    @property
    def usable(self):
        return not self.error and bool(self.times_us)

    def counter(self, name):
        """Median of a counter over the repetitions, or None."""
        vals = self.counters.get(name)
        return stats.median_ci(vals)[0] if vals else None


class Run:
    """A run: its context, what it says it ran (describe) and its benchmarks. Every
    lookup by key is recorded in `requested`, so a test can list the keys the report
    and the rules ask for."""

    def __init__(self, ctx, describe, benches):
        self.ctx, self.describe = ctx, describe
        self.benches = benches          # {Key: Bench}, in the JSON's order
        self.requested = set()

    @property
    def pus(self):
        """The PUs the run could use (what scale sweeps and pools are sized by), or 0."""
        return int(self.ctx.get("pus") or self.ctx.get("nproc") or 0)

    @property
    def repetitions(self):
        """The repetitions most benchmarks of the run have (0 for none)."""
        counts = [len(b.times_us) for b in self.benches.values() if b.times_us]
        return max(set(counts), key=counts.count) if counts else 0

    def bench(self, k):
        """The Bench of a key, skipped or not, or None."""
        k = k.resolve(self.pus)
        self.requested.add(k)
        return self.benches.get(k)

    def get(self, scenario, variant, mode, measure, **args):
        return self.bench(key(scenario, variant, mode, measure, **args))

    def ok(self, scenario, variant, mode, measure, **args):
        """The Bench if it ran and has samples, else None."""
        b = self.get(scenario, variant, mode, measure, **args)
        return b if b and b.usable else None

    def select(self, scenario, measure=None, **fields):
        """Every Bench of a scenario whose fields include the ones given (variant, mode,
        any arg), in the JSON's order: for tables that list what the run has."""
        out = []
        for b in self.benches.values():
            if b.scenario != scenario or (measure and b.measure != measure):
                continue
            f = b.key.fields()
            if all(f.get(k, _ABSENT) == v for k, v in fields.items()):
                out.append(b)
        return out

    def mode_of(self, kind):
        """A worker kind's mode: as the run's table gives it, else as the names of the
        benchmarks it ran say (a kind the table lacks), else None."""
        mode = self.describe.mode_of(kind)
        if mode:
            return mode
        return next((b.mode for b in self.benches.values()
                     if b.args.get("kind") == kind or b.variant == kind), None)

    def kind_of(self, b):
        """The worker kind a benchmark runs: its kind arg, or its variant when that is a
        kind. None when no kind is involved (memcpy)."""
        if "kind" in b.args:
            return b.args["kind"]
        return b.variant if self.describe.mode_of(b.variant) else None


_ABSENT = object()


def unique_folder(base):
    """Makes base, or base-2, base-3, ... if it exists: results never overwrite each
    other. Returns the path; OSError (not FileExistsError) when it cannot be made."""
    path, n = base, 1
    while True:
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            n += 1
            path = f"{base}-{n}"


def read_json(folder):
    """The folder's benchmarks.json, checked: Google Benchmark's shape, written by tvp
    with the names of this schema. ResultsError says what is wrong."""
    if not os.path.isdir(folder):
        raise ResultsError(f"{folder}: no such results folder")
    path = os.path.join(folder, "benchmarks.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing (is {folder} a tvp results folder?)")
    except json.JSONDecodeError as e:
        raise ResultsError(f"{path}: not valid JSON, truncated or damaged ({e})")
    if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict) \
            or not isinstance(doc.get("benchmarks"), list):
        raise ResultsError(f"{path}: not Google Benchmark JSON (no context or benchmarks)")
    ctx = doc["context"]
    missing = [k for k in REQUIRED_CONTEXT if k not in ctx]
    if missing:
        raise ResultsError(f"{path}: written by an older or other tool: context lacks "
                           + ", ".join(missing))
    schema = str(ctx.get("name_schema", "1"))
    if schema != SCHEMA:
        version = ctx["tvp_version"]
        raise ResultsError(f"{folder} was written by tvp {version} with the names of schema "
                           f"{schema}; this tvp reads schema {SCHEMA}: re-run it, or read it "
                           f"with tvp {version}")
    return doc


def load(folder):
    """The Run of a results folder; ResultsError if the folder, its JSON or its format
    is not what tvp writes."""
    doc = read_json(folder)
    ctx = doc["context"]
    path = os.path.join(folder, "benchmarks.json")
    try:
        describe = Describe.from_text(ctx.get("tvp_describe"))
    except DescribeError as e:
        raise ResultsError(f"{path}: {e}")
    benches = {}
    for row in doc["benchmarks"]:
        if not isinstance(row, dict) or "name" not in row:
            raise ResultsError(f"{path}: a benchmark row without a name")
        if row.get("run_type") == "aggregate":
            continue
        name = SUFFIX.sub("", row.get("run_name", row["name"]))
        k = parse_name(name)
        if k is None:
            continue  # not a tvp name: keep going, the report ignores it
        b = benches.get(k)
        if b is None:
            b = benches[k] = Bench(k, name)
        b.label = row.get("label", b.label)
        if row.get("error_occurred"):
            b.error = row.get("error_message", "error")
            continue
        try:
            b.times_us.append(float(row["real_time"]) * TO_US[row.get("time_unit", "ns")])
        except (KeyError, ValueError, TypeError):
            raise ResultsError(f"{path}: row {row['name']} has no usable real_time")
        for k2, v in row.items():
            if k2 not in GB_FIELDS and isinstance(v, (int, float)):
                b.counters.setdefault(k2, []).append(float(v))
    return Run(ctx, describe, benches)
