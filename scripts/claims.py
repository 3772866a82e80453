"""claims.py - the notes' claims, and the rules that turn measurements into verdicts.

Every verdict in the report comes from RULES: one row per prediction the claim makes,
naming the two benchmarks compared, the relation and the threshold. A claim whose
every prediction holds is "supported", one with none "not supported", one with some
"nuanced"; a claim without the data for any of its rules says "missing data". Another
machine gets its own verdict from the same table."""
from dataclasses import dataclass

import stats

CLAIMS = {
    "C2": {
        "zh": "进程实现多任务所需资源比较大，每一个子进程都需要把主进程资源拷贝一份"
              "（代码共享同一份（写时拷贝））",
        "en": "Processes cost more to create: each child copies the parent's resources "
              "(code is shared, copy-on-write).",
    },
}


@dataclass(frozen=True)
class Rule:
    claim: str
    prediction: str   # what the claim predicts, in words
    a: str            # benchmark keys: the prediction is about median(a) / median(b)
    b: str
    relation: str     # "greater": a / b >= threshold; "similar": within 1 +- threshold
    threshold: float


RULES = [
    Rule("C2", "a forked process costs more to create than a thread",
         "create/fork/process/parent_mib:0", "create/pthread/thread/parent_mib:0",
         "greater", 1.5),
    Rule("C2", "a vfork process costs more to create than a thread",
         "create/vfork/process/parent_mib:0", "create/pthread/thread/parent_mib:0",
         "greater", 1.5),
    Rule("C2", "a posix_spawn process costs more to create than a thread",
         "create/posix_spawn/process/parent_mib:0", "create/pthread/thread/parent_mib:0",
         "greater", 1.5),
    Rule("C2", "fork copies the parent: 1 GiB of parent memory makes it dearer",
         "create/fork/process/parent_mib:1024", "create/fork/process/parent_mib:0",
         "greater", 3.0),
    Rule("C2", "posix_spawn copies the parent: 1 GiB of parent memory makes it dearer",
         "create/posix_spawn/process/parent_mib:1024", "create/posix_spawn/process/parent_mib:0",
         "greater", 3.0),
    Rule("C2", "fork copies the parent even in huge pages: 1 GiB makes it dearer",
         "create_thp/fork/process/parent_mib:1024", "create/fork/process/parent_mib:0",
         "greater", 3.0),
]

SIGNIFICANCE = 0.05


@dataclass
class Outcome:
    rule: Rule
    holds: bool = None      # None: data missing
    ratio: float = None
    p: float = None
    why: str = ""


def evaluate(rule, benches):
    a, b = benches.get(rule.a), benches.get(rule.b)
    for key, bench in ((rule.a, a), (rule.b, b)):
        if bench is None:
            return Outcome(rule, why=f"{key} was not run")
        if bench.error or not bench.times_us:
            return Outcome(rule, why=f"{key}: {bench.error or 'no samples'}")
    ratio = a.median / b.median
    p = stats.u_test(a.times_us, b.times_us)
    # With very few repetitions no outcome can reach the level (3 against 3: p >= 0.1);
    # then the ratio decides alone, and the report says the test could not.
    testable = stats.u_test_min_p(len(a.times_us), len(b.times_us)) < SIGNIFICANCE
    significant = p is None or not testable or p < SIGNIFICANCE
    if rule.relation == "greater":
        holds = ratio >= rule.threshold and significant
    elif rule.relation == "similar":
        holds = abs(ratio - 1) <= rule.threshold
    else:
        raise ValueError(f"unknown relation {rule.relation}")
    return Outcome(rule, holds, ratio, p,
                   "" if testable else "too few repetitions for the U test")


def verdict(outcomes):
    known = [o for o in outcomes if o.holds is not None]
    if not known:
        return "missing data"
    held = sum(o.holds for o in known)
    if held == len(known):
        return "supported"
    if held == 0:
        return "not supported"
    return "nuanced"


def judge(claim, benches, rules=RULES):
    outcomes = [evaluate(r, benches) for r in rules if r.claim == claim]
    return verdict(outcomes), outcomes
