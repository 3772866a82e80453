"""engine.py - the statistics engine: a Rule (one prediction of a claim), how a run
decides it (an Outcome), and a claim's verdict from its counted outcomes. It knows no
claim and no benchmark: the rule tables are scripts/verdicts/claims.py (C) and scripts/verdicts/py_rules.py
(the notes' Python), both of which import this module and never each other's engine.

How a prediction is decided:
- a ratio ("greater", "similar") by exact one-sided rank tests against threshold x b;
- rows that ran in a row (the run's description says `in_a_row` for their family or
  scenario) get no p-value: their repetitions share a drift, so a rank test would claim
  an independence they lack; such a comparison holds only when every repetition of a is
  past threshold x every repetition of b, fails when every one is short of it;
- a counted comparison with a coefficient of variation above NOISY on either side
  (unless every repetition lies on one side of the threshold), or whose outcome flips
  between the placements (`pin`) measured in the same run, is undecided: too noisy
  here, and does not decide the verdict;
- a value against a threshold by the exact sign test; a count in every repetition.

A verdict needs a majority of its counted predictions decided (MAJORITY): with half or
fewer decided it is "undecided", and says what would decide it."""
from dataclasses import dataclass, replace

from verdicts import stats
from contract.results import PUS

SIGNIFICANCE = 0.05
# Every threshold moved by this factor both ways: a verdict that changes is fragile.
ROBUSTNESS = 0.25
# A counted comparison whose sides spread more than this (CV) is too noisy to decide:
# measured in the reference, a bimodal ring at 42% and 50% gave 0.34x on one PU and
# 1.48x unpinned.
NOISY = 0.30


@dataclass(frozen=True)
class Rule:
    claim: str
    prediction: str   # what the claim predicts, in words
    a: object         # benchmark keys: the prediction is about median(a) against
    b: object         # median(b), or against the threshold alone when b is None
    relation: str     # with b: "greater" (a / b >= threshold; a threshold at or below 1
    threshold: float  # is a non-inferiority bound), "similar" (|a / b - 1| <= threshold);
                      # without: "above" (a > threshold), "below" (a < threshold),
                      # "equals" (every repetition == threshold)
    metric: str = "time"  # "time" (µs per iteration) or counters joined by "+"
    unit: str = ""
    per_pu: bool = False  # the threshold is per PU: multiplied by the machine's PUs
    counted: bool = True  # False: context shown under the claim, not in its verdict
    part: str = ""    # which part of the claim's sentence it tests, in words: the
                      # verdict line says which parts hold and which do not




@dataclass
class Outcome:
    rule: Rule
    holds: bool = None      # None: data missing, or the data cannot decide (undecided)
    ratio: float = None
    p: float = None         # the p of the test that decided, or would have
    why: str = ""
    value: float = None     # median of a, for a rule against a threshold
    undecided: bool = False  # the data are there but cannot decide (why says why)
    test: str = ""          # the test behind p, in words
    direction: str = ""     # for a comparison: "a ahead" (a's values higher), "b ahead"
    p_diff: float = None    # or "no difference", by the two-sided rank test of p_diff
    count: int = None       # for "equals": repetitions equal to the threshold, of n
    n: int = None
    cvs: tuple = ()         # the coefficient of variation of each side's metric
    noisy: bool = False     # undecided because too noisy here (NOISY, or placements)

    @property
    def gap(self):
        """What stands in place of a result when there is none."""
        return "undecided" if self.undecided else "missing data"


def values(bench, metric):
    """Per-repetition values of a metric: the times, or a sum of counters."""
    return bench.values(metric)


def needs_pus(rule):
    return rule.per_pu or any(k is not None and PUS in k.args.values() for k in (rule.a, rule.b))


def moved(rule, factor):
    """The rule with its threshold moved by factor (1.25: 25% harder to pass, 0.75: 25%
    easier). A ratio threshold moves its distance from 1 (1.5 becomes 1.625 or 1.375, a
    margin of 10% becomes 12.5% or 7.5%), so that no move turns "more than" into "at
    least 90% of"; a value threshold moves itself, up for above, down for below;
    equals stays."""
    r, t = rule.relation, rule.threshold
    if r == "equals":
        return rule
    if r == "similar":
        return replace(rule, threshold=t / factor)
    if r == "greater":
        return replace(rule, threshold=1 + (t - 1) * (factor if t > 1 else 1 / factor))
    return replace(rule, threshold=t * (factor if r == "above" else 1 / factor))


def samples_of(rule, run):
    """{key: values} of the rule's benchmarks, or an Outcome saying why there are none."""
    samples = {}
    for k in (rule.a, rule.b):
        if k is None:
            continue
        bench = run.bench(k)
        if bench is None:
            return Outcome(rule, why=f"{k} was not run")
        if bench.error:
            return Outcome(rule, why=f"{bench.name}: {bench.error}")
        samples[k] = values(bench, rule.metric)
        if not samples[k]:
            return Outcome(rule, why=f"{bench.name}: no {rule.metric} samples")
    return samples


def against_threshold(rule, a):
    """A prediction about one benchmark's value: an exact sign test against the
    threshold for above and below, every repetition for equals (a count either is or
    is not what the claim says: one repetition that differs refutes it)."""
    med = stats.median_ci(a)[0]
    if rule.relation == "equals":
        count = sum(v == rule.threshold for v in a)
        return Outcome(rule, count == len(a), value=med, count=count, n=len(a),
                       test="every repetition")
    if rule.relation not in ("above", "below"):
        raise ValueError(f"unknown relation {rule.relation}")
    test = "exact sign test"
    if stats.sign_test_min_p(len(a)) >= SIGNIFICANCE:
        return Outcome(rule, value=med, undecided=True, test=test,
                       why=f"{len(a)} repetitions: the sign test cannot reach "
                           f"p < {SIGNIFICANCE}")
    on_side = med > rule.threshold if rule.relation == "above" else med < rule.threshold
    toward = "greater" if rule.relation == "above" else "less"
    away = "less" if toward == "greater" else "greater"
    p = stats.sign_test(a, rule.threshold, toward if on_side else away)
    if p >= SIGNIFICANCE:
        return Outcome(rule, value=med, p=p, undecided=True, test=test,
                       why="the repetitions lie on both sides of the threshold")
    return Outcome(rule, on_side, value=med, p=p, test=test)


def direction_of(a, b):
    """(which side is higher in a two-sided exact rank test, or "no difference"; that
    test's p)."""
    p = stats.u_test(a, b)
    if p is None or p >= SIGNIFICANCE:
        return "no difference", p
    return ("a ahead" if stats.median_ci(a)[0] > stats.median_ci(b)[0] else "b ahead"), p


def ran_in_a_row(run, k):
    """Whether the run says a benchmark's repetitions ran in a row, not interleaved:
    its family's `in_a_row` where the family says, else its scenario's."""
    describe = getattr(run, "describe", None)
    if describe is None:
        return False
    fam = describe.family(k.scenario, k.measure)
    if fam and "in_a_row" in fam:
        return bool(fam["in_a_row"])
    for s in getattr(describe, "scenarios", []):
        if s.get("name") == k.scenario:
            return bool(s.get("in_a_row"))
    return False


def in_a_row_comparison(rule, a, b, out):
    """A comparison of rows that ran in a row: no p-value (their repetitions are not
    independent draws), only whether every pair of repetitions lies on one side."""
    out.update(test="ranges, no p-value (ran in a row)", p_diff=None,
               direction="a ahead" if min(a) > max(b) else
               "b ahead" if max(a) < min(b) else "no difference")
    t = rule.threshold
    if rule.relation == "greater":
        if min(a) >= t * max(b):
            return Outcome(rule, True, **out)
        if max(a) < t * min(b):
            return Outcome(rule, False, **out)
        return Outcome(rule, undecided=True, **out,
                       why="ran in a row: the repetitions overlap the threshold")
    if rule.relation == "similar":
        lo, hi = 1 - t, 1 + t
        if min(a) >= lo * max(b) and max(a) <= hi * min(b):
            return Outcome(rule, True, **out)
        if max(a) < lo * min(b) or min(a) > hi * max(b):
            return Outcome(rule, False, **out)
        return Outcome(rule, undecided=True, **out,
                       why="ran in a row: the repetitions overlap the threshold")
    raise ValueError(f"unknown relation {rule.relation}")


def comparison(rule, a, b, in_a_row=False):
    """A prediction about two benchmarks' ratio, from exact one-sided rank tests of a
    against the threshold times b: it holds when a is beyond threshold x b at
    p < SIGNIFICANCE, fails when a is short of it at p < SIGNIFICANCE, and is
    undecided otherwise. "similar" is two such tests (TOST): a within the margin on
    both sides holds, a past either side fails. Rows that ran in a row get no test
    (in_a_row_comparison)."""
    med_b = stats.median_ci(b)[0]
    if med_b == 0:
        return Outcome(rule, undecided=True, why=f"{rule.b}: median 0, no ratio")
    ratio = stats.median_ci(a)[0] / med_b
    # One repetition decides nothing, but its ratio is still what the run measured: the
    # report shows it beside "undecided" (a context row the quick profile runs once).
    for k, side in ((rule.a, a), (rule.b, b)):
        if len(side) < 2:
            return Outcome(rule, undecided=True, ratio=ratio,
                           why=f"{k}: one repetition, no test can decide")
    if in_a_row:
        return in_a_row_comparison(rule, a, b, dict(ratio=ratio))
    direction, p_diff = direction_of(a, b)
    out = dict(ratio=ratio, direction=direction, p_diff=p_diff)
    if stats.rank_test_min_p(len(a), len(b)) >= SIGNIFICANCE:
        return Outcome(rule, undecided=True, **out, why=(
            f"{len(a)} against {len(b)} repetitions: the exact test cannot reach "
            f"p < {SIGNIFICANCE}"))
    t = rule.threshold
    if rule.relation == "greater":
        out["test"] = "exact rank test, one-sided"
        if ratio >= t:
            p = stats.rank_test(a, b, t, "greater")
            return Outcome(rule, True if p < SIGNIFICANCE else None, p=p,
                           undecided=p >= SIGNIFICANCE, **out,
                           why="" if p < SIGNIFICANCE else "past the threshold, not "
                           "significantly")
        p = stats.rank_test(a, b, t, "less")
        return Outcome(rule, False if p < SIGNIFICANCE else None, p=p,
                       undecided=p >= SIGNIFICANCE, **out,
                       why="" if p < SIGNIFICANCE else "short of the threshold, not "
                       "significantly")
    if rule.relation == "similar":
        out["test"] = "two one-sided exact rank tests (equivalence)"
        lo, hi = 1 - t, 1 + t
        if lo <= ratio <= hi:
            p = max(stats.rank_test(a, b, lo, "greater"), stats.rank_test(a, b, hi, "less"))
            return Outcome(rule, True if p < SIGNIFICANCE else None, p=p,
                           undecided=p >= SIGNIFICANCE, **out,
                           why="" if p < SIGNIFICANCE else "inside the margin, too noisy "
                           "to show it")
        p = stats.rank_test(a, b, lo, "less") if ratio < lo else \
            stats.rank_test(a, b, hi, "greater")
        return Outcome(rule, False if p < SIGNIFICANCE else None, p=p,
                       undecided=p >= SIGNIFICANCE, **out,
                       why="" if p < SIGNIFICANCE else "outside the margin, not "
                       "significantly")
    raise ValueError(f"unknown relation {rule.relation}")


def evaluate(rule, run, placements=True):
    """The Outcome of one rule on a Run (results.Run)."""
    if needs_pus(rule):
        if not run.pus:
            return Outcome(rule, why="the run's context does not say how many PUs it had")
        rule = replace(rule, a=rule.a.resolve(run.pus),
                       b=rule.b.resolve(run.pus) if rule.b else None,
                       threshold=rule.threshold * (run.pus if rule.per_pu else 1), per_pu=False)
    samples = samples_of(rule, run)
    if isinstance(samples, Outcome):
        return samples
    if rule.b is None:
        out = against_threshold(rule, samples[rule.a])
    else:
        out = comparison(rule, samples[rule.a], samples[rule.b],
                         ran_in_a_row(run, rule.a) or ran_in_a_row(run, rule.b))
    out.cvs = tuple(stats.cv(v) for v in samples.values())
    if rule.b is not None and rule.counted:
        too_noisy(out, run, placements)
    return out


def too_noisy(out, run, placements):
    """Makes a counted comparison undecided when the data cannot carry it here: a side
    spreading more than NOISY, or an outcome that another placement measured in the
    same run reverses. Its ratio, p and CVs stay shown."""
    why = ""
    worst = max(out.cvs, default=0)
    if worst > NOISY and not clear_of_threshold(out.rule, run):
        why = f"too noisy here: a CV of {worst:.0%}, above {NOISY:.0%}"
    elif placements and out.holds is not None:
        for pin, other in other_placements(out.rule, run):
            o = evaluate(other, run, placements=False)
            if o.holds is not None and o.holds != out.holds:
                why = (f"too noisy here: it {'holds' if o.holds else 'fails'} with the "
                       f"pair at pin:{pin} in the same run")
                break
    if why:
        out.holds, out.undecided, out.noisy, out.why = None, True, True, why


def clear_of_threshold(rule, run):
    """Whether every repetition of a lies on one side of threshold x every repetition of
    b: then no spread can move the outcome (1000x with a CV of 37% is still 1000x)."""
    a, b = (run.bench(k).values(rule.metric) for k in (rule.a, rule.b))
    t = rule.threshold
    if rule.relation == "greater":
        return min(a) >= t * max(b) or max(a) < t * min(b)
    return False


def other_placements(rule, run):
    """[(pin, rule)]: the rule moved to every other placement the run measured both of
    its sides at (keys that differ only in their pin)."""
    a, b = rule.a, rule.b
    if "pin" not in a.args or "pin" not in b.args or a.args["pin"] != b.args["pin"]:
        return []
    pins = []
    for k in getattr(run, "benches", {}):
        if (k.scenario, k.variant, k.mode, k.measure) == (a.scenario, a.variant, a.mode,
                                                          a.measure) \
                and "pin" in k.args and k.args["pin"] != a.args["pin"] \
                and {x: v for x, v in k.args.items() if x != "pin"} == \
                {x: v for x, v in a.args.items() if x != "pin"}:
            pins.append(k.args["pin"])
    out = []
    for pin in pins:
        moved_a = a.__class__(a.scenario, a.variant, a.mode, a.measure, dict(a.args, pin=pin))
        moved_b = b.__class__(b.scenario, b.variant, b.mode, b.measure, dict(b.args, pin=pin))
        if run.benches.get(moved_a) is not None and run.benches.get(moved_b) is not None:
            out.append((pin, replace(rule, a=moved_a, b=moved_b)))
    return out


# A verdict needs more than this share of its counted predictions decided.
MAJORITY = 0.5


def verdict(outcomes):
    """The claim's verdict from its counted predictions: supported when every decided
    one holds, not supported when none does, nuanced between; undecided when no more
    than half of them could be decided (some undecided), missing data when none has
    data."""
    counted = [o for o in outcomes if o.rule.counted]
    known = [o for o in counted if o.holds is not None]
    if not known:
        return "undecided" if any(o.undecided for o in counted) else "missing data"
    if len(known) <= MAJORITY * len(counted):
        return "undecided"
    held = sum(o.holds for o in known)
    if held == len(known):
        return "supported"
    if held == 0:
        return "not supported"
    return "nuanced"


def parts(outcomes):
    """([parts that hold], [parts that do not], [parts that hold in some predictions
    and not in others]) of a claim's sentence, from its decided counted outcomes that
    name a part."""
    seen = {}
    for o in outcomes:
        if o.rule.counted and o.rule.part and o.holds is not None:
            seen.setdefault(o.rule.part, []).append(o.holds)
    return ([p for p, h in seen.items() if all(h)], [p for p, h in seen.items() if not any(h)],
            [p for p, h in seen.items() if any(h) and not all(h)])


def rules_of(claim, rules):
    return [r for r in rules if r.claim == claim]


def judge(claim, run, rules):
    """(verdict, [Outcome]) of one claim's rules on a Run, context rows included."""
    outcomes = [evaluate(r, run) for r in rules_of(claim, rules)]
    return verdict(outcomes), outcomes




def fragility(claim, run, rules):
    """The verdicts with every threshold moved 25% easier and 25% harder to pass,
    and the counted predictions whose outcome changes: ([verdicts], [predictions])."""
    base = {o.rule.prediction: o.holds for o in judge(claim, run, rules)[1]}
    verdicts, flips = [], []
    for factor in (1 - ROBUSTNESS, 1 + ROBUSTNESS):
        v, outs = judge(claim, run, [moved(r, factor) for r in rules_of(claim, rules)])
        verdicts.append(v)
        flips += [o.rule.prediction for o in outs
                  if o.rule.counted and o.holds != base[o.rule.prediction]
                  and o.rule.prediction not in flips]
    return verdicts, flips


def is_fragile(claim, run, rules):
    verdicts, _ = fragility(claim, run, rules)
    return any(v != judge(claim, run, rules)[0] for v in verdicts)
