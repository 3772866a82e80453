"""budget.py - fits a run into a time budget (run.py --budget SECONDS), and says how
long a run would take on a machine we do not have (run.py --eta-for-topology).

The cost of each benchmark comes from the committed reference run: what it measured
(iterations x time per iteration), scaled by the minimum time per repetition where
Google Benchmark sizes the iteration count by it, plus its share of its scenario's
set-up (not shortened by a shorter minimum time); then by the repetitions, in a
scenario's page-faulting share by this machine's first-touch cost
(machine_state.PAGE_SHARE), and for set-up and fixed work by the CPUs other processes
leave (load_factor). A benchmark the reference did not run (another machine's sizes:
more workers, more memory) is estimated from its family's sizes in the reference.

What a verdict needs is never dropped: its keys are read at run time from the rules
(claims.RULES and py_rules.PY_RULES, both sides of every rule), so a rule added later
is covered, and it runs in a group of its own at the profile's minimum time. What the
report looks up by key (tables, key numbers: report/wanted.py) is never dropped either.
The budget shrinks, in this order, until the estimate fits AIM of it:
  1. the minimum time per repetition of every benchmark no verdict reads;
  2. their repetitions, to the fewest the exact U test can still decide with;
  3. sizes: the largest value of a sweep (workers, parent memory, message bytes, task
     length) among benchmarks nothing reads by key, one sweep point at a time, while
     each sweep keeps two values;
  4. the other benchmarks no verdict and no table reads by key, dearest first;
  5. the verdicts' own repetitions, to the fewest the U test can decide with;
  6. the verdicts' own minimum time per repetition, as far as the others'.
What it shrank is said on the console and recorded in the JSON context (`budget`);
run.py plans the scenarios left again when the run falls behind."""
import json
import math
import os
import re
import shutil
import subprocess
import sys

import contract
import machine_state
import results

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
# against 7 (machine_state.PROFILE_FACTOR). The model's own full estimate on the
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
    import claims
    import stats
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
    import claims
    import py_rules
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
    from describe import Describe
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
    share = machine_state.PAGE_SHARE.get(process, 0.0)
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
    ref_ctx = ref_doc.get("context", {})
    items = []
    for process, names in listing.items():
        fault = fault_factor(process, probes, ref_ctx)
        for n in names:
            k = results.parse_name(n)
            rep = REPEATS.search(n)
            it = ITERATIONS.search(n)
            ref = refs.get(k) or since_reference(n, C_SINCE_REFERENCE) or \
                estimate_ref(k, refs)
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


# --- the plan -----------------------------------------------------------------------------

class Plan:
    """What a run will do: per item, whether it runs, at which minimum time factor and
    repetitions (a verdict's or the others'), and what was shrunk, in words."""

    def __init__(self, items, profile, budget, reps=None, min_time=None, py_min_time=None,
                 min_reps=5, overhead=0.0, correction=1.0):
        base = PROFILES.get(profile, PROFILES["quick"])
        self.items, self.profile, self.budget = items, profile, budget
        self.reps = int(reps or base["repetitions"])
        self.min_time = float(min_time or base["min_time"])
        self.py_min_time = float(min_time or base["py_min_time"])
        self.ref_min_time = PROFILES["quick"]["min_time"]
        self.ref_py_min_time = PROFILES["quick"]["py_min_time"]
        self.min_reps = min(min_reps, self.reps)
        self.overhead = overhead
        self.correction = correction      # the model against a measured run (full)
        self.rest_factor = 1.0            # min time of the others, times the profile's
        self.rest_reps = self.reps
        self.verdict_reps = self.reps
        self.verdict_factor = 1.0  # the verdicts' minimum time, as a share of the profile's
        self.shrunk = []                  # what was shrunk, one line each
        self.replans = []                 # later plans for the scenarios left (run.py)
        self.note = ""                    # why a later plan was made

    # The settings of each group.
    def settings(self, item):
        """(min time, repetitions) the item runs at."""
        py = item.process == PYTHON
        mt = self.py_min_time if py else self.min_time
        if item.verdict:
            return mt * self.verdict_factor, self.verdict_reps
        return mt * self.rest_factor, self.rest_reps

    def cost(self, item):
        mt, reps = self.settings(item)
        ref_mt = self.ref_py_min_time if item.process == PYTHON else self.ref_min_time
        return item.seconds(mt, ref_mt, reps) * self.correction

    def by_process(self):
        """{process: seconds} of what runs."""
        out = {}
        for it in self.items:
            out.setdefault(it.process, 0.0)
            if not it.dropped:
                out[it.process] += self.cost(it)
        return out

    def split(self):
        """The processes that run in two groups (verdicts, the others)."""
        return {it.process for it in self.items if not it.dropped and not it.verdict} & \
            {it.process for it in self.items if it.verdict} if self.shrinks() else set()

    def replan(self, later):
        """Records a later plan for the scenarios still to run (run.py makes one when the
        run falls behind its estimate): the context tells both."""
        self.replans.append(later)

    def same_as(self, other):
        """Whether this plan runs what other runs, as other runs it, for the processes
        this one covers."""
        mine = {(it.process, it.name): it.dropped for it in self.items}
        theirs = {(it.process, it.name): it.dropped for it in other.items
                  if (it.process, it.name) in mine}
        return (self.rest_factor, self.rest_reps, self.verdict_reps, self.verdict_factor,
                mine) == (other.rest_factor, other.rest_reps, other.verdict_reps,
                          other.verdict_factor, theirs)

    def shrinks(self):
        return (self.rest_factor != 1.0 or self.rest_reps != self.reps or
                self.verdict_reps != self.reps or self.verdict_factor != 1.0 or
                any(it.dropped for it in self.items))

    def total(self):
        return sum(self.by_process().values()) + self.overhead + \
            PROCESS_SECONDS * len(self.split())

    def fits(self):
        return self.total() <= self.budget * AIM

    # The steps.
    def shrink(self):
        """Applies the steps in order until the estimate fits; returns self."""
        if self.fits():
            return self
        others = [it for it in self.items if not it.verdict]
        driven = [it for it in others if it.ref is not None and it.ref.driven]
        if driven:
            before = self.rest_factor
            for f in MIN_TIME_FACTORS:
                self.rest_factor = f
                if self.fits():
                    break
            if self.rest_factor != before:
                self.shrunk.append(
                    f"minimum time per repetition of the {len(driven)} benchmarks no verdict "
                    f"reads: {self.min_time:g} s -> {self.min_time * self.rest_factor:g} s "
                    f"(the notes' Python: {self.py_min_time:g} -> "
                    f"{self.py_min_time * self.rest_factor:g} s of work)")
        if not self.fits() and self.rest_reps > self.min_reps and others:
            before = self.rest_reps
            while not self.fits() and self.rest_reps > self.min_reps:
                self.rest_reps -= 1
            self.shrunk.append(f"repetitions of the {len(others)} benchmarks no verdict "
                               f"reads: {before} -> {self.rest_reps} (never below "
                               f"{self.min_reps}, the fewest the U test decides with)")
        if not self.fits():
            self._drop_sizes()
        if not self.fits():
            self._drop_unread()
        if not self.fits() and self.verdict_reps > self.min_reps and \
                any(it.verdict and not it.dropped for it in self.items):
            before = self.verdict_reps
            while not self.fits() and self.verdict_reps > self.min_reps:
                self.verdict_reps -= 1
            self.shrunk.append(f"repetitions of the benchmarks the verdicts read: {before} "
                               f"-> {self.verdict_reps} (never below {self.min_reps}, the "
                               "fewest the U test decides with)")
        if not self.fits() and any(it.verdict and not it.dropped for it in self.items):
            # Step 6: their minimum time too, as the others' first; a shorter window
            # is a noisier median, never a missing one.
            before = self.verdict_factor
            for f in MIN_TIME_FACTORS:
                self.verdict_factor = f
                if self.fits():
                    break
            self.shrunk.append(f"minimum time per repetition of the benchmarks the verdicts "
                               f"read: {self.min_time * before:g} s -> "
                               f"{self.min_time * self.verdict_factor:g} s")
        return self

    def _free(self, it):
        return not it.dropped and not it.verdict and not it.reported

    def _drop_sizes(self):
        """Step 3: the largest value of a sweep, among benchmarks nothing reads by key,
        where the sweep (the benchmarks alike but for that argument) keeps two values
        after; the sweep point that saves most first."""
        said = {}
        while not self.fits():
            lines = {}
            for it in self.items:
                if it.dropped:
                    continue
                for arg, v in _numeric_args(it.key).items():
                    rest = tuple(sorted((a, str(x)) for a, x in it.key.args.items() if a != arg))
                    line = (it.key.scenario, it.key.variant, it.key.mode, it.key.measure,
                            arg, rest)
                    lines.setdefault(line, []).append((v, it))
            cands = {}
            for (scen, _, _, measure, arg, _), members in lines.items():
                values = {v for v, _ in members}
                if len(values) < 3:
                    continue  # dropping its top would leave one value: no sweep left
                top = max(values)
                drop = [it for v, it in members if v == top]
                if all(self._free(it) for it in drop):
                    cands.setdefault((scen, measure, arg, top), set()).update(drop)
            if not cands:
                break
            (scen, measure, arg, top), drop = max(
                cands.items(), key=lambda kv: sum(self.cost(it) for it in kv[1]))
            saved = sum(self.cost(it) for it in drop)
            for it in drop:
                it.dropped = True
            s = said.setdefault((scen, measure, arg), [[], 0, 0.0])
            s[0].append(top)
            s[1] += len(drop)
            s[2] += saved
        for (scen, measure, arg), (tops, n, saved) in said.items():
            self.shrunk.append(f"sizes: {scen} {measure} at {arg} "
                               f"{', '.join(map(str, sorted(set(tops), reverse=True)))} not run "
                               f"({_count(n)}, about {saved:.0f} s)")

    def _drop_unread(self):
        """Step 4: the benchmarks no verdict and no table reads by key, dearest first."""
        free = sorted((it for it in self.items if self._free(it)), key=self.cost, reverse=True)
        dropped = {}
        for it in free:
            if self.fits():
                break
            it.dropped = True
            fam = f"{it.key.scenario} {it.key.measure}"
            dropped.setdefault(fam, [0, 0.0])
            dropped[fam][0] += 1
        for fam, (n, _) in dropped.items():
            self.shrunk.append(f"{_count(n)} of {fam} that no verdict and no table reads "
                               "by key not run")

    # Words and numbers.
    def summary(self):
        """Lines for the console."""
        total = self.total()
        what = f"the run as the {self.profile} profile has it" if not self.note else \
            "the scenarios left"
        if not self.shrinks():
            if self.fits():
                return [f"{self.budget:.0f} s hold {what} (about {total:.0f} s): nothing "
                        "shrunk"]
            return [f"{what} would take about {total:.0f} s, more than {self.budget:.0f} s, "
                    "and nothing of it may shrink: it runs as it is"]
        scope = f"the run as the {self.profile} profile has it" if not self.note else \
            "the scenarios left, unshrunk,"
        out = [f"to fit {self.budget:.0f} s ({scope} would take about "
               f"{getattr(self, 'unshrunk', total):.0f} s), shrunk:"]
        out += [f"  - {s}" for s in self.shrunk]
        kept = sum(1 for it in self.items if it.verdict and not it.dropped)
        out.append(f"  kept: the {kept} benchmarks the verdicts read, at "
                   f"{self.verdict_reps} repetitions of at least {self.min_time:g} s")
        if not self.fits():
            out.append(f"  still about {total:.0f} s: what the verdicts and the report's "
                       f"tables need does not fit in {self.budget:.0f} s on this machine; "
                       "it runs anyway, nothing a verdict needs is dropped")
        else:
            out.append(f"  about {total:.0f} s now")
        return out

    def context(self):
        """The JSON context's `budget`: the budget, the estimates, what was shrunk."""
        return json.dumps({"budget_s": round(self.budget, 1),
                           "unshrunk_s": round(getattr(self, "unshrunk", self.total()), 1),
                           "estimate_s": round(self.total(), 1), "fits": self.fits(),
                           "estimate_by_scenario": {k: round(v, 1) for k, v in
                                                    self.by_process().items()},
                           "load_factor": round(self.items[0].load, 2) if self.items else 1,
                           "shrunk": self.shrunk,
                           "replans": [{"note": p.note, "estimate_s": round(p.total(), 1),
                                        "shrunk": p.shrunk} for p in self.replans],
                           "dropped": sorted(it.name for it in self.items if it.dropped),
                           "verdict_benchmarks": sum(1 for it in self.items if it.verdict),
                           "verdict_repetitions": min([self.verdict_reps] +
                                                      [p.verdict_reps for p in self.replans]),
                           "other_repetitions": self.rest_reps,
                           "other_min_time_factor": self.rest_factor})

    # How run.py runs it.
    def groups(self, process):
        """[(tag, min time, repetitions, names)] for one process scenario: one group
        with names None (run as the profile says, no filter of ours) when nothing of it
        shrank, else the verdicts' group and the others' (names to run, exact)."""
        mine = [it for it in self.items if it.process == process]
        if not self.shrinks() or not mine:
            return [("", None, None, None)]
        out = []
        for tag, members in (("", [it for it in mine if it.verdict and not it.dropped]),
                             ("rest", [it for it in mine if not it.verdict and not it.dropped])):
            if members:
                mt, reps = self.settings(members[0])
                out.append((tag, mt, reps, [it.name for it in members]))
        return out


def _count(n):
    return f"{n} benchmark" + ("" if n == 1 else "s")


def name_filter(names, listed=None):
    """A Google Benchmark filter (a regex searched in each name) that runs exactly these
    listed names: ^(a|b|...)$, or -^(c|d)$ (every name but those) when that is shorter
    and `listed`, every name of the process unfiltered, is given."""
    pos = "^(" + "|".join(re.escape(n) for n in names) + ")$"
    if listed is not None:
        rest = [n for n in listed if n not in set(names)]
        neg = "-^(" + "|".join(re.escape(n) for n in rest) + ")$"
        if rest and len(neg) < len(pos):
            return neg
    return pos


def python_filter(names, user_filter=""):
    """py_bench.py's --filter (a Python regex searched in the name without Google
    Benchmark's suffixes) for exactly these names, and the user's filter too."""
    core = "|".join(re.escape(results.SUFFIX.sub("", n)) for n in names)
    user = f"(?=.*?(?:{user_filter}))" if user_filter else ""
    return f"^{user}(?:{core})$"


def plan_run(items, profile, budget, pus, names_for_report, describe, ctx, reps=None,
             min_time=None, overhead=0.0, correction=1.0):
    """The Plan for this run: verdict and report keys marked, then shrunk to fit.
    describe: the run's description, or a function that returns it (called only when
    something must shrink)."""
    vk = verdict_keys(pus)
    for it in items:
        it.verdict = it.key in vk
    plan = Plan(items, profile, budget, reps, min_time, min_reps=min_testable_reps(),
                overhead=overhead, correction=correction)
    plan.unshrunk = plan.total()
    if not plan.fits():
        try:
            rk = report_keys(names_for_report, describe, ctx)
        except Exception as e:  # the report cannot be walked on names alone: keep all
            print(f"tvp: the report's keys could not be read ({e}); only the verdicts' "
                  "and the minimum time shrink", file=sys.stderr)
            rk = {it.key for it in items}
        for it in items:
            it.reported = it.key.resolve(pus) in rk or it.key in rk
        plan.shrink()
    return plan


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


_CORRECTION = {}


def full_correction(bench, root, ref_doc, profile):
    """The full profile's estimate from this model, corrected to what the full profile
    measured on the reference machine (machine_state.PROFILE_FACTOR: 64 min against
    7): the model scales minimum times, repetitions and sizes, but not, for example,
    scale's longer window in the full profile. 1 for the quick profile, whose model is
    the reference run itself."""
    if profile == "quick" or not ref_doc:
        return 1.0
    if profile in _CORRECTION:
        return _CORRECTION[profile]
    topo = os.path.join(root, "results", "reference", "topology.xml")
    ctx = ref_doc.get("context", {})
    secs = sum(float(p.split("=")[1]) for p in ctx.get("scenario_seconds", "").split(",")
               if "=" in p)
    env = dict(os.environ, HWLOC_XMLFILE=topo)
    env.pop("HWLOC_SYNTHETIC", None)
    try:
        processes = [line.split("\t")[0] for line in subprocess.run(
            [bench, "--list"], capture_output=True, text=True).stdout.splitlines() if line]
        listing = list_names(bench, profile, processes, env=env if os.path.exists(topo)
                             else None)
    except (OSError, BudgetError):
        return 1.0
    ref_probes = next(iter(json.loads(ctx.get("sentinel") or "{}").values()), {})
    model = Plan(make_items(listing, ref_doc, ref_probes, python_names(profile)), profile,
                 float("inf")).total()
    measured = secs * machine_state.PROFILE_FACTOR.get(profile, 1.0)
    _CORRECTION[profile] = measured / model if model > 0 and secs else 1.0
    return _CORRECTION[profile]
