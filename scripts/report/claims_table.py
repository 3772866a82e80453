"""claims_table.py - the claims at a glance: each claim of the notes with its verdict
(and whether it is fragile), its key numbers for a thread and a process in words,
Python's verdict where it differs, and links to its section and figure."""
from verdicts import claims
from verdicts import py_rules
from verdicts import stats
from report import state
from report import i18n
from report.i18n import _, current
from report.kit import fmt, table
from report.verdicts import (DISCIPLINE, judged, prediction, rules_for, verdict_with_gaps,
                             verdict_word, with_unit)

# Each claim's section, as the headings of the sections make it.
ANCHORS = {"C1": "#c1--what-a-worker-owns", "C2": "#c2--creation-cost-and-copy-on-write",
           "C3": "#c3--processes-do-not-share-global-variables",
           "C8": "#c8--where-concurrency-lives-http-servers-under-wrk",
           "C4": "#c4-and-c7--talking-between-workers",
           "C7": "#c7--protection",
           "C5": "#c5-c6-and-c7--pools-failures-and-isolation",
           "C6": "#c5-c6-and-c7--pools-failures-and-isolation"}


def key_samples(claim, run, pair=None):
    """[the thread's repetitions, the process's] of the claim's key pair (or of the pair
    given), as the pair's metric reads them, or None where the run lacks either. A pair
    whose repetitions are readings of one server (pair.one_server) gives their median as
    its one value: they are not independent, so no interval is drawn from them, and the
    handout's interval line says "one repetition"."""
    pair = pair or claims.CLAIMS[claim].get("key")
    if not pair:
        return None
    out = []
    for k in (pair.thread, pair.process):
        b = run.bench(k.resolve(run.pus) if run.pus else k)
        vals = claims.values(b, pair.metric) if b and b.usable else []
        if not vals:
            return None
        out.append([stats.median_ci(vals)[0]] if pair.one_server else vals)
    return out


def key_readings(claim, run):
    """How many readings of one server the claim's key pair took (the fewer side), where
    the pair is one_server; else None. The handout says them: "one repetition" would
    hide that three readings agreed."""
    pair = claims.CLAIMS[claim].get("key") if claim else None
    if not pair or not pair.one_server:
        return None
    counts = []
    for k in (pair.thread, pair.process):
        b = run.bench(k.resolve(run.pus) if run.pus else k)
        counts.append(len(claims.values(b, pair.metric)) if b and b.usable else 0)
    return min(counts) or None


def key_values(claim, run, pair=None):
    """((median, lo, hi) of the thread, the same of the process, unit) of the claim's
    key pair (or of the pair given), less its offset, or None where the run lacks
    either."""
    pair = pair or claims.CLAIMS[claim].get("key")
    samples = key_samples(claim, run, pair)
    if not samples:
        return None
    t, p = (tuple(v - pair.offset for v in stats.median_ci(vals)[:3]) for vals in samples)
    return t, p, pair.unit


def key_undecided(claim, run, pair=None):
    """Whether a counted prediction comparing the claim's key pair (or the pair given),
    either way round, is undecided in this run: a multiple shown large on a projector
    then says so (C7's pipe round trip, 1.3x with overlapping intervals, was read as a
    result)."""
    pair = pair or claims.CLAIMS[claim].get("key")
    if not pair:
        return False
    res = (lambda k: k.resolve(run.pus) if run.pus else k)
    keys = {res(pair.thread), res(pair.process)}
    return any(o.undecided for o in claims.judged(claim, run)[1]
               if o.rule.counted and o.rule.b is not None
               and {res(o.rule.a), res(o.rule.b)} == keys)


def times(x):
    """A multiple as a lecturer reads it: two digits, never an exponent (120, not
    1.2e+02; 4.5, 0.96)."""
    if abs(x) >= 10:
        return f"{x:.0f}"
    # 1.02 is not 1: "process = 1 × thread" reads as equal where they were not.
    return f"{x:.2f}" if f"{x:.2g}" == "1" and round(x, 2) != 1 else f"{x:.2g}"


def key_numbers(claim, run, pair=None):
    """(thread text, process text, comparison text, unit) for the claim's key pair (or
    the pair given), or None. A count out of a total reads "3 of 3"; a measured value
    reads as its median with its interval, and the comparison is always the process's
    value as a multiple of the thread's, followed by the part of it that `within`
    measures on its own."""
    pair = pair or claims.CLAIMS[claim]["key"]
    values = key_values(claim, run, pair)
    if not values:
        return None
    (t, t_lo, t_hi), (p, p_lo, p_hi), unit = values
    if pair.of is not None:
        of = _("{value} of {total}")
        return of.format(value=fmt(t), total=pair.of), of.format(value=fmt(p), total=pair.of), \
            "", unit
    ratio = _("process = {ratio} × thread").format(ratio=times(p / t)) if t else ""
    part = run.bench(pair.within) if pair.within is not None else None
    if part is not None and part.usable and ratio:
        m, lo, hi = stats.median_ci(claims.values(part, "time"))[:3]
        ratio = _("{ratio}, of which {what} {value} µs [{lo}, {hi}]").format(
            ratio=ratio, what=_(pair.within_words), value=fmt(m), lo=fmt(lo), hi=fmt(hi))
    if pair.one_server:
        return fmt(t), fmt(p), ratio, unit
    return (f"{fmt(t)} [{fmt(t_lo)}, {fmt(t_hi)}]", f"{fmt(p)} [{fmt(p_lo)}, {fmt(p_hi)}]",
            ratio, unit)


def key_text(claim, run):
    """The claim's key numbers as one cell of words."""
    c = claims.CLAIMS[claim]
    if c.get("judged_on") == "python":
        return python_key_text(claim, run)
    texts = []
    for pair in [c["key"]] + c.get("also", []):
        nums = key_numbers(claim, run, pair)
        if not nums:
            continue
        thread, process, ratio, unit = nums
        words, cond = _(unit), ""
        if pair.conditions and words.endswith((")", "）")):
            # One bracket, not two in a row: "(two context switches; both on one PU)".
            words = words[:-1] + _("; ") + _(pair.conditions) + words[-1]
        elif pair.conditions:
            cond = _(" ({conditions})").format(conditions=_(pair.conditions))
        text = _("thread {thread} · process {process}: {unit}{conditions}").format(
            thread=thread, process=process, unit=words, conditions=cond)
        texts.append(_("{text}; {ratio}").format(text=text, ratio=ratio) if ratio else text)
    return _("; ").join(texts) or "–"


def python_key_text(claim, run):
    """For a claim judged on the notes' Python: each counted prediction's count."""
    # The value in the rule's unit ("0 (shown)"), not the counter's name.
    parts = [_("{prediction}: {value} in {count} of {n} runs").format(
        prediction=prediction(o.rule), value=with_unit(fmt(o.rule.threshold), o.rule),
        count=o.count, n=o.n)
             for o in claims.judge(claim, run, py_rules.PY_RULES)[1]
             if o.count is not None and o.rule.counted]
    return _("; ").join(parts) or "–"


def coverage_words(run):
    n = run.repetitions
    if not n or n < 2:
        return _("one repetition, no interval")
    cover = stats.median_ci(range(n))[3]
    return _("their distribution-free interval over {n} repetitions (it covers the "
             "median with probability {coverage})").format(n=n, coverage=f"{cover:.2%}")


def verdict_cell(claim, run, changed):
    rules = rules_for(claim)
    verdict, outcomes = judged(claim, run)
    if not outcomes:
        return _("missing data: not measured by this suite yet")
    cell = f"**{verdict_with_gaps(verdict, outcomes)}**"
    if claims.is_fragile(claim, run, rules):
        cell += _(" (fragile)")
    if rules is py_rules.PY_RULES:
        cell += _(" on the notes' Python")
    if claim in changed:
        cell += " ⚠"
    return cell


def python_cell(claim, run, verdict):
    if rules_for(claim) is py_rules.PY_RULES:
        return _("(the verdict)")
    py_verdict, py_out = claims.judge(claim, run, py_rules.PY_RULES)
    if not py_out or py_verdict in ("missing data", "undecided"):
        return "–"
    return _("same") if py_verdict == verdict else f"**{verdict_word(py_verdict)}**"


def claim_words(c):
    """The notes' words, with ours under them in English."""
    return c["zh"] if current() != "en" else f"{c['zh']}<br>*{c['en']}*"


def section(run, folder):
    rows = []
    changed = state.flagged_claims(run)
    for claim, c in claims.CLAIMS.items():
        verdict = judged(claim, run)[0]
        links = ["[{}]({})".format(_("section"), anchor(claim))] if claim in ANCHORS else []
        if c.get("figure"):
            links.append("[{}]({})".format(_("figure"), figure_link(c["figure"])))
        rows.append(f"| {claim} | {claim_words(c)} | {verdict_cell(claim, run, changed)}"
                    f" | {key_text(claim, run)} | {python_cell(claim, run, verdict)} | "
                    + (_(", ").join(links) or "–") + " |")
    return ["## " + _("The claims at a glance"), "",
            _("Verdicts from the counted predictions in `scripts/verdicts/claims.py` (C6 from "
              "`scripts/verdicts/py_rules.py`: the notes say it of their Python). A verdict is "
              "*fragile* when moving every threshold {pct} easier or harder would change it. "
              "Key numbers are medians with {coverage}.").format(
                coverage=coverage_words(run), pct=f"{claims.ROBUSTNESS:.0%}"),
            "", _(DISCIPLINE).format(sig=claims.SIGNIFICANCE,
                                         noisy=f"{claims.NOISY:.0%}"), ""] + table(
        ["", _("claim in the notes"), _("verdict"), _("key numbers"), _("Python's verdict"),
         _("details")], rows) + [""] + ([
            _("⚠ Measured while the machine changed (see [State of the machine]"
              "({anchor})): {claims}.").format(
                anchor=state.machine_link(), claims=_("; ").join(
                    f"{c} ({', '.join(s)})" for c, s in changed.items())), ""]
            if changed else [])


def figure_link(path):
    """figures/NAME.png, or the current language's figures/zh/NAME.png."""
    sub = i18n.subfolder()
    if not sub or not path.startswith("figures/"):
        return path
    return f"figures/{sub}/{path[len('figures/'):]}"


def anchor(claim):
    """The claim's section: its English anchor, or the anchor of the translated heading
    once the section's module shows its heading through _() (i18n.anchor)."""
    return i18n.anchor(ANCHORS[claim])
