"""deaths.py - a scenario that dies (the OOM killer, a crash, a signal) keeps what it
finished.

tvp-bench flushes its JSON output after each benchmark it reports and writes the name
of the benchmark it is running to $TVP_PROGRESS (bench/gbench.cc). So a killed
scenario leaves a document cut off after its last finished benchmark, which
`salvage` closes, and the name of the benchmark the death interrupted. Interleaved
repetitions report a benchmark only when its last repetition is done, so a death there
leaves most benchmarks unfinished: `rest_filter` names what is left but the benchmark
that died, and run.py runs those again, at most MAX_RERUNS times."""
import json
import os
import re
import signal
import subprocess

from running import budget
from running import cglimits

MAX_RERUNS = 3
# Google Benchmark's JSON writer closes each benchmark object with this line.
OBJECT_END = re.compile(r"\n    \}")


def salvage(text):
    """(document, cut): the JSON document, or the one a killed writer left, closed
    after its last whole benchmark; (None, False) when not even the context is whole."""
    try:
        return json.loads(text), False
    except ValueError:
        pass
    ends = [m.end() for m in OBJECT_END.finditer(text)]
    head = text.find('"benchmarks": [')
    candidates = [text[:e] + "\n  ]\n}\n" for e in reversed(ends) if e > head > 0]
    if head > 0:  # the context written, no benchmark finished
        candidates.append(text[:head + len('"benchmarks": [')] + "]\n}\n")
    for c in candidates:
        try:
            return json.loads(c), True
        except ValueError:
            continue
    return None, False


def load_part(path, quiet=False):
    """A scenario's output file as a document, salvaged when cut off; None when
    nothing in it can be read. Says what was kept, unless quiet."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    doc, cut = salvage(text)
    if cut and not quiet:
        print(f"tvp: {os.path.basename(path)} was cut off; kept its "
              f"{len(doc.get('benchmarks', []))} finished rows", flush=True)
    return doc


def finished(doc):
    """The run names of the benchmarks a document holds."""
    return {b.get("run_name", b.get("name")) for b in (doc or {}).get("benchmarks", [])}


def listed(cmd):
    """The benchmark names a tvp-bench command would run (its filter applied), or []."""
    c = [a for a in cmd if not a.startswith("--benchmark_out")]
    try:
        r = subprocess.run(c + ["--benchmark_list_tests=true"], capture_output=True,
                           text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line for line in r.stdout.splitlines() if line] if r.returncode == 0 else []


def matches(progress, name):
    """Whether a listed name is the benchmark $TVP_PROGRESS named (its family and
    arguments; Google Benchmark appends its own suffixes)."""
    return bool(progress) and (name == progress or name.startswith(progress + "/"))


def rest_filter(names, done, progress):
    """(filter, left, died): a --benchmark_filter for the names neither finished nor
    the one that died, those names, and the names that died."""
    died = [n for n in names if matches(progress, n) and n not in done]
    left = [n for n in names if n not in done and n not in died]
    return (budget.name_filter(left) if left else None), left, died


def read_progress(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def signal_name(rc):
    """"SIGKILL" for a return code of -9; None for an exit."""
    if rc >= 0:
        return None
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return f"signal {-rc}"


def oom_reading():
    """What the OOM counters say now (cglimits.oom_kills)."""
    return cglimits.oom_kills(cglimits.read()["memory"])


def record(scenario, rc, progress, died, kept, oom_before):
    """One death as the context's "deaths" list holds it."""
    sig = signal_name(rc)
    moved = cglimits.oom_kills_moved(oom_before, oom_reading()) if sig == "SIGKILL" else None
    # A progress name among the finished ones: the death came between two benchmarks.
    return {"scenario": scenario, "signal": sig, "benchmark": died[0] if died else "",
            "after": "" if died else progress, "rows_kept": kept, "oom_kills": moved}
