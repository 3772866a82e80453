"""claims_doc.py - writes CLAIMS.md: each claim of the notes, the predictions its words
make and the measurement that answers each, from the rules themselves (claims.RULES and
py_rules.PY_RULES), so the document cannot drift from what the report tests.

    claims_doc.py [OUT]      (default: CLAIMS.md at the top of the repository)"""
import os
import sys

import claims
import py_rules
from report.verdicts import threshold_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rule_line(r):
    measured = f"`{r.a}`" + (f" against `{r.b}`" if r.b is not None else "")
    metric = "time per iteration" if r.metric == "time" else f"counter `{r.metric}`"
    per_pu = " (per PU: times the machine's PUs)" if r.per_pu else ""
    return f"| {r.prediction} | {'counted' if r.counted else 'context'} | {measured} | " \
        f"{metric} | {threshold_text(r)}{per_pu} |"


def document():
    out = ["# The claims and how tvp tests them", "",
           "Written by `scripts/claims_doc.py` from the rules in `scripts/claims.py` (C) and "
           "`scripts/py_rules.py` (the notes' Python); `make claims-doc` writes it again and "
           "a test fails when it is out of date. Each claim quotes the notes "
           "(`shared/seed/`); each row is one prediction its words make, with the benchmarks "
           "that answer it (names as `tvp-bench --describe` lists them; `PUS` is the "
           "machine's PU count). *Counted* rows make the verdict; *context* rows test "
           "something the notes do not say and are shown under the claim.", "",
           "How a row is decided: a ratio holds when it is past its threshold and an exact "
           "one-sided rank test puts it there at p < 0.05, fails when an exact test puts it "
           "short at p < 0.05, and is undecided otherwise; \"within ±x\" is an equivalence "
           "test (two one-sided tests); a value against a threshold uses the exact sign "
           "test; a count must hold in every repetition. A verdict is fragile when every "
           "threshold moved 25% easier or harder changes it.", ""]
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
    out = argv[1] if len(argv) > 1 else os.path.join(ROOT, "CLAIMS.md")
    with open(out, "w") as f:
        f.write(document())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
