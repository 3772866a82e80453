"""claims_doc.py - writes CLAIMS.md: each claim of the notes, the predictions its words
make and the measurement that answers each, from the rules themselves (claims.RULES and
py_rules.PY_RULES), so the document cannot drift from what the report tests.

    claims_doc.py [OUT]      (default: CLAIMS.md at the top of the repository)"""
import argparse
import os
import sys

from verdicts import claims
from verdicts import engine
from verdicts import py_rules
from report.verdicts import threshold_text
from contract.results import DERIVED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rule_line(r):
    measured = f"`{r.a}`" + (f" against `{r.b}`" if r.b is not None else "")
    metric = "time per iteration" if r.metric == "time" else \
        f"`{r.metric}`, counted from the schedule's counters" if r.metric in DERIVED else \
        f"counter `{r.metric}`"
    per_pu = " (per PU: times the machine's PUs)" if r.per_pu else ""
    part = f" *({r.part})*" if r.part else ""
    return f"| {r.prediction}{part} | {'counted' if r.counted else 'context'} | {measured} | " \
        f"{metric} | {threshold_text(r)}{per_pu} |"


def document():
    out = ["# The claims and how tvp tests them", "",
           "Written by `scripts/claims_doc.py` from the rules in `scripts/verdicts/claims.py` (C) and "
           "`scripts/verdicts/py_rules.py` (the notes' Python); `make claims-doc` writes it again and "
           "a test fails when it is out of date. Each claim quotes the notes "
           "(`shared/seed/`); each row is one prediction its words make, with the benchmarks "
           "that answer it (names as `tvp-bench --describe` lists them; `PUS` is the "
           "machine's PU count). *Counted* rows make the verdict; *context* rows test "
           "something the notes do not say and are shown under the claim.", "",
           "How a row is decided: a ratio holds when it is past its threshold and an exact "
           f"one-sided rank test puts it there at p < {engine.SIGNIFICANCE}, fails when an "
           f"exact test puts it short at p < {engine.SIGNIFICANCE}, and is undecided "
           "otherwise; \"within ±x\" is an equivalence test (two one-sided tests); rows "
           "that ran in a row (the run's description says `in_a_row` for their family or "
           "scenario) get no p-value: such a comparison holds or fails only when every "
           "repetition lies on one side of the threshold; a counted comparison whose "
           f"repetitions spread more than {engine.NOISY:.0%} (CV) on either side, unless "
           "every repetition lies on one side of the threshold, or whose outcome flips "
           "between the placements (`pin`) measured in the same run, is undecided: too noisy "
           "here; a value against a threshold uses the exact sign test; a count must hold "
           "in every repetition.", "",
           "How a verdict is drawn from its counted rows: supported when every decided row "
           "holds, not supported when none does, nuanced between; a verdict needs more than "
           f"{engine.MAJORITY:.0%} of its counted rows decided, else it is undecided and says "
           "what would decide it (more repetitions or a calmer machine for undecided rows, a "
           "run with the rows for those without data); missing data when no counted row has "
           "data. Rows that name a part of the sentence let the verdict line say which parts "
           "hold and which do not. A verdict is fragile when every threshold moved "
           f"{engine.ROBUSTNESS:.0%} easier or harder changes it.", ""]
    for claim, c in claims.CLAIMS.items():
        judged = "the notes' Python" if c.get("judged_on") == "python" else "C"
        out += [f"## {claim}", "", f"> {c['zh']}", ">", f"> *{c['en']}*", "",
                f"Judged on: {judged}.", ""]
        for title, rules in (("C", claims.RULES), ("Python", py_rules.PY_RULES)):
            rows = [rule_line(r) for r in rules if r.claim == claim]
            if rows:
                out += [f"{title}:", "",
                        "| prediction | counts | benchmarks | metric | threshold |",
                        "|---|---|---|---|---|"] + rows + [""]
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=os.path.join(ROOT, "CLAIMS.md"),
                    help="where to write (default: CLAIMS.md at the top of the repository)")
    out = ap.parse_args(argv[1:]).out
    with open(out, "w") as f:
        f.write(document())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
