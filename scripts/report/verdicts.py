"""verdicts.py - a claim as the sections show it: the notes' words, then the verdict
with the table of its predictions, each tested on this run, the context rows under
them, and whether the verdict survives thresholds 25% easier or harder."""
import claims
import py_rules
import stats
from report.kit import fmt, table


def claim_header(claim):
    c = claims.CLAIMS[claim]
    return [f"> {c['zh']}", ">", f"> *{c['en']}*", ""]


def rules_for(claim):
    return claims.judged_rules(claim)


def judged(claim, run):
    return claims.judged(claim, run)


def measured_text(o, times="×"):
    r = o.rule
    if r.b is not None:
        return f"{o.ratio:.2f}{times}"
    if r.relation == "equals":
        if o.count == o.n:
            return f"{fmt(r.threshold)} {r.unit} in {o.n} of {o.n} repetitions"
        return f"{fmt(r.threshold)} {r.unit} in only {o.count} of {o.n} (median {fmt(o.value)})"
    return f"{fmt(o.value)} {r.unit}"


def threshold_text(r):
    t = r.threshold
    if r.b is None:
        if r.relation == "equals":
            return f"= {fmt(t)} {r.unit} in every repetition"
        return f"{'>' if r.relation == 'above' else '<'} {fmt(t)} {r.unit}"
    if r.relation == "similar":
        return f"within ±{t:.0%} (equivalence)"
    if t <= 1:
        return f"≥ {t:g}× (non-inferiority, margin {1 - t:.0%})"
    return f"≥ {t:g}×"


def p_text(o):
    if o.p is None:
        return "–"
    tag = "sign" if "sign" in o.test else "TOST" if "equivalence" in o.test else "rank"
    return f"{o.p:.3f} ({tag})"


def cv_cell(o):
    """The spread of the metric the prediction uses, each side (⚠ over 5%)."""
    if not o.cvs:
        return "–"
    return " / ".join(f"{cv * 100:.1f}%{' ⚠' if cv > stats.NOISY_CV else ''}"
                      for cv in o.cvs)


def side(k, other):
    """How a comparison names one of its sides: by mode where the two differ
    ("threads"), else by variant."""
    if k.mode != other.mode:
        return {"thread": "threads", "process": "processes"}.get(k.mode, k.mode)
    return k.variant if k.variant != other.variant else str(k)


def outcome_text(o):
    if o.holds is None:
        return f"{o.gap}: {o.why}"
    if o.holds:
        return "holds"
    r = o.rule
    if r.b is not None and r.relation == "greater" and r.threshold > 1:
        ahead = {"a ahead": f"{side(r.a, r.b)} higher, by less than the threshold",
                 "b ahead": f"{side(r.b, r.a)} higher",
                 "no difference": "no significant difference"}[o.direction]
        return f"**fails** ({ahead})"
    return "**fails**"


def verdict_with_gaps(verdict, outcomes):
    """The verdict, saying how many counted predictions it rests on when some could not
    be decided or had no data."""
    counted = [o for o in outcomes if o.rule.counted]
    undecided = sum(o.undecided for o in counted)
    missing = sum(o.holds is None and not o.undecided for o in counted)
    if verdict in ("missing data", "undecided") or not (undecided or missing):
        return verdict
    gaps = [f"{n} {what}" for n, what in ((undecided, "undecided"),
                                          (missing, "without data")) if n]
    return f"{verdict}, from {len(counted) - undecided - missing} of {len(counted)} " \
        f"predictions ({', '.join(gaps)})"


def robustness_line(claim, run, rules):
    verdict = claims.judge(claim, run, rules)[0]
    (easier, harder), flips = claims.fragility(claim, run, rules)
    if easier == verdict == harder:
        line = f"**Robust:** the verdict stays {verdict} with every threshold 25% " \
            "easier or 25% harder to pass"
        return line + (f"; outcomes that do move: {'; '.join(flips)}." if flips else ".")
    moves = [f"{v} with every threshold 25% {how}" for v, how in
             ((easier, "easier"), (harder, "harder")) if v != verdict]
    return f"**Fragile:** the verdict would be {' and '.join(moves)} " \
        f"(predictions that change: {'; '.join(flips)})."


DISCIPLINE = (
    "A comparison holds when the ratio of medians is past its threshold and an exact "
    "one-sided rank test (Mann-Whitney, from the permutation distribution) puts the first "
    "benchmark beyond threshold × the second at p < {sig}; it fails when the first is "
    "short of it at p < {sig}, and is undecided otherwise. \"Within ±x\" is an equivalence "
    "test (two one-sided tests), never the absence of a difference. A value against a "
    "threshold uses the exact sign test; a count must be what the claim says in every "
    "repetition. Context rows test something the notes do not say and do not count.")


def rules_table(claim, run, rules=None):
    """The verdict line, the table of the claim's predictions and its robustness."""
    rules = rules or rules_for(claim)
    verdict, outcomes = claims.judge(claim, run, rules)
    rows = []
    for o in sorted(outcomes, key=lambda o: not o.rule.counted):
        r = o.rule
        measured = "–" if o.holds is None and o.ratio is None and o.value is None \
            else measured_text(o)
        rows.append([r.prediction if r.counted else f"*context:* {r.prediction}", measured,
                     threshold_text(r), p_text(o), cv_cell(o), outcome_text(o)])
    source = " (judged on the notes' own Python, from `scripts/py_rules.py`)" \
        if rules is py_rules.PY_RULES else ""
    return [f"**Verdict: {verdict_with_gaps(verdict, outcomes)}**{source}. How each "
            "prediction is tested: [the claims at a glance](#the-claims-at-a-glance).", ""] + table(
        ["prediction", "measured", "threshold", "p (test)", "CV", "outcome"], rows) + [
        "", robustness_line(claim, run, rules), ""]


def claim_part(claim, run, heading):
    """A claim's heading, its words and its verdict table; for a claim judged on Python,
    C's rows follow as what a pool can do instead."""
    out = [heading, ""] + claim_header(claim) + rules_table(claim, run)
    if rules_for(claim) is not claims.RULES and claims.rules_of(claim):
        out += ["What C's own pool does with the same failures (context):", ""] + \
            rules_table(claim, run, claims.RULES)[2:-2] + [""]
    return out


def python_rules_table(run):
    """Every Python rule's outcome, claim by claim (py_rules.PY_RULES)."""
    rows = []
    for claim in claims.CLAIMS:
        _, outcomes = claims.judge(claim, run, py_rules.PY_RULES)
        for o in outcomes:
            measured = "–" if o.holds is None and o.ratio is None and o.value is None \
                else measured_text(o, "x")
            rows.append([claim, o.rule.prediction if o.rule.counted else
                         f"*context:* {o.rule.prediction}", measured, threshold_text(o.rule),
                         p_text(o), outcome_text(o)])
    return table(["claim", "prediction", "measured", "threshold", "p (test)", "outcome"],
                 rows) + [""]
