"""py_harness.py - the Python layer's harness: Suite (the filter, the rows in Google
Benchmark's shape, repetitions and calibration, and the record of every name a family asks
for, which --describe prints), the one clock every process shares, the gated window that
leaves a worker's start and join outside the timing, and the smaps reader.
The families (bench/py_*.py) measure through it; bench/py_bench.py runs them."""
import re
import threading
import time

from py_contract import FAMILIES, NAME_SCHEMA, PROFILES, PYTHON_KINDS, SCENARIO, \
    SCENARIO_DESC, WORK_S, fields


def now():
    """CLOCK_MONOTONIC in seconds: one clock for every process of the machine, so a
    worker's end stamp and the parent's start stamp can be subtracted."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def run_gated(ctx, target, args, consume, timeout=120):
    """Starts target(*args, ready, gate) as a thread (ctx None) or as a process of ctx,
    waits until it says it is ready, then times consume() from opening the gate to its
    return. Start and join are outside the window; a worker that does not end is
    terminated, so nothing outlives the call even when consume() fails."""
    if ctx is None:
        ready, gate = threading.Semaphore(0), threading.Event()
        w = threading.Thread(target=target, args=args + (ready, gate), daemon=True)
    else:
        ready, gate = ctx.Semaphore(0), ctx.Event()
        w = ctx.Process(target=target, args=args + (ready, gate))
    w.start()
    done = False
    try:
        if not ready.acquire(timeout=timeout):
            raise RuntimeError(f"{target.__name__}: the worker did not start")
        t0 = now()
        gate.set()
        consume()
        t = now() - t0
        done = True
        return t
    finally:
        gate.set()
        # After a failure the worker may wait for a reader that is gone: a process is
        # ended at once; a thread is a daemon, and ends with this process at the latest.
        w.join(timeout if done else 0.1)
        if ctx is not None and w.is_alive():
            w.terminate()
            w.join()


def rollup(pid="self"):
    """(rss, pss, private) KiB from /proc/PID/smaps_rollup."""
    vals = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                vals[parts[0][:-1]] = int(parts[1])
    return (vals.get("Rss", 0), vals.get("Pss", 0),
            vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0))


class Suite:
    def __init__(self, profile, pattern):
        self.profile = profile
        self.reps, self.budget = PROFILES[profile]
        self.work_s = WORK_S[profile]
        self.pattern = re.compile(pattern) if pattern else None
        self.rows = []
        self.families = {}  # measure -> {"variants": [...], "args": {arg: [values]}}
        self.names = []     # every name a family asked for, in order (--describe)
        self.dry = False    # --describe: every family asks for its names, none runs

    def wanted(self, name):
        """Whether the filter lets name run; every name passes here first, so the
        description records each family as the C side does, filtered or not."""
        self.record(name)
        return not self.dry and (self.pattern is None or self.pattern.search(name))

    def record(self, name):
        if name in self.names:
            return
        self.names.append(name)
        f = fields(name)
        fam = self.families.setdefault(f.pop("measure"), {"variants": [], "args": {}})
        if f["variant"] not in fam["variants"]:
            fam["variants"].append(f["variant"])
        for k, v in f.items():
            if k in ("variant", "mode"):
                continue
            values = fam["args"].setdefault(k, [])
            v = int(v) if v.isdigit() else v
            if v not in values:
                values.append(v)

    def describe(self):
        """This scenario's description, in the shape of tvp-bench --describe's."""
        families = [{"measure": m, "desc": FAMILIES[m], "variants": fam["variants"],
                     "args": list(fam["args"]), "values": fam["args"]}
                    for m, fam in sorted(self.families.items(),
                                         key=lambda kv: list(FAMILIES).index(kv[0]))]
        return {"name_schema": NAME_SCHEMA, "profile": self.profile,
                "modes": ["thread", "process"], "python_kinds": PYTHON_KINDS,
                "scenarios": [{"name": SCENARIO, "desc": SCENARIO_DESC, "in_a_row": True,
                               "families": families}]}

    def skip(self, name, why):
        self.record(name)
        if self.dry:
            return
        self.rows.append({"name": name, "run_name": name, "run_type": "iteration",
                          "repetitions": self.reps, "repetition_index": 0, "threads": 1,
                          "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "us",
                          "error_occurred": True, "error_message": why})
        print(f"{name:60s} skipped: {why}", flush=True)

    def measure(self, name, once, count, counters=None, label=None):
        """Runs once(count) per repetition; once returns the seconds it took for count
        operations. A row per repetition, time per operation in µs."""
        if not self.wanted(name):
            return
        full = name + "/manual_time"
        times = []
        for rep in range(self.reps):
            seconds = once(count)
            us = seconds / count * 1e6
            times.append(us)
            row = {"name": full, "run_name": full, "run_type": "iteration",
                   "repetitions": self.reps, "repetition_index": rep, "threads": 1,
                   "iterations": count, "real_time": us, "cpu_time": us, "time_unit": "us",
                   "items_per_second": 1e6 / us if us else 0}
            row.update((counters() if callable(counters) else counters) or {})
            if label:
                row["label"] = label() if callable(label) else label
            self.rows.append(row)
        times.sort()
        print(f"{full:60s} {times[len(times) // 2]:12.2f} us  ({count} x {self.reps})",
              flush=True)

    def rows_of(self, full, per_op_s, count, counters, label=None):
        """Rows of a name measured elsewhere (interleaved): per_op_s, seconds per
        operation for each repetition; counters(repetition, seconds of the whole
        window)."""
        full += "/manual_time"
        for rep, sec in enumerate(per_op_s):
            us = sec * 1e6
            row = {"name": full, "run_name": full, "run_type": "iteration",
                   "repetitions": len(per_op_s), "repetition_index": rep, "threads": 1,
                   "iterations": count, "real_time": us, "cpu_time": us, "time_unit": "us",
                   **counters(rep, sec * count)}
            if label:
                row["label"] = label
            self.rows.append(row)
        med = sorted(per_op_s)[len(per_op_s) // 2] * 1e6 if per_op_s else 0
        print(f"{full:60s} {med:12.4f} us  ({count} x {len(per_op_s)})", flush=True)

    def calibrate(self, once, start=1, cap=100000):
        """How many operations fill the profile's time per repetition, from one trial."""
        per_op = once(start) / start
        return max(start, min(cap, int(self.budget / max(per_op, 1e-9))))
