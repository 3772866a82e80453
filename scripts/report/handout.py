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
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from verdicts import claims  # noqa: E402
from report import handout_claims, handout_figures  # noqa: E402
from verdicts import py_rules  # noqa: E402
from contract import results  # noqa: E402
from verdicts import stats  # noqa: E402
from report import i18n, kit, state  # noqa: E402
from report.claims_table import figure_link, key_numbers, key_samples, key_text, key_undecided, \
    key_values  # noqa: E402
from report.i18n import N_, _  # noqa: E402
from report.verdicts import parts_text, verdict_word  # noqa: E402

# How a page is cut for print and projection: each claim starts a page.
PAGE_BREAK = '<div style="page-break-after: always;"></div>'
# 28 px text (the lecturer's ask: legible from the back row), at most three bullets a
# page; what does not fit goes to the report, never into smaller type. The claim's id
# rides in the notes' sentence (its heading is for the links, not shown).
CSS = """html { font-size: 28px; }
body { margin: 0; padding: 0; font-family: sans-serif; line-height: 1.25; color: #111; }
:lang(zh) body, body:lang(zh) { font-family: "Noto Sans CJK SC", sans-serif; }
.title, section.level2 { box-sizing: border-box; height: 100vh; padding: 0.35rem 1.1rem;
 display: flex; flex-direction: column; overflow: hidden; border-bottom: 1px solid #ccc; }
.title { justify-content: center; }
.title h1 { font-size: 1.4rem; margin: 0 0 0.5rem 0; }
.title ul { margin: 0; padding-left: 1.1rem; }
.title li { margin-bottom: 0.35rem; }
section.level2 > h2 { display: none; }
blockquote { font-size: 1rem; border-left: 6px solid #1f77b4; margin: 0 0 0.15rem 0;
 padding-left: 0.5rem; }
blockquote p { margin: 0; }
p { margin: 0.1rem 0; }
.flag { color: #8a4b00; }
.body { flex: 1 1 0; min-height: 0; display: flex; gap: 0.6rem; align-items: center; }
.body > p { flex: 0 0 550px; min-width: 0; height: 100%; margin: 0; display: flex;
 align-items: center; }
.body img { display: block; max-width: 100%; max-height: 100%; margin: 0 auto; }
.reading { flex: 1 1 0; min-width: 0; line-height: 1.2; max-height: 100%; }
.reading ul { margin: 0; padding-left: 1rem; }
.reading li { margin-bottom: 0.25rem; }
.note { color: #444; }
@media print { .title, section.level2 { height: auto; page-break-after: always;
 border: 0; } }
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


# A page's figure drawn for the projector, where the run has what it needs: the claim's
# key number as two bars, (C2) creation against the parent's memory, or one of
# handout_figures (C4's racy loop and C7's crash beside their key number, C5's
# schedule, C6's grid). Where the run lacks the rows, the page shows the key number
# alone, else the report's own figure (figure_of).
KEY_FIGURE = ("C1", "C3", "C4", "C7", "C8")
PROJECTOR = tuple(claims.CLAIMS)  # every page's figure is drawn for the projector


# A page whose claim is best shown by another of the report's figures than the one
# claims.CLAIMS names for the report, where its projector figure cannot be drawn:
# C5's sentence is about the schedule.
PAGE_FIGURE = {"C5": "figures/pool_schedule.png"}


def projector_figure(claim, run, folder):
    """The path of the claim's projector figure, drawn now, or None."""
    if claim in handout_figures.FIGURES:
        path = handout_figures.FIGURES[claim](run, folder)
        if path:
            return path
    if claim in PAGE_FIGURE:
        path = figure_link(PAGE_FIGURE[claim])
        return path if os.path.isfile(os.path.join(folder, path)) else None
    if claim == "C2":
        return memory_figure(run, folder)
    if claim in KEY_FIGURE:
        return key_figure(claim, run, folder)
    return None


drawn = handout_figures.drawn
two_lines = handout_figures.two_lines


def key_figure(claim, run, folder):
    values = key_values(claim, run)
    nums = key_numbers(claim, run)
    if not values or not nums:
        return None
    (t, t_lo, t_hi), (p, p_lo, p_hi), unit = values
    words = [nums[0].split(" [")[0], nums[1].split(" [")[0]]
    rows = [f"0\t{_('thread')}\t{t:g}\t{t_lo:g}\t{t_hi:g}\t{words[0]}",
            f"1\t{_('process')}\t{p:g}\t{p_lo:g}\t{p_hi:g}\t{words[1]}"]
    first, second = two_lines(_(FIGURE_TITLES[claim]) if claim in FIGURE_TITLES else _(unit))
    # The multiple only ("process = 120 × thread"): what follows it is in the reading.
    ratio = re.split(r"[,，;；]", nums[2])[0]
    if key_undecided(claim, run):
        ratio = _("{ratio} (undecided)").format(ratio=ratio)
    labels = {"L_TITLE1": first, "L_TITLE2": second, "L_RATIO": ratio}
    return drawn(kit.figure(folder, "handout_key.gp", f"handout_key_{claim}.dat",
                            "\n".join(rows) + "\n", claim, labels=labels))


# A key figure's title where the key's unit reads awkwardly over two bars.
FIGURE_TITLES = {"C3": N_("appends the main program sees (of 3)")}


# C2's series: what creation costs as the parent grows, threads against processes.
MEMORY_SERIES = ((claims.THREAD, "private", N_("pthread_create")),
                 (claims.FORK, "private", N_("fork")),
                 (claims.SPAWN, "private", N_("posix_spawn")),
                 (claims.FORK, "thp", N_("fork, THP")))
MEMORY_MIB = (64, 256, 1024)


def memory_figure(run, folder):
    blocks = []
    for (kind, mode), layout, name in MEMORY_SERIES:
        rows = []
        for mib in MEMORY_MIB:
            b = run.bench(claims.create(kind, mode, mib, layout))
            vals = claims.values(b, "time") if b and b.usable else []
            if vals:
                med, lo, hi = stats.median_ci(vals)[:3]
                rows.append(f'{mib} {med:g} {lo:g} {hi:g} "{_(name)}"')
        if rows:
            blocks.append("\n".join(rows))
    if len(blocks) < 2:
        return None
    labels = {"L_XLABEL": _("the parent's memory (MiB)"),
              "L_YLABEL": _("µs to create + reap (log scale)")}
    return drawn(kit.figure(folder, "handout_memory.gp", "handout_memory_C2.dat",
                            "\n\n\n".join(blocks) + "\n", "C2", labels=labels))


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


def tally(outcomes):
    """The counted predictions as a student reads them: how many, how many hold, fail,
    could not be decided, had no data ("8 predictions: 5 hold, 2 fail, 1 undecided")."""
    counted = [o for o in outcomes if o.rule.counted]
    parts = [what.format(n=n) for n, what in (
        (sum(o.holds is True for o in counted), _("{n} hold")),
        (sum(o.holds is False for o in counted), _("{n} fail")),
        (sum(o.holds is None and o.undecided for o in counted), _("{n} undecided")),
        (sum(o.holds is None and not o.undecided for o in counted), _("{n} without data")))
        if n or what == _("{n} hold")]
    words = _("1 prediction: {parts}") if len(counted) == 1 else \
        _("{counted} predictions: {parts}")
    return words.format(counted=len(counted), parts=_(", ").join(parts))


def verdict_of(claim, run, rules, who, note=None):
    """"C: nuanced (8 predictions: 5 hold, 2 fail, 1 undecided)", or None without rules
    or data for them; NOTE qualifies the verdict where a class would read it wrong."""
    verdict, outcomes = claims.judge(claim, run, rules)
    if not any(o.rule.counted for o in outcomes) or verdict == "missing data":
        return None
    # What "fragile" means, where it is said: a word alone puzzled a lecturer.
    fragile = _("; fragile: thresholds {pct} easier or harder change it").format(
        pct=f"{claims.ROBUSTNESS:.0%}") if claims.is_fragile(claim, run, rules) else ""
    if note:
        return _("**{who}: {verdict}, {note}** ({tally}{fragile})").format(
            who=who, verdict=verdict_word(verdict), note=note, tally=tally(outcomes),
            fragile=fragile)
    return _("**{who}: {verdict}** ({tally}{fragile})").format(
        who=who, verdict=verdict_word(verdict), tally=tally(outcomes), fragile=fragile)


# A verdict a class would read wrong, qualified beside it: C8's Python holds on memory
# per connection (concurrency), not on CPU work; C6's only where nobody asks for the
# result; C2's two measure different things.
VERDICT_NOTES = {("C2", "c"): handout_claims.c2_c_verdict,
                 ("C2", "python"): handout_claims.c2_python_verdict,
                 ("C8", "python"): handout_claims.c8_python_verdict,
                 ("C6", "python"): handout_claims.c6_verdict}


def verdicts_line(claim, run):
    """C's verdict and Python's side by side, the one the claim is judged on first."""
    sides = [(claims.RULES, _("The suite's C"), "c"),
             (py_rules.PY_RULES, _("The notes' Python"), "python")]
    if claims.judged_rules(claim) is py_rules.PY_RULES:
        sides.reverse()
    notes = {side: VERDICT_NOTES[(claim, side)](run) for _r, _w, side in sides
             if (claim, side) in VERDICT_NOTES}
    said = [v for v in (verdict_of(claim, run, rules, who, notes.get(side))
                        for rules, who, side in sides) if v]
    return _(" · ").join(said) if said else _("**{verdict}**").format(
        verdict=verdict_word("missing data"))


def flagged_line(claim, run):
    """The run's ⚠ when a scenario the claim's counted predictions read was flagged."""
    scenarios = state.flagged_claims(run).get(claim)
    if not scenarios:
        return None
    moved = state.movements(run)
    # What moved, in words ("during ipc, memcpy in cache went from 28 to 15 GB/s"), not
    # only that something did: a lecturer decides from it whether to trust the page.
    # The scenario in words ("the multicore scaling measurement"), not its name.
    said = [w for sc in scenarios for m in moved.get(sc, [])
            for w in [state.moved_words(run, sc, m, handout_claims.scenario_words(sc))] if w]
    if not said:
        return _("⚠ The machine's state moved while {scenarios} ran: read these numbers "
                 "with care.").format(scenarios=_(", ").join(
                     handout_claims.scenario_words(sc) for sc in scenarios))
    # "测量 前后": the catalogue spaces a scenario's name off; words in Chinese need none.
    said = [re.sub(r"(?<=[\u4e00-\u9fff）]) (?=[\u4e00-\u9fff])", "", w) for w in said]
    return _("⚠ The machine changed: {changes}. Read these numbers with care.").format(
        changes=_("; ").join(said))


# The page at 28 px, in columns (a CJK character counts two): a line across the page
# holds about 88, one of the reading column beside the figure about 42, and a page
# about 18 lines. The reading gets the lines its page's sentence, verdicts and ⚠ leave;
# a bullet lists predictions while they fit, then says how many more the report has.
# An estimate: handout_check.py measures the page in a browser (tests/test_zh.py).
WIDE, NARROW, PAGE_LINES, BULLET_COLUMNS = 88, 42, 18, 126


columns = handout_claims.columns


def lines_of(text, width):
    return -(-columns(text) // width)


def capped(items, budget=BULLET_COLUMNS):
    """(the ITEMS that fit BUDGET columns, at least one; how many were left out)."""
    shown = items[:1]
    for item in items[1:]:
        if columns(_("; ").join(shown + [item])) > budget:
            break
        shown.append(item)
    return shown, len(items) - len(shown)


def listed(words, items, budget=BULLET_COLUMNS):
    """WORDS ("Holds: {predictions}.") with as many ITEMS as fit, and "(N more in the
    report)" for the rest."""
    shown, left = capped(items, budget - columns(words))
    text = _("; ").join(shown)
    if left:
        # Students have the handout only: the rest is for the lecturer.
        text += _(" ({n} more: the full list in {report})").format(
            n=left, report=f"REPORT{i18n.suffix()}.md")
    return words.format(predictions=text)


short = handout_claims.short
said = handout_claims.said


def reading(claim, run, lines=PAGE_LINES - 6):
    """At most three bullets in about LINES lines of the reading column: the claim's own
    note for a class where it has one first (C6), what holds (the parts of the
    sentence, where its predictions name parts), what was not borne out (with what was
    measured and the threshold) and what could not be decided, then the claim's own
    note (C4, C6, C8) or its key numbers. Each lists what fits; the rest is in the
    report, and a last bullet that does not fit is left to it."""
    if claim in OWN:
        own = OWN[claim](run)
        if own:
            return own
    outcomes = claims.judged(claim, run)[1]
    counted = [o for o in outcomes if o.rule.counted]
    # The claim's own notes are always said; the predictions share what they leave.
    before = [b for b in [BEFORE[claim](run)] if b] if claim in BEFORE else []
    after = [b for b in AFTER[claim](run) if b] if claim in AFTER else []
    room = max(lines - sum(lines_of(b, NARROW) for b in before + after), 4) * NARROW
    out = list(before)
    # Where the predictions name parts of the sentence and not all agree, the parts
    # (the report's words: what holds, what does not, what holds in part); else the
    # predictions that hold.
    parts = parts_text(outcomes)
    held = [short(said(o.rule)) for o in counted if o.holds]
    if parts or held:
        out.append(parts or listed(_("Holds: {predictions}."), held,
                                   max(BULLET_COLUMNS * 2 // 3, room * 2 // 5)))
        room -= columns(out[-1]) + NARROW // 2
    # With the threshold it missed: "not borne out (measured 1.31×)" puzzles a class
    # when 1.31× is more, just not the 1.5× the prediction asks.
    failed = [handout_claims.failed_words(o, short(said(o.rule)))
              for o in counted if o.holds is False]
    # Undecided (measured, the data cannot decide) apart from without data (not
    # measured): the one wants a calmer machine, the other a run with the rows.
    open_ = [handout_claims.undecided_words(o, short(said(o.rule)))
             for o in counted if o.holds is None and o.undecided]
    absent = [short(said(o.rule)) for o in counted if o.holds is None and not o.undecided]
    against = []
    for words, items in ((_("Not borne out: {predictions}."), failed),
                         (_("Not decided by this run: {predictions}."), open_),
                         (_("Not measured in this run: {predictions}."), absent)):
        if not items:
            continue
        # Out of room: the count alone, so that no kind of outcome goes unsaid.
        against.append(listed(words, items, room) if room > columns(words) + 30 else
                       words.format(predictions=_("{n} (in the report)").format(
                           n=len(items))))
        room -= columns(against[-1])
    if against:
        out.append(i18n.sentences(against))
    if not counted:
        out.append(_("No prediction of this claim is counted in its verdict yet: the "
                     "suite shows only context for it."))
    out += after
    # The key numbers where the page has room left for them (the figure shows most).
    key = page_key(claim, run)
    if key and len(out) < 3 and sum(lines_of(b, NARROW) for b in out + [key]) <= lines:
        out.append(key)
    return out


# Conditions in the report's terms, said on a page in words a class reads: "the
# minimal parent" is the report's name for a parent that holds almost no memory.
CONDITIONS = {
    "1000 idle workers of the minimal parent": N_(
        "1000 idle workers made by a parent that holds almost no memory"),
    "pthread_create against fork, from the minimal parent": N_(
        "pthread_create against fork, both from a parent that holds almost no memory"),
}


def page_key(claim, run):
    """The key numbers for the page: where its figure shows them (the bars of C1, C3,
    C7, C8), only what the figure leaves out (what is measured, under which
    conditions); else the claims table's words."""
    pair = claims.CLAIMS.get(claim, {}).get("key")
    if pair and claim in KEY_FIGURE and key_values(claim, run):
        words = _(FIGURE_TITLES[claim]) if claim in FIGURE_TITLES else _(pair.unit)
        if pair.conditions:
            words = _("{unit}; {conditions}").format(unit=words, conditions=_(
                CONDITIONS.get(pair.conditions, pair.conditions)))
        return _("In the figure: {what}.").format(what=words)
    key = key_text(claim, run)
    return _("Key numbers: {numbers}.").format(numbers=key) if key and key != "–" else None


def c6_notes_worker(run):
    """C6 first says what the notes' own code does: its worker catches 1/0 itself."""
    return _("The notes' own worker catches its 1/0 with try/except and prints 捕获异常: "
             "that exception never leaves the task. The rest of this page is about an "
             "exception a task does not catch.")


def c4_racy_loop(run):
    """C4: the race in the notes' consumer loop, its fix, and what zero early stops in
    this run does not prove."""
    key = handout_figures.rule_key("C4", claims.RULES, "runs_short")
    short = handout_figures.runs_of(run, key, "runs_short") if key else None
    race = _("The notes' loop has a race: if q.empty(): break can see an empty queue "
             "before the writer has put everything, and what it has not put yet is lost. "
             "The fix: a sentinel (the writer puts None last) or a fixed number of get().")
    if not short:
        return [race]
    k, n = short
    if k:
        seen = _("Here it stopped early in {k} of {n} runs.").format(k=k, n=n)
    else:
        seen = _("Here it stopped early in 0 of {n} runs: no proof it is safe, only that "
                 "this machine did not show the race.").format(n=n)
    return [i18n.sentences([race, seen])]


def c6_remedy(run):
    return [i18n.sentences([w for w in (handout_figures.remedy(run),
                                        handout_claims.c6_process(run)) if w])]


# A claim's own notes for a class, before the predictions (BEFORE), after them in place
# of the key numbers (AFTER), or in place of the predictions' bullets (OWN: C8's
# predictions are about memory; its page says what that has to do with concurrency).
BEFORE = {"C6": c6_notes_worker}
AFTER = {"C4": c4_racy_loop, "C6": c6_remedy}
OWN = {"C7": handout_claims.c7_bullets, "C8": handout_claims.c8_bullets}


MODE_WORDS = {"thread": N_("thread"), "process": N_("process")}
VIRT_WORDS = {"virtual machine": N_("virtual machine"), "container": N_("container")}


VIRT_NAMES = {"kvm": "KVM", "qemu": "QEMU", "xen": "Xen", "vmware": "VMware",
              "microsoft": "Hyper-V", "docker": "Docker", "podman": "Podman", "lxc": "LXC"}


def machine_line(run):
    """The machine as a lecturer says it: what CPU, how many logical CPUs, which Linux,
    and what it runs in ("a Docker container in a KVM virtual machine")."""
    ctx = run.ctx
    found = {}
    for part in (ctx.get("virtualisation") or "").split(";"):
        what, sep, value = part.strip().partition(": ")
        if sep and what in VIRT_WORDS:
            found[what] = VIRT_NAMES.get(value.lower(), value)
    vm, box = found.get("virtual machine"), found.get("container")
    if vm and box:
        where = _("in a {container} container on a {vm} virtual machine").format(
            container=box, vm=vm)
    elif vm:
        where = _("in a {vm} virtual machine").format(vm=vm)
    elif box:
        where = _("in a {container} container").format(container=box)
    else:
        where = _("on the bare machine (no virtualisation detected)")
    kernel = ctx.get("kernel") or _("unknown kernel")
    m = re.match(r"(\S+) (\d+\.\d+)", kernel)
    return _("The machine: {cpu} with {n} logical CPUs, {kernel}, {where}.").format(
        cpu=ctx.get("cpu_model") or _("unknown CPU"),
        n=ctx.get("pus") or ctx.get("nproc") or "?",
        kernel=f"{m.group(1)} {m.group(2)}" if m else kernel, where=where)


def profile_line(run):
    """What the run's profile means for a number on a page."""
    profile = run.ctx.get("profile", "?")
    if profile == "quick":
        return _("Measured with the quick profile: a benchmark is usually repeated {n} "
                 "times, in short windows (some measurements differ: each page says); "
                 "every number is the median of its repetitions.").format(
                     n=run.repetitions)
    return _("Measured with the {profile} profile: a benchmark is usually repeated {n} "
             "times (some measurements differ: each page says); every number is the "
             "median of its repetitions.").format(profile=profile, n=run.repetitions)


def page_note(run, claim):
    """The line at the foot of a claim's page: what its numbers are, with the key's range
    where it has one, and where the rest is (the report's section on the claim)."""
    n = key_repetitions(claim, run) or run.repetitions
    # Named, not linked: the HTML is one self-contained file, copied alone to the
    # lecture room's computer; the report is beside it in the run folder.
    more = _("More in {report}.").format(report=f"REPORT{i18n.suffix()}.md")
    if claim in COUNT_NOTES:
        return i18n.sentences([_(COUNT_NOTES[claim]).format(n=n), more])
    nums = key_numbers(claim, run) if claim else None
    if not n or n < 2:
        return i18n.sentences([_("One repetition: no interval."), more])
    if not nums:
        return i18n.sentences([_("Medians of {n} repetitions.").format(n=n), more])
    key = _("thread {thread}, process {process}").format(thread=nums[0], process=nums[1])
    if claim not in KEY_FIGURE and claim not in handout_figures.FIGURES:
        # The figure does not show the key (C2's is creation against memory): its unit.
        key = _("{key} ({unit})").format(key=key, unit=_(nums[3]))
    if "[" not in nums[0] + nums[1]:
        return i18n.sentences([_("Medians of {n}: {key}.").format(n=n, key=key), more])
    cover = stats.median_ci(range(n))[3]
    return i18n.sentences([_("Medians of {n}: {key}; [ ] smallest–largest, the median's "
                             "{coverage} confidence interval.").format(
                                 n=n, key=key, coverage=f"{cover * 100:g}%"), more])


# The pages whose numbers are counts or one repetition's schedule, not medians.
COUNT_NOTES = {
    "C5": N_("The figure: the median of {n} repetitions of the notes' Pool(3); the counts "
             "are the same in each."),
    "C6": N_("The counts: in how many of {n} runs the caller saw the exception."),
}


def key_repetitions(claim, run):
    """The fewest repetitions of the claim's key pair in this run, or None."""
    samples = key_samples(claim, run) if claim else None
    return min(map(len, samples)) if samples else None


def run_when(run):
    """When the run started, in UTC (the same wherever the folder is copied)."""
    try:
        when = datetime.datetime.fromisoformat(run.ctx.get("date", ""))
    except ValueError:
        return run.ctx.get("date", "?")
    if when.tzinfo:
        when = when.astimezone(datetime.timezone.utc)
    return f"{when:%Y-%m-%d %H:%M} UTC"


def alt_text(claim, fig):
    """What the figure shows, for a reader who cannot see it: its caption's words."""
    base = os.path.splitext(os.path.basename(fig))[0]
    what = FIGURE_WORDS.get("handout_key" if base.startswith("handout_key_") else base)
    return _("{claim}: {what}").format(claim=claim, what=_(what)) if what else claim


FIGURE_WORDS = {
    "handout_key": N_("the key number, a thread against a process, median and interval"),
    "handout_memory_C2": N_("the time to create and reap a worker as the parent's memory "
                            "grows, threads against processes"),
    "handout_pair_C4": N_("the key number, a thread against a process, beside the runs "
                          "where the notes' q.empty() loop stopped early and those where "
                          "the queue lost nothing"),
    "handout_pair_C7": N_("the time to create a worker, a thread against a process, beside "
                          "how often a pool kept working after a task's SIGSEGV"),
    "handout_pair_C8": N_("server memory per open connection, a thread against a forked "
                          "process, beside the connections each held under the same 256 MiB"),
    "handout_schedule_C5": N_("the notes' Pool(3) as it ran: when each worker was made, "
                              "which tasks started at once and which waited for a worker, "
                              "on which worker each ran"),
    "handout_grid_C6": N_("what the caller sees when a task raises: with apply_async alone, "
                          "then get(), with an error_callback, and from a plain Process"),
    "footprint": N_("memory per idle worker, threads against processes"),
    "create_methods": N_("the time to create and reap a worker, by method"),
    "create_memory": N_("the time to create a worker against the parent's memory"),
    "globals": N_("appends to a global list that the parent sees, per worker kind"),
    "ipc_throughput": N_("throughput of each transport by message size, threads against "
                         "processes"),
    "ipc_latency": N_("round-trip latency of each transport, threads against processes"),
    "pool_throughput": N_("a pool against a worker per task, by task length"),
    "pool_schedule": N_("when each of ten tasks ran on the three workers of a pool"),
    "pool_failures": N_("what the caller sees when a task fails, per kind of pool"),
    "scale": N_("work done by N threads and N processes, per workload"),
}


def page(claim, run, folder):
    c = claims.CLAIMS[claim]
    # The heading is hidden (CSS): the claim's id leads the notes' sentence instead.
    lines = [f"## {claim} {{#{claim.lower()}}}", "", f"> **{claim}** {c['zh']}", ""]
    if i18n.current() == "en":
        lines[-1:] = [">", f"> *{c['en']}*", ""]
    lines += [f'<p class="verdicts">{html_inline(verdicts_line(claim, run))}</p>', ""]
    flag = flagged_line(claim, run)
    if flag:
        lines += [f'<p class="flag">{flag}</p>', ""]
    fig = projector_figure(claim, run, folder) or figure_of(claim, run, folder)
    # The figure beside the reading, not above it: a projector's screen is wide.
    lines += ['<div class="body">', ""]
    lines += [f"![{alt_text(claim, fig)}]({fig})" if fig
              else _("*No figure for this claim in this run.*"), ""]
    # What the reading has left of the page: the lines over the figure and the note.
    over = [c["zh"], verdicts_line(claim, run), flag or ""] + \
        ([c["en"]] if i18n.current() == "en" else [])
    left = PAGE_LINES - 1 - sum(lines_of(t, WIDE) for t in over if t)
    lines += ['<div class="reading">', ""]
    for sentence in reading(claim, run, left):
        lines += [f"- {sentence}"]
    lines += ["", "</div>", "", "</div>", "", f'<p class="note">{page_note(run, claim)}</p>',
              ""]
    return lines


def html_inline(md):
    """**bold** as <strong>, for a line kept inside an HTML paragraph."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", md)


def title_page(run):
    """The first page, in a few short lines: the machine, what the profile means, how a
    verdict is reached, the words a page uses."""
    return ['<div class="title">', "",
            _("# Threads and processes: what this machine says"), "",
            _("One page per claim of the lecture notes, each tested on this machine "
              "({when}).").format(when=run_when(run)), "",
            f"- {machine_line(run)}",
            f"- {profile_line(run)}",
            # Where a prediction's bar comes from, beside how a verdict is reached: a
            # threshold from nowhere puzzled a lecturer.
            "- " + i18n.sentences([
                _("The verdict: each claim is split into predictions that can be "
                  "measured. All of them hold: the claim holds; none: it does not; "
                  "some: it holds in part. A prediction the data cannot decide counts "
                  "neither way (a verdict needs more than half decided)."),
                _("A prediction's bar is the suite's reading of the notes' words "
                  "(开销大: at least 1.5×); × is process ÷ thread.")]),
            "- " + _("“The suite's C” is the C test programs written for this suite; “the "
                     "notes' Python” is the notes' own code, run here. A logical CPU is one "
                     "CPU as the operating system sees it."),
            "", "</div>", ""]


def handout_lines(run, folder, which=None):
    which = which or list(claims.CLAIMS)
    lines = title_page(run)
    for claim in which:
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
