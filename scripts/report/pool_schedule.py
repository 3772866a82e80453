"""pool_schedule.py - the notes' Pool(3) (bench/pool.c's notes rows, and
bench/py_bench.py's): each pool's schedule drawn from one real repetition, beside the
greedy in-order schedule of the same sleeps and the lower bound no schedule beats, and
when the workers start against the notes' "a new process only while the pool is not
full". Part of the pool section (pool.py).

Every sentence here is a number of the run it reports, or says where it comes from."""
from contract.describe import in_table_order
from report.i18n import _, sentences
from report.kit import by_mode, figure, fmt, mode_bit, table, who

TASKS = 10  # the notes' Pool(3): ten tasks (POOL_NOTES_TASKS in C and Python)


# --- one repetition -----------------------------------------------------------------

def repetition(b, i):
    """The counters of repetition i of a benchmark, as one dict, or None when its
    counters do not line up with its repetitions (a counter some rows lack)."""
    n = len(b.times_us)
    if not 0 <= i < n or any(len(v) != n for v in b.counters.values()):
        return None
    return {k: v[i] for k, v in b.counters.items()}


def median_repetition(b):
    """(index, counters) of the repetition whose time is the median one (the lower of
    the two middle ones for an even count): a schedule that really happened, rather than
    a median of each task's worker, which can draw one that never did."""
    if not b or not b.times_us:
        return None, None
    order = sorted(range(len(b.times_us)), key=lambda i: b.times_us[i])
    i = order[(len(order) - 1) // 2]
    return i, repetition(b, i)


def greedy(durations, workers=3):
    """The in-order schedule with free hand-offs (pool_greedy_ns in src/pool_tasks.c):
    each task, in order, to the worker free first. (worker of each, start of each,
    makespan)."""
    free_at = [0.0] * workers
    lanes, starts = [], []
    for d in durations:
        w = free_at.index(min(free_at))
        lanes.append(w)
        starts.append(free_at[w])
        free_at[w] += d
    return lanes, starts, max(free_at)


def schedule(rep):
    """[(lane, task, start_ms, end_ms)] of one repetition's counters."""
    out = []
    for i in range(TASKS):
        w, s, e = (rep.get(f"task{i}_{k}") for k in ("worker", "start_ms", "end_ms"))
        if None not in (w, s, e):
            out.append((int(w), i, s, e))
    return out


def sleeps_of(rep):
    """The sleeps the run recorded (ms), or None (a run from before they were)."""
    s = [rep.get(f"task{i}_sleep_ms") for i in range(TASKS)]
    return None if None in s else s


# --- the notes' Pool(3) -------------------------------------------------------------

def notes_rows(run):
    """[(words, mode, Bench)] of the notes' Pool(3): C's pools, processes first, then
    Python's."""
    rows = {run.kind_of(b): b for b in run.select("pool", "notes") if b.usable}
    kinds = by_mode(run, in_table_order(run.describe.kinds, rows), "process")
    out = [(f"{who(run, k, kinds)}", run.mode_of(k), rows[k]) for k in kinds]
    py = run.ok("python", "mp_pool", "process", "pool_notes")
    if py:
        out.append((_("Python Pool(3)"), "process", py))
    return out


def notes_schedule(run, folder):
    pools = notes_rows(run)
    drawn = []  # (words, mode, Bench, repetition index, counters, schedule)
    for words, mode, b in pools:
        i, rep = median_repetition(b)
        sched = schedule(rep) if rep else []
        if sched:
            drawn.append((words, mode, b, i, rep, sched))
    if not drawn:
        return []
    # The ideal from the sleeps the runs recorded: one group per distinct set (one when C
    # and Python share their generator). A run from before the sleeps were recorded gets
    # one ideal from the task times its first pool measured, and says so.
    ideals = []  # (sleeps, words of whose)
    recorded = [sleeps_of(d[4]) for d in drawn]
    if None in recorded:
        sched = sorted(drawn[0][5], key=lambda x: x[1])
        ideals.append(([e - s for _u, _u, s, e in sched], _("from measured task times")))
    else:
        for (words, *_u), sleeps in zip(drawn, recorded):
            if not any(len(s) == len(sleeps) and all(abs(x - y) < 1e-6 for x, y in zip(s, sleeps))
                       for s, _u in ideals):
                ideals.append((sleeps, _("{pool}'s sleeps").format(pool=words)))
    data, tics, row = [], [], 0
    groups = [(_("ideal") if len(ideals) == 1 and None not in recorded else
               _("ideal ({source})").format(source=src), 2, greedy(s), s) for s, src in ideals]
    for name, colour, (lanes, starts, _u), sleeps in groups:
        for t, (w, s) in enumerate(zip(lanes, starts)):
            data.append(f"{row + w} {t} {s:.3f} {s + sleeps[t]:.3f} {colour}")
        tics += [f'"{worker_tic(name, 0)}" {row}', f'"{worker_tic(None, 1)}" {row + 1}',
                 f'"{worker_tic(None, 2)}" {row + 2}']
        row += 4
    for words, mode, b, i, rep, sched in drawn:
        lanes = max(w for w, _u, _u, _u in sched) + 1
        for w, t, s, e in sched:
            data.append(f"{row + w} {t} {s:.3f} {e:.3f} {mode_bit(mode)}")
        # Where join returned (the makespan): a black bar across the group's lines.
        span = b.times_us[i] / 1e3
        data += [f"{row + w} {-2 if w == 0 else -1} {span - 0.15:.3f} {span + 0.15:.3f} 3"
                 for w in range(lanes)]
        name = words if b.scenario == "python" else _("C {pool} pool").format(pool=words)
        tics += [f'"{worker_tic(name, 0)}" {row}'] + [f'"{worker_tic(None, w)}" {row + w}'
                                                       for w in range(1, lanes)]
        row += lanes + 1
    ideal_ms = greedy(ideals[0][0])[2]
    out = ["### " + _("The notes' Pool(3)"), ""]
    labels = {
        "L_TITLE": _("The notes' Pool(3): 10 tasks sleeping 0-30 ms on 3 workers (one real "
                     "repetition each)"),
        "L_XLABEL": _("time since the first submit (ms)"),
        # printf formats: %.1f is a time in ms
        "L_IDEAL": _("ideal %.1f ms"),
        "L_MS": _("%.1f ms"),
    }
    out += figure(folder, "pool_schedule.gp", "pool_schedule.dat", "\n".join(data) + "\n",
                  _("Pool(3) schedule"), f"set ytics ({', '.join(tics)}); ideal = {ideal_ms:.3f}",
                  labels=labels)
    same = len(ideals) == 1 and None not in recorded
    python = any(d[2].scenario == "python" for d in drawn)
    out += [_("*Each pool's schedule is one real repetition: the one with the median makespan "
              "({repetitions}). Grey: the greedy in-order schedule of the same sleeps with free "
              "hand-offs (each task, in submission order, to the worker free first); the dashed "
              "line is where it ends. Black: where `join` returned, the makespan (from the "
              "first submit; it includes the pool's shutdown). Workers are numbered by first "
              "appearance in task order.*").format(repetitions=_(", ").join(
                  _("repetition {i} of {n} for {pool}").format(
                      i=d[3] + 1, n=len(d[2].times_us), pool=d[0]) for d in drawn)), ""]
    if same:
        sleeps_words = (_("C and Python draw the same ten sleeps from one seeded generator "
                          "(`pool_notes_sleeps` in src/pool_tasks.c, `notes_sleeps_us` in "
                          "bench/py_bench.py).") if python else
                        _("The pools draw the same ten sleeps from one seeded generator "
                          "(`pool_notes_sleeps` in src/pool_tasks.c, `notes_sleeps_us` in "
                          "bench/py_bench.py)."))
    else:
        sleeps_words = _("This run did not record one shared set of sleeps: each ideal is "
                         "computed from its own pool's sleeps (or, where none were recorded, "
                         "from the task times measured).")
    out += [sentences([_("Ten tasks sleeping 0–30 ms (the notes' `random.random() * 3` s, a "
                         "hundred times faster) on three workers."), sleeps_words]), ""]
    lines = []
    for words, mode, b, i, rep, sched in drawn:
        sleeps = sleeps_of(rep) or [e - s for _u, _u, s, e in sorted(sched, key=lambda x: x[1])]
        ideal = greedy(sleeps)[2]
        bound = max(max(sleeps), sum(sleeps) / 3)
        med, lo, hi, _u = b.median_ci()
        span = b.times_us[i] / 1e3
        cnt = [rep.get(k) for k in ("tasks_started", "tasks_submitted")]
        lines.append([words, f"{span:.1f}", f"{ideal:.1f}", f"{span / ideal - 1:+.0%}",
                      f"{med / 1e3:.1f} [{lo / 1e3:.1f}, {hi / 1e3:.1f}]", f"{bound:.1f}",
                      fmt(rep.get("distinct_workers")),
                      fmt(rep.get("workers_up_before_submit")),
                      _("{value} of {total}").format(value=fmt(cnt[0]), total=fmt(cnt[1]))
                      if None not in cnt else "–"])
    out += table([_("pool"), _("makespan ms (drawn)"), _("ideal ms"), _("over ideal"),
                  _("makespan ms, median [interval]"), _("lower bound ms"),
                  _("distinct workers"), _("workers up before the first submit"),
                  _("tasks started")], lines)
    gap = greedy(ideals[0][0])[2] - max(max(ideals[0][0]), sum(ideals[0][0]) / 3)
    out += ["", (_("*Ideal*: the greedy in-order schedule above. *Lower bound*: no schedule, in "
                   "order or not, ends sooner (the larger of the longest sleep and a third of "
                   "their sum); a pool that hands each task, in order, to the first free worker "
                   "ends {gap} ms after it with these sleeps, even with free hand-offs. *Workers "
                   "up*: how many of the three had run their first instruction (C: the worker "
                   "loop; Python: the Pool's initializer) before the first task was submitted, "
                   "in the repetition drawn.") if gap > 0.05 else
                 _("*Ideal*: the greedy in-order schedule above. *Lower bound*: no schedule, in "
                   "order or not, ends sooner (the larger of the longest sleep and a third of "
                   "their sum). *Workers up*: how many of the three had run their first "
                   "instruction (C: the worker loop; Python: the Pool's initializer) before the "
                   "first task was submitted, in the repetition drawn.")).format(
                       gap=f"{gap:.1f}")]
    return out + [""] + upfront_sentence(run, pools) + [""]


def worker_tic(name, w):
    """A line's name on the schedule's y axis: "ideal, worker 0", "worker 1"."""
    if name is None:
        return _("worker {n}").format(n=w)
    return _("{pool}, worker {n}").format(pool=name, n=w)


def upfront_sentence(run, pools):
    """When the workers start, against the notes' 'a new process only when the pool is not
    full'. Only from what the run counted."""
    parts = []
    for words, _u, b in pools:
        made = b.counters.get("workers_created_before_submit")
        up = b.counters.get("workers_up_before_submit")
        if made:
            parts.append((_("the {pool} pool had created {low}–{high} of its 3 workers before "
                            "the first submit in every repetition ({up_low}–{up_high} of them "
                            "already running)") if min(made) != max(made) else
                          _("the {pool} pool had created {low} of its 3 workers before the "
                            "first submit in each of {n} repetitions ({up_low}–{up_high} of them "
                            "already running)")).format(
                pool=words, low=fmt(min(made)), high=fmt(max(made)), n=len(made),
                up_low=fmt(min(up)), up_high=fmt(max(up))))
        elif up:
            parts.append(_("{pool} had {low}–{high} of its 3 workers running before the first "
                           "`apply_async`, over {n} repetitions").format(
                pool=words, low=fmt(min(up)), high=fmt(max(up)), n=len(up)))
    if not parts:
        return []
    return [_("**When workers start.** The notes say a pool makes a new process when a task "
              "comes and the pool is not full (如果池未满，就会创建一个新的进程). In this run "
              "{counts}. A worker still starting at the first submit counts as not running. "
              "(That C's `pool_create` starts all its workers is how src/pool.c is written; "
              "that `multiprocessing.Pool` does is CPython's `Pool.__init__`, which calls "
              "`_repopulate_pool`: background, the counts are this run's.)").format(
                  counts=_("; ").join(parts))]
