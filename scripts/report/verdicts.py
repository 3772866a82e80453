"""verdicts.py - a claim as the sections show it: the notes' words, then the verdict
of claims.RULES with the table of its predictions, each tested on this run."""
import claims
import py_rules
from report.kit import fmt, table


def claim_header(claim):
    c = claims.CLAIMS[claim]
    return [f"> {c['zh']}", ">", f"> *{c['en']}*", ""]


def measured_text(o, times="×"):
    r = o.rule
    return f"{o.ratio:.2f}{times}" if r.b else f"{fmt(o.value)} {r.unit}"


def threshold_text(r):
    if r.b is None:
        sign = {"above": "≥", "below": "<", "equals": "="}[r.relation]
        return f"{sign} {fmt(r.threshold)} {r.unit}"
    return f"≥ {r.threshold:g}×" if r.relation == "greater" else f"±{r.threshold:.0%}"


def verdict_with_gaps(verdict, outcomes):
    """The verdict, saying how many predictions it rests on when some had no data."""
    missing = sum(o.holds is None for o in outcomes)
    if missing and verdict not in ("missing data", "undecided"):
        verdict += f", from {len(outcomes) - missing} of {len(outcomes)} predictions"
    return verdict


def rules_table(claim, run):
    """The verdict line and the table of the claim's predictions."""
    verdict, outcomes = claims.judge(claim, run)
    verdict = verdict_with_gaps(verdict, outcomes)
    rows = []
    for o in outcomes:
        r = o.rule
        if o.holds is None:
            rows.append([r.prediction, "–", threshold_text(r), "–", f"{o.gap}: {o.why}"])
            continue
        p = "–" if o.p is None else f"{o.p:.3f}"
        note = f" ({o.why})" if o.why else ""
        rows.append([r.prediction, measured_text(o), threshold_text(r), f"{p}{note}",
                     "yes" if o.holds else "**no**"])
    return [f"**Verdict: {verdict}.** Each prediction the claim makes, tested on this run "
            f"(a comparison holds when the ratio of medians reaches its threshold and the "
            f"Mann-Whitney U test gives p < {claims.SIGNIFICANCE}):", ""] + table(
        ["prediction", "measured", "threshold", "p", "holds"], rows) + [""]


def claim_part(claim, run, heading):
    """A claim's heading, its words and its verdict table."""
    return [heading, ""] + claim_header(claim) + rules_table(claim, run)


def python_rules_table(run):
    """Every Python rule's outcome, claim by claim (py_rules.PY_RULES)."""
    rows = []
    for claim in claims.CLAIMS:
        _, outcomes = claims.judge(claim, run, py_rules.PY_RULES)
        for o in outcomes:
            if o.holds is None:
                rows.append([claim, o.rule.prediction, "–", f"{o.gap}: {o.why}"])
            else:
                rows.append([claim, o.rule.prediction, measured_text(o, "x"),
                             "yes" if o.holds else "**no**"])
    return table(["claim", "prediction", "measured", "holds"], rows) + [""]
