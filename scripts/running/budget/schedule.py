"""budget/schedule.py - the budget as run.py follows it: the plan of a run, said on
the console (make_plan), the estimate of each scenario (plan_eta, or the per-scenario
model when no plan is made: eta), a later plan when the run falls behind
(keep_to_budget), the commands that run a scenario under the plan (planned_commands),
and a run on a machine we do not have (eta_for_topology). Its callers pass the run's
options (run.py's argparse namespace: bench, profile, filter, pin, repetitions,
min_time, budget, smoke); a plan that cannot be made raises BudgetError."""
import json
import os
import re
import subprocess
import sys
import time

from contract import results
from running.budget.model import (PROCESS_SECONDS, PROFILE_FACTOR, PROMISE, REPORT_SECONDS,
                          BudgetError, describe_all, list_names, make_items, minutes,
                          parse_budget, python_names, reference_doc, scenario_estimate,
                          topology_pus)
from running.budget.plan import Plan, name_filter, plan_run, python_filter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def budget_seconds(args):
    """--budget as seconds (None when not given); BudgetError for a nonsense """
    if args.budget is None:
        return None
    seconds = parse_budget(args.budget)
    if args.smoke:
        raise BudgetError("--budget and --smoke do not go together: --smoke already runs "
                          "each benchmark once, at its first sizes")
    return seconds


def plan_items(args, process_names, probes, env=None, profile=None):
    """The budget's Items of a run of these scenarios (tvp-bench processes), the names
    they list, and the reference run's document."""
    profile = profile or args.profile
    listing = list_names(args.bench, profile, process_names, args.filter, env)
    ref = reference_doc(ROOT)
    py = python_names(profile)
    if args.filter:
        try:
            py = [n for n in py if re.search(args.filter, results.SUFFIX.sub("", n))]
        except re.error:
            pass
    return make_items(listing, ref, probes, py), listing, ref


def plan_for(args, process_names, probes, limit, overhead, env=None, profile=None,
             pus=None, pace=1.0, python=True):
    """The Plan of a run under a limit in seconds (inf: the whole profile); pace: how
    much slower than estimated the run has gone so far."""
    profile = profile or args.profile
    items, listing, ref = plan_items(args, process_names, probes, env, profile)
    if not python:
        items = [it for it in items if it.process != "python"]
    names = [n for ns in listing.values() for n in ns] + python_names(profile)
    pus = pus or len(os.sched_getaffinity(0))
    ctx = {"pus": str(pus), "profile": profile, "placement": args.pin, "tvp_version": "plan"}

    def describe():
        return describe_all(args.bench, profile, ROOT, env)
    plan = plan_run(items, profile, limit, pus, names, describe, ctx,
                           args.repetitions, args.min_time, overhead,
                           pace * full_correction(args.bench, ROOT, ref, profile))
    return plan


def make_plan(args, names, probes, t_begin, probe_s):
    """The plan of this run, said on the console: shrunk to --budget, or to the
    profile's promise (PROMISE) where the whole profile would take longer; None
    for a smoke run or when the names cannot be listed (the old estimate is used)."""
    if args.smoke:
        return None
    overhead = (time.monotonic() - t_begin) + REPORT_SECONDS + \
        probe_s * len(names)
    processes = [n for n in names if n != "python"]
    try:
        limit = args.budget or float("inf")
        plan = plan_for(args, processes, probes, limit, overhead)
        # The promise is about the machine (its size, its page faults), not about who
        # else is busy on it this minute: judged without the load.
        calm = {k: v for k, v in probes.items() if k != "parallel_pus"}
        calm_total = plan_for(args, processes, calm, limit, overhead).total() \
            if args.budget is None else 0.0
        if calm_total > PROMISE.get(args.profile, float("inf")):
            promise = PROMISE[args.profile]
            print(f"tvp: the whole {args.profile} profile would take about "
                  f"{minutes(calm_total)} here, more than its promise of "
                  f"{minutes(promise)}: shrunk as --budget {promise:.0f} "
                  "would (a larger --budget runs it whole)", flush=True)
            plan = plan_for(args, processes, calm, promise, overhead)
    except BudgetError as e:
        print(f"tvp: no plan ({e}); the estimate is per scenario", file=sys.stderr)
        return None
    plan.probe_s, plan.deadline = probe_s, plan.budget
    if plan.budget != float("inf"):
        for line in plan.summary():
            print(f"tvp: {line}")
    return plan


def keep_to_budget(args, plan, active, eta, t_begin, left, probes, pace):
    """Before a scenario: when the run, at its pace so far, would end past its budget,
    plans what is left again (replan) and puts the new estimates into eta (in the units
    the pace multiplies). Returns the active plan."""
    if active is None or active.deadline == float("inf") or len(left) == len(eta):
        return active  # no plan, or nothing has run yet to tell the pace
    projected = (time.monotonic() - t_begin) + pace * sum(eta[s] for s in left) + \
        REPORT_SECONDS + active.probe_s * len(left)
    # Only ever shrinking further: a run ahead after one scenario may be behind after
    # the next (one scenario's pace says little), and the budget is the promise.
    if projected <= active.deadline * 1.03:
        return active
    later = replan(args, plan, t_begin, left, probes, max(pace, 1.0))
    if later is not active:
        new = plan_eta(later, left)
        for s in left:
            eta[s] = new[s] / pace
    return later


def replan(args, plan, t_begin, left, probes, pace):
    """A later plan for the scenarios left, when the run has gone slower than its plan
    (by pace): the budget left, less the probes and the report still to come, with the
    estimates scaled by the pace. Returns the plan to follow from now on."""
    probe_s = plan.probe_s
    limit = plan.deadline - (time.monotonic() - t_begin)
    overhead = REPORT_SECONDS + probe_s * len(left)
    try:
        later = plan_for(args, [n for n in left if n != "python"], probes, limit, overhead,
                         pace=pace, python="python" in left)
    except BudgetError as e:
        print(f"tvp: no new plan ({e})", file=sys.stderr)
        return plan
    later.probe_s = probe_s
    later.deadline = plan.deadline
    if later.same_as(active_plan(plan)):
        return active_plan(plan)  # the plan left as it is: nothing to say
    later.note = (f"before {left[0]}: {pace:.2f}x slower than estimated so far, "
                  f"{limit:.0f} s left for {', '.join(left)}")
    plan.replan(later)
    print(f"tvp: {later.note}; re-planned:")
    for line in later.summary():
        print(f"tvp: {line}")
    return later


def active_plan(plan):
    """The plan the run follows now: the latest later one, or the first."""
    return plan.replans[-1] if plan.replans else plan


def plan_eta(plan, names):
    """{scenario: seconds} the plan expects, in run order."""
    by = plan.by_process()
    split = plan.split()
    # Every scenario starts a process at least, so none is estimated at nothing.
    return {n: PROCESS_SECONDS + by.get(n, 0.0) +
            (PROCESS_SECONDS if n in split else 0.0) for n in names}


def planned_commands(plan, name, cmd, part, args):
    """[(command, part file)] that run one scenario under the plan: the command as it
    is when nothing of the scenario shrank, else one per group (the verdicts' at the
    profile's settings, the others' shrunk), each with the exact names it runs."""
    groups = plan.groups(name) if plan is not None else [("", None, None, None)]
    out = []
    for tag, min_time, reps, names in groups:
        if names is None:
            out.append((cmd, part))
            continue
        p = part if not tag else part[:-len(".json")] + f"~{tag}.json"
        c = [a for a in cmd if not a.startswith(("--benchmark_filter=", "--filter=",
                                                  "--min-time=", "--repetitions=",
                                                  "--benchmark_out=", "--out="))]
        c += [f"--min-time={min_time:g}", f"--repetitions={reps}"]
        if name.startswith("python"):  # each interpreter's run of the Python layer
            c += [f"--out={p}", f"--filter={python_filter(names, args.filter)}"]
        else:
            c += [f"--benchmark_out={p}",
                  f"--benchmark_filter={name_filter(names)}"]
        out.append((c, p))
    return out


def eta_for_topology(args, processes):
    """Prints the quick and full profiles' estimates on another machine (its topology
    from an lstopo XML file or hwloc's synthetic description), with this machine's
    reference costs per benchmark, and what each profile's promise would shrink."""
    spec = args.eta_for_topology
    env = dict(os.environ)
    env.pop("HWLOC_XMLFILE", None)
    env.pop("HWLOC_SYNTHETIC", None)
    if os.path.exists(spec):
        env["HWLOC_XMLFILE"] = os.path.abspath(spec)
    else:
        env["HWLOC_SYNTHETIC"] = spec
    # hwloc falls back to this machine on a description it cannot read: check first.
    pus = topology_pus(env)
    if not pus:
        raise BudgetError(f"'{spec}' is neither an lstopo XML file nor a synthetic topology hwloc "
             "reads (e.g. 'pack:2 core:8 pu:2'; hwloc-calc --input says no)")
    print(f"tvp: on {spec} ({pus} PUs), with the reference machine's cost per benchmark "
          "and page fault:")
    for profile in ("quick", "full"):
        whole = plan_for(args, processes, {}, float("inf"), REPORT_SECONDS, env, profile,
                         pus)
        promise = PROMISE[profile]
        limit = args.budget or promise
        print(f"  {profile}: {len(whole.items)} benchmarks, about "
              f"{minutes(whole.total())} ({whole.total():.0f} s; promise: "
              f"{minutes(promise)})")
        by = whole.by_process()
        print("    " + ", ".join(f"{k} {minutes(v)}" for k, v in by.items()))
        if whole.total() > limit:
            shrunk = plan_for(args, processes, {}, limit, REPORT_SECONDS, env,
                              profile, pus)
            for line in shrunk.summary():
                print(f"    {line}")
    return 0


_CORRECTION = {}


def full_correction(bench, root, ref_doc, profile):
    """The full profile's estimate from this model, corrected to what the full profile
    measured on the reference machine (PROFILE_FACTOR: 64 min against
    7): the model scales minimum times, repetitions and sizes, but not, for example,
    scale's longer window in the full profile. 1 for the quick profile, whose model is
    the reference run itself."""
    if profile == "quick" or not ref_doc:
        return 1.0
    if profile in _CORRECTION:
        return _CORRECTION[profile]
    topo = os.path.join(root, "results", "reference", "topology.xml")
    ctx = ref_doc.get("context", {})
    secs = sum(float(p.split("=")[1]) for p in ctx.get("scenario_seconds", "").split(",")
               if "=" in p)
    env = dict(os.environ, HWLOC_XMLFILE=topo)
    env.pop("HWLOC_SYNTHETIC", None)
    try:
        processes = [line.split("\t")[0] for line in subprocess.run(
            [bench, "--list"], capture_output=True, text=True).stdout.splitlines() if line]
        listing = list_names(bench, profile, processes, env=env if os.path.exists(topo)
                             else None)
    except (OSError, BudgetError):
        return 1.0
    ref_probes = next(iter(json.loads(ctx.get("sentinel") or "{}").values()), {})
    model = Plan(make_items(listing, ref_doc, ref_probes, python_names(profile)), profile,
                 float("inf")).total()
    measured = secs * PROFILE_FACTOR.get(profile, 1.0)
    _CORRECTION[profile] = measured / model if model > 0 and secs else 1.0
    return _CORRECTION[profile]


def eta(plan, names, probes, args):
    """{scenario: seconds} before the run: the plan's, or where no plan was made
    (--smoke, names that cannot be listed) the same model per scenario."""
    if plan is not None:
        return plan_eta(plan, names)
    return scenario_estimate(names, probes, reference_doc(ROOT).get("context", {}),
                             args.profile, args.repetitions, args.min_time)
