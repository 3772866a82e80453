#!/usr/bin/python3
"""handout.py FOLDER [--lang zh] [--claims C3[,C5...]] - the classroom handout of a run.

Writes FOLDER/HANDOUT.md (HANDOUT.zh.md in Chinese): one page per claim of the notes,
each with the notes' sentence, the verdict, one figure, two or three sentences of
reading built from the run's numbers (the key numbers, the counted predictions that
failed or could not be decided) and the machine in one line; then HANDOUT.html
(HANDOUT.zh.html), the same as one self-contained page for a browser offline, every
image inside it (pandoc, installed by make deps).

A page's figure is drawn for the projector where the run has its rows, else the one
claims.CLAIMS names, else the figure of the scenario its rules read, else one drawn from
the claim's own rules when they share a metric (handout_page_figure.py). The report draws
the report's figures: write_report.py writes the handout after the report, and so does
`make claim`; run alone, this script uses the figures already in FOLDER.

This file builds the pages (the verdicts, the ⚠ line, the reading beside the figure);
its parts, by job: handout_frame.py (the title page and each page's footer),
handout_html.py (the HTML), handout_page_figure.py (the figure a page shows),
handout_claims.py (what one claim's page says beyond its predictions)."""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from verdicts import claims  # noqa: E402
from report import handout_claims, handout_figures  # noqa: E402
from verdicts import py_rules  # noqa: E402
from contract import results  # noqa: E402
from report import i18n, state  # noqa: E402
from report.claims_table import key_text, key_values  # noqa: E402
# The handout's parts, by job (each file under 500 lines): the title page and footers,
# the HTML, the figure a page shows. PROJECTOR and memory_figure are named here for the
# tests that read them from this module.
from report.handout_frame import CONDITIONS, page_note, title_page  # noqa: E402
from report.handout_html import PAGE_BREAK, html  # noqa: E402
from report.handout_page_figure import FIGURE_TITLES, KEY_FIGURE, PROJECTOR, alt_text, \
    figure_of, memory_figure, projector_figure  # noqa: E402,F401
from report.i18n import _  # noqa: E402
from report.verdicts import verdict_word  # noqa: E402


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
    if callable(note):  # the verdict said whole, with its condition (C6)
        note = note(verdict)
        if note:
            return _("**{who}: {verdict}** ({tally}{fragile})").format(
                who=who, verdict=note, tally=tally(outcomes), fragile=fragile)
    elif note:
        return _("**{who}: {verdict}, {note}** ({tally}{fragile})").format(
            who=who, verdict=verdict_word(verdict), note=note, tally=tally(outcomes),
            fragile=fragile)
    return _("**{who}: {verdict}** ({tally}{fragile})").format(
        who=who, verdict=verdict_word(verdict), tally=tally(outcomes), fragile=fragile)


# A verdict a class would read wrong, qualified beside it: C8's Python holds on memory
# per connection (concurrency), not on CPU work; C6's only where nobody asks for the
# result; C2's two measure different things; C4's notes' code has a race.
VERDICT_NOTES = {("C1", "c"): handout_claims.c1_verdict,
                 ("C1", "python"): handout_claims.c1_verdict,
                 ("C2", "c"): handout_claims.c2_c_verdict,
                 ("C4", "python"): handout_claims.c4_python_verdict,
                 ("C2", "python"): handout_claims.c2_python_verdict,
                 ("C8", "c"): handout_claims.c8_c_verdict,
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


def flagged_line(claim, run, brief=False):
    """The run's ⚠ when a scenario the claim's counted predictions read was flagged;
    BRIEF names the scenarios only (a page whose sentence and verdicts already fill its
    top, where the figure would otherwise shrink below the projector's 20 px)."""
    # Only where the page shows timings (its counted ones, or C8's GIL context): a count
    # (C5's workers, C6's exceptions shown) or memory is not moved by a busy machine.
    scenarios = handout_claims.flagged_scenarios(claim, run)
    if not scenarios:
        return None
    if brief:
        return _("⚠ The machine changed during this page's measurements: see the report.")
    moved = state.movements(run)
    # What moved, in words ("during ipc, memcpy in cache went from 28 to 15 GB/s"), not
    # only that something did: a lecturer decides from it whether to trust the page.
    # The scenario in words ("the multicore scaling measurement"), not its name.
    kinds = [(m["kind"], w) for sc in scenarios for m in moved.get(sc, [])
             for w in [lost_words(m, sc) if m["kind"] == "lost" else
                       state.moved_words(run, sc, m, handout_claims.scenario_words(sc))] if w]
    said = [w for _k, w in kinds]
    only_lost = all(k == "lost" for k, _w in kinds)
    if not said:
        return _("⚠ The machine's state moved while {scenarios} ran: read these numbers "
                 "with care.").format(scenarios=_(", ").join(
                     handout_claims.scenario_words(sc) for sc in scenarios))
    # "测量 前后": the catalogue spaces a scenario's name off; words in Chinese need none.
    said = [re.sub(r"(?<=[\u4e00-\u9fff）]) (?=[\u4e00-\u9fff])", "", w) for w in said]
    # One change said in full, the others counted: a run that moved four times would
    # push the page's reading off the screen (the report's machine section lists all).
    changes = said[0] if len(said) == 1 else _(
        "{first}; and {n} more changes (in the report)").format(first=said[0], n=len(said) - 1)
    # How it bears on the page, in one clause: only pages of timings get a ⚠. With a CPU
    # taken by others a timing can only have grown: said so.
    if only_lost:
        return _("⚠ {changes}: timings may be high.").format(
            changes=changes[:1].upper() + changes[1:])
    return _("⚠ The machine changed: {changes}. Timings may be affected.").format(
        changes=changes)


def lost_words(m, scenario):
    """A share of the CPUs taken by other programs, in a student's words ("other programs
    used 1 of 2 logical CPUs in the Python measurements"; one line on a page), not the
    probe's ("only 1.01 of 2 logical CPUs worked in parallel")."""
    busy = max(1, round(m["pus"] - m["low"]))
    return _("other programs used {busy} of {pus} logical CPUs in {scenario}").format(
        scenario=handout_claims.scenario_words(scenario), busy=busy, pus=f"{m['pus']:g}")


# The page at 28 px, in columns (a CJK character counts two): a line across the page
# holds about 88, one of the reading column beside the figure about 42, and a page
# about 18 lines. The reading gets the lines its page's sentence, verdicts and ⚠ leave;
# a bullet lists predictions while they fit, then says how many more the report has.
# An estimate: handout_check.py measures the page in a browser (tests/test_zh.py).
WIDE, NARROW, PAGE_LINES, BULLET_COLUMNS = 88, 42, 18, 126
# The lines over the figure beyond which it shrinks below 20 px of text (C2's and C5's
# long sentences, two verdicts and a two-line ⚠ in English): the ⚠ then says less.
TOP_LINES = 7


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
    # The rest is in the report, which the foot names: "(2 more, for the lecturer)" was
    # noise on a projector.
    shown, _left = capped(items, budget - columns(words))
    return words.format(predictions=_("; ").join(shown))


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
    parts = handout_claims.parts_words(outcomes)
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
    for words, items in ((_("{predictions}."), failed),
                         (_("Not decided by this run: {predictions}."), open_),
                         (_("Not measured in this run: {predictions}."), absent)):
        if not items:
            continue
        # Out of room: the count alone, so that no kind of outcome goes unsaid (failures
        # carry no label of their own: each says "“…” fails", so the count gets one).
        counted_words = _("Not borne out: {predictions}.") if items is failed else words
        against.append(listed(words, items, room) if room > columns(words) + 30 else
                       counted_words.format(predictions=_("{n} (in the report)").format(
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
    return _("The notes' own worker catches its 1/0 (try/except, prints 捕获异常); "
             "this page is about an exception a task does not catch.")


def c4_queue_cost(run):
    """C4: what the key's multiple is made of, beside C7's Pipe round trip, which is
    cheaper for processes: a reader took the two for a contradiction. The multiple is the
    figure's (of the numbers on its bars), and the page says what the thread side is and
    what an item is (a 64 KiB dict, where the notes put small integers)."""
    ratio = handout_figures.shown_ratio("C4", run)
    if not ratio:
        return None
    return _("The {ratio}× (left, log scale): threads pass each item through a queue.Queue, "
             "processes through a multiprocessing.Queue, which pickles it and hands it to a "
             "feeder thread; an item here is a ~64 KiB dict of strings (the notes put small "
             "integers).").format(ratio=ratio)


def c4_racy_loop(run):
    """C4: the race in the notes' consumer loop, its fix, and what zero early stops in
    this run does not prove."""
    key = handout_figures.rule_key("C4", claims.RULES, "runs_short")
    short = handout_figures.runs_of(run, key, "runs_short") if key else None
    race = _("The notes' loop has a race: q.empty() can be true before the writer is done, "
             "and the rest goes unread (the queue loses nothing). The fix: a sentinel "
             "(None put last) or a fixed number of get().")
    if not short:
        return [race]
    k, n = short
    if k:
        seen = _("Here it stopped early in {k} of {n} runs.").format(k=k, n=n)
    else:
        # The race needs the writer and the reader to run at once: on a machine that ran
        # about one CPU's worth at a time it rarely shows.
        lost = [m for m in state.movements(run).get(key.scenario, []) if m["kind"] == "lost"]
        cpus = _(" (about {low} of {pus} logical CPUs at once)").format(
            low=f"{lost[0]['low']:.2f}", pus=f"{lost[0]['pus']:g}") if lost else ""
        seen = _("0 of {n} runs stopped early{cpus}: the race rarely shows here, which is "
                 "no proof it cannot happen.").format(
                     n=n, cpus=cpus)
    return [i18n.sentences([race, seen])]


def c1_unit_of_allocation(run):
    """C1's second half, 进程是操作系统分配资源的基本单位: no prediction of its own; the
    page says what on it bears on it (a first reader asked)."""
    if not key_values("C1", run):
        return None
    return _("The second half, 进程是操作系统分配资源的基本单位, is not measured on its own: "
             "the process bar is memory the kernel gives each process for itself; a thread "
             "uses its process's (C3's page shows the sharing).")


def c5_workers_idle(run):
    """C5: the notes' 有进程结束, said gently where the run shows the workers reused: no
    worker ends, it goes idle and takes the waiting request."""
    held = claims.parts(claims.judged("C5", run)[1])[0]
    if claims.REUSED not in held:
        return None
    return _("The notes say 直到进程池中有进程结束; in fact no worker ends: it goes "
             "idle.")


def c6_remedy(run):
    return [i18n.sentences([w for w in (handout_figures.remedy(run),
                                        handout_claims.c6_process(run)) if w])]


# A claim's own notes for a class, before the predictions (BEFORE), after them in place
# of the key numbers (AFTER), or in place of the predictions' bullets (OWN: C8's
# predictions are about memory; its page says what that has to do with concurrency).
BEFORE = {"C6": c6_notes_worker}
AFTER = {"C1": lambda run: [c1_unit_of_allocation(run)],
         "C4": lambda run: [c4_queue_cost(run)] + c4_racy_loop(run),
         "C5": lambda run: [c5_workers_idle(run)], "C6": c6_remedy}
OWN = {"C7": handout_claims.c7_bullets, "C8": handout_claims.c8_bullets}


def page(claim, run, folder):
    c = claims.CLAIMS[claim]
    # The heading is hidden (CSS): the claim's id leads the notes' sentence instead.
    lines = [f"## {claim} {{#{claim.lower()}}}", "", f"> **{claim}** {c['zh']}", ""]
    if i18n.current() == "en":
        lines[-1:] = [">", f"> *{c['en']}*", ""]
    lines += [f'<p class="verdicts">{html_inline(verdicts_line(claim, run))}</p>', ""]
    flag = flagged_line(claim, run)
    top = [c["zh"], verdicts_line(claim, run)] + ([c["en"]] if i18n.current() == "en" else [])
    if flag and sum(lines_of(t, WIDE) for t in top + [flag]) > TOP_LINES:
        flag = flagged_line(claim, run, brief=True)
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
    # The foot note takes two lines where it gives the key's ranges (C2, C7).
    left = PAGE_LINES - lines_of(page_note(run, claim), WIDE) - \
        sum(lines_of(t, WIDE) for t in over if t)
    lines += ['<div class="reading">', ""]
    for sentence in reading(claim, run, left):
        lines += [f"- {sentence}"]
    lines += ["", "</div>", "", "</div>", "", f'<p class="note">{page_note(run, claim)}</p>',
              ""]
    return lines


def html_inline(md):
    """**bold** as <strong>, for a line kept inside an HTML paragraph."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", md)


def handout_lines(run, folder, which=None):
    which = which or list(claims.CLAIMS)
    lines = title_page(run)
    for claim in which:
        lines += [PAGE_BREAK, ""]
        lines += page(claim, run, folder)
    return lines


# --- files -----------------------------------------------------------------------------

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
