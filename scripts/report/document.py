"""document.py - REPORT.md: the sections in the report's order (one list, as scenarios[]
in bench/main.c is one list of the run's order; the two orders differ: the report puts
copy-on-write beside creation, the pools before scaling), and the files beside it
(data/, figures/, TARGETS.md, and the appendices SKIPPED.md, NOISE.md, MACHINE.md)."""
import datetime
import os
import sys

from contract import results
from verdicts import stats
from report import (claims_table, cow, create, footprint, globals as nums, http, ipc,
                    machine, kit, pool, python, scale, state, targets)
from report import why
from report import i18n
from report.i18n import N_, _, current

# Each section is a function (run, folder) -> lines of markdown; a section without data
# says so or returns nothing.
SECTIONS = [
    claims_table.section,      # the claims at a glance
    create.section,            # C2: creation cost (bench/create.c)
    cow.section,               # C2: copy-on-write (bench/cow.c)
    footprint.section,         # C1 (bench/footprint.c)
    nums.section,              # C3 (bench/globals.c)
    ipc.section,               # C4, C7 (bench/ipc.c, bench/bw_lmbench.c)
    pool.section,              # C5, C6, C7 (bench/pool.c)
    http.section,              # C8: where concurrency lives (bench/http.c)
    scale.section,             # C8's context: parallelism (bench/scale.c)
    why.section,               # the kernel's time by function (make why: scripts/why.py)
    python.section,            # the notes' Python (bench/py_bench.py)
]

# The appendices: each a file of its own beside the report (NAME.md beside REPORT.md,
# NAME.zh.md beside REPORT.zh.md), linked from the report's end, as TARGETS.md is: a
# lecturer opens the report for the claims; these are for whoever checks how the run went.
# (file, its sections, what the report's link says of it)
APPENDICES = [
    ("SKIPPED", [machine.skipped_section],
     N_("the benchmarks that could not run on this machine, each with its reason.")),
    ("NOISE", [machine.noisy_section], None),  # its own first sentence says it
    (state.MACHINE, [state.section, machine.section],
     N_("the sentinel's probes during the run, the limits and the budget; the CPU, kernel "
        "and versions, and how long each scenario took.")),
]


def scenarios_of(section):
    """The scenarios a section reports: its module's SCENARIOS, or the module's name."""
    module = sys.modules[section.__module__]
    return getattr(module, "SCENARIOS", (module.__name__.rsplit(".", 1)[-1],))


def header(run):
    n = run.repetitions
    host = run.ctx.get("host_name", _("unknown host"))
    return [_("# tvp report: threads versus processes on {host}").format(host=host), "",
            _("Profile **{profile}**, placement **{placement}**, {n} repetitions per "
              "benchmark. Medians with a distribution-free interval of order statistics: "
              "{interval}. Generated {date} UTC from `benchmarks.json`.").format(
                profile=run.ctx.get("profile"), placement=run.ctx.get("placement"), n=n,
                interval=interval_words(n),
                date=f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}"),
            ""] + placement_lines(run)


def interval_words(n):
    """kit.interval_words in the current language."""
    if current() == "en":
        return kit.interval_words(n)
    if n < 2:
        return _("one repetition, no interval")
    lo, hi = stats.median_ci(range(n))[1:3]
    ends = "[min, max]" if (lo, hi) == (0, n - 1) else f"[x({lo + 1}), x({hi + 1})]"
    return _("with {n} repetitions it is {ends} and covers the median with probability "
             "{coverage}").format(n=n, ends=ends, coverage=f"{kit.coverage(n):.2%}")


def placement_lines(run):
    """A run pinned as a whole puts every worker on the benchmarking thread's CPUs: the
    rows named pin:none were not free to move, and a reader must know it."""
    placement = run.ctx.get("placement", "none")
    if placement == "none":
        return []
    return [f"**Placement {placement}**: the benchmarking thread ran on CPU "
            f"{run.ctx.get('placement_cpus', '?')}, and every worker it started inherited that "
            "CPU unless the benchmark placed its pair itself (`pin:` other than `none` in its "
            "name). Rows marked unpinned (`pin:none`) here ran on that CPU too: threads and "
            "processes took turns on it.", ""]


def build(run, folder):
    """The report's lines for a loaded run; writes its data files and figures."""
    for sub in ("data", "figures"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    kit.DERIVED.clear()
    # The attribution pass's shares, for the sentences that name a mechanism.
    run.why = why.load(folder)
    lines = header(run) + state.top_lines(run, folder)
    for section in SECTIONS:
        part = section(run, folder)
        warning = state.flag_line(run, scenarios_of(section))
        if part and warning:  # right under the section's heading
            part = part[:2] + [warning, ""] + part[2:]
        lines += part
        if section is ipc.section and targets.write_targets(run, folder):
            lines += [_("The speed targets the implementation was asked to reach are "
                        "checked apart, in [TARGETS.md](TARGETS.md)."), ""]
    lines += appendices(run, folder)
    kit.write_derived(folder)
    return lines


def appendices(run, folder):
    """Writes each appendix that has something to say into its file, removes the file of
    one that has not (a report written again must not link a stale one), and returns the
    report's last section: a line linking each."""
    host = run.ctx.get("host_name", _("unknown host"))
    report = f"REPORT{i18n.suffix()}.md"
    links = []
    for name, sections, says in APPENDICES:
        path = os.path.join(folder, f"{name}{i18n.suffix()}.md")
        parts = [line for section in sections for line in section(run, folder)]
        if not parts:
            if os.path.exists(path):
                os.remove(path)
            continue
        with open(path, "w") as f:
            f.write("\n".join([
                _("# Appendix to the tvp report on {host}").format(host=host), "",
                _("Beside [the report]({report}) of this run, which holds the claims and their "
                  "sections.").format(report=report), ""] + parts))
        heads = [line[3:] for line in parts if line.startswith("## ")]
        file = os.path.basename(path)
        link = _(", ").join(f"[{h}]({file}{'#' + i18n.slug(h) if i else ''})"
                            for i, h in enumerate(heads))
        # Without words of its own, the appendix's first paragraph says what it holds.
        text = _(says) if says else next((line for line in parts[1:] if line), "")
        links.append("- " + _("{links}: {text}").format(links=link, text=text))
    if not links:
        return []
    return ["## " + _("Appendices"), ""] + links + [""]


def write_report(folder, languages=None):
    """Reads FOLDER/benchmarks.json and writes FOLDER/REPORT.md, then REPORT.LANG.md in
    each other language asked (languages, or TVP_LANG in the environment: make report
    LANG=zh), and after each report its handout (scripts/handout.py). Raises
    results.ResultsError if the folder is not a tvp run of this schema, and
    i18n.LanguageError for a language without a catalogue."""
    run = results.load(folder)
    for lang in languages or i18n.report_languages():
        with i18n.language(lang):
            lines = build(run, folder)
            with open(os.path.join(folder, f"REPORT{i18n.suffix()}.md"), "w") as f:
                f.write("\n".join(lines))
            from report import handout  # scripts/handout.py, beside results.py
            handout.write_handout(folder, run)
