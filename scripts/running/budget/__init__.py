"""budget - how long a run takes, and how it fits a time budget: one cost model for
run.py's plan, its estimate per scenario, --budget SECONDS and --eta-for-topology.

  model.py     the cost of each benchmark here, from the reference run (and the same
               model per scenario, where no names are listed)
  plan.py      what a verdict and the report need, kept; the rest shrunk in six steps
  schedule.py  the plan as run.py follows it: said, re-planned when behind, and the
               commands that run a scenario under it

Callers import the package (`import budget`); the names below are its interface."""
from running.budget.model import (AIM, C_CHANGED, C_SINCE_REFERENCE, ITERATIONS, MAX_LOAD, MIN_TIME_FACTORS,
                          PAGE_SHARE, PROCESS_SECONDS, PROFILE_FACTOR, PROFILES, PROMISE,
                          PY_SINCE_REFERENCE, PYTHON, REPEATS, REPORT_SECONDS, TO_S,
                          UNMEASURED, BudgetError, Item, Ref, describe_all, estimate_ref,
                          fault_factor, list_names, load_factor, make_items, minutes,
                          parse_budget, python_names, reference_costs, reference_doc,
                          UNKNOWN_SCENARIO_SECONDS, scenario_estimate, scenario_seconds,
                          changed_since_reference, since_reference, topology_pus)
from running.budget.plan import (Plan, min_testable_reps, name_filter, plan_run,
                         python_filter, report_keys, verdict_keys)
from running.budget.schedule import (active_plan, budget_seconds, eta, eta_for_topology,
                             full_correction, keep_to_budget, make_plan, plan_eta,
                             plan_for, plan_items, planned_commands, replan)

__all__ = ["AIM", "C_CHANGED", "C_SINCE_REFERENCE", "ITERATIONS", "MAX_LOAD", "MIN_TIME_FACTORS",
           "PAGE_SHARE", "PROCESS_SECONDS", "PROFILE_FACTOR", "PROFILES", "PROMISE",
           "PY_SINCE_REFERENCE", "PYTHON", "REPEATS", "REPORT_SECONDS", "TO_S",
           "UNMEASURED", "BudgetError", "Item", "Ref", "describe_all", "estimate_ref",
           "fault_factor", "list_names", "load_factor", "make_items", "minutes",
           "parse_budget", "python_names", "reference_costs", "reference_doc",
           "UNKNOWN_SCENARIO_SECONDS", "scenario_estimate", "scenario_seconds", "changed_since_reference",
           "since_reference", "topology_pus",
           "Plan", "min_testable_reps", "name_filter", "plan_run", "python_filter",
           "report_keys", "verdict_keys", "active_plan", "budget_seconds", "eta",
           "eta_for_topology", "full_correction", "keep_to_budget", "make_plan",
           "plan_eta", "plan_for", "plan_items", "planned_commands", "replan"]
