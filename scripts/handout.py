#!/usr/bin/python3
"""handout.py FOLDER [--lang zh] [--claims C3[,C5...]] - the classroom handout of a run.

Writes FOLDER/HANDOUT.md (HANDOUT.zh.md in Chinese): one page per claim of the notes,
each with the notes' sentence, the verdict, one figure, two or three sentences of
reading built from the run's numbers (the key numbers, the counted predictions that
failed or could not be decided) and the machine in one line; then HANDOUT.html
(HANDOUT.zh.html), the same as one self-contained page for a browser offline, every
image inside it (pandoc, installed by make deps).

A claim's figure is the one claims.CLAIMS names, else the figure of the scenario its
rules read (figures/globals.png for C3), else one drawn here from the claim's own rules
when they share a metric (C6: what the caller sees, case by case). The report draws
the first two: write_report.py writes the handout after the report, and so does
`make claim`; run alone, this script uses the figures already in FOLDER."""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import claims  # noqa: E402
import results  # noqa: E402
import stats  # noqa: E402
from report import i18n, kit  # noqa: E402
from report.claims_table import figure_link, key_text  # noqa: E402
from report.i18n import N_, _  # noqa: E402
from report.verdicts import (parts_text, prediction, verdict_with_gaps,  # noqa: E402
                             verdict_word)

# How a page is cut for print and projection: each claim starts a page.
PAGE_BREAK = '<div style="page-break-after: always;"></div>'
CSS = """body { max-width: 60em; margin: 0 auto; padding: 1em 2em; font-family: "Noto Sans CJK SC",
 "Noto Sans", sans-serif; font-size: 1.25em; line-height: 1.5; }
section.level2 { min-height: 95vh; border-bottom: 1px solid #ccc; padding-bottom: 1em; }
h2 { margin: 0.3em 0; }
img { max-width: 100%; max-height: 58vh; display: block; margin: 0 auto; }
blockquote { font-size: 1.3em; border-left: 4px solid #1f77b4; margin: 0; padding-left: 1em; }
.machine { color: #555; font-size: 0.9em; }
@media print { section.level2 { page-break-after: always; min-height: 0; border: 0; } }
"""


# --- the page of one claim -------------------------------------------------------------

def claim_rules(claim):
    """The rules of the claim that its verdict comes from (claims.judged_rules)."""
    return claims.rules_of(claim, claims.judged_rules(claim))


def figure_of(claim, run, folder):
    """The path (relative to FOLDER) of the claim's figure in the current language, or
    None. See the module's docstring for the order."""
    named = claims.CLAIMS[claim].get("figure")
    candidates = [figure_link(named)] if named else []
    scenarios = Counter(k.scenario for r in claim_rules(claim) for k in (r.a, r.b) if k)
    for scenario, _n in scenarios.most_common():
        candidates.append(figure_link(f"figures/{scenario}.png"))
    for path in candidates:
        if os.path.isfile(os.path.join(folder, path)):
            return path
    return rules_figure(claim, run, folder)


def rules_figure(claim, run, folder):
    """A figure drawn from the claim's rules when they all read one metric: a bar per
    rule, the median of its first benchmark, named by the field its keys differ in."""
    rules = claim_rules(claim)
    if not rules or len({(r.metric, r.unit) for r in rules}) != 1:
        return None
    keys = [r.a for r in rules]
    fields = [f for f in keys[0].fields() if len({str(k.fields().get(f)) for k in keys}) > 1]
    rows = []
    for i, r in enumerate(rules):
        bench = run.bench(r.a.resolve(run.pus) if run.pus else r.a)
        vals = claims.values(bench, r.metric) if bench and bench.usable else []
        if not vals:
            continue
        name = ", ".join(_(MODE_WORDS[v]) if f == "mode" and v in MODE_WORDS else str(v)
                         for f, v in ((f, r.a.fields()[f]) for f in fields)) or str(r.a)
        med = stats.median_ci(vals)[0]
        rows.append(f"{i}\t{name}\t{med:g}\t{int(r.counted)}")
    if not rows:
        return None
    unit = rules[0].unit
    labels = {"L_TITLE": _("{claim}: the median of each prediction's measurement").format(
                  claim=claim),
              "L_YLABEL": f"{rules[0].metric} {_(unit)}".strip(),
              "L_COUNTED": _("counted in the verdict"), "L_CONTEXT": _("context")}
    lines = kit.figure(folder, "handout_rules.gp", f"handout_{claim}.dat",
                       "\n".join(rows) + "\n", claim, labels=labels)
    if lines[0].startswith("*Figure skipped"):
        print(f"tvp: handout: {lines[0].strip('*')}", file=sys.stderr)
        return None
    return lines[0][lines[0].index("](") + 2:-1]


def reading(claim, run):
    """Two or three sentences from the run's numbers: the key numbers, how many counted
    predictions hold, which fail and which could not be decided."""
    outcomes = claims.judged(claim, run)[1]
    counted = [o for o in outcomes if o.rule.counted]
    out = []
    key = key_text(claim, run)
    if key and key != "–":
        out.append(_("Key numbers: {numbers}.").format(numbers=key))
    decided = [o for o in counted if o.holds is not None]
    if decided:
        out.append(_("Counted predictions that hold on this machine: {held} of "
                     "{counted}.").format(counted=len(counted),
                                          held=sum(bool(o.holds) for o in decided)))
    failed = [prediction(o.rule) for o in decided if not o.holds]
    if failed:
        out.append(_("Not borne out: {predictions}.").format(
            predictions=_("; ").join(failed)))
    # Undecided (measured, the data cannot decide) apart from without data (not
    # measured): the one wants a calmer machine, the other a run with the rows.
    open_ = [prediction(o.rule) for o in counted if o.holds is None and o.undecided]
    if open_:
        out.append(_("Not decided by this run: {predictions}.").format(
            predictions=_("; ").join(open_)))
    absent = [prediction(o.rule) for o in counted if o.holds is None and not o.undecided]
    if absent:
        out.append(_("Not measured in this run: {predictions}.").format(
            predictions=_("; ").join(absent)))
    if not counted:
        out.append(_("No prediction of this claim is counted in its verdict yet: the "
                     "suite shows only context for it."))
    return i18n.sentences(out)


MODE_WORDS = {"thread": N_("thread"), "process": N_("process")}
VIRT_WORDS = {"virtual machine": N_("virtual machine"), "container": N_("container")}


def machine_line(run):
    """The machine in one line: CPU, PUs, kernel, virtualisation."""
    ctx = run.ctx
    parts = [ctx.get("cpu_model") or _("unknown CPU"),
             _("{n} PUs").format(n=ctx.get("pus") or ctx.get("nproc") or "?"),
             ctx.get("kernel") or _("unknown kernel")]
    virt = []
    for part in (ctx.get("virtualisation") or "").split(";"):
        what, sep, value = part.strip().partition(": ")
        if sep and what in VIRT_WORDS:
            virt.append(f"{_(VIRT_WORDS[what])} {value}")
    parts.append(_(", ").join(virt) if virt else _("no virtualisation detected"))
    return _("Machine: {parts}; {profile} profile, {n} repetitions.").format(
        parts=_(", ").join(parts), profile=ctx.get("profile", "?"), n=run.repetitions)


def run_name(run):
    """The run as its context names it: host and start time in UTC, the same wherever
    the folder is copied."""
    host = f"`{run.ctx.get('host_name', '?')}`"
    try:
        when = datetime.datetime.fromisoformat(run.ctx.get("date", ""))
    except ValueError:
        return host
    if when.tzinfo:
        when = when.astimezone(datetime.timezone.utc)
    return f"{host} {when:%Y-%m-%d %H:%M} UTC"


def page(claim, run, folder):
    c = claims.CLAIMS[claim]
    verdict, outcomes = claims.judged(claim, run)
    fragile = claims.is_fragile(claim, run, claims.judged_rules(claim)) if outcomes else False
    lines = [f"## {claim}", "", f"> {c['zh']}", ""]
    if i18n.current() == "en":
        lines[-1:] = [">", f"> *{c['en']}*", ""]
    word = verdict_with_gaps(verdict, outcomes) if outcomes else verdict_word("missing data")
    lines += [_("**Verdict: {verdict}**").format(verdict=word) +
              (_(" (fragile: moving the thresholds {pct} changes it)").format(
                  pct=f"{claims.ROBUSTNESS:.0%}") if fragile else ""), ""]
    said = parts_text(outcomes)
    if said:
        lines += [said, ""]
    fig = figure_of(claim, run, folder)
    lines += [f"![{claim}]({fig})" if fig else _("*No figure for this claim in this run.*"),
              "", reading(claim, run), "",
              f'<p class="machine">{machine_line(run)}</p>', ""]
    return lines


def handout_lines(run, folder, which=None):
    which = which or list(claims.CLAIMS)
    lines = [_("# Threads and processes: what this machine says"), "",
             _("One page per claim of the lecture notes: the notes' sentence, the verdict "
               "this run gives it, a figure and what the numbers say. Run {run}.").format(
                 run=run_name(run)), ""]
    for n, claim in enumerate(which):
        if n:
            lines += [PAGE_BREAK, ""]
        lines += page(claim, run, folder)
    return lines


# --- files -----------------------------------------------------------------------------

def html(folder, md_name):
    """MD_NAME as one self-contained HTML file beside it, or why not."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return "pandoc is not installed (make deps)"
    out = md_name[:-3] + ".html"
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    major = int(version.split()[1].split(".")[0]) if version.split()[1:] else 2
    embed = ["--embed-resources", "--standalone"] if major >= 3 else ["--self-contained"]
    title = _("Threads and processes: the handout")
    with tempfile.NamedTemporaryFile("w", suffix=".css", prefix="tvp-handout-") as css:
        css.write(CSS)  # embedded in the page by pandoc; the run folder gets no file
        css.flush()
        r = subprocess.run([pandoc, "-f", "markdown-implicit_figures", "-t", "html5", *embed,
                            "--section-divs", "--css", css.name,
                            "--metadata", f"pagetitle={title}",
                            "--metadata", f"lang={'zh-CN' if i18n.current() == 'zh' else 'en'}",
                            "-o", out, md_name], cwd=folder, capture_output=True, text=True)
    if r.returncode != 0:
        return f"pandoc failed: {r.stderr.strip()[-300:]}"
    return None


def write_handout(folder, run, which=None):
    """FOLDER/HANDOUT.md (HANDOUT.LANG.md) in the current language and its HTML."""
    name = f"HANDOUT{i18n.suffix()}.md"
    with open(os.path.join(folder, name), "w") as f:
        f.write("\n".join(handout_lines(run, folder, which)) + "\n")
    err = html(folder, name)
    if err:
        print(f"tvp: {name[:-3]}.html not written: {err}", file=sys.stderr)
    return os.path.join(folder, name)


def parse_claims(text):
    """"C3,C5" -> ["C3", "C5"]; ValueError naming the claims there are."""
    which = [c.strip().upper() for c in text.replace(" ", ",").split(",") if c.strip()]
    bad = [c for c in which if c not in claims.CLAIMS]
    if bad or not which:
        raise ValueError(f"unknown claim {', '.join(bad) or repr(text)}: the claims are "
                         f"{', '.join(claims.CLAIMS)}")
    return which


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--lang", default="en", help="en (default) or zh")
    ap.add_argument("--claims", default="", help="C1,...: only these claims' pages")
    args = ap.parse_args(argv)
    try:
        which = parse_claims(args.claims) if args.claims else None
        run = results.load(args.folder)
        with i18n.language(args.lang):
            print(write_handout(args.folder, run, which))
    except (ValueError, results.ResultsError) as e:  # LanguageError is a ValueError
        print(f"tvp: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
