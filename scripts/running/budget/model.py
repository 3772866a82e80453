"""budget/model.py - the cost model: how long each benchmark of a run will take here.

The cost of each benchmark comes from the committed reference run: what it measured
(iterations x time per iteration), scaled by the minimum time per repetition where
Google Benchmark sizes the iteration count by it, plus its share of its scenario's
set-up (not shortened by a shorter minimum time); then by the repetitions, in a
scenario's page-faulting share by this machine's first-touch cost (PAGE_SHARE,
fault_factor), and for set-up and fixed work by the CPUs other processes leave
(load_factor). A benchmark the reference did not run (another machine's sizes: more
workers, more memory) is estimated from its family's sizes in the reference.
scenario_estimate is the same model seen per scenario, for a run that lists no names
(--smoke). What the verdicts and the report read by key (verdict_keys, report_keys),
which a plan never drops, is read here too."""
import json
import math
import os
import re
import shutil
import subprocess

from contract import contract
from contract import results

# The profiles (bench/profiles.def, which tvp-bench and py_bench.py read too):
# repetitions, seconds per repetition, py_bench.py's seconds of work per repetition. The
# plan starts from these when no --repetitions or --min-time is given.
PROFILES = contract.PROFILES
# Step 1 multiplies the minimum time by these in turn: 0.05 s becomes 0.02, 0.01, 0.005.
MIN_TIME_FACTORS = (0.4, 0.2, 0.1)
# What a run costs besides its scenarios: writing the report with its figures and
# samples.csv, lstopo, perf, and the plan itself (seconds, on the 2-core machine of the
# reference run, with room for a busy day).
REPORT_SECONDS = 15.0
# The plan aims at this share of the budget: the rest is for the estimate's error (a
# run that falls behind all the same is planned again, see run.py).
AIM = 0.9
# The most the CPUs others take may slow set-up and fixed work, in the plan: the
# parallel capacity probe is one take of a quarter second and swings from 0.3 to 1.4
# PUs within minutes on a busy machine; a run that goes slower still is planned again.
MAX_LOAD = 2.5
# Starting one more tvp-bench process (a scenario split in two groups).
PROCESS_SECONDS = 0.5
# The profiles' promise (README): the quick one took about 7 minutes on the 2-core
# machine of the reference run and the full one 64; on any machine neither is let run
# past these: where the estimate is longer (many PUs, slow page faults), run.py shrinks
# the profile as --budget would, and says so.
PROMISE = {"quick": 600.0, "full": 4500.0}
# The full profile against the quick one on the same machine, from measurement: 64 min
# against 7 (PROFILE_FACTOR). The model's own full estimate on the
# reference machine is corrected to it (see full_correction).
PYTHON = "python"


class BudgetError(Exception):
    """A budget that cannot be planned; the message says why."""


def parse_budget(text):
    """Seconds from the command line: a finite number above 0, else BudgetError."""
    try:
        s = float(text)
    except (TypeError, ValueError):
        raise BudgetError(f"--budget wants a number of seconds, not '{text}'")
    if not math.isfinite(s) or s <= 0:
        raise BudgetError(f"--budget wants seconds above 0, not '{text}'")
    return s


def min_testable_reps(significance=None):
    """The fewest repetitions per side with which the exact U test can reach the
    rules' significance level (claims.SIGNIFICANCE): below it every verdict that needs
    a test is undecided."""
    from verdicts import claims
    from verdicts import stats
    level = claims.SIGNIFICANCE if significance is None else significance
    n = 2
    while stats.u_test_min_p(n, n) >= level:
        n += 1
    return n


def _keys_in(value):
    """The results.Key objects in a rule's field: a key, or keys in a list or tuple."""
    if isinstance(value, results.Key):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [k for v in value for k in _keys_in(v)]
    return []


def verdict_keys(pus):
    """Every benchmark a verdict reads: both sides (a, b) of every rule of claims.RULES
    and py_rules.PY_RULES, and any other key a rule holds (the rules are being
    rewritten: a field of keys added later counts too), read now, with PUS resolved."""
    from verdicts import claims
    from verdicts import py_rules
    keys = set()
    for rule in list(claims.RULES) + list(py_rules.PY_RULES):
        fields = vars(rule) if hasattr(rule, "__dict__") else \
            {f: getattr(rule, f) for f in getattr(rule, "__slots__", ())}
        for value in [getattr(rule, "a", None), getattr(rule, "b", None),
                      *fields.values()]:
            keys.update(k.resolve(pus) for k in _keys_in(value))
    return keys


_REPORT_KEYS = {}


def report_keys(names, describe, ctx):
    """The keys the report looks up one by one (its tables and key numbers), on a run
    made of these names alone (report/wanted.py). describe: the run's description, or a
    function that returns it. Remembered: a run planned again asks again."""
    from contract.describe import Describe
    from report import wanted
    memo = (tuple(sorted(names)), json.dumps(ctx, sort_keys=True))
    if memo not in _REPORT_KEYS:
        desc = describe() if callable(describe) else describe
        _REPORT_KEYS[memo] = wanted.wanted_keys(wanted.names_run(names, Describe(desc), ctx))
    return _REPORT_KEYS[memo]


# --- what a benchmark costs ---------------------------------------------------------------

TO_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
REPEATS = re.compile(r"/repeats:(\d+)")
ITERATIONS = re.compile(r"/iterations:(\d+)")


class Ref:
    """One benchmark of the reference run, per repetition: the seconds it measured
    (with, for a fixed iteration count, its share of its scenario's set-up), the
    seconds of set-up a repetition costs besides (starting peers and workers, Google
    Benchmark's search for the iteration count: not shortened by a shorter minimum
    time), seconds per iteration, whether the minimum time sizes it."""
    __slots__ = ("per_rep", "overhead", "per_iter", "driven", "iterations")

    def __init__(self, per_rep, per_iter, driven, iterations, overhead=0.0):
        self.per_rep, self.per_iter, self.driven, self.iterations = \
            per_rep, per_iter, driven, iterations
        self.overhead = overhead


def reference_costs(doc, process_of):
    """{Key: Ref} from the reference run's JSON; process_of maps a scenario to the
    tvp-bench process that runs it (bw_lmbench runs in ipc's). A scenario's wall time
    outside what its benchmarks measured is shared out: among the repetitions of the
    benchmarks the minimum time sizes, evenly (set-up per repetition); among the others
    (fixed iteration counts: a thousand workers, a GiB), in proportion to what they
    measured."""
    ctx = doc.get("context", {})
    secs = {k: float(v) for k, v in (p.split("=") for p in
                                     ctx.get("scenario_seconds", "").split(",") if "=" in p)}
    acc, skipped = {}, set()
    for row in doc.get("benchmarks", []):
        if row.get("run_type") != "iteration":
            continue
        name = row.get("run_name", row.get("name", ""))
        k = results.parse_name(name)
        if k is None:
            continue
        if row.get("error_occurred"):
            skipped.add(k)  # skipped at once there (a limit): nearly free here too
            continue
        it = int(row.get("iterations") or 0)
        per_iter = float(row.get("real_time") or 0) * TO_S.get(row.get("time_unit", "ns"), 1e-9)
        a = acc.setdefault(k, [0.0, 0, per_iter, it, name])
        a[0] += it * per_iter
        a[1] += 1
    driven = {k: "/iterations:" not in a[4] and (k.scenario != PYTHON or a[3] > 1)
              for k, a in acc.items()}
    # Per process: measured seconds, repetitions, of the driven and of the fixed.
    tot = {}
    for k, (m, reps, _, _, _) in acc.items():
        t = tot.setdefault(process_of.get(k.scenario, k.scenario), [0.0, 0, 0.0, 0])
        i = 0 if driven[k] else 2
        t[i] += m
        t[i + 1] += reps
    out = {}
    for k, (m, reps, per_iter, it, name) in acc.items():
        p = process_of.get(k.scenario, k.scenario)
        m_drv, r_drv, m_fix, r_fix = tot[p]
        extra = max(0.0, secs.get(p, m_drv + m_fix) - m_drv - m_fix)
        extra_fix = extra * r_fix / (r_drv + r_fix)
        if driven[k]:
            out[k] = Ref(m / reps, per_iter, True, it, (extra - extra_fix) / r_drv)
        else:
            share = extra_fix * m / m_fix if m_fix else extra_fix / max(r_fix, 1) * reps
            out[k] = Ref((m + share) / reps, per_iter, False, it)
    for k in skipped - set(out):
        out[k] = Ref(0.01, 0.01, False, 1)
    return out


def _numeric_args(k):
    return {a: v for a, v in k.args.items() if isinstance(v, int)}


def _line(points, v):
    """A straight line through the two points nearest v (x, y), at v; never below the
    smallest y."""
    points = sorted(points)
    if len(points) == 1:
        return points[0][1]
    below = [p for p in points if p[0] <= v]
    above = [p for p in points if p[0] > v]
    if len(below) >= 2 and not above:
        (x0, y0), (x1, y1) = below[-2:]
    elif len(above) >= 2 and not below:
        (x0, y0), (x1, y1) = above[:2]
    else:
        (x0, y0), (x1, y1) = (below or above[:1])[-1], (above or below[-2:-1])[0]
    if x1 == x0:
        return y0
    y = y0 + (y1 - y0) * (v - x0) / (x1 - x0)
    return max(y, min(y0, y1, *(p[1] for p in points)))


def estimate_ref(k, refs):
    """The Ref of a key the reference did not run: from the benchmarks of its family
    that differ from it in one numeric argument (a size), on a straight line; else the
    family's mean; else the scenario's; else None."""
    if k in refs:
        return refs[k]
    same = [(r, rk) for rk, r in refs.items()
            if (rk.scenario, rk.variant, rk.mode, rk.measure) == (k.scenario, k.variant,
                                                                    k.mode, k.measure)
            and set(rk.args) == set(k.args)]
    for arg in _numeric_args(k):
        others = {a: v for a, v in k.args.items() if a != arg}
        pts = [(rk.args[arg], r) for r, rk in same
               if isinstance(rk.args[arg], int) and
               all(rk.args[a] == v for a, v in others.items())]
        if pts:
            near = min(pts, key=lambda p: abs(p[0] - k.args[arg]))[1]
            if near.driven:  # the minimum time sizes it, whatever its size
                return near
            per_rep = _line([(x, r.per_rep) for x, r in pts], k.args[arg])
            per_iter = near.per_iter * per_rep / near.per_rep if near.per_rep else near.per_iter
            return Ref(per_rep, per_iter, near.driven, near.iterations, near.overhead)
    for pool in ([r for r, _ in same],
                 [r for rk, r in refs.items() if (rk.scenario, rk.measure) == (k.scenario,
                                                                                 k.measure)],
                 [r for rk, r in refs.items() if rk.scenario == k.scenario]):
        if pool:
            n = len(pool)
            return Ref(sum(r.per_rep for r in pool) / n, sum(r.per_iter for r in pool) / n,
                       any(r.driven for r in pool), pool[0].iterations,
                       sum(r.overhead for r in pool) / n)
    return None


# Seconds a repetition takes in a family the reference has not run yet, where that is
# a fixed window rather than the minimum time: http's rate is a wrk window of 1 s (2 s
# in the full profile) and a server's start; its memory row starts a server and opens
# the connections (Apache prefork grows by 32 processes a second), and held a server
# filled until its memory limit stops it.
UNMEASURED = {("http", "rate"): 1.3, ("http", "memory"): 3.0, ("http", "held"): 5.0}


class Item:
    """One benchmark of the run to come: its key, its name as listed, the tvp-bench
    process (scenario) that runs it, its cost at the reference's settings."""

    def __init__(self, key, name, process, ref, fault, fixed_reps=None, iterations=None):
        self.key, self.name, self.process, self.ref = key, name, process, ref
        self.fault = fault                # this machine's page-fault scaling
        self.load = 1.0                   # set-up's scaling by the CPUs free here
        self.fixed_reps = fixed_reps      # /repeats:N in its name: --repetitions ignored
        self.iterations = iterations      # /iterations:N in its name
        self.verdict = self.reported = False
        self.dropped = False

    def seconds(self, min_time, ref_min_time, reps):
        """Its estimated wall time at this minimum time and these repetitions."""
        if self.ref is None:
            return UNMEASURED.get((self.key.scenario, self.key.measure), 1.0) * (
                self.fixed_reps or reps)
        per_rep = self.ref.per_rep
        if self.ref.driven:
            # Google Benchmark stops at the minimum time whatever the load; the set-up
            # around it takes what the CPUs left give.
            per_rep = max(per_rep * min_time / ref_min_time, self.ref.per_iter)
            per_rep += self.ref.overhead * self.load
        else:
            if self.iterations and self.ref.iterations:
                per_rep *= self.iterations / self.ref.iterations
            per_rep *= self.load  # a fixed amount of work: slower with fewer CPUs
        return per_rep * (self.fixed_reps or reps) * self.fault


def list_names(bench, profile, scenarios, user_filter="", env=None):
    """{process scenario: [names]} as tvp-bench lists them for this profile, each
    scenario its own process, as run.py runs them."""
    try:
        return {s: contract.c_names(bench, profile, s, user_filter, env) for s in scenarios}
    except contract.ContractError as e:
        raise BudgetError(str(e))


def fault_factor(process, probes, ref_ctx):
    """How much slower this process scenario runs here for its page faults alone."""
    ref_probes = next(iter(json.loads(ref_ctx.get("sentinel") or "{}").values()), {})
    fault = 1.0
    if probes.get("first_touch_ns") and ref_probes.get("first_touch_ns"):
        fault = probes["first_touch_ns"] / ref_probes["first_touch_ns"]
    share = PAGE_SHARE.get(process, 0.0)
    return share * fault + 1 - share


def load_factor(probes, ref_ctx):
    """How much slower set-up (starting processes, peers, threads) runs here for the
    CPUs other processes take: the reference machine's parallel capacity against this
    one's at the start (the parallel_pus probe), between 1 and MAX_LOAD."""
    ref_probes = next(iter(json.loads(ref_ctx.get("sentinel") or "{}").values()), {})
    here, there = probes.get("parallel_pus"), ref_probes.get("parallel_pus")
    if not here or not there:
        return 1.0
    return min(MAX_LOAD, max(1.0, there / here))


def make_items(listing, ref_doc, probes, py_names=()):
    """The Items of a run: every listed C benchmark, and the notes' Python
    (python_names)."""
    process_of = {results.parse_name(n).scenario: p for p, ns in listing.items() for n in ns}
    refs = reference_costs(ref_doc, process_of)
    ref_counters = {}
    for row in ref_doc.get("benchmarks", []):
        if row.get("run_type") == "iteration":
            ref_counters.setdefault(results.parse_name(row.get("run_name", row.get("name", ""))),
                                    set()).update(row)
    ref_ctx = ref_doc.get("context", {})
    items = []
    for process, names in listing.items():
        fault = fault_factor(process, probes, ref_ctx)
        for n in names:
            k = results.parse_name(n)
            rep = REPEATS.search(n)
            it = ITERATIONS.search(n)
            ref = changed_since_reference(n, ref_counters) or refs.get(k) or \
                since_reference(n, C_SINCE_REFERENCE) or estimate_ref(k, refs)
            items.append(Item(k, n, process, ref, fault,
                              int(rep.group(1)) if rep else None,
                              int(it.group(1)) if it else None))
    for n in py_names:
        k = results.parse_name(n)
        ref = refs.get(k) or since_reference(n, PY_SINCE_REFERENCE) or estimate_ref(k, refs)
        items.append(Item(k, results.SUFFIX.sub("", n), PYTHON, ref, 1.0))
    load = load_factor(probes, ref_ctx)
    for it in items:
        it.load = load
    return items


# Rows newer than the reference run, and seconds a repetition of each takes on the
# quick profile (measured on the project's 2-core machine, loaded, on 2026-12-07): the
# planner counts them at that until a reference that ran them replaces this.
# notes_loop: NOTES_LOOP_RUNS["quick"] fresh interpreters of the notes' C4 program;
# perf_ref: one take of perf bench sched pipe (20000 round trips on one PU, 5000
# unpinned).
# The reference of 2026-12-07 ran every row but these (notes_loop, the plain Process
# that raises, perf_ref's takes were listed here until it did).
# http_memory (bench/py_http.py): a fresh Python server of about a second a repetition,
# three for the counted pair whatever the profile asks beyond, once for the pool (its
# second shared over the profile's five).
PY_SINCE_REFERENCE = {
    "python/http_threading/thread/measure:http_memory/connections:100/manual_time": 0.9,
    "python/http_forking/process/measure:http_memory/connections:100/manual_time": 0.9,
    "python/http_pool/thread/measure:http_memory/connections:100/manual_time": 0.2}
C_SINCE_REFERENCE = {}

# Rows whose cost changed after the reference ran them, seconds a repetition on the
# quick profile, counted from what a repetition does (not timed on a loaded machine),
# and the counter the change added: an entry counts while the reference's row lacks
# that counter, so a reference taken since replaces it by itself. http (issue 27):
# a memory row's later repetitions hold the connections again on its first's fresh
# server (Apache prefork: a start, 7.1 s growing to 100 processes, 0.3 s a hold, over
# 3; worker: a start and a stop, 0.3 s a hold, over 3; the suite's: 0.1 s starts,
# 0.35 s a hold of 1000); a rate row warms its server up to the level before its first
# window (Apache prefork's at 100 follows its memory rows: a moment, then its stop;
# event's at 1000: 1.6 s of growing, then its stop).
C_CHANGED = {
    "http/apache_prefork/process/measure:memory/connections:100/iterations:1/repeats:3/"
    "manual_time": (2.9, "total_kib_per_conn"),
    "http/apache_worker/thread/measure:memory/connections:100/iterations:1/repeats:3/"
    "manual_time": (0.8, "total_kib_per_conn"),
    "http/thread_per_conn/thread/measure:memory/connections:1000/iterations:1/repeats:3/"
    "manual_time": (0.4, "total_kib_per_conn"),
    "http/fork_per_conn/process/measure:memory/connections:1000/iterations:1/repeats:3/"
    "manual_time": (0.4, "total_kib_per_conn"),
    "http/apache_prefork/process/measure:rate/conn:keepalive/body:small/pin:split/"
    "connections:100/iterations:1/repeats:1/manual_time": (2.1, "warmup_s"),
    "http/apache_event/thread/measure:rate/conn:keepalive/body:small/pin:split/"
    "connections:1000/iterations:1/repeats:1/manual_time": (3.7, "warmup_s"),
}


def changed_since_reference(name, ref_counters):
    """The Ref of a row whose cost changed after the reference ran it (C_CHANGED), or
    None: not changed, or the reference ran it as it is now (it has the counter)."""
    entry = C_CHANGED.get(name)
    if entry is None or entry[1] in ref_counters.get(results.parse_name(name), ()):
        return None
    return Ref(entry[0], entry[0], False, 1)


def since_reference(name, table):
    """The Ref of a row newer than the reference, from its table; None if not there."""
    secs = table.get(name)
    return Ref(secs, secs, False, 1) if secs is not None else None


def python_names(profile):
    """The Python benchmarks' names at this profile, as py_bench.py --describe lists
    them (the first interpreter's)."""
    try:
        return contract.py_names(profile)
    except contract.ContractError as e:
        raise BudgetError(str(e))


def describe_all(bench, profile, root=None, env=None):
    """The suite's description, C's and the Python part's merged as run.py merges them."""
    try:
        return contract.merged(contract.c_describe(bench, profile, env),
                               contract.py_describe(profile))
    except contract.ContractError as e:
        raise BudgetError(str(e))


def topology_pus(env):
    """The PUs of the machine hwloc sees with this environment (HWLOC_XMLFILE or
    HWLOC_SYNTHETIC), by hwloc-calc; 0 when it cannot tell."""
    if not shutil.which("hwloc-calc"):
        raise BudgetError("hwloc-calc not found (Debian's hwloc-nox: make deps installs it)")
    spec = env.get("HWLOC_XMLFILE") or env.get("HWLOC_SYNTHETIC")
    cmd = ["hwloc-calc"] + (["--input", spec] if spec else []) + ["-N", "pu", "all"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return int(r.stdout.strip()) if r.returncode == 0 else 0
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


# --- per scenario --------------------------------------------------------------------------
# The share of each scenario's time that goes to faulting pages in (parents of up to
# GiBs, copy-on-write regions, parked workers' stacks, the page-fault workload): that
# part scales with the machine's cost of a first touch, the rest with the profile.
PAGE_SHARE = {"create": 0.6, "cow": 0.8, "footprint": 0.6, "scale": 0.2}
# The full profile against the quick one, measured on the 2-core machine: more
# repetitions, longer ones, and larger sizes. 3820 s against the reference's 421 on
# 2026-11-29, with interleaved creation and copy-on-write (create 12x, cow 23x, ipc 8x
# the quick profile's); 26 min against 4.5 before they were interleaved.
PROFILE_FACTOR = {"quick": 1.0, "full": 9.1}
# A scenario the reference did not run, in scenario_estimate.
UNKNOWN_SCENARIO_SECONDS = 30.0


def reference_doc(root):
    """The committed reference run's JSON document, or {}."""
    try:
        with open(os.path.join(root, "results", "reference", "benchmarks.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def scenario_seconds(ref_ctx):
    """{scenario: seconds} the reference run took, from its context."""
    return {k: float(v) for k, v in (p.split("=") for p in
                                     ref_ctx.get("scenario_seconds", "").split(",") if "=" in p)}


def scenario_estimate(scenarios, probes, ref_ctx, profile, repetitions=None, min_time=None):
    """{scenario: seconds} expected on this machine, per scenario, where no names are
    listed to cost one by one: the reference run's time for each scenario, scaled by
    the profile (PROFILE_FACTOR), by repetitions x minimum time where they are
    overridden (against the quick profile's, PROFILES), and in its page-faulting share
    by this machine's first-touch cost (fault_factor). A scenario the reference did not
    run: UNKNOWN_SCENARIO_SECONDS."""
    ref_secs = scenario_seconds(ref_ctx)
    scale = PROFILE_FACTOR.get(profile, 1.0)
    if repetitions or min_time:
        quick = PROFILES["quick"]
        scale *= (float(repetitions or quick["repetitions"]) *
                  float(min_time or quick["min_time"])) / (quick["repetitions"] *
                                                          quick["min_time"])
    return {s: ref_secs.get(s, UNKNOWN_SCENARIO_SECONDS) * scale *
            fault_factor(s, probes, ref_ctx) for s in scenarios}


def minutes(seconds):
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
