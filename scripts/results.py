"""results.py - reads a run's benchmarks.json into per-benchmark samples.

A benchmark's key is its name without Google Benchmark's time suffix
("create/fork/process/parent_mib:1024"). Its samples are the per-repetition rows;
aggregate rows (mean, median, stddev, cv) are recomputed from them, not trusted."""
import json
import os
import re
from dataclasses import dataclass, field

import stats

TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
# Google Benchmark's own additions to a name: time mode, fixed iterations, per-benchmark
# repetitions and minimum time. The key leaves them out.
SUFFIX = re.compile(r"(/iterations:\d+|/repeats:\d+|/min_time:[\d.]+|"
                    r"/(manual_time|real_time|process_time))+$")
NAME = re.compile(r"^(?P<scenario>[^/]+)/(?P<variant>[^/]+)/(?P<mode>thread|process)"
                  r"(?P<args>(/[a-z_]+:-?\d+)*)$")
GB_FIELDS = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
             "threads", "iterations", "real_time", "cpu_time"}
REQUIRED_CONTEXT = ("tvp_version", "profile", "placement")


class ResultsError(Exception):
    """A results folder or file that cannot be read; the message says why."""


@dataclass
class Bench:
    key: str
    scenario: str
    variant: str
    mode: str
    args: dict
    times_us: list = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    error: str = ""
    label: str = ""

    def median_ci(self):
        return stats.median_ci(self.times_us)

    @property
    def median(self):
        return self.median_ci()[0]

    @property
    def cv(self):
        return stats.cv(self.times_us)

    def counter(self, name):
        """Median of a counter over the repetitions, or None."""
        vals = self.counters.get(name)
        return stats.median_ci(vals)[0] if vals else None


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


def parse_key(key):
    m = NAME.match(key)
    if not m:
        return None
    args = {}
    for part in m.group("args").split("/")[1:]:
        k, v = part.split(":")
        args[k] = int(v)
    return m.group("scenario"), m.group("variant"), m.group("mode"), args


def load(folder):
    """Returns (context, {key: Bench}) of a results folder; ResultsError if the folder,
    its JSON or its format is not what tvp writes."""
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
    benches = {}
    for row in doc["benchmarks"]:
        if not isinstance(row, dict) or "name" not in row:
            raise ResultsError(f"{path}: a benchmark row without a name")
        if row.get("run_type") == "aggregate":
            continue
        key = SUFFIX.sub("", row.get("run_name", row["name"]))
        parsed = parse_key(key)
        if parsed is None:
            continue  # not a tvp name: keep going, the report ignores it
        b = benches.get(key)
        if b is None:
            b = benches[key] = Bench(key, *parsed)
        b.label = row.get("label", b.label)
        if row.get("error_occurred"):
            b.error = row.get("error_message", "error")
            continue
        try:
            b.times_us.append(float(row["real_time"]) * TO_US[row.get("time_unit", "ns")])
        except (KeyError, ValueError, TypeError):
            raise ResultsError(f"{path}: row {row['name']} has no usable real_time")
        for k, v in row.items():
            if k not in GB_FIELDS and isinstance(v, (int, float)):
                b.counters.setdefault(k, []).append(float(v))
    return ctx, benches
