"""budget/plan.py - what a run keeps and what it shrinks to fit its budget.

What a verdict needs is never dropped: its keys are read at run time from the rules
(claims.RULES and py_rules.PY_RULES, both sides of every rule), so a rule added later
is covered, and it runs in a group of its own at the profile's minimum time. What the
report looks up by key (tables, key numbers: report/wanted.py) is never dropped either.
The budget shrinks, in this order, until the estimate (budget/model.py) fits AIM of it:
  1. the minimum time per repetition of every benchmark no verdict reads;
  2. their repetitions, to the fewest the exact U test can still decide with;
  3. sizes: the largest value of a sweep (workers, parent memory, message bytes, task
     length) among benchmarks nothing reads by key, one sweep point at a time, while
     each sweep keeps two values;
  4. the other benchmarks no verdict and no table reads by key, dearest first;
  5. the verdicts' own repetitions, to the fewest the U test can decide with;
  6. the verdicts' own minimum time per repetition, as far as the others'.
What it shrank is said on the console and recorded in the JSON context (`budget`);
budget/schedule.py plans the scenarios left again when the run falls behind."""
import json
import re
import sys

from contract import results
from running.budget.model import (AIM, MIN_TIME_FACTORS, PROCESS_SECONDS, PROFILES, PYTHON,
                          _numeric_args, min_testable_reps, report_keys, verdict_keys)


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
