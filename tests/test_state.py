"""test_state.py - the state of the machine: a scenario during which a probe moved, or
other processes or the hypervisor took the CPUs, is flagged in its section and in the
claims table; a machine far from the reference machine is said at the top; the probes
themselves come out of tvp-bench as the report reads them. Synthetic probe data, except
the last test, which takes the probes on this machine."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from running import machine_state  # noqa: E402
from contract import results  # noqa: E402
from contract.describe import Describe  # noqa: E402
from report import claims_table, document, state  # noqa: E402

CALM = {"first_touch_ns": 1400, "cow_fault_ns": 2000, "syscall_ns": 170, "switch_ns": 5000,
        "cacheline_ns": 90, "memcpy_cache_gbs": 50, "memcpy_mem_gbs": 11, "parallel_pus": 2}


def run_with(sentinel, shares=None):
    ctx = {"sentinel": json.dumps(sentinel), "cpu_shares": json.dumps(shares or {}),
           "pus": "2"}
    return results.Run(ctx, Describe({}), {})


class Flags(unittest.TestCase):
    def test_calm_machine_flags_nothing(self):
        r = run_with({"start": CALM, "create": CALM, "cow": dict(CALM, syscall_ns=200)})
        self.assertEqual(state.changes(r), {})
        self.assertIsNone(state.flag_line(r, ("create",)))

    def test_a_probe_that_moved_flags_that_scenario_only(self):
        slow = dict(CALM, first_touch_ns=14000)
        r = run_with({"start": CALM, "create": CALM, "footprint": CALM, "cow": slow,
                      "globals": slow, "ipc": CALM})
        flagged = state.changes(r)
        # cow saw it change; globals ran on the slow machine throughout, but a page's
        # first touch does not bear on its numbers; ipc's recovery is not its own.
        self.assertEqual(list(flagged), ["cow"])
        self.assertIn("first_touch_ns", flagged["cow"][0])
        self.assertIn("cow", state.flag_line(r, ("cow",)))
        self.assertIsNone(state.flag_line(r, ("create",)))
        self.assertIsNone(state.flag_line(r, ("globals",)))

    def test_a_scenario_off_the_usual_machine_throughout_is_flagged(self):
        far = dict(CALM, cacheline_ns=400)
        r = run_with({"start": CALM, "create": CALM, "scale": far, "ipc": far, "pool": CALM,
                      "python": CALM})
        flagged = state.changes(r)
        self.assertIn("ipc", flagged)  # far from its start to its end
        self.assertIn("for most of the run", " ".join(flagged["ipc"]))

    def test_recovery_is_told_where_the_disturbance_began(self):
        slow = dict(CALM, syscall_ns=400)
        r = run_with({"start": CALM, "ipc": slow, "pool": CALM})
        self.assertEqual(list(state.changes(r)), ["ipc"])
        # A run that starts on a slow machine is flagged where it recovers.
        r = run_with({"start": slow, "ipc": CALM})
        self.assertEqual(list(state.changes(r)), ["ipc"])

    def test_fewer_cpus_is_a_change_too(self):
        r = run_with({"start": CALM, "scale": dict(CALM, parallel_pus=0.8)})
        self.assertIn("parallel_pus", state.changes(r)["scale"][0])

    def test_other_processes_and_steal_flag(self):
        r = run_with({"start": CALM, "ipc": CALM, "pool": CALM},
                     {"ipc": {"others": 0.4, "steal": 0.0}, "pool": {"others": 0, "steal": 0.2}})
        flagged = state.changes(r)
        self.assertIn("other processes used 40%", flagged["ipc"][0])
        self.assertIn("stole 20%", flagged["pool"][0])

    def test_flagged_scenario_marks_its_claims(self):
        r = run_with({"start": CALM, "create": dict(CALM, cow_fault_ns=9000)})
        self.assertIn("C2", state.flagged_claims(r))
        lines = claims_table.section(r, None)
        row = next(line for line in lines if line.startswith("| C2 |"))
        self.assertIn("⚠", row)
        self.assertTrue(any("C2 (create)" in line for line in lines))

    def test_section_heading_gets_the_warning(self):
        self.assertEqual(document.scenarios_of(document.SECTIONS[1]), ("create",))


class LostPU(unittest.TestCase):
    """A scenario whose counted rows need every PU is flagged when parallel capacity is
    below PUs - 0.5 around it, even where the probe moved less than 1.5x; with other
    processes and steal near zero the reason says the accounting cannot see the cause."""

    def test_reference_ipc_is_flagged(self):
        # The reference run's ipc: 1.33 -> 1.99 PUs, a 1.496x move, under the 1.5x rule.
        r = run_with({"start": CALM, "scale": dict(CALM, parallel_pus=1.33),
                      "ipc": dict(CALM, parallel_pus=1.99)},
                     {"scale": {"others": 0.0, "steal": 0.001}, "ipc": {"others": 0.0, "steal": 0.002}})
        flagged = state.changes(r)
        lost = [x for x in flagged["ipc"] if "parallel capacity 1.33 of 2 PUs" in x]
        self.assertEqual(len(lost), 1, flagged["ipc"])
        self.assertIn("cannot see what took it", lost[0])
        top = " ".join(state.top_lines(r, None))
        self.assertIn("A probe of the machine moved during scale, ipc", top)
        self.assertNotIn("Other processes", top)

    def test_only_what_needs_every_pu_and_only_below_the_line(self):
        r = run_with({"start": CALM, "cow": dict(CALM, parallel_pus=1.0), "globals": CALM,
                      "pool": dict(CALM, parallel_pus=1.6)})
        self.assertEqual(state.changes(r), {})
        one = results.Run({"sentinel": json.dumps({"start": dict(CALM, parallel_pus=1),
                                                   "scale": dict(CALM, parallel_pus=0.6)}),
                           "pus": "1"}, Describe({}), {})
        self.assertFalse(any("parallel capacity" in x
                             for x in state.changes(one).get("scale", [])))

    def test_others_seen_is_not_called_unseen(self):
        r = run_with({"start": CALM, "scale": dict(CALM, parallel_pus=1.2)},
                     {"scale": {"others": 0.4, "steal": 0.0}})
        reasons = state.changes(r)["scale"]
        self.assertTrue(any("parallel capacity" in x for x in reasons))
        self.assertFalse(any("cannot see" in x for x in reasons))
        self.assertIn("Other processes or the hypervisor took the CPUs during scale",
                      " ".join(state.top_lines(r, None)))


class LimitsAndDeaths(unittest.TestCase):
    """The section says which cgroup limits were in force, whether the benchmarks had an
    IPC namespace of their own, and which scenario died where, of what."""

    def test_limits_in_force(self):
        lines = " ".join(state.limits_lines({
            "cgroup_version": "1", "cgroup_memory_max_bytes": str(400 << 20),
            "cgroup_memory_used_bytes": str(100 << 20), "cgroup_memory_dir": "/m/docker",
            "cgroup_pids_max": "150", "cgroup_pids_dir": "/p/docker", "ipc_namespace": "own"}))
        self.assertIn("**Limits in force.** A memory limit of 400 MiB (cgroup `/m/docker`, "
                      "100 MiB in use", lines)
        self.assertIn("150 tasks (pids.max of cgroup `/p/docker`)", lines)
        self.assertIn("IPC namespace of their own", lines)
        none = " ".join(state.limits_lines({"cgroup_version": "2", "ipc_namespace":
                                            "shared (unshare(CLONE_NEWIPC): EPERM)"}))
        self.assertIn("No memory or pids limit of a cgroup (cgroup v2)", none)
        self.assertIn("stays until reboot", none)
        self.assertEqual(state.limits_lines({}), [])
        userns = " ".join(state.limits_lines({"cgroup_version": "1", "ipc_namespace":
                                              "own (in a user namespace of its own)"}))
        self.assertIn("IPC namespace of their own", userns)

    def test_deaths_named(self):
        died = [{"scenario": "cow", "signal": "SIGKILL", "benchmark": "cow/fork/x:1/manual_time",
                 "rows_kept": 3, "oom_kills": 1},
                {"scenario": "pool", "signal": "SIGSEGV", "benchmark": "pool/y", "rows_kept": 0,
                 "oom_kills": None}]
        ctx = {"deaths": json.dumps(died)}
        text = " ".join(state.death_lines(ctx))
        self.assertIn("cow died of SIGKILL (the memory cgroup's OOM killer killed it) in "
                      "`cow/fork/x:1/manual_time`; finished benchmarks kept: 3", text)
        self.assertIn("between two benchmarks, after `a/b`", state.death_words(
            {"scenario": "x", "signal": "SIGTERM", "benchmark": "", "after": "a/b"}))
        self.assertIn("pool died of SIGSEGV in `pool/y`", text)
        died[0]["oom_kills"] = 0
        self.assertIn("did not move", state.death_words(died[0]))
        r = run_with({"start": CALM})
        r.ctx["deaths"] = json.dumps(died)
        self.assertIn("**Deaths during this run**", " ".join(state.top_lines(r, None)))
        self.assertEqual(state.death_lines({"deaths": "[]"}), [])


class Reference(unittest.TestCase):
    def test_far_machine_is_said_at_the_top(self):
        with tempfile.TemporaryDirectory() as tmp:
            ref = os.path.join(tmp, "benchmarks.json")
            with open(ref, "w") as f:
                json.dump({"context": {"sentinel": json.dumps({"start": CALM})}}, f)
            saved, state.REFERENCE = state.REFERENCE, ref
            self.addCleanup(setattr, state, "REFERENCE", saved)
            slow = dict(CALM, first_touch_ns=CALM["first_touch_ns"] * 10)
            lines = state.top_lines(run_with({"start": slow}), "/elsewhere")
            self.assertTrue(lines and "10.0x worse" in lines[0], lines)
            self.assertIn("page-fault", lines[0])
            self.assertEqual(state.top_lines(run_with({"start": CALM}), "/elsewhere"), [])
            # The reference run itself is not compared with itself.
            self.assertEqual(state.reference_probes(tmp), {})


class Shares(unittest.TestCase):
    def test_cpu_shares_take_the_suites_own_time_out(self):
        before = {k: 0 for k in machine_state.STAT_FIELDS} | {"suite": 0}
        after = dict(before, user=60, system=20, idle=100, steal=20, suite=50)
        shares = machine_state.cpu_shares(before, after)
        self.assertAlmostEqual(shares["others"], 30 / 200)
        self.assertAlmostEqual(shares["steal"], 20 / 200)


class Probes(unittest.TestCase):
    def test_probe_gives_every_value_the_report_reads(self):
        r = subprocess.run([os.path.join(BUILD, "tvp-bench"), "--probe"], capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        probes = json.loads(r.stdout)
        self.assertEqual(set(probes), set(state.PROBES))
        for name, value in probes.items():
            if name == "cacheline_ns" and len(os.sched_getaffinity(0)) < 2:
                continue
            self.assertTrue(value is not None and value > 0, (name, value))


if __name__ == "__main__":
    unittest.main(verbosity=2)
