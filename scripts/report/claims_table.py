"""claims_table.py - the claims at a glance: each claim of the notes with C's verdict,
its key numbers for a thread and a process, Python's verdict where it differs, and links
to its section and figure."""
import claims
import py_rules
import stats
from report import state
from report.kit import fmt, table

# Each claim's section, as the headings of the sections make it.
ANCHORS = {"C1": "#c1--what-a-worker-owns", "C2": "#c2--creation-cost-and-copy-on-write",
           "C3": "#c3--processes-do-not-share-global-variables",
           "C8": "#c8--many-workers-at-once",
           "C4": "#c4-and-c7--talking-between-workers",
           "C7": "#c7--protection",
           "C5": "#c5-c6-and-c7--pools-failures-and-isolation",
           "C6": "#c5-c6-and-c7--pools-failures-and-isolation"}


def key_values(claim, run):
    """((median, lo, hi) of the thread, the same of the process, unit) of the claim's
    key pair, or None where the run lacks either."""
    pair = claims.CLAIMS[claim].get("key")
    if not pair:
        return None
    t_key, p_key, metric, unit = pair
    out = []
    for k in (t_key, p_key):
        b = run.bench(k)
        vals = claims.values(b, metric) if b and b.usable else []
        if not vals:
            return None
        out.append(stats.median_ci(vals)[:3])
    return out[0], out[1], unit


def key_numbers(claim, run):
    """(thread text, process text, thread:process ratio text, unit) for the claim's
    key pair, or None."""
    values = key_values(claim, run)
    if not values:
        return None
    (t, t_lo, t_hi), (p, p_lo, p_hi), unit = values
    ratio = f"1 : {p / t:.2g}" if t else "–"
    return (f"{fmt(t)} [{fmt(t_lo)}, {fmt(t_hi)}]", f"{fmt(p)} [{fmt(p_lo)}, {fmt(p_hi)}]",
            ratio, unit)


def section(run, folder):
    rows = []
    changed = state.flagged_claims(run)
    for claim, c in claims.CLAIMS.items():
        verdict, outcomes = claims.judge(claim, run)
        missing = sum(o.holds is None for o in outcomes)
        note = ""
        if not outcomes:
            verdict = "missing data: not measured by this suite yet"
        elif missing and verdict not in ("missing data", "undecided"):
            note = f" ({missing} of {len(outcomes)} predictions without data)"
        nums = key_numbers(claim, run)
        cells = f"{nums[0]} | {nums[1]} | {nums[2]} ({nums[3]})" if nums else "– | – | –"
        py_verdict, py_out = claims.judge(claim, run, py_rules.PY_RULES)
        py_cell = "–" if not py_out or py_verdict in ("missing data", "undecided") else (
            "same" if py_verdict == verdict else f"**{py_verdict}**")
        links = [f"[section]({ANCHORS[claim]})"] if claim in ANCHORS else []
        if c.get("figure"):
            links.append(f"[figure]({c['figure']})")
        if claim in changed:
            note += " ⚠"
        rows.append(f"| {claim} | {c['zh']}<br>*{c['en']}* | **{verdict}**{note} | {cells} | "
                    f"{py_cell} | {', '.join(links) or '–'} |")
    return ["## The claims at a glance", "",
            "Verdicts from the rules in `scripts/claims.py`; key numbers are medians with their "
            "95% interval, thread first, then process.", ""] + table(
        ["", "claim in the notes", "verdict", "thread", "process", "thread : process",
         "Python's verdict", "details"], rows) + [""] + ([
            "⚠ Measured while the machine changed (see [State of the machine]"
            "(#state-of-the-machine)): " + "; ".join(
                f"{c} ({', '.join(s)})" for c, s in changed.items()) + ".", ""]
            if changed else [])
