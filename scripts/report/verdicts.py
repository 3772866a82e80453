"""verdicts.py - a claim as the sections show it: the notes' words, then the verdict
with the table of its predictions, each tested on this run, the context rows under
them, and whether the verdict survives thresholds 25% easier or harder. Every word is
shown through report.i18n: the predictions themselves are msgids of the catalogue,
keyed by their English text in scripts/verdicts/claims.py and scripts/verdicts/py_rules.py."""
import math
import re

from verdicts import claims
from verdicts import engine
from verdicts import py_rules
from verdicts import stats
from report import i18n
from report.i18n import C_, N_, NC_, _, current
from report.kit import fmt, table

# The words claims.verdict() returns, as the report shows them.
VERDICT_WORDS = {"supported": N_("supported"), "not supported": N_("not supported"),
                 "nuanced": N_("nuanced"), "undecided": N_("undecided"),
                 "missing data": N_("missing data")}


def verdict_word(verdict):
    """A verdict of claims.verdict() in the current language."""
    return _(VERDICT_WORDS.get(verdict, verdict))


def prediction(rule):
    """A rule's prediction in the current language (the catalogue is keyed by the
    English text of scripts/verdicts/claims.py and scripts/verdicts/py_rules.py)."""
    return _(rule.prediction)


def unit(rule):
    return _(rule.unit)


def claim_header(claim):
    """The notes' words; in English with ours under them."""
    c = claims.CLAIMS[claim]
    if current() != "en":
        return [f"> {c['zh']}", ""]
    return [f"> {c['zh']}", ">", f"> *{c['en']}*", ""]


def rules_for(claim):
    return claims.judged_rules(claim)


def judged(claim, run):
    return claims.judged(claim, run)


# A 0/1 counter's unit ("(shown)") as the state it names: "not shown", not "0 (shown)",
# which reads as "shown" (msgctxt "flag": a state in a sentence, quoted in Chinese).
FLAG_WORDS = {"(shown)": (NC_("flag", "not shown"), NC_("flag", "shown")),
              "(survived)": (NC_("flag", "did not survive"), NC_("flag", "survived")),
              "(intact)": (NC_("flag", "not intact"), NC_("flag", "intact"))}


def with_unit(value, rule):
    """A number and its unit as the language writes them: "0 KiB", never a space
    before a full-width bracket; a 0 or 1 of a flag as its state ("not shown")."""
    flag = FLAG_WORDS.get(rule.unit)
    if flag and value in ("0", "1"):
        return C_("flag", flag[int(value)])
    u = unit(rule)
    return f"{value}{u}" if u.startswith(("（", "(")) and current() != "en" else f"{value} {u}"


def measured_text(o, times="×"):
    r = o.rule
    if r.b is not None:
        return f"{o.ratio:.2f}{times}"
    if r.relation == "equals":
        if o.count == o.n == 1:  # "in 1 of 1" reads as "all of them" in some languages
            return _("{value} in its one repetition").format(
                value=with_unit(fmt(r.threshold), r))
        if o.count == o.n:
            return _("{value} in {n} of {n} repetitions").format(
                value=with_unit(fmt(r.threshold), r), n=o.n)
        if o.count == 0:  # "in only 0 of 5" reads oddly: in none of them
            return _("{value} in none of {n} repetitions (median {median})").format(
                value=with_unit(fmt(r.threshold), r), n=o.n, median=fmt(o.value))
        return _("{value} in only {count} of {n} (median {median})").format(
            value=with_unit(fmt(r.threshold), r), count=o.count, n=o.n, median=fmt(o.value))
    return with_unit(fmt(o.value), r)


def threshold_text(r):
    t = r.threshold
    if r.b is None:
        if r.relation == "equals":
            return _("= {value} {unit} in every repetition").format(value=fmt(t), unit=unit(r))
        return f"{'>' if r.relation == 'above' else '<'} {fmt(t)} {unit(r)}"
    if r.relation == "similar":
        return _("within ±{margin} (equivalence)").format(margin=f"{t:.0%}")
    if t <= 1:
        return _("≥ {ratio}× (non-inferiority, margin {margin})").format(
            ratio=f"{t:g}", margin=f"{1 - t:.0%}")
    return f"≥ {t:g}×"


TEST_TAGS = {"sign": N_("sign"), "TOST": N_("TOST"), "rank": N_("rank")}


def in_a_row_note(o):
    """For a comparison of rows that ran in a row: why it shows no p."""
    return _("no p: ran in a row") if o.test.startswith("ranges") else "–"


def p_text(o):
    if o.p is None:
        return in_a_row_note(o)
    tag = "sign" if "sign" in o.test else "TOST" if "equivalence" in o.test else "rank"
    return _("{p} ({test})").format(p=f"{o.p:.3f}", test=_(TEST_TAGS[tag]))


def cv_cell(o):
    """The spread of the metric the prediction uses, each side (⚠ over 5%)."""
    if not o.cvs:
        return "–"
    # A count that is 0 in every repetition has no spread to speak of: "–", not inf.
    return " / ".join("–" if not math.isfinite(cv) else
                      f"{cv * 100:.1f}%{' ⚠' if cv > stats.NOISY_CV else ''}"
                      for cv in o.cvs)


MODE_PLURAL = {"thread": N_("threads"), "process": N_("processes")}


def side(k, other):
    """How a comparison names one of its sides: by mode where the two differ
    ("threads"), else by variant."""
    if k.mode != other.mode:
        return _(MODE_PLURAL[k.mode]) if k.mode in MODE_PLURAL else k.mode
    return k.variant if k.variant != other.variant else str(k)


# Why claims.py could not decide a prediction, as it words it, and the same in the
# catalogue: each pattern's groups fill the placeholders of its msgid. A reason that
# matches none is shown as claims.py wrote it, and recorded as untranslated.
WHY = [
    (r"(?P<key>\S+) was not run", N_("{key} was not run")),
    (r"(?P<name>\S+): no (?P<metric>\S+) samples", N_("{name}: no {metric} samples")),
    (r"(?P<n>\d+) repetitions: the sign test cannot reach p < (?P<sig>[\d.]+)",
     N_("{n} repetitions: the sign test cannot reach p < {sig}")),
    (r"the repetitions lie on both sides of the threshold",
     N_("the repetitions lie on both sides of the threshold")),
    (r"(?P<key>\S+): one repetition, no test can decide",
     N_("{key}: one repetition, no test can decide")),
    (r"(?P<key>\S+): median 0, no ratio", N_("{key}: median 0, no ratio")),
    (r"(?P<a>\d+) against (?P<b>\d+) repetitions: the exact test cannot reach "
     r"p < (?P<sig>[\d.]+)",
     N_("{a} against {b} repetitions: the exact test cannot reach p < {sig}")),
    (r"past the threshold, not significantly", N_("past the threshold, not significantly")),
    (r"short of the threshold, not significantly",
     N_("short of the threshold, not significantly")),
    (r"inside the margin, too noisy to show it", N_("inside the margin, too noisy to show it")),
    (r"outside the margin, not significantly", N_("outside the margin, not significantly")),
    (r"too noisy here: a CV of (?P<cv>\d+%), above (?P<limit>\d+%)",
     N_("too noisy here: a CV of {cv}, above {limit}")),
    (r"too noisy here: it holds with the pair at pin:(?P<pin>\S+) in the same run",
     N_("too noisy here: it holds with the pair at pin:{pin} in the same run")),
    (r"too noisy here: it fails with the pair at pin:(?P<pin>\S+) in the same run",
     N_("too noisy here: it fails with the pair at pin:{pin} in the same run")),
    (r"ran in a row: the repetitions overlap the threshold",
     N_("ran in a row: the repetitions overlap the threshold")),
    (r"the run's context does not say how many PUs it had",
     N_("the run's context does not say how many PUs it had")),
    # last: a benchmark's own error, as C wrote it (SkipWithError), stays as it is
    (r"(?P<name>[a-z0-9_]+/\S+): (?P<error>.+)", N_("{name}: {error}")),
]


def why_text(why):
    """claims.py's reason in the current language."""
    if current() == "en" or not why:
        return why
    for pattern, msgid in WHY:
        m = re.fullmatch(pattern, why)
        if m:
            return _(msgid).format(**m.groupdict())
    return _(why)


def outcome_text(o):
    if o.holds is None:
        return verdict_word(o.gap) + _(": ") + why_text(o.why)
    if o.holds:
        return _("holds")
    r = o.rule
    if r.b is not None and r.relation == "greater" and r.threshold > 1:
        if o.direction == "no difference":
            why = _("no significant difference, two-sided p = {p}").format(
                p="–" if o.p_diff is None else f"{o.p_diff:.3f}")
        else:
            higher = r.a if o.direction == "a ahead" else r.b
            why = higher_words(r.metric).format(side=side(higher, r.b if higher is r.a
                                                          else r.a))
            if o.direction == "a ahead":
                why = _("{why}, by less than the threshold").format(why=why)
        return _("**fails** ({why})").format(why=why)
    return _("**fails**")


def higher_words(metric):
    """What "this side's values are higher" means for a metric: more time is slower,
    a higher rate is more work done."""
    if metric == "time":
        return _("{side} take longer")
    if metric.endswith(("per_s", "per_second")):
        return _("{side} get more done")
    return _("{side} higher")


def verdict_with_gaps(verdict, outcomes):
    """The verdict, saying how many counted predictions it rests on when some could not
    be decided or had no data; an undecided verdict says what would decide it."""
    counted = [o for o in outcomes if o.rule.counted]
    undecided = sum(o.undecided for o in counted)
    missing = sum(o.holds is None and not o.undecided for o in counted)
    if verdict == "missing data" or not (undecided or missing):
        return verdict_word(verdict)
    gaps = [what.format(n=n) for n, what in ((undecided, _("{n} undecided")),
                                             (missing, _("{n} without data"))) if n]
    decided = len(counted) - undecided - missing
    if verdict == "undecided":
        deciders = ([_("more repetitions or a calmer machine")] if undecided else []) + \
            ([_("a run with the rows this one lacks")] if missing else [])
        return _("{verdict}: {decided} of {counted} predictions decided ({gaps}), not a "
                 "majority; {deciders} would decide it").format(
            verdict=verdict_word(verdict), decided=decided, counted=len(counted),
            gaps=_(", ").join(gaps), deciders=_(" or ").join(deciders))
    return _("{verdict}, from {decided} of {counted} predictions ({gaps})").format(
        verdict=verdict_word(verdict), decided=decided,
        counted=len(counted), gaps=_(", ").join(gaps))


def parts_text(outcomes):
    """Which parts of the claim's sentence hold and which do not, in words (engine.parts),
    or "" where its predictions name no parts or all agree."""
    held, failed, mixed = engine.parts(outcomes)
    if not failed and not mixed:
        return ""
    out = []
    for parts_, words in ((held, N_("What holds: {parts}.")),
                          (failed, N_("What does not: {parts}.")),
                          (mixed, N_("Partly: {parts}."))):
        if parts_:
            out.append(_(words).format(parts=_("; ").join(_(p) for p in parts_)))
    return i18n.sentences(out)


PCT = f"{claims.ROBUSTNESS:.0%}"  # how far fragility() moves every threshold


def robustness_line(claim, run, rules):
    verdict = claims.judge(claim, run, rules)[0]
    (easier, harder), flips = claims.fragility(claim, run, rules)
    flips = [_(f) for f in flips]
    if easier == verdict == harder:
        line = _("**Robust:** the verdict stays {verdict} with every threshold {pct} easier "
                 "or {pct} harder to pass").format(verdict=verdict_word(verdict), pct=PCT)
        return line + (_("; outcomes that do move: {flips}.").format(
            flips=_("; ").join(flips)) if flips else _("."))
    moves = [how.format(verdict=verdict_word(v), pct=PCT) for v, how in
             ((easier, _("{verdict} with every threshold {pct} easier")),
              (harder, _("{verdict} with every threshold {pct} harder"))) if v != verdict]
    return _("**Fragile:** the verdict would be {moves} (predictions that change: "
             "{flips}).").format(moves=_(" and ").join(moves), flips=_("; ").join(flips))


DISCIPLINE = N_(
    "A comparison holds when the ratio of medians is past its threshold and an exact "
    "one-sided rank test (Mann-Whitney, from the permutation distribution) puts the first "
    "benchmark beyond threshold × the second at p < {sig}; it fails when the first is "
    "short of it at p < {sig}, and is undecided otherwise. \"Within ±x\" is an equivalence "
    "test (two one-sided tests), never the absence of a difference. Rows that ran in a row, "
    "not interleaved, get no p-value: such a comparison holds or fails only when every "
    "repetition lies on one side of the threshold. A counted comparison whose repetitions "
    "spread more than {noisy} (CV) across its threshold, or whose outcome flips between "
    "placements measured in the same run, is undecided: too noisy here. A value against a "
    "threshold uses the exact sign test; a count must be what the claim says in every "
    "repetition. A verdict needs more than half of its counted predictions decided, else it "
    "is undecided. Context rows test something the notes do not say and do not count.")


def context(text):
    """A context row's prediction, marked as not counted."""
    return _("*context:* {prediction}").format(prediction=text)


# What a verdict means where the sentence says more than its counted predictions test:
# C8's "highly concurrent" is counted as memory per connection and connections held, so a
# bare "supported" would read as "threads make a program faster at many clients".
SCOPES = {"C8": N_("What it means here: more connections fit in the same memory (memory "
                   "per connection and connections held are what C8 counts), not that "
                   "they are answered faster.")}


def rules_table(claim, run, rules=None):
    """The verdict line, the table of the claim's predictions and its robustness."""
    rules = rules or rules_for(claim)
    verdict, outcomes = claims.judge(claim, run, rules)
    rows = []
    for o in sorted(outcomes, key=lambda o: not o.rule.counted):
        r = o.rule
        measured = "–" if o.holds is None and o.ratio is None and o.value is None \
            else measured_text(o)
        rows.append([prediction(r) if r.counted else context(prediction(r)), measured,
                     threshold_text(r), p_text(o), cv_cell(o), outcome_text(o)])
    source = _(" (judged on the notes' own Python, from `scripts/verdicts/py_rules.py`)") \
        if rules is py_rules.PY_RULES else ""
    parts_line = parts_text(outcomes)
    if claim in SCOPES and rules is claims.RULES and verdict in ("supported", "nuanced"):
        parts_line = i18n.sentences([parts_line, _(SCOPES[claim])] if parts_line
                                    else [_(SCOPES[claim])])
    return [i18n.sentences([_("**Verdict: {verdict}**{source}. How each prediction is "
                              "tested: [the claims at a glance]({anchor}).").format(
                                  verdict=verdict_with_gaps(verdict, outcomes), source=source,
                                  anchor=i18n.anchor("#the-claims-at-a-glance"))]
                           + ([parts_line] if parts_line else [])), ""] + table(
        [_("prediction"), _("measured"), _("threshold"), _("p (test)"), _("CV"),
         _("outcome")], rows) + ["", robustness_line(claim, run, rules), ""]


def claim_part(claim, run, heading):
    """A claim's heading, its words and its verdict table; for a claim judged on Python,
    C's rows follow as what a pool can do instead."""
    out = [heading, ""] + claim_header(claim) + rules_table(claim, run)
    if rules_for(claim) is not claims.RULES and claims.rules_of(claim):
        out += [_("What C's own pool does with the same failures (context):"), ""] + \
            rules_table(claim, run, claims.RULES)[2:-2] + [""]
    return out


def python_rules_table(run):
    """Every Python rule's outcome, claim by claim (py_rules.PY_RULES)."""
    rows = []
    for claim in claims.CLAIMS:
        _v, outcomes = claims.judge(claim, run, py_rules.PY_RULES)
        for o in outcomes:
            measured = "–" if o.holds is None and o.ratio is None and o.value is None \
                else measured_text(o, "x")
            rows.append([claim, prediction(o.rule) if o.rule.counted else
                         context(prediction(o.rule)), measured, threshold_text(o.rule),
                         p_text(o), outcome_text(o)])
    return table([_("claim"), _("prediction"), _("measured"), _("threshold"), _("p (test)"),
                  _("outcome")], rows) + [""]
