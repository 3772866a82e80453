#!/usr/bin/python3
"""samples.py - every repetition of a run, tidy: RESULTS_FOLDER/samples.csv.

    samples.py RESULTS_FOLDER

One value a row (long form), so pandas, R, DuckDB or a spreadsheet read a run without
parsing a benchmark name. The columns, in order:

  run, host, kernel, cpu_model, profile, placement, tvp_version
      the run: its folder's name, then the context's host_name, kernel, cpu_model, ...
  benchmark, scenario, variant, mode, measure
      the benchmark: its name as C wrote it (without Google Benchmark's suffixes), then
      the fields of the name
  one column per name argument any benchmark of the run has (kind, pin, layout,
      msg_bytes, workers, ...), in the order they first appear; empty where a
      benchmark lacks it. An argument named like a column above is written arg_NAME.
  metric, unit, repetition, value, error
      time_us (the real or manual time, in µs) and every counter, each its own row
      with its own name as metric; the unit from the name (UNITS); repetition as
      Google Benchmark numbers it, from 0.

A benchmark that could not run is one row with metric "error", no value and no
repetition, and the reason in the error column (one row, not one per repetition: the
reason is the benchmark's, and a count of rows per metric stays a count of samples).
Repetitions it did run before failing keep their rows. Aggregate rows (mean, median,
stddev, cv) are left out: they are summaries of the rows that are here. Google
Benchmark's cpu_time is left out too: it sees only the calling thread, not the workers.
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
from contract import results  # noqa: E402

FILE = "samples.csv"
RUN_COLUMNS = ("run", "host", "kernel", "cpu_model", "profile", "placement", "tvp_version")
# Where each run column comes from in the context ("run" is the folder's name).
CONTEXT_KEYS = {"host": "host_name", "kernel": "kernel", "cpu_model": "cpu_model",
                "profile": "profile", "placement": "placement", "tvp_version": "tvp_version"}
BENCH_COLUMNS = ("benchmark", "scenario", "variant", "mode", "measure")
VALUE_COLUMNS = ("metric", "unit", "repetition", "value", "error")
FIXED = set(RUN_COLUMNS + BENCH_COLUMNS + VALUE_COLUMNS)

# A counter's unit is in its name (README: "Counters carry their unit"), first rule
# that matches wins: ops_per_s_per_worker is a rate, kib_per_fault is KiB, ns_per_page
# is ns. Anything else counts something (pages, minflt, seen_status, task3_worker).
UNITS = ((re.compile(r"_per_s(econd)?(_|$)"), "1/s"),
         (re.compile(r"(^|_)kib(_|$)"), "KiB"),
         (re.compile(r"(^|_)ns(_|$)"), "ns"),
         (re.compile(r"_us$"), "µs"),
         (re.compile(r"_ms$"), "ms"))


def unit_of(metric):
    for pattern, unit in UNITS:
        if pattern.search(metric):
            return unit
    return "count"


def arg_column(name):
    """The column of a name argument: its own name, unless a fixed column has it."""
    return f"arg_{name}" if name in FIXED else name


def run_id(folder):
    return os.path.basename(os.path.normpath(os.path.abspath(folder)))


def run_fields(folder, ctx):
    fields = {"run": run_id(folder)}
    fields.update({col: str(ctx.get(k, "")) for col, k in CONTEXT_KEYS.items()})
    return fields


def counters(row):
    """(name, value) of a repetition's counters: its numbers Google Benchmark did not put
    there itself (the same test as results.load). A bool is a flag, not a number."""
    for name, v in row.items():
        if name not in results.GB_FIELDS and isinstance(v, (int, float)) \
                and not isinstance(v, bool):
            yield name, v


def tidy(folder, doc=None):
    """(arg columns, rows) of a results folder: rows are dicts keyed by column, an absent
    argument left out of its dict. doc is the folder's JSON when already read (checked
    by results.read_json); ResultsError when the folder is not a run of this schema."""
    if doc is None:
        doc = results.read_json(folder)
    path = os.path.join(folder, "benchmarks.json")
    head = run_fields(folder, doc["context"])
    args, rows, errored, seen = [], [], set(), {}
    for row in doc["benchmarks"]:
        if not isinstance(row, dict) or "name" not in row:
            raise results.ResultsError(f"{path}: a benchmark row without a name")
        if row.get("run_type") == "aggregate":
            continue
        name = results.SUFFIX.sub("", row.get("run_name", row["name"]))
        key = results.parse_name(name)
        if key is None:
            continue  # not a tvp name: the report ignores it too
        fields = {**head, "benchmark": name, "scenario": key.scenario,
                  "variant": key.variant, "mode": key.mode, "measure": key.measure}
        for a, v in key.args.items():
            col = arg_column(a)
            if col not in args:
                args.append(col)
            fields[col] = v
        if row.get("error_occurred"):
            if name not in errored:
                errored.add(name)
                rows.append({**fields, "metric": "error", "unit": "", "repetition": "",
                             "value": "", "error": row.get("error_message", "error")})
            continue
        # Google Benchmark numbers repetitions; a JSON without the numbers (an older
        # writer) gets them in the order of its rows.
        rep = row.get("repetition_index", seen.get(name, 0))
        seen[name] = rep + 1
        try:
            time_us = float(row["real_time"]) * results.TO_US[row.get("time_unit", "ns")]
        except (KeyError, ValueError, TypeError):
            raise results.ResultsError(f"{path}: row {row['name']} has no usable real_time")
        rows.append({**fields, "metric": "time_us", "unit": "µs", "repetition": rep,
                     "value": time_us, "error": ""})
        for metric, v in counters(row):
            rows.append({**fields, "metric": metric, "unit": unit_of(metric),
                         "repetition": rep, "value": v, "error": ""})
    return args, rows


def columns(args):
    return list(RUN_COLUMNS + BENCH_COLUMNS) + list(args) + list(VALUE_COLUMNS)


def write_samples(folder, doc=None):
    """Writes FOLDER/samples.csv (through a temporary file, so a reader never sees half
    of one) and returns its path. ResultsError when the folder is not a run of this
    schema."""
    args, rows = tidy(folder, doc)
    path = os.path.join(folder, FILE)
    tmp = path + ".tmp"
    try:
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, columns(args), restval="", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    try:
        print(write_samples(argv[1]))
    except results.ResultsError as e:
        print(f"tvp: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"tvp: cannot write {os.path.join(argv[1], FILE)}: {e.strerror}",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
