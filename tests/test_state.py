"""test_state.py - the state of the machine: a scenario during which a probe moved, or
other processes or the hypervisor took the CPUs, is flagged in its section and in the
claims table; a machine far from the reference machine is said at the top; the probes
themselves come out of tvp-bench as the report reads them. Synthetic probe data, except
Probes, which takes the probes on this machine. From tests/test_behaviours.py (issue 26,
each pinning what a break of tests/mutant_list.py once changed unseen): Sentinel (every
probe flagged when it moves its bad way), MemoryReader (MemAvailable, not MemFree, read
around it) and MachineStateEdges (the estimate, an interval with no ticks, a probe that
fails, the hypervisor and container words from stand-ins)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from running import budget  # noqa: E402
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

    def test_http_is_flagged_when_the_cache_line_round_trip_moves(self):
        # The reference of 2026-12-07: 90.7 -> 347 ns across http, as large as scale's
        # flagged move; http pins wrk and the server apart, so it crosses that path.
        r = run_with({"start": CALM, "pool": dict(CALM, cacheline_ns=90.7),
                      "http": dict(CALM, cacheline_ns=347)})
        flagged = state.changes(r)
        self.assertIn("http", flagged)
        self.assertIn("cacheline_ns", flagged["http"][0])
        self.assertIn("C8", state.flagged_claims(r))
        # A probe http does not cross (a copy-on-write fault) leaves it unflagged.
        r = run_with({"start": CALM, "pool": CALM, "http": dict(CALM, cow_fault_ns=9000)})
        self.assertNotIn("http", state.changes(r))

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


class Sentinel(unittest.TestCase):
    """Break sentinel-direction-ignored: each probe has its bad direction (a time up, a
    bandwidth or a count of parallel PUs down); a probe moving its bad way flags the
    scenario where it began, its recovery after does not, for every probe."""

    def test_every_probe_flagged_where_it_got_worse(self):
        self.assertEqual(set(CALM), set(state.PROBES))
        for name, (_what, more_is_slower, _n, moves) in state.PROBES.items():
            with self.subTest(probe=name):
                first, second = moves[0], moves[1]
                bad = dict(CALM, **{name: CALM[name] * (3 if more_is_slower else 1 / 3)})
                r = run_with({"start": CALM, first: bad, second: CALM})
                flagged = list(state.changes(r))
                # A lost PU also flags, by its own rule, the scenarios after it whose
                # counted rows need every PU while capacity stays below PUs - 0.5 around
                # them; the probe's own move is flagged where it began, first.
                if name == "parallel_pus":
                    self.assertEqual(flagged[0], first)
                    self.assertTrue(all("parallel capacity" in " ".join(state.changes(r)[s])
                                        for s in flagged[1:]), state.changes(r))
                else:
                    self.assertEqual(flagged, [first])
                self.assertIn(name, state.changes(r)[first][0])

    def test_bandwidths_fall_to_be_worse(self):
        for name in ("memcpy_cache_gbs", "memcpy_mem_gbs", "parallel_pus"):
            self.assertFalse(state.PROBES[name][1], name)
            self.assertGreater(state.worse(name, 10, 5), 1)
            self.assertLess(state.worse(name, 5, 10), 1)
        for name in ("first_touch_ns", "syscall_ns", "cacheline_ns"):
            self.assertGreater(state.worse(name, 5, 10), 1)

    def test_off_the_usual_machine_its_bad_way_only(self):
        # A probe worse than the run's median before and after a scenario flags it; the
        # same distance the good way does not ("for most of the run" is about worse).
        for name, (_w, more_is_slower, _n, moves) in state.PROBES.items():
            with self.subTest(probe=name):
                s = moves[0]
                f = 3 if more_is_slower else 1 / 3
                bad = dict(CALM, **{name: CALM[name] * f})
                good = dict(CALM, **{name: CALM[name] / f})
                flagged = state.changes(run_with({"start": bad, s: bad, "a": CALM, "b": CALM,
                                                  "c": CALM}))
                self.assertIn(s, flagged)
                self.assertIn("for most of the run", " ".join(flagged[s]))
                flagged = state.changes(run_with({"start": good, s: good, "a": CALM,
                                                  "b": CALM, "c": CALM}))
                self.assertNotIn(s, flagged)


class MemoryReader(unittest.TestCase):
    """Break env-memory-is-free: the run's context records MemAvailable (what can be had
    without swapping), not MemFree. Both read here around it; skipped where this machine
    cannot tell them apart."""

    def test_mem_available_recorded(self):
        def fields():
            out = {}
            with open("/proc/meminfo") as f:
                for line in f:
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
            return out
        before = fields()
        got = int(machine_state.environment()["mem_available_kib"])
        after = fields()
        slack = 16 << 10
        lo = min(before["MemAvailable"], after["MemAvailable"]) - slack
        hi = max(before["MemAvailable"], after["MemAvailable"]) + slack
        free = (before["MemFree"], after["MemFree"])
        if any(lo <= f <= hi for f in free):
            self.skipTest("MemFree within MemAvailable's band: this machine cannot tell")
        self.assertTrue(lo <= got <= hi, (got, before["MemAvailable"], free))


class MachineStateEdges(unittest.TestCase):
    """The machine-state readers at their edges: the estimate (one cost model:
    budget.scenario_estimate), the CPU shares of an
    interval with no ticks, a probe that gives nothing, and the words for the
    hypervisor and the container (from stand-ins for systemd-detect-virt and dmesg)."""

    REF = {"scenario_seconds": "create=100,cow=50,globals=10",
           "sentinel": json.dumps({"start": {"first_touch_ns": 1000}})}

    def test_estimate(self):
        e = budget.scenario_estimate(["create", "globals", "new"], {"first_touch_ns": 2000},
                                   self.REF, "quick")
        # create: 60% of it faults pages, twice as dear here: 100 x (0.6 x 2 + 0.4).
        self.assertAlmostEqual(e["create"], 160.0)
        self.assertAlmostEqual(e["globals"], 10.0)   # no page share
        self.assertAlmostEqual(e["new"], 30.0)       # not in the reference
        # No probe of this machine: no fault scaling; 10 x 0.1 s is 4x the quick 5 x 0.05.
        e = budget.scenario_estimate(["create"], {}, self.REF, "quick", repetitions=10,
                                   min_time=0.1)
        self.assertAlmostEqual(e["create"], 400.0)
        self.assertAlmostEqual(budget.scenario_estimate(["cow"], {}, self.REF, "full")["cow"],
                               50 * budget.PROFILE_FACTOR["full"])

    def test_cpu_shares_of_no_time(self):
        ticks = {k: 5 for k in machine_state.STAT_FIELDS}
        ticks["suite"] = 0
        self.assertEqual(machine_state.cpu_shares(ticks, dict(ticks)),
                         {"others": 0.0, "steal": 0.0})

    def test_probe_of_a_bench_that_fails(self):
        self.assertEqual(machine_state.probe("/bin/false", takes=2), {})
        self.assertEqual(machine_state.probe("/nonexistent/tvp-bench", takes=1), {})

    def stand_ins(self, folder, vm, box, log):
        for name, text in (("systemd-detect-virt",
                            f'[ "$1" = --vm ] && echo {vm} || echo {box}\n'),
                           ("dmesg", f"echo '{log}'\n")):
            path = os.path.join(folder, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + text)
            os.chmod(path, 0o755)

    def test_virtualisation_words(self):
        with open("/proc/cpuinfo") as f:
            flag = " hypervisor" in next((l for l in f if l.startswith("flags")), "")
        with tempfile.TemporaryDirectory() as d:
            self.stand_ins(d, "kvm", "docker", "[    0.000000] Hypervisor detected: KVM")
            with mock.patch.dict(os.environ, {"PATH": d}):
                words = machine_state.virtualisation()
            self.assertEqual(words, "; ".join(
                ["virtual machine: kvm", "container: docker"] +
                (["CPU flag hypervisor"] if flag else []) +
                ["kernel log: Hypervisor detected: KVM"]))
        with tempfile.TemporaryDirectory() as d:
            self.stand_ins(d, "none", "none", "nothing of note")
            with mock.patch.dict(os.environ, {"PATH": d}):
                words = machine_state.virtualisation()
            self.assertEqual(words, "CPU flag hypervisor" if flag else "none found")
        with mock.patch.dict(os.environ, {"PATH": "/nonexistent"}):
            words = machine_state.virtualisation()
        self.assertEqual(words, "CPU flag hypervisor" if flag else "none found")


if __name__ == "__main__":
    unittest.main(verbosity=2)
