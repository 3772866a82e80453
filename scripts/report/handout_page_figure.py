"""handout_page_figure.py - which figure a handout page shows, and the ones drawn here
for it (scripts/report/handout.py): the claim's key number as two bars, C2's creation
against the parent's memory, a bar per rule where a claim's rules share a metric; else
one of handout_figures (C4 to C8), else the report's own figure. With each figure's
words for a reader who cannot see it (alt text)."""
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from verdicts import claims  # noqa: E402
from verdicts import stats  # noqa: E402
from report import handout_figures, kit  # noqa: E402
from report.claims_table import figure_link, key_numbers, key_undecided, \
    key_values  # noqa: E402
from report.i18n import N_, _  # noqa: E402

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
# Fork with huge pages is left to the report: a dashed line its label could not explain
# in a word puzzled a lecturer.
MEMORY_SERIES = ((claims.THREAD, "private", N_("pthread_create")),
                 (claims.FORK, "private", N_("fork")),
                 (claims.SPAWN, "private", N_("posix_spawn")))
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


MODE_WORDS = {"thread": N_("thread"), "process": N_("process")}

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
