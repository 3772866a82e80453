"""handout_figures.py - the handout's figures for C4 to C7, drawn for a projector.

Each is drawn by gnuplot at 600x400 with 22-point text (as plots/handout_key.gp), so that
shown beside a page's words at 1280x720 no letter is under 20 px, in blue and vermilion
(Okabe-Ito, told apart by every kind of colour vision), with at most four series:
- C4: the key number (multiprocessing.Queue against queue.Queue) beside the notes'
  racy loop (runs where `if q.empty(): break` stopped early, runs where the queue still
  held what the loop missed);
- C5: the notes' Pool(3) as it ran: workers made before the first request, the three
  tasks that started at once, the seven that waited for a worker, each worker reused;
- C6: what the caller of the notes' Pool sees when a task raises: nothing unless it
  fetches the result (get()) or passes an error_callback; a plain Process prints;
- C7: the switching cost (the key number) beside what a crash takes down.
Each function returns the figure's path relative to the run folder, or None where the
run lacks its rows (the page then shows the report's figure)."""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from verdicts import claims  # noqa: E402
from verdicts import py_rules  # noqa: E402
from report import kit  # noqa: E402
from report.claims_table import key_numbers, key_undecided, key_values, times  # noqa: E402
from report.i18n import C_, N_, _  # noqa: E402
from report.pool import median_repetition, schedule  # noqa: E402


def drawn(lines):
    """The path of the figure kit.figure drew, or None (and why, on stderr)."""
    if "](" not in lines[0]:  # "*Figure skipped: ...*", in the page's language
        print(f"tvp: handout: {lines[0].strip('*')}", file=sys.stderr)
        return None
    return lines[0][lines[0].index("](") + 2:-1]


def two_lines(text, width=32):
    """TEXT cut into at most two lines of about WIDTH columns (a CJK character counts
    two), at a space or after a punctuation mark where there is one."""
    cols = [2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text]
    if sum(cols) <= width:
        return text, ""
    total, cut = 0, len(text)
    for i, ch in enumerate(text):
        total += cols[i]
        if total > width:
            break
        if ch in " ，、；,;":
            cut = i + 1
    if cut == len(text):  # no break point inside the first line: cut where it is full
        cut = next(i for i in range(len(text)) if sum(cols[:i + 1]) > width)
    return text[:cut].rstrip(), text[cut:].strip()


def wrap(text, width=20, most=3):
    """TEXT in at most MOST lines of about WIDTH columns (two_lines, again and again),
    padded with empty lines to MOST."""
    lines, rest = [], text
    while rest and len(lines) < most - 1:
        first, rest = two_lines(rest, width)
        # After a comma rather than at the last space, where the line has one.
        comma = max(first.rfind(", "), first.rfind("，"))
        if rest and comma > len(first) // 2:
            first, rest = first[:comma + 1], (first[comma + 1:] + " " + rest).strip()
        lines.append(first.strip())
    if rest:
        lines.append(rest)
    return lines + [""] * (most - len(lines))


def unit_words(unit):
    """A key's unit without what its brackets add (the page's reading says it): the
    figure's title must fit over one half of it."""
    return re.sub(r"\s*[（(][^）)]*[）)]", "", unit).strip()


def runs_of(run, key, metric, holds=lambda v: v > 0):
    """(runs where METRIC holds, runs) of KEY's benchmark, summed over its repetitions
    where a repetition counts several runs ("runs"), else one run a repetition; None
    without the row."""
    b = run.bench(key.resolve(run.pus) if run.pus else key)
    if not b or not b.usable or not b.counters.get(metric):
        return None
    values = b.counters[metric]
    per = b.counters.get("runs")
    if per and len(per) == len(values):  # a count of runs per repetition
        return int(sum(values)), int(sum(per))
    return sum(1 for v in values if holds(v)), len(values)


def rule_key(claim, rules, metric, **fields):
    """The key of the first rule of CLAIM reading METRIC whose key has FIELDS."""
    for r in claims.rules_of(claim, rules):
        if r.metric == metric and all(str(r.a.fields().get(f)) == str(v)
                                      for f, v in fields.items()):
            return r.a
    return None


# --- C4 and C7: the key number beside a count ------------------------------------------

def key_block(claim, run):
    """The left panel's rows (thread, process) and the words under it, or None."""
    values, nums = key_values(claim, run), key_numbers(claim, run)
    if not values or not nums:
        return None
    (t, t_lo, t_hi), (p, p_lo, p_hi), unit = values
    words = [nums[0].split(" [")[0], nums[1].split(" [")[0]]
    rows = [f"0\t{_('thread')}\t{t:g}\t{t_lo:g}\t{t_hi:g}\t{words[0]}\t0\t",
            f"1\t{_('process')}\t{p:g}\t{p_lo:g}\t{p_hi:g}\t{words[1]}\t1\t"]
    ratio = nums[2].replace("，", ",").replace("；", ";").split(",")[0].split(";")[0]
    shown = shown_ratio(claim, run)
    if shown and ratio:
        # The multiple of the numbers on the bars (261 / 2.83 = 92), not of the unrounded
        # medians (93): a class divides what it sees.
        ratio = _("process = {ratio} × thread").format(ratio=shown)
    if key_undecided(claim, run):
        ratio = _("{ratio} (undecided)").format(ratio=ratio)
    return rows, unit, ratio


def shown_ratio(claim, run):
    """The key's multiple (process ÷ thread) of the numbers as the page writes them, two
    decimals under 10 (4.65, as the reading says it), whole above; or None."""
    nums = key_numbers(claim, run)
    if not nums:
        return None
    try:
        t, p = (float(n.split(" [")[0].replace(",", "")) for n in nums[:2])
    except ValueError:  # "3 of 3": a count, no multiple
        return None
    if not t:
        return None
    return f"{p / t:.2f}" if p / t < 10 else times(p / t)


def pair_figure(claim, run, folder, counts, title, left_title=None, log=False,
                caption=True):
    """CLAIM's key number beside two counts: COUNTS is [(name, (k, n), colour)] (colour
    0 blue, 1 vermilion; a name may hold one line break; n None: a count of its own,
    written as a number rather than "k/n"), TITLE the right panel's words, LEFT_TITLE
    the left's (else the key's unit); LOG draws the left panel on a log axis (C4's 92×
    left the thread's bar a hairline on a linear one); CAPTION writes the left panel's
    multiple under it."""
    left = key_block(claim, run)
    if not left or any(c is None for _n, c, _c in counts):
        return None
    rows, unit, ratio = left
    right = [f"{i}\t{name.partition(chr(10))[0]}\t{k}\t{k}\t{k}\t"
             f"{f'{k}/{n}' if n is not None else f'{k:,}'}\t{colour}\t"
             f"{name.partition(chr(10))[2]}" for i, (name, (k, n), colour) in enumerate(counts)]
    # The left panel's multiple under it (CAPTION), or none (C8).
    labels = {"L_RATIO": ratio if caption else "", "L_RUNS": ""}
    for side, text in (("LEFT", left_title or unit_words(_(unit))), ("RIGHT", title)):
        # 18 columns: at 20 the two halves' titles ran into each other.
        for i, line in enumerate(wrap(text, 18), 1):
            labels[f"L_{side}{i}"] = line
    top = max(n if n is not None else k for _n, (k, n), _c in counts)
    return drawn(kit.figure(folder, "handout_pair.gp", f"handout_pair_{claim}.dat",
                            "\n".join(rows) + "\n\n\n" + "\n".join(right) + "\n", claim,
                            f"RIGHT_MAX = {top}; LOG_LEFT = {int(log)}", labels=labels))


def racy_loop_figure(run, folder):
    """C4: the key number beside the notes' consumer loop, run as the notes wrote it."""
    key = rule_key("C4", claims.RULES, "runs_short")
    if key is None:
        return None
    short, whole = runs_of(run, key, "runs_short"), runs_of(run, key, "runs_queue_whole")
    return pair_figure("C4", run, folder,
                       # Each bar says whose it is: the loop stopped early, the queue
                       # itself lost nothing (what the loop missed was still in it).
                       [(_("loop:\nstopped"), short, 1),
                        (_("queue:\nkept all"), whole, 0)],
                       _("the notes' q.empty() loop, {n} runs").format(
                           n=short[1] if short else "?"),
                       _("µs per message (log scale)"), log=True)


def protection_figure(run, folder):
    """C7: the switching cost beside what a SIGSEGV in a pool task takes down."""
    counts = []
    for mode, name, colour in (("thread", N_("thread"), 0), ("process", N_("process"), 1)):
        key = rule_key("C7", claims.RULES, "pool_survived", mode=mode)
        counts.append((_(name), runs_of(run, key, "pool_survived") if key else None, colour))
    return pair_figure("C7", run, folder, counts,
                       _("pool alive after a task's SIGSEGV (C)"))


def held_figure(run, folder):
    """C8: memory per connection (the key) beside the connections held under the same
    256 MiB: the most direct number for 并发性高."""
    counts = []
    for server, mode, name, colour in (("thread_per_conn", "thread", N_("thread"), 0),
                                       ("fork_per_conn", "process", N_("process"), 1)):
        key = claims.http_held(server, mode)
        b = run.bench(key.resolve(run.pus) if run.pus else key)
        vals = claims.values(b, "held") if b and b.usable else []
        if not vals:
            return None
        counts.append((_(name), (int(statistics.median(vals)), None), colour))
    # No caption: the two panels' multiples run opposite ways (2.99× the memory for a
    # process, 3.2× the connections for threads), one under both misled, and two do not
    # fit at 22 points; the page's words say both.
    return pair_figure("C8", run, folder, counts, _("connections held in 256 MiB"),
                       _("server memory per connection (KiB)"), caption=False)


# --- C5: the notes' Pool(3) as it ran --------------------------------------------------

def schedule_figure(run, folder):
    """C5: the notes' Pool(3) in Python, its median repetition: a row per worker, a bar
    per task (blue: started at once; vermilion: waited for its worker to finish an
    earlier task), a mark where each worker was made."""
    b = run.ok("python", "mp_pool", "process", "pool_notes")
    _i, rep = median_repetition(b)
    sched = schedule(rep) if rep else []
    if not sched:
        return None
    busy = set()
    bars = []
    for lane, task, start, end in sorted(sched, key=lambda x: x[2]):
        waited = lane in busy  # an earlier task ran on this worker first
        busy.add(lane)
        # The task's number on its bar where it fits (at 22 points, about 5 ms wide),
        # else over it: every task is named (0 and 8 were not, too short a bar).
        inside = end - start >= 6
        bars.append(f"{lane}\t{start:g}\t{end:g}\t{int(waited)}\t"
                    # "#8" over a bar: a task, not a tick of the axis.
                    f"{task if inside else ''}\t{'' if inside else f'#{task}'}")
    made = [f"{w}\t{rep[f'worker{w}_up_ms']:g}" for w in sorted({s[0] for s in sched})
            if rep.get(f"worker{w}_up_ms") is not None]
    lanes = sorted({s[0] for s in sched})
    # msgctxt "process": the notes' Pool is a pool of processes (工作进程, not the
    # report's word for a worker of either kind).
    lane = C_("process", "worker {n}")
    tics = ", ".join(f'"{lane.format(n=w)}" {w}' for w in lanes)
    # "waited" coloured the run of a task that had waited, not its wait: said so.
    labels = {"L_NOW": _("started at once"), "L_WAITED": _("tasks that had waited (running)"),
              # The ▲ left of 0: the workers exist before any request, made with the pool.
              "L_MADE": _("made by Pool(3)"),
              "L_XLABEL": _("ms from the first request"),
              # The notes sleep random.random() * 3 s; the run sleeps a hundredth of it.
              "L_XNOTE": _("(the notes' sleeps ÷ 100)")}
    text = "\n".join(bars) + "\n\n\n" + ("\n".join(made) if made else "0\tNaN") + "\n"
    return drawn(kit.figure(folder, "handout_schedule.gp", "handout_schedule_C5.dat", text,
                            "C5", f"set ytics ({tics})", labels=labels))


# --- C6: what the caller sees --------------------------------------------------------------

# The notes' cases, in the order a lecturer tells them: the notes' own call, the two
# remedies (the notes ask "如何处理？"), the plain Process the notes contrast it with.
FAILURE_CASES = (
    ("mp_pool", "never_fetched", N_("apply_async, result never fetched"),
     N_("not shown")),
    ("mp_pool", "get", N_("… then get()"), N_("raised in the caller")),
    ("mp_pool", "error_callback", N_("… with error_callback"), N_("passed to the callback")),
    ("process", "none", N_("a plain Process"), N_("traceback printed")),
)


def failure_cases(run):
    """[(case, outcome, runs shown, runs)] of FAILURE_CASES the run has."""
    out = []
    for api, fetch, case, outcome in FAILURE_CASES:
        key = next((r.a for r in claims.rules_of("C6", py_rules.PY_RULES)
                    if r.metric == "shown" and r.a.fields().get("fetch") == fetch
                    and r.a.fields().get("variant") == api), None)
        got = runs_of(run, key, "shown") if key else None
        if got:
            out.append((case, outcome, *got))
    return out


def failures_figure(run, folder):
    """C6: a row per case, its cell saying what most runs saw and in how many; blue
    where the exception reached someone, vermilion where it was lost."""
    cases = failure_cases(run)
    if len(cases) < 2:
        return None
    rows = []
    for i, (case, outcome, shown, n) in enumerate(cases):
        # What most runs saw, and in how many: "not shown: 5 of 5", never "0 of 5".
        seen = 2 * shown >= n
        cell = _("{outcome}: {value} of {total}").format(
            outcome=_(outcome) if seen else _("not shown"), value=shown if seen else n - shown,
            total=n)
        rows.append(f"{i}\t{_(case)}\t{cell}\t{int(seen)}")
    labels = {"L_TITLE": _("a task raises: what does the caller see?")}
    return drawn(kit.figure(folder, "handout_grid.gp", "handout_grid_C6.dat",
                            "\n".join(rows) + "\n", "C6", labels=labels))


def remedy(run):
    """C6's answer to the notes' "如何处理？", with this run's counts, or None."""
    got = {case: (shown, n) for case, _o, shown, n in failure_cases(run)}
    get, callback = got.get(FAILURE_CASES[1][2]), got.get(FAILURE_CASES[2][2])
    if not get or not callback:
        return None
    # The counts are on the figure beside it and in the verdict line: the words say how.
    return _("What to do (the notes ask 如何处理？): call get() on the AsyncResult, which "
             "raises the task's exception in the caller, or pass apply_async an "
             "error_callback, which receives it.")


# The claims whose page has a figure from this module.
FIGURES = {"C4": racy_loop_figure, "C5": schedule_figure, "C6": failures_figure,
           "C7": protection_figure, "C8": held_figure}
