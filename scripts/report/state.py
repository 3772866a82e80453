"""state.py - the state of the machine while the run measured it (scripts/run.py records
it; scripts/running/machine_state.py takes it): the sentinel's probes before the first scenario
and after each one, the CPU time other processes and the hypervisor took during each
scenario, and the environment. A scenario during which the machine changed is flagged,
in its section and in the claims table, and a machine far from the reference run's is
said in one sentence at the top of the report. The limits of the cgroups the run was in
and the scenarios that died are said there too."""
import json
import os

from verdicts import claims
from report import i18n
from report.i18n import N_, _
from report.kit import fmt, table

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "results", "reference", "benchmarks.json")

# A probe that moved by more than this factor during a scenario flags it; another
# process's or the hypervisor's share of the CPUs above these flags it too.
MOVED = 1.5
OTHERS, STEAL = 0.10, 0.05
# A probe this many times off the reference machine's gets a sentence at the top.
FAR = 2.0
# A lost PU: the scenarios whose counted rows need every PU (pairs on two cores, N
# workers at once, pools of N) are flagged when parallel capacity is below PUs - LOST_PU
# before or after them: a fall from 2 to 1.33 PUs is a lost vCPU, though only 1.5x.
LOST_PU = 0.5
# http pins wrk to one PU and the server to the other: it needs both.
NEEDS_EVERY_PU = ("scale", "pool", "ipc", "python", "http")
# Other processes and steal below these are "near zero": a PU lost with both there is
# one this accounting cannot see being taken.
UNSEEN_OTHERS, UNSEEN_STEAL = 0.02, 0.01

# name: (what it measures, whether more is slower, what it moves in this report, the
# scenarios whose numbers it moves: only those are flagged when it moves)
PROBES = {
    "first_touch_ns": (N_("a new page's first write, ns"), True,
                       N_("page-fault, first-touch and creation-with-memory numbers"),
                       ("create", "cow", "footprint", "scale")),
    "cow_fault_ns": (N_("a copy-on-write fault, ns"), True,
                     N_("copy-on-write and fork numbers"), ("create", "cow")),
    "syscall_ns": (N_("a null system call, ns"), True, N_("the numbers of every kernel transport"),
                   ("create", "ipc", "pool", "python", "http")),
    "switch_ns": (N_("a context switch pair on one PU, ns"), True,
                  N_("ping-pong on one PU and the C7 switching predictions"), ("ipc", "pool")),
    # http pins wrk and the server on different PUs: every request and answer crosses
    # between them, through the loopback's socket buffers.
    "cacheline_ns": (N_("a cache line's round trip between two PUs, ns"), True,
                     N_("the rings and every pair on two cores"), ("ipc", "scale", "http")),
    "memcpy_cache_gbs": (N_("memcpy in cache, GB/s"), False, N_("the IPC limit (memcpy)"),
                         ("ipc", "cow")),
    "memcpy_mem_gbs": (N_("memcpy from memory, GB/s"), False,
                       N_("large messages and streaming"), ("ipc", "cow", "scale")),
    "parallel_pus": (N_("PUs' worth of work done in parallel"), False,
                     N_("every scaling and pool number with more than one worker"),
                     ("scale", "pool", "ipc", "python", "http")),
}
# What each probe measures without its unit, for a sentence.
SUBJECTS = {
    "first_touch_ns": N_("the first write to a newly allocated page"),
    "cow_fault_ns": N_("a copy-on-write fault"),
    "syscall_ns": N_("a null system call"),
    "switch_ns": N_("a context switch pair on one PU"),
    "cacheline_ns": N_("a cache line's round trip"),
    "memcpy_cache_gbs": N_("memcpy in cache"),
    "memcpy_mem_gbs": N_("memcpy from memory"),
    "parallel_pus": N_("PUs' worth of work done in parallel"),
}


def _json(ctx, key):
    try:
        return json.loads(ctx.get(key) or "{}")
    except ValueError:
        return {}


def points(run):
    """[(point, {probe: value})]: "start", then one per scenario, in run order."""
    return list(_json(run.ctx, "sentinel").items())


def worse(name, a, b):
    """How many times worse b is than a for this probe (>= 1 means b is worse)."""
    if not a or not b:
        return None
    return b / a if PROBES[name][1] else a / b


def baseline(pts):
    """Each probe's median over the whole run: the machine as it mostly was."""
    out = {}
    for name in PROBES:
        values = sorted(v[name] for _u, v in pts if v.get(name) is not None)
        if values:
            out[name] = values[len(values) // 2] if len(values) % 2 else \
                (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    return out


def changes(run):
    """{scenario: [reasons]} for each scenario during which the machine changed, or was
    off its usual state from start to end (a probe worse than its median over the run by
    more than MOVED both before and after the scenario)."""
    return {scenario: [reason_text(run, m) for m in moved]
            for scenario, moved in movements(run).items()}


def movements(run):
    """{scenario: [what moved]} behind changes(), each a dict: kind "moved" (a probe
    from before to after the scenario), "off" (a probe off its usual value both before
    and after), "lost" (parallel capacity below PUs - LOST_PU), "others" or "steal" (a
    share of the CPUs). The report says them in the tool's words (reason_text), the
    handout in a lecturer's (moved_words)."""
    flagged = {}
    pts = points(run)
    usual = baseline(pts)
    worsened = set()  # the probes that got worse during the scenario before
    for (_u, before), (scenario, after) in zip(pts, pts[1:]):
        reasons, now_worse = [], set()
        for name, (_u, _u, _u, moves) in PROBES.items():
            r = worse(name, before.get(name), after.get(name))
            if not r or 1 / MOVED <= r <= MOVED:
                continue
            if r > MOVED:
                now_worse.add(name)
            # A probe that recovers during this scenario after it got worse during the one
            # before: the disturbance is told there, where it began.
            if scenario in moves and (r > MOVED or name not in worsened):
                reasons.append(dict(kind="moved", probe=name, before=before[name],
                                    after=after[name]))
        for name, (_u, _u, _u, moves) in PROBES.items():
            off = [worse(name, usual.get(name), v.get(name)) for v in (before, after)]
            if scenario in moves and all(r and r > MOVED for r in off) and \
                    not any(m["probe"] == name for m in reasons):
                reasons.append(dict(kind="off", probe=name, before=before[name],
                                    after=after[name], usual=usual[name]))
        worsened = now_worse
        share = _json(run.ctx, "cpu_shares").get(scenario, {})
        lost = lost_pu(run, scenario, before, after, share)
        if lost:
            reasons.append(lost)
        if share.get("others", 0) > OTHERS:
            reasons.append(dict(kind="others", share=share["others"]))
        if share.get("steal", 0) > STEAL:
            reasons.append(dict(kind="steal", share=share["steal"]))
        if reasons:
            flagged[scenario] = reasons
    return flagged


def reason_text(run, m):
    """One of movements()'s entries in the report's words."""
    if m["kind"] == "moved":
        return _("{probe} {before} → {after}").format(
            probe=m["probe"], before=fmt(m["before"]), after=fmt(m["after"]))
    if m["kind"] == "off":
        return _("{probe} {before} and {after} against {usual} for most of "
                 "the run").format(probe=m["probe"], before=fmt(m["before"]),
                                   after=fmt(m["after"]), usual=fmt(m["usual"]))
    if m["kind"] == "lost":
        text = _("parallel capacity {low} of {pus} PUs (below {limit})").format(
            low=fmt(m["low"]), pus=f"{m['pus']:g}", limit=f"{m['pus'] - LOST_PU:g}")
        if m["unseen"]:
            text += _(", with other processes and steal near zero: this accounting cannot "
                      "see what took it (on a virtual machine the host can take a vCPU "
                      "without the guest seeing steal)")
        return text
    if m["kind"] == "others":
        return _("other processes used {share} of the CPUs").format(share=f"{m['share']:.0%}")
    return _("the hypervisor stole {share}").format(share=f"{m['share']:.0%}")


# A probe's unit as a lecturer reads it after a number.
UNITS = {"ns": "ns", "GB/s": "GB/s"}


def moved_words(run, scenario, m, name=None):
    """One of movements()'s entries for a lecturer: "during ipc, memcpy in cache fell
    from 28 to 15 GB/s (the probes before and after it)"; None for an entry already
    said by another (parallel capacity both moved and lost). NAME: the scenario as the
    sentence says it (the handout's words for it), else its name."""
    name = name or scenario
    if m["kind"] in ("moved", "off"):
        if m["probe"] == "parallel_pus":
            return None  # said by "lost", in words a lecturer reads, where it matters
        subject = _(SUBJECTS[m["probe"]])
        unit = PROBES[m["probe"]][0].rsplit(", ", 1)[-1] if ", " in PROBES[m["probe"]][0] \
            else ""
        unit = unit if unit in UNITS else ""
        if m["kind"] == "moved":
            words = _("{subject} {before} → {after} {unit} before and after {scenario}")
        else:
            words = _("{subject} {before} and {after} {unit} before and after {scenario}, "
                      "{usual} for the rest of the run")
        return words.format(scenario=name, subject=subject, before=fmt(m["before"]),
                            after=fmt(m["after"]), usual=fmt(m.get("usual", 0)),
                            unit=unit).replace(" )", ")").replace("  ", " ")
    if m["kind"] == "lost":
        return _("only {low} of {pus} logical CPUs worked in parallel before or after "
                 "{scenario}").format(scenario=name, low=fmt(m["low"]),
                                      pus=f"{m['pus']:g}")
    if m["kind"] == "others":
        return _("during {scenario}, other processes used {share} of the CPUs").format(
            scenario=name, share=f"{m['share']:.0%}")
    return _("during {scenario}, the hypervisor took {share} of the CPUs").format(
        scenario=name, share=f"{m['share']:.0%}")


def pus(run):
    try:
        return float(run.ctx.get("pus") or run.ctx.get("nproc") or 0)
    except ValueError:
        return 0.0


def lost_pu(run, scenario, before, after, share):
    """movements()'s entry for a scenario that needs every PU and lost one, or None:
    parallel capacity below PUs - LOST_PU before or after it. With other processes and
    steal near zero (unseen) this accounting cannot see the cause."""
    n = pus(run)
    low = [v.get("parallel_pus") for v in (before, after) if v.get("parallel_pus") is not None]
    if scenario not in NEEDS_EVERY_PU or n < 2 or not low or min(low) >= n - LOST_PU:
        return None
    return dict(kind="lost", low=min(low), pus=n,
                unseen=share.get("others", 0) <= UNSEEN_OTHERS
                and share.get("steal", 0) <= UNSEEN_STEAL)


def reference_probes(folder):
    """The reference run's first probes, unless this run is the reference."""
    ref = os.path.realpath(REFERENCE)
    if not os.path.exists(ref) or os.path.realpath(os.path.join(folder or "", "benchmarks.json")) == ref:
        return {}
    with open(ref) as f:
        ctx = json.load(f).get("context", {})
    return next(iter(_json(ctx, "sentinel").values()), {})


def far_from_reference(run, folder):
    """Sentences for each probe this machine is FAR times worse (or better) at than the
    reference machine, at the start of the run."""
    start, ref = dict(points(run)[:1]).get("start", {}), reference_probes(folder)
    out = []
    for name, (what, _u, moves, _u) in PROBES.items():
        r = worse(name, ref.get(name), start.get(name))
        subject = _(SUBJECTS.get(name) or what.rsplit(',', 1)[0])
        if r and r >= FAR:
            out.append(_("this machine is {times}x worse than the reference machine at "
                         "{what} ({here} against {reference}): {numbers} are affected").format(
                times=f"{r:.1f}", what=subject, here=fmt(start[name]),
                reference=fmt(ref[name]), numbers=_(moves)))
        elif r and r <= 1 / FAR:
            out.append(_("this machine is {times}x better than the reference machine at "
                         "{what}: {numbers} are not comparable with it").format(
                times=f"{1 / r:.1f}", what=subject, numbers=_(moves)))
    return out


# The appendix that holds this module's section and the machine's (document.APPENDICES):
# MACHINE.md beside REPORT.md, MACHINE.zh.md beside REPORT.zh.md.
MACHINE = "MACHINE"


def machine_link():
    """The link to *State of the machine* in its appendix, in the current language."""
    return f"{MACHINE}{i18n.suffix()}.md" + i18n.anchor("#state-of-the-machine")


def top_lines(run, folder):
    """The warning at the top of the report, or nothing."""
    far = far_from_reference(run, folder)
    flagged = changes(run)
    out = []
    if far:
        out.append(_("**The machine.** {sentences}. See [State of the machine]({anchor}).")
                   .format(sentences=(lambda t: t[0].upper() + t[1:])(_("; ").join(far)),
                           anchor=machine_link()))
    if flagged:
        # Say what was seen: "other processes took the CPUs" only where they did.
        shares = _json(run.ctx, "cpu_shares")
        others = [s for s in flagged if shares.get(s, {}).get("others", 0) > OTHERS or
                  shares.get(s, {}).get("steal", 0) > STEAL]
        probes = [s for s in flagged if s not in others]
        if probes:
            out.append(_("**A probe of the machine moved during {scenarios}**: read those "
                         "scenarios' numbers with care (see [State of the machine]({anchor}))."
                         ).format(scenarios=_(", ").join(probes),
                                  anchor=machine_link()))
        if others:
            out.append(_("**Other processes or the hypervisor took the CPUs during "
                         "{scenarios}**: read those scenarios' numbers with care (see [State "
                         "of the machine]({anchor})).").format(
                scenarios=_(", ").join(others), anchor=machine_link()))
    died = deaths(run.ctx)
    if died:
        out.append(_("**Deaths during this run**: {deaths}. The benchmark each died in is "
                     "missing from this report (see [State of the machine]({anchor}))."
                     ).format(deaths=_("; ").join(death_words(d) for d in died),
                              anchor=machine_link()))
    return out + [""] if out else []


def flag_line(run, scenarios):
    """A warning for a section whose scenarios were flagged, or None."""
    flagged = changes(run)
    hit = [s for s in scenarios if s in flagged]
    if not hit:
        return None
    return _("> ⚠ **The machine's state moved during this scenario** ({reasons}): read its "
             "numbers with care, and run it again before citing them.").format(
        reasons=_("; ").join(_("{scenario}: {reasons}").format(
            scenario=s, reasons=_(", ").join(flagged[s])) for s in hit))


def flagged_claims(run):
    """{claim: [scenarios]} for the claims whose counted predictions read a flagged
    scenario's numbers."""
    flagged = changes(run)
    out = {}
    for rule in claims.RULES:
        for k in (rule.a, rule.b):
            if k is not None and k.scenario in flagged:
                out.setdefault(rule.claim, set()).add(k.scenario)
    return {c: sorted(s) for c, s in out.items()}


def budget_lines(ctx):
    """What the run's budget (run.py --budget, or the profile's promise) shrank, from the
    context's `budget`; nothing for a run without one."""
    b = _json(ctx, "budget")
    if not b:
        return []
    head = _("**The budget.** This run was given {budget} s; as its profile has it, it was "
             "estimated at {estimate} s.").format(budget=f"{b.get('budget_s', 0):.0f}",
                                                  estimate=f"{b.get('unshrunk_s', 0):.0f}")
    shrunk = b.get("shrunk") or []
    if not shrunk and not b.get("replans"):
        return [i18n.sentences([head, _("Nothing was shrunk.")]), ""]
    out = [i18n.sentences([head, _("To fit it, it shrank (the benchmarks every verdict reads "
                                   "were all run, at {n} repetitions):").format(
                                       n=b.get('verdict_repetitions', '?'))]), ""]
    # The lines themselves are run.py's, as it wrote them.
    out += [f"- {line}" for line in shrunk] or ["- " + _("nothing at the start")]
    for later in b.get("replans") or []:
        note = later.get("note") or _("later")
        out += [f"- {note}: " +
                ("; ".join(later.get("shrunk") or []) or _("nothing more shrunk"))]
    dropped = b.get("dropped") or []
    if dropped:
        out += ["", "<details><summary>" + _("The {n} benchmarks not run").format(
            n=len(dropped)) + "</summary>", ""]
        out += [f"- `{name}`" for name in dropped] + ["", "</details>"]
    return out + [""]


def deaths(ctx):
    """The scenarios that died (run.py's context key `deaths`), [] for none."""
    died = _json(ctx, "deaths")
    return died if isinstance(died, list) else []


def death_words(d):
    """One death: the scenario, the benchmark, the signal, and the OOM killer's part."""
    if d.get("signal") == "SIGKILL":
        oom = {None: _("the memory cgroup's OOM counter could not be read"),
               0: _("the memory cgroup's OOM counter did not move: not its OOM killer")}.get(
            d.get("oom_kills"), _("the memory cgroup's OOM killer killed it"))
        how = _("SIGKILL ({oom})").format(oom=oom)
    else:
        how = d.get("signal") or _("an unknown signal")
    if d.get("benchmark"):
        where = _("in `{benchmark}`").format(benchmark=d["benchmark"])
    elif d.get("after"):
        where = _("between two benchmarks, after `{benchmark}`").format(benchmark=d["after"])
    else:
        where = _("in a benchmark it did not name")
    return _("{scenario} died of {how} {where}; finished benchmarks kept: {kept}").format(
        scenario=d.get("scenario", "?"), how=how, where=where, kept=d.get("rows_kept", 0))


def limits_lines(ctx):
    """Which limits of the cgroups were in force, and whether the benchmarks had an IPC
    namespace of their own; nothing for a run that did not record them."""
    if "cgroup_version" not in ctx:
        return []
    said = []
    mem, pids = ctx.get("cgroup_memory_max_bytes"), ctx.get("cgroup_pids_max")
    if mem:
        used = ctx.get("cgroup_memory_used_bytes")
        said.append(_("a memory limit of {mib} MiB (cgroup `{dir}`, {used} MiB in use at the "
                      "end): sizes were planned from it, not from the host's MemAvailable"
                      ).format(mib=int(mem) >> 20, dir=ctx.get("cgroup_memory_dir", ""),
                               used=(int(used) >> 20) if used else "?"))
    if pids:
        said.append(_("a limit of {n} tasks (pids.max of cgroup `{dir}`)").format(
            n=pids, dir=ctx.get("cgroup_pids_dir", "")))
    head = (_("**Limits in force.** {limits}.").format(
        limits=(lambda t: t[0].upper() + t[1:])(_("; ").join(said))) if said
            else _("**Limits in force.** No memory or pids limit of a cgroup (cgroup "
                   "v{v}); memory was planned from MemAvailable.").format(
                v=ctx.get("cgroup_version") or "?"))
    ns = ctx.get("ipc_namespace", "")
    if ns.startswith("own"):
        tail = _("The benchmarks ran in an IPC namespace of their own: the kernel removes "
                 "their queues when the last of them ends, even after kill -9.")
    elif ns:
        tail = _("The benchmarks shared the machine's IPC namespace ({why}): a queue of a "
                 "run killed with SIGKILL stays until reboot.").format(why=ns)
    else:
        tail = ""
    return [i18n.sentences([head] + ([tail] if tail else [])), ""]


def death_lines(ctx):
    died = deaths(ctx)
    if not died:
        return []
    return [_("**Deaths.** A scenario that died kept the benchmarks it finished, and what it "
              "left but the benchmark it died in ran again:"), ""] + \
        [f"- {death_words(d)}" for d in died] + [""]


def section(run, folder):
    pts = points(run)
    ctx = run.ctx
    out = ["## " + _("State of the machine"), ""]
    env = [(_(label), ctx.get(key)) for key, label in (
        ("virtualisation", N_("virtualisation")), ("uptime_s", N_("uptime at the end, s")),
        ("mem_available_kib", N_("memory available at the end, KiB")),
        ("swap_total_kib", N_("swap, KiB")),
        ("others_at_start", N_("other processes' CPU share at the start")),
        ("eta_seconds", N_("the run's length estimated before it, s")),
        ("run_seconds", N_("its real length, s")))
        if ctx.get(key) not in (None, "")]
    if env:
        out += table(["", ""], [[label, value] for label, value in env]) + [""]
    out += limits_lines(ctx) + death_lines(ctx)
    out += budget_lines(ctx)
    if not pts:
        return out + [_("*This run did not record the sentinel's probes.*"), ""]
    ref = reference_probes(folder)
    heads = [_("probe")] + [(_("before the run") if p == "start" else
                             _("after {scenario}").format(scenario=p)) for p, _u in pts]
    heads += [_("reference machine")] if ref else []
    rows = []
    for name, (what, _u, _u, _u) in PROBES.items():
        row = [_("{what} (`{name}`)").format(what=_(what), name=name)] + [
            fmt(v[name]) if v.get(name) is not None else "–" for _u, v in pts]
        rows.append(row + ([fmt(ref[name]) if ref.get(name) is not None else "–"]
                           if ref else []))
    out += [_("The sentinel's probes (`tvp-bench --probe`, half a second each time), before "
              "the first scenario and after each one. A scenario during which a probe that "
              "bears on its numbers moved by more than {moved}x, or other processes took more "
              "than {others} of the CPUs, or the hypervisor stole more than {steal}, is flagged "
              "in its section and in the claims table.").format(
                  moved=MOVED, others=f"{OTHERS:.0%}", steal=f"{STEAL:.0%}"), ""] + \
        table(heads, rows) + [""]
    shares = _json(ctx, "cpu_shares")
    if shares:
        out += [_("CPU time taken during each scenario by other processes and by the "
                  "hypervisor (steal), as a share of all the CPUs' time (/proc/stat against the "
                  "suite's own):"), ""] + table(
            [_("scenario"), _("other processes"), _("steal")],
            [[s, f"{v.get('others', 0):.1%}", f"{v.get('steal', 0):.1%}"]
             for s, v in shares.items()]) + [""]
    flagged = changes(run)
    if flagged:
        out += [_("Flagged: {scenarios}.").format(scenarios=_("; ").join(
            _("**{scenario}** ({reasons})").format(scenario=s, reasons=_(", ").join(r))
            for s, r in flagged.items())), ""]
    else:
        out += [_("No scenario was flagged: the probes held within {moved}x and the CPUs were "
                  "the suite's own.").format(moved=MOVED), ""]
    return out
