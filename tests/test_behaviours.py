"""test_behaviours.py - behaviours that a deliberate break once changed with every other
test still passing (issue 26), each pinned by a test of its own; tests/mutant_list.py
names the break each one catches.

  SignTest       the exact sign test drops values equal to the threshold
  Robustness     the robustness line lists only counted predictions that move
  BudgetSweeps   the budget planner's step 3 keeps two values of every sweep it shrinks
  SamplesNumbers samples.csv numbers repetitions when a row carries no index
  ZhComparisons  each comparison word of the Chinese catalogue keeps its meaning
  Sentinel       every probe is flagged when it moves its bad way, bandwidths included
  MemoryReader   the environment's memory figure is MemAvailable, not MemFree
  GilExecutors   the GIL figure's executors run exactly N workers
  FootprintSlab  footprint's slab growth is per worker (needs build/tvp-bench)
  BenchCounters  the counters of a few real rows, by their definitions (tvp-bench)

and, for the breaks of tests/mutant_list.py the other tests let through, a class each
(PoolCounters, RunRepetitions, ScaleFigure, CowFigure, Faults, HttpCpuPerRequest,
PerfStandIn, HandoutCheck, WhyAttribution, ...); MutantList holds that list's names of
tests to tests that exist.

Python only, but for FootprintSlab, BenchCounters, PoolCounters, Faults, PerfStandIn and
HttpCpuPerRequest (seconds of tvp-bench), RunRepetitions (run.py), PythonServerTime,
GilExecutors (the Python layer) and HandoutCheck (Chromium, skipped without it)."""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from running import budget  # noqa: E402
from runs import catalogue  # noqa: E402
from verdicts import claims  # noqa: E402
from running import machine_state  # noqa: E402
from contract import results  # noqa: E402
from runs import samples  # noqa: E402
from verdicts import stats  # noqa: E402
from contract.describe import Describe  # noqa: E402
from report import i18n, state, verdicts  # noqa: E402
from contract.results import key  # noqa: E402


def bench(name, times):
    return results.Bench(results.parse_name(name), name, list(times))


def run_of(*benches, ctx=None):
    return results.Run(ctx or {}, Describe({}), {b.key: b for b in benches})


class SignTest(unittest.TestCase):
    """Break sign-test-ties-below: a value equal to the threshold carries no sign; it is
    dropped, never counted as below (nor as above)."""

    def test_values_at_the_threshold_are_dropped(self):
        # Two above, three at it: the test is of 2 values, p = 1/4 either side of none.
        self.assertAlmostEqual(stats.sign_test([2, 2, 2, 3, 3], 2, "greater"), 0.25)
        self.assertAlmostEqual(stats.sign_test([2, 2, 2, 1, 1], 2, "less"), 0.25)
        # Every value at the threshold: no evidence at all, either way.
        self.assertEqual(stats.sign_test([5] * 5, 5, "greater"), 1.0)
        self.assertEqual(stats.sign_test([5] * 5, 5, "less"), 1.0)
        # Five above and five at it: as five above alone.
        self.assertAlmostEqual(stats.sign_test([7] * 5 + [5] * 5, 5, "greater"), 1 / 32)

    def test_a_rule_at_its_threshold_is_not_refuted(self):
        # "above 5" with every repetition at 5 is not shown below it: undecided, not
        # failed (counting ties as below would make it fail at p = 1/32).
        a = key("s", "a", "process", "m")
        rules = [claims.Rule("CS", "a above 5", a, None, "above", 5)]
        out = claims.judge("CS", run_of(bench("s/a/process/measure:m", [5] * 5)), rules)[1][0]
        self.assertIsNone(out.holds)


class Robustness(unittest.TestCase):
    """Break robustness-lists-context: the line after each claim's table names only the
    counted predictions whose outcome moves with the thresholds, never a context row."""
    A, B, C = (key("s", "a", "process", "m"), key("s", "b", "thread", "m"),
               key("s", "c", "process", "m"))

    def test_a_context_row_that_moves_is_not_listed(self):
        rules = [claims.Rule("CR", "a well past b", self.A, self.B, "greater", 1.5),
                 claims.Rule("CR", "c just past b", self.C, self.B, "greater", 1.5,
                             counted=False)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        run = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b,
                     bench("s/c/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]))
        # The context row does move: 25% harder (1.625x) it fails.
        harder = [claims.moved(r, 1 + claims.ROBUSTNESS) for r in rules]
        self.assertFalse(claims.judge("CR", run, harder)[1][1].holds)
        self.assertEqual(claims.fragility("CR", run, rules), (["supported", "supported"], []))
        line = verdicts.robustness_line("CR", run, rules)
        self.assertTrue(line.startswith("**Robust:**"), line)
        self.assertNotIn("c just past b", line)

    def test_a_counted_row_that_moves_is_listed(self):
        rules = [claims.Rule("CR", "a well past b", self.A, self.B, "greater", 1.5),
                 claims.Rule("CR", "c just past b", self.C, self.B, "greater", 1.5)]
        b = bench("s/b/thread/measure:m", [10, 10.1, 10.2, 10.3, 10.4])
        run = run_of(bench("s/a/process/measure:m", [30, 30.1, 30.2, 30.3, 30.4]), b,
                     bench("s/c/process/measure:m", [16.0, 16.1, 16.2, 16.3, 16.4]))
        self.assertEqual(claims.fragility("CR", run, rules)[1], ["c just past b"])
        self.assertIn("c just past b", verdicts.robustness_line("CR", run, rules))


class BudgetSweeps(unittest.TestCase):
    """Break budget-sweep-to-one: step 3 drops the largest values of a sweep, but never
    below two values, whatever the budget."""

    def plan(self, sweeps, limit):
        items = []
        for variant, values in sweeps.items():
            for v in values:
                name = f"s/{variant}/process/measure:m/size:{v}"
                items.append(budget.Item(results.parse_name(name), name, "s", None, 1.0))
        return budget.Plan(items, "quick", limit), items

    def test_step_3_keeps_two_values_of_every_sweep(self):
        plan, items = self.plan({"a": [1, 2, 4, 8, 16], "b": [1, 2, 4]}, 0.001)
        plan._drop_sizes()
        left = {}
        for it in items:
            if not it.dropped:
                left.setdefault(it.key.variant, []).append(it.key.args["size"])
        self.assertEqual(left, {"a": [1, 2], "b": [1, 2]})
        self.assertTrue(any(line.startswith("sizes: s m at size") for line in plan.shrunk),
                        plan.shrunk)

    def test_a_sweep_of_two_is_left_whole(self):
        plan, items = self.plan({"a": [1, 2]}, 0.001)
        plan._drop_sizes()
        self.assertFalse(any(it.dropped for it in items))
        self.assertEqual(plan.shrunk, [])

    def test_it_stops_once_the_plan_fits(self):
        # 5 values, 5 repetitions of 1 s each (a benchmark without a reference cost): a
        # budget for 4 values drops the largest only.
        plan, items = self.plan({"a": [1, 2, 4, 8, 16]}, 4 * 5 / budget.AIM + 0.01)
        plan._drop_sizes()
        self.assertEqual([it.key.args["size"] for it in items if it.dropped], [16])


class SamplesNumbers(unittest.TestCase):
    """Break samples-reps-unnumbered: rows without repetition_index (an older writer)
    are numbered 0, 1, 2 ... per benchmark, in the order of the rows."""

    def test_rows_without_an_index_are_numbered_in_order(self):
        rows = []
        for rep in range(3):
            for name in ("s/a/process/measure:m", "s/b/thread/measure:m"):
                rows.append({"name": name + "/manual_time", "run_name": name + "/manual_time",
                             "run_type": "iteration", "real_time": 10.0 + rep,
                             "time_unit": "us", "minflt": rep})
        doc = {"context": {"host_name": "h"}, "benchmarks": rows}
        with tempfile.TemporaryDirectory() as folder:
            _args, out = samples.tidy(folder, doc)
        got = {}
        for r in out:
            got.setdefault((r["benchmark"], r["metric"]), []).append((r["repetition"], r["value"]))
        for name in ("s/a/process/measure:m", "s/b/thread/measure:m"):
            self.assertEqual(got[(name, "time_us")], [(0, 10.0), (1, 11.0), (2, 12.0)])
            self.assertEqual(got[(name, "minflt")], [(0, 0), (1, 1), (2, 2)])

    def test_an_index_given_is_kept(self):
        rows = [{"name": "s/a/process/measure:m", "run_type": "iteration", "real_time": 1.0,
                 "time_unit": "us", "repetition_index": i} for i in (3, 5)]
        with tempfile.TemporaryDirectory() as folder:
            _args, out = samples.tidy(folder, {"context": {}, "benchmarks": rows})
        self.assertEqual([r["repetition"] for r in out], [3, 5])


# Each English comparison word, the Chinese that says it (one of), and the Chinese that
# says its opposite: a translation that holds the word must say it and not its opposite.
# Matched on whole words of the msgid; "lower bound" is a bound's name, not a comparison.
COMPARISONS = [
    (r"\bfaster\b", ("快",), ("慢",)),
    (r"\bslower\b", ("慢",), ("快",)),
    (r"\bworse\b", ("慢", "差"), ("快", "好")),
    (r"\bbetter\b", ("快", "好", "善"), ("慢", "差")),
    (r"\bhigher\b", ("高",), ("低",)),
    (r"\bahead\b", ("领先",), ("落后",)),
    (r"\bcosts? more\b", ("大", "高", "多"), ("小", "低", "少")),
    (r"\bcheaper\b", ("降", "低", "少", "小", "1/"), ("高", "贵")),
    (r"\bfewer\b", ("不超过", "少"), ("超过", "多")),
]


class ZhComparisons(unittest.TestCase):
    """Break zh-slower-is-faster: a translation that reverses a comparison (processes
    slower made processes faster) fails, word by word."""

    def test_each_comparison_keeps_its_meaning(self):
        with i18n.language("zh"):
            cat = dict(i18n._catalogue._catalog)
        seen = set()
        for msgid, msgstr in cat.items():
            if not isinstance(msgid, str) or not msgid:
                continue
            for pattern, says, opposite in COMPARISONS:
                if not re.search(pattern, msgid):
                    continue
                seen.add(pattern)
                with self.subTest(msgid=msgid[:70], word=pattern):
                    self.assertTrue(any(w in msgstr for w in says), msgstr)
                    # A short label (a direction, a table cell) is its comparison: the
                    # opposite's word has no place in it. A sentence may hold both.
                    if len(msgid.split()) <= 6:
                        self.assertEqual([w for w in opposite if w in msgstr], [], msgstr)
        # The words the report's verdicts turn on are in the catalogue at all.
        for pattern in (r"\bslower\b", r"\bfaster\b", r"\bhigher\b", r"\bahead\b"):
            self.assertIn(pattern, seen)

    def test_the_direction_words(self):
        with i18n.language("zh"):
            self.assertEqual(i18n._("processes slower"), "进程更慢")
            self.assertEqual(i18n._("processes faster"), "进程更快")


def tvp_bench_doc(flt, env=None):
    """tvp-bench's JSON for the rows FLT matches, once each at 10 ms (a test's run, not a
    measurement); an exit that is not 0 fails with its stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        r = subprocess.run([os.path.join(BUILD, "tvp-bench"), "--repetitions", "1",
                            "--min-time", "0.01", f"--benchmark_filter={flt}",
                            f"--benchmark_out={out}", "--benchmark_out_format=json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, **(env or {})))
        if r.returncode != 0:
            raise AssertionError(f"tvp-bench: {r.stderr[-2000:]}")
        with open(out) as f:
            doc = json.load(f)
    doc["benchmarks"] = [b for b in doc["benchmarks"] if b.get("run_type") != "aggregate"]
    return doc


def run_with(sentinel):
    ctx = {"sentinel": json.dumps(sentinel), "cpu_shares": "{}", "pus": "2"}
    return results.Run(ctx, Describe({}), {})


CALM = {"first_touch_ns": 1400, "cow_fault_ns": 2000, "syscall_ns": 170, "switch_ns": 5000,
        "cacheline_ns": 90, "memcpy_cache_gbs": 50, "memcpy_mem_gbs": 11, "parallel_pus": 2}


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


class GilExecutors(unittest.TestCase):
    """Break gil-executor-every-cpu: the GIL figure's executors are made with exactly N
    workers (a ProcessPoolExecutor without max_workers takes every CPU, whatever N)."""

    def test_executors_made_with_n_workers(self):
        import concurrent.futures as cf
        import py_bench
        made = []

        def recording(base):
            class Recording(base):
                def __init__(self, *a, **kw):
                    super().__init__(*a, **kw)
                    made.append((base.__name__, self._max_workers))
            return Recording

        suite = py_bench.Suite("quick", r"^python/(process|thread)_executor/.*gil/work:io/")
        suite.reps, suite.work_s = 1, 0.002
        with mock.patch.object(cf, "ProcessPoolExecutor", recording(cf.ProcessPoolExecutor)), \
                mock.patch.object(cf, "ThreadPoolExecutor", recording(cf.ThreadPoolExecutor)):
            with contextlib.redirect_stdout(io.StringIO()):  # its progress lines
                py_bench.gil(suite)
        pus = len(os.sched_getaffinity(0))
        want = py_bench.worker_counts(pus)
        for kind in ("ProcessPoolExecutor", "ThreadPoolExecutor"):
            self.assertEqual([n for k, n in made if k == kind], want, made)
        # Each row's worker count is the one its executor was made with.
        rows = [r for r in suite.rows if "process_executor" in r["name"]]
        self.assertEqual(sorted(int(re.search(r"workers:(\d+)", r["name"]).group(1))
                                for r in rows), sorted(want))


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class FootprintSlab(unittest.TestCase):
    """Break footprint-slab-total: the slab growth of the footprint rows is per worker,
    divided by the workers alive as the other per-worker figures are. 1000 parked workers
    need some KiB of slab each (task_struct, mm_struct, VMAs, files); a total would be
    MiBs. A machine-wide reading: another process's slab moves it too, a thousandth of
    what that process took."""

    def test_slab_is_per_worker(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "fp.json")
            r = subprocess.run(
                [os.path.join(BUILD, "tvp-bench"), "--scenario", "footprint",
                 "--repetitions", "1",
                 "--benchmark_filter=^footprint/(fork/process|pthread/thread)/measure:memory/"
                 "parent:tvp/workers:1000/parent_mib:0/",
                 f"--benchmark_out={out}", "--benchmark_out_format=json"],
                cwd=ROOT, capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 2, [b["name"] for b in rows])
        for row in rows:
            with self.subTest(row=row["name"]):
                if row.get("error_occurred"):
                    self.skipTest(row.get("error_message"))
                # A kernel stack is 16 KiB: the per-worker figures beside it are too.
                self.assertLess(row["kernel_stack_kib"], 64)
                self.assertLess(row["slab_kib"], 1024)


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class BenchCounters(unittest.TestCase):
    """Breaks of the counters the C scenarios write (tests/mutant_list.py, bench/): one
    small real run of a few rows of globals, bw_lmbench, scale, cow and create, and what
    each counter must be by its definition, whatever the machine's speed."""

    FILTER = ("^(globals/(pthread|fork)/"
              "|bw_lmbench/pipe/process/measure:throughput/kind:fork/pin:none/"
              "|scale/(page_fault|cpu)/(thread|process)/measure:rate/kind:(pthread|fork)/"
              "pin:none/workers:2/"
              "|cow/fork/process/measure:write/writer:child/layout:private/parent_touched:1/"
              "pct:10/parent_mib:256/"
              "|create/(fork/process|pthread/thread)/measure:start/parent:tvp/layout:private/"
              "parent_mib:0/)")

    @classmethod
    def setUpClass(cls):
        cls.rows = tvp_bench_doc(cls.FILTER)["benchmarks"]

    def select(self, prefix):
        rows = [b for b in self.rows if b["name"].startswith(prefix)]
        self.assertTrue(rows, prefix)
        for b in rows:
            self.assertFalse(b.get("error_occurred"), (b["name"], b.get("error_message")))
        return rows

    def test_globals_items_and_label(self):
        # The notes' nums: [11, 22] plus the worker's 0, 1, 2 where the parent sees them.
        for b in self.select("globals/"):
            thread = "/thread/" in b["name"]
            shared = "/shared:1/" in b["name"]
            want = 5 if thread or shared else 2
            self.assertEqual(b["parent_sees_items"], want, b["name"])
            self.assertEqual(b["label"], "[11, 22, 0, 1, 2]" if want == 5 else "[11, 22]",
                             b["name"])

    def test_bw_lmbench_bytes_are_a_chunk_per_iteration(self):
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
        for b in self.select("bw_lmbench/pipe/"):
            per_iteration = b["bytes_per_second"] * b["real_time"] * scale[b["time_unit"]]
            self.assertAlmostEqual(per_iteration / 65536, 1.0, delta=0.01)

    def test_scale_rates(self):
        for b in self.select("scale/"):
            self.assertAlmostEqual(b["ops_per_s"] / (2 * b["ops_per_s_per_worker"]), 1.0,
                                   delta=1e-6, msg=b["name"])
            if "tlb_shootdowns_per_s" in b and b["ops_per_s"] > 0:
                self.assertAlmostEqual(b["tlb_shootdowns_per_op"] * b["ops_per_s"],
                                       b["tlb_shootdowns_per_s"],
                                       delta=1e-6 * max(1.0, b["tlb_shootdowns_per_s"]),
                                       msg=b["name"])

    def test_cow_pages_and_kib_per_fault(self):
        (b,) = self.select("cow/")
        # 10% of 256 MiB of 4 KiB pages, written by the child each iteration; each write
        # a copy-on-write fault of one 4 KiB page (a few more faults for the child's stack).
        self.assertEqual(b["pages"], 65536 * 10 // 100)
        self.assertGreaterEqual(b["minflt"], b["pages"])
        self.assertGreater(b["kib_per_fault"], 3.0)
        self.assertLess(b["kib_per_fault"], 4.5)

    def test_create_child_counters_for_processes_only(self):
        for b in self.select("create/"):
            process = "/process/" in b["name"]
            self.assertEqual("child_cpu_ns" in b, process, b["name"])
            self.assertEqual("child_minflt" in b, process, b["name"])
            if process:
                # A child that runs at all faults in a page or more, every iteration.
                self.assertGreaterEqual(b["child_minflt"], 1, b["name"])


class EdgesOfTheVerdictLogic(unittest.TestCase):
    """What the verdict logic does at its edges, where make coverage found branches no
    test took: empty samples, a row that is not a benchmark, a folder that cannot be
    written."""

    def test_median_of_nothing_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.median_ci([])

    def test_rank_test_floor_of_an_empty_side(self):
        self.assertEqual(stats.rank_test_min_p(0, 5), 1.0)
        self.assertEqual(stats.rank_test_min_p(5, 0), 1.0)
        self.assertAlmostEqual(stats.rank_test_min_p(5, 5), 1 / 252)
        self.assertAlmostEqual(stats.rank_test_min_p(5, 5, "two-sided"), 2 / 252)

    def test_rules_at_their_edges(self):
        a, b = key("s", "a", "process", "m"), key("s", "b", "thread", "m")
        five = [10, 10.1, 10.2, 10.3, 10.4]
        # "within 10%" moved 25% harder is within 8%, easier within 12.5%; equals stays.
        sim = claims.Rule("CE", "a ~ b", a, b, "similar", 0.1)
        self.assertAlmostEqual(claims.moved(sim, 1.25).threshold, 0.08)
        self.assertAlmostEqual(claims.moved(sim, 0.75).threshold, 0.1 / 0.75)
        eq = claims.Rule("CE", "a is 2", a, None, "equals", 2, "n")
        self.assertIs(claims.moved(eq, 1.25), eq)
        # A benchmark that failed, or was not run, gives no outcome but says why.
        failed = bench("s/a/process/measure:m", five)
        failed.error = "fork: Resource temporarily unavailable"
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(failed, bench("s/b/thread/measure:m", five)))
        self.assertIsNone(o.holds)
        self.assertFalse(o.undecided)
        self.assertIn("Resource temporarily unavailable", o.why)
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(bench("s/b/thread/measure:m", five)))
        self.assertIn("was not run", o.why)
        # Too few repetitions for any exact test: undecided, with the reason.
        o = claims.evaluate(claims.Rule("CE", "a > b", a, b, "greater", 1.5),
                            run_of(bench("s/a/process/measure:m", [30, 31, 32]),
                                   bench("s/b/thread/measure:m", [10, 11])))
        self.assertTrue(o.undecided)
        self.assertIn("cannot reach", o.why)
        with self.assertRaises(ValueError):
            claims.evaluate(claims.Rule("CE", "a ? b", a, None, "about", 1),
                            run_of(bench("s/a/process/measure:m", five)))

    def test_samples_rows(self):
        def tidy(rows):
            with tempfile.TemporaryDirectory() as folder:
                return samples.tidy(folder, {"context": {}, "benchmarks": rows})[1]
        with self.assertRaises(results.ResultsError):
            tidy([{"run_type": "iteration", "real_time": 1.0}])  # no name
        with self.assertRaises(results.ResultsError):
            tidy(["not a row"])
        # Aggregates and names of another suite are left out, as the report leaves them.
        self.assertEqual(tidy([{"name": "s/a/process/measure:m_mean", "run_type": "aggregate",
                                "real_time": 1.0},
                               {"name": "BM_other/8", "real_time": 1.0}]), [])
        with self.assertRaises(results.ResultsError):
            tidy([{"name": "s/a/process/measure:m", "real_time": "fast"}])

    def test_samples_script_errors(self):
        script = os.path.join(ROOT, "scripts", "samples.py")
        r = subprocess.run([sys.executable, script], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("samples.csv", r.stdout)
        with tempfile.TemporaryDirectory() as folder:
            r = subprocess.run([sys.executable, script, folder], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.startswith("tvp: "), r.stderr)
            self.assertNotIn("Traceback", r.stderr)

    def test_samples_unwritable_folder(self):
        # samples.csv cannot be written where a folder has its name (root or not).
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "benchmarks.json"), "w") as f:
                json.dump({"context": {"name_schema": "2", "tvp_version": "t", "profile": "quick",
                                       "placement": "none"}, "benchmarks": []}, f)
            os.mkdir(os.path.join(folder, "samples.csv"))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "samples.py"),
                                folder], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(folder, "samples.csv.tmp")))
            self.assertIn("cannot write", r.stderr)


class BudgetSteps(unittest.TestCase):
    """The budget planner's steps in their order on a synthetic plan (no tvp-bench):
    the others' minimum time, then their repetitions, then sweeps, then what nothing
    reads, and only then the verdicts' repetitions and minimum time; never a benchmark
    a verdict reads dropped, never repetitions below the fewest the test decides with."""

    def items(self):
        out = []
        for variant, verdict in (("v", True), ("o", False)):
            for size in (1, 2, 4, 8):
                name = f"s/{variant}/process/measure:m/size:{size}"
                it = budget.Item(results.parse_name(name), name, "s",
                                 budget.Ref(1.0, 0.001, True, 1000), 1.0)
                it.verdict = verdict
                out.append(it)
        return out

    def test_the_steps_in_their_order(self):
        items = self.items()
        plan = budget.Plan(items, "quick", 0.5, min_reps=3).shrink()
        steps = [line.split(":")[0].split(" of the")[0] for line in plan.shrunk]
        self.assertEqual(steps[:2], ["minimum time per repetition", "repetitions"])
        self.assertTrue(steps[2].startswith("sizes"), plan.shrunk)
        self.assertIn("repetitions of the benchmarks the verdicts read", " ".join(plan.shrunk))
        self.assertIn("minimum time per repetition of the benchmarks the verdicts read",
                      plan.shrunk[-1])
        self.assertFalse(any(it.dropped for it in items if it.verdict))
        self.assertGreaterEqual(plan.verdict_reps, 3)
        self.assertGreaterEqual(plan.rest_reps, 3)
        # The verdicts' group and the others' run apart, each with its settings.
        groups = {g[0]: g for g in plan.groups("s")}
        self.assertEqual(sorted(groups[""][3]), sorted(it.name for it in items if it.verdict))
        self.assertEqual(sorted(groups.get("rest", (0, 0, 0, []))[3]),
                         sorted(it.name for it in items if not it.verdict and not it.dropped))
        self.assertTrue(plan.same_as(budget.Plan(self.items(), "quick", 0.5,
                                                 min_reps=3).shrink()))
        self.assertFalse(plan.same_as(budget.Plan(self.items(), "quick", 1e6).shrink()))

    def test_a_plan_that_fits_runs_as_the_profile_says(self):
        plan = budget.Plan(self.items(), "quick", 1e6).shrink()
        self.assertFalse(plan.shrinks())
        self.assertEqual(plan.groups("s"), [("", None, None, None)])
        self.assertIn("nothing shrunk", plan.summary()[0])

    def test_nothing_may_shrink(self):
        # Verdicts only, already at the fewest repetitions and the shortest time.
        items = [it for it in self.items() if it.verdict]
        plan = budget.Plan(items, "quick", 0.001, reps=3, min_reps=3)
        plan.verdict_factor = budget.MIN_TIME_FACTORS[-1]
        plan.shrink()
        self.assertFalse(any(it.dropped for it in items))
        self.assertEqual(plan.verdict_reps, 3)

    def test_name_filter_exact(self):
        names = ["a/x", "a/y"]
        listed = names + ["a/z"]
        self.assertEqual(budget.name_filter(names), "^(a/x|a/y)$")
        self.assertEqual(budget.name_filter(names, listed), "-^(a/z)$")
        for flt, name, runs in ((budget.name_filter(names, listed), "a/z", False),
                                (budget.name_filter(names, listed), "a/x", True)):
            neg = flt.startswith("-")
            self.assertEqual(bool(re.search(flt.lstrip("-"), name)) != neg, runs)


class CatalogueNames(unittest.TestCase):
    """Break catalogue-quote-unescaped: the catalogue's columns are named by the runs'
    argument names; any name, a double quote in it included, makes a column of exactly
    that name, never broken SQL."""

    def test_any_argument_name_is_a_column(self):
        import sqlite3
        args = ['kind', 'odd"name', 'x y']
        conn = sqlite3.connect(":memory:")
        for stmt in catalogue.schema(args):
            conn.execute(stmt)
        cols = [r[1] for r in conn.execute("PRAGMA table_info(samples)")]
        self.assertEqual([c for c in cols if c in args], args)
        self.assertEqual(catalogue.q('a"b'), '"a""b"')


class ClaimKeys(unittest.TestCase):
    """Break claim-pair-forgotten: make claim runs the benchmarks of the claim's key pair
    (the thread and process numbers its handout page and the claims table show) as well
    as its rules', resolved to this machine's PUs."""

    def test_the_key_pair_is_run(self):
        from running import claim
        pus = len(os.sched_getaffinity(0))
        for c, spec in claims.CLAIMS.items():
            pair = spec.get("key")
            if not pair:
                continue
            with self.subTest(claim=c):
                keys = claim.needed_keys(c)
                for k in (pair.thread, pair.process):
                    self.assertIn(k.resolve(pus), keys)

    def test_a_pair_no_rule_reads_is_run_too(self):
        # Every claim's pair is also read by a rule today: a claim whose pair no rule
        # reads shows whether the pair itself is asked for.
        from running import claim
        t, p = key("s", "t", "thread", "m"), key("s", "p", "process", "m")
        pair = claims.KeyPair(t, p, "time", "µs")
        with mock.patch.dict(claims.CLAIMS, {"CZ": {"key": pair}}):
            self.assertEqual(claim.needed_keys("CZ"), [t, p])


class HandoutReading(unittest.TestCase):
    """Breaks handout-held-counts-undecided and handout-open-includes-context: the
    handout's reading counts as holding only the counted predictions that hold, and
    lists as not decided only counted ones, never a context row."""

    def test_reading_counts_and_lists_counted_rows_only(self):
        from report import handout
        a = key("s", "a", "process", "m")
        rule = lambda text, counted=True: claims.Rule("C9", text, a, None, "above", 1,
                                                      counted=counted)
        outs = [claims.Outcome(rule("holds"), True), claims.Outcome(rule("fails"), False),
                claims.Outcome(rule("open"), None, undecided=True),
                claims.Outcome(rule("context open", counted=False), None, undecided=True),
                claims.Outcome(rule("context holds", counted=False), True)]
        with mock.patch.object(claims, "judged", lambda c, r: ("nuanced", outs)), \
                mock.patch.object(handout, "key_text", lambda c, r: "–"):
            text = " ".join(handout.reading("C9", run_of()))
        # The page's tally counts the counted predictions only (3, not 5).
        self.assertEqual(handout.tally(outs), "3 predictions: 1 hold, 1 fail, 1 undecided")
        self.assertIn("Holds: holds.", text)
        self.assertIn("Not borne out: “fails”", text)
        self.assertIn("Not decided by this run: open.", text)
        self.assertNotIn("context", text)


class ReportHelpers(unittest.TestCase):
    """The report's small helpers by their definitions (breaks of scripts/report/kit.py,
    machine.py and ipc.py in tests/mutant_list.py): sizes in words only when exact, big
    numbers in full, no division by zero, the noisy list noisiest first and of
    benchmarks with repetitions, the panels' y range a decade each way."""

    def test_kit_numbers(self):
        from report import kit
        self.assertEqual(kit.human_size(2048), "2 KiB")
        self.assertEqual(kit.human_size(3 << 20), "3 MiB")
        self.assertEqual(kit.human_size(1536 << 10), "1536 KiB")
        self.assertEqual(kit.human_size(1536), "1536 B")
        self.assertEqual(kit.fmt(123456.7), "123,457")
        self.assertEqual(kit.fmt(100), "100")
        self.assertEqual(kit.fmt(0.012345), "0.0123")
        self.assertEqual(kit.fmt(None), "–")
        self.assertIsNone(kit.quotient(1.0, 0))
        self.assertIsNone(kit.quotient(None, 2.0))
        self.assertEqual(kit.quotient(3.0, 2.0), 1.5)

    def test_noisy_section(self):
        from report import machine
        quiet = bench("s/q/process/measure:m", [100, 100.1, 100.2, 100.1, 100])
        noisy = bench("s/n/process/measure:m", [50, 100, 150, 100, 100])
        noisier = bench("s/w/process/measure:m", [10, 100, 190, 100, 100])
        single = bench("s/o/process/measure:m", [10])
        lines = machine.noisy_section(run_of(quiet, noisy, single, noisier), None)
        text = "\n".join(lines)
        self.assertIn("2 of 3 benchmarks", text)
        self.assertLess(text.index("s/w/process"), text.index("s/n/process"))
        self.assertNotIn("s/q/process", text)
        self.assertNotIn("s/o/process", text)
        self.assertEqual(machine.noisy_section(run_of(quiet, single), None), [])

    def test_decade_range(self):
        from report import ipc
        self.assertEqual(ipc.decade_range([3, 70]), (1, 100))
        self.assertEqual(ipc.decade_range([0, None, 250]), (100, 1000))
        self.assertEqual(ipc.decade_range([]), (1, 10))


class RuleWords(unittest.TestCase):
    """Breaks py-rule-thread-threshold and the like: a rule's threshold is the number its
    own words give ("under 64 KiB" is below 64, "at least twice" is greater than 2), so
    a threshold typed wrong cannot hide behind a reference run that passes either way."""

    def test_thresholds_say_what_the_words_say(self):
        from verdicts import py_rules
        seen = 0
        for r in list(claims.RULES) + list(py_rules.PY_RULES):
            with self.subTest(rule=r.prediction):
                m = re.search(r"under (\d+) KiB", r.prediction)
                if m:
                    self.assertEqual((r.relation, r.threshold), ("below", int(m.group(1))))
                    seen += 1
                if re.search(r"at least twice", r.prediction):
                    self.assertEqual((r.relation, r.threshold), ("greater", 2.0))
                    seen += 1
        self.assertGreaterEqual(seen, 4)


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class DescribeTables(unittest.TestCase):
    """Breaks describe-kinds-skip-first and describe-mode-is-kind: the description's
    table of worker kinds holds every kind the benchmarks' names use, each with the mode
    its names give it."""

    def test_every_kind_of_the_names_is_in_the_table(self):
        bench_exe = os.path.join(BUILD, "tvp-bench")
        d = json.loads(subprocess.run([bench_exe, "--describe"], capture_output=True,
                                      text=True, check=True).stdout)
        table = {k["name"]: k["mode"] for k in d["worker_kinds"]}
        self.assertEqual(set(table.values()), {"thread", "process"})
        names = subprocess.run([bench_exe, "--benchmark_list_tests"], capture_output=True,
                               text=True, check=True).stdout.split()
        seen = 0
        for name in names:
            k = results.parse_name(name)
            if k is None or k.scenario != "create":
                continue
            seen += 1
            self.assertIn(k.variant, table, name)
            self.assertEqual(table[k.variant], k.mode, name)
        self.assertGreater(seen, 0)
        for name in names:
            k = results.parse_name(name)
            if k is not None and isinstance(k.args.get("kind"), str):
                self.assertIn(k.args["kind"], table, name)

    def test_text_with_a_quote_is_escaped(self):
        """Break json-quote-raw: the description is JSON whatever its text holds. The
        extra-kind build's test row says "twin" in quotes (src/worker.c)."""
        bench_exe = os.path.join(ROOT, "build", "extra-kind", "tvp-bench")
        if not os.access(bench_exe, os.X_OK):
            self.skipTest(f"{bench_exe} is not built (make extra-kind)")
        out = subprocess.run([bench_exe, "--describe"], capture_output=True, text=True,
                             check=True).stdout
        d = json.loads(out)
        how = {k["name"]: k["how"] for k in d["worker_kinds"]}
        self.assertEqual(how["fork_twin"], 'fork, the child runs the task (a "twin" test row)')



class CommandLineEdges(unittest.TestCase):
    """Breaks main-min-time-unbounded, write-report-lang-ignored and
    write-report-bad-lang-ok: tvp-bench refuses a minimum time over a minute (status 2,
    the option named); write_report.py takes --lang=zh as the language, and stops with
    status 2, writing nothing, on a language it has no catalogue for."""

    @unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                         "tvp-bench is not built")
    def test_min_time_over_a_minute(self):
        exe = os.path.join(BUILD, "tvp-bench")
        r = subprocess.run([exe, "--min-time=61", "--list"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--min-time", r.stderr)
        r = subprocess.run([exe, "--min-time=60", "--list"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_report_language(self):
        script = os.path.join(ROOT, "scripts", "write_report.py")
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(ROOT, "tests", "fixtures", "run-small.json"),
                        os.path.join(d, "benchmarks.json"))
            r = subprocess.run([sys.executable, script, "--lang=xx", d], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no catalogue for language 'xx'", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, "REPORT.md")))
            r = subprocess.run([sys.executable, script, "--lang=zh", d], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertTrue(os.path.exists(os.path.join(d, "REPORT.zh.md")))


class GlobalsReading(unittest.TestCase):
    """Breaks globals-p-unused and globals-more-is-less: C3's reading says "more" when
    the shared list's median is higher and "less" when lower, and calls a difference
    significant only at p < 0.05."""

    def reading(self, shared, plain):
        from report import globals as globals_section, kit
        benches = []
        for kind, mode in (("fork", "process"), ("pthread", "thread")):
            for flag, times in ((1, shared), (0, plain)):
                b = bench(f"globals/{kind}/{mode}/measure:nums/shared:{flag}", times)
                seen = 5.0 if flag or mode == "thread" else 2.0
                b.counters["parent_sees_items"] = [seen] * len(times)
                benches.append(b)
        drew, kit.DRAW = kit.DRAW, False
        try:
            with tempfile.TemporaryDirectory() as folder:
                return "\n".join(globals_section.section(run_of(*benches), folder))
        finally:
            kit.DRAW = drew

    def test_more_less_and_significance(self):
        base = [100, 101, 102, 103, 104]
        text = self.reading([200, 201, 202, 203, 204], base)
        self.assertIn("µs more (", text)
        self.assertNotIn("not a significant", text)
        text = self.reading([50, 51, 52, 53, 54], base)
        self.assertIn("µs less (", text)
        self.assertNotIn("µs more", text)
        text = self.reading([99, 102, 104, 101, 105], base)
        self.assertIn("not a significant difference", text)

class ReportPieces(unittest.TestCase):
    """Breaks of scripts/report/ the reference run cannot show: a negative kernel cost is
    never resolved, a per-task series is named in words, the GIL figure's interval bounds
    keep their order, and write_report.py without a folder is a usage error."""

    def test_negative_kernel_cost_is_not_resolved(self):
        from report import footprint
        def row(kib):
            b = bench("footprint/fork/process/measure:memory/workers:10", [1.0] * 5)
            b.counters.update(kernel_resolution_kib=[8.0] * 5, kernel_kib=[kib] * 5)
            return b
        self.assertTrue(footprint.resolved(row(50.0)))
        self.assertFalse(footprint.resolved(row(4.0)))
        self.assertFalse(footprint.resolved(row(-50.0)))
        self.assertIsNone(footprint.resolved(bench("footprint/fork/process/measure:memory",
                                                   [1.0])))

    def test_way_words(self):
        from report import pool
        self.assertEqual(pool.way_words("fork", "per_task"), "fork per task")
        self.assertEqual(pool.way_words("thread", "pool"), "thread pool")

    def test_speedup_bounds_in_order(self):
        from report import python
        def gil(n, rates):
            b = bench(f"python/thread/thread/measure:gil/workers:{n}", [1.0] * len(rates))
            b.counters["ops_per_s"] = rates
            return b
        out = python.speedups({1: gil(1, [100, 101, 102, 103, 104]),
                               2: gil(2, [150, 170, 190, 210, 230])})
        for n, (med, lo, hi) in out.items():
            self.assertLessEqual(lo, med, n)
            self.assertLessEqual(med, hi, n)
        self.assertAlmostEqual(out[2][0], 190 / 102)

    def test_write_report_without_a_folder(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "write_report.py")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("write_report.py", r.stdout + r.stderr)

class ReportNumbers(unittest.TestCase):
    """Breaks ipc-rate-bits, verdict-equals-partial and verdict-ratio-digits: the IPC
    rate is bytes per second, an "equals" row held in only some repetitions says so, and
    a ratio keeps two decimals."""

    def test_ipc_rate_is_bytes_per_second(self):
        from report import ipc
        b = bench("ipc/pipe/process/measure:throughput/kind:fork/msg_bytes:4096",
                  [4.096] * 5)  # 4096 bytes every 4.096 µs: 1e9 B/s
        self.assertAlmostEqual(ipc.ipc_rate(b)[0] / 1e9, 1.0)

    def test_equals_in_only_some_repetitions(self):
        from report import verdicts as v
        a = key("s", "a", "process", "m")
        rule = claims.Rule("CE", "a is 2", a, None, "equals", 2, "n", "items")
        some = claims.Outcome(rule, False, value=2, count=3, n=5)
        every = claims.Outcome(rule, True, value=2, count=5, n=5)
        self.assertIn("only 3 of 5", v.measured_text(some))
        self.assertIn("5 of 5", v.measured_text(every))
        ratio = claims.Outcome(claims.Rule("CE", "a > b", a, a, "greater", 1.5), True,
                               ratio=1.534)
        self.assertEqual(v.measured_text(ratio), "1.53×")

class Catalogues(unittest.TestCase):
    """Breaks i18n-mo-never-rebuilt and i18n-empty-msgid: a compiled catalogue older than
    its .po is compiled again (an edited translation is never ignored), and the empty
    string stays empty in every language (gettext would give the catalogue's header)."""

    def test_an_older_mo_is_rebuilt(self):
        if not shutil.which("msgfmt"):
            self.skipTest("msgfmt (gettext) is not installed: make deps")
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(i18n, "MO_DIR", tmp):
            mo = i18n.compile_mo("zh_CN")
            self.assertTrue(os.path.exists(mo))
            os.utime(mo, (0, 0))  # older than any .po
            self.assertEqual(i18n.compile_mo("zh_CN"), mo)
            self.assertGreater(os.path.getmtime(mo), 0)

    def test_empty_string_stays_empty(self):
        with i18n.language("zh"):
            self.assertEqual(i18n._(""), "")

class DocumentParts(unittest.TestCase):
    """Breaks document-one-rep-note and document-placement-always: the Chinese interval
    words say "one repetition" only for one, and an unpinned run says nothing of a
    placement while a pinned one names it."""

    def test_interval_words(self):
        from report import document
        with i18n.language("zh"):
            one = document.interval_words(1)
            two = document.interval_words(2)
        self.assertNotEqual(one, two)
        self.assertIn("2", two)

    def test_placement_lines(self):
        from report import document
        self.assertEqual(document.placement_lines(run_of(ctx={"placement": "none"})), [])
        self.assertEqual(document.placement_lines(run_of(ctx={})), [])
        lines = document.placement_lines(run_of(ctx={"placement": "compact",
                                                     "placement_cpus": "0"}))
        self.assertIn("**Placement compact**", lines[0])

class PoolBreakEven(unittest.TestCase):
    """Break pool-catch-up-threshold: the length from which one series is "as fast" as
    another is where it first reaches 90% of the other's rate, not half of it."""

    def test_ninety_percent(self):
        from report import pool
        a = {0: 10.0, 1000: 60.0, 100000: 95.0}
        b = {0: 100.0, 1000: 100.0, 100000: 100.0}
        self.assertEqual(pool.break_even(a, b), "between 1 µs and 100 µs")
        self.assertEqual(pool.break_even(b, b), "at every length measured")
        self.assertEqual(pool.break_even({0: 1.0, 1000: 2.0}, b), "beyond 1 µs")
        self.assertEqual(pool.break_even({}, b), "–")

class CowFaultBlocks(unittest.TestCase):
    """Break cow-group-mode: series of the faults panel with the same faults are drawn
    as one line, coloured as a process when a process is among them."""

    def test_a_merged_line_with_a_process_is_a_process(self):
        from report import cow
        def pts(mode, faults):
            out = []
            for pct, f in zip((10, 50), faults):
                b = bench(f"cow/k/{mode}/measure:write/pct:{pct}", [1.0] * 3)
                b.counters["minflt"] = [float(f)] * 3
                out.append((pct, b))
            return out
        series = [(("private", "child", "thread"), "thread", pts("thread", (10, 50))),
                  (("private", "child", "process"), "fork", pts("process", (10, 50))),
                  (("private", "child", "thread"), "alone", pts("thread", (7, 9)))]
        blocks, merged = cow.fault_blocks(series)
        self.assertEqual(len(blocks), 2)
        self.assertTrue(blocks[0].splitlines()[1].endswith(" 1"), blocks[0])  # process
        self.assertTrue(blocks[1].splitlines()[1].endswith(" 0"), blocks[1])  # thread
        self.assertEqual(len(merged), 1)

class IpcTargets(unittest.TestCase):
    """Breaks targets-pipe-factor and targets-ratio-inverted: the ring's targets against
    memcpy and the pipe are the multiples their words say, the ring over the other."""

    def test_ring_targets(self):
        from report import targets
        def thr(transport, variant_mode, kind, size, us):
            return bench(f"ipc/{transport}/{variant_mode}/measure:throughput/kind:{kind}/"
                         f"pin:diff_core/msg_bytes:{size}", [us] * 5)
        rows = targets.targets(run_of(
            thr("shm_ring", "process", "fork", 65536, 10.0),     # 6.55 GB/s
            thr("shm_ring", "thread", "pthread", 65536, 10.0),
            thr("pipe", "process", "fork", 65536, 30.0),         # 3x slower than the ring
            bench("ipc/memcpy/thread/measure:copy/msg_bytes:67108864", [20000.0] * 5)),
            "diff_core", lambda b: b.times_us)
        got = {t: (m, ok) for t, m, ok in rows}
        self.assertEqual(got["shm ring, 64 KiB: at least 5x the pipe"], ("3x", False))
        m, ok = got["shm ring, 64 KiB: at least 1.5x memcpy of 64 MiB"]
        self.assertEqual((m, ok), ("1.95x", True))

class CreateTable(unittest.TestCase):
    """Breaks create-x-inverted and create-cpu-unit: C2's table gives each kind's cost as
    a multiple of the thread's (a fork ten times a thread is 10.0×) and the child's CPU
    in µs."""

    def test_multiple_and_cpu(self):
        from report import create, kit
        name = "create/{k}/{m}/measure:round_trip/parent:tvp/layout:private/parent_mib:0"
        thread = bench(name.format(k="pthread", m="thread"), [10, 10.1, 10.2, 10.3, 10.4])
        fork = bench(name.format(k="fork", m="process"), [100, 101, 102, 103, 104])
        fork.counters["child_cpu_ns"] = [250000.0] * 5
        drew, kit.DRAW = kit.DRAW, False
        try:
            with tempfile.TemporaryDirectory() as folder:
                text = "\n".join(create.section(run_of(thread, fork), folder))
        finally:
            kit.DRAW = drew
        row = next(line for line in text.splitlines()
                   if line.startswith("| fork | process |"))
        self.assertIn("| 10.0× |", row)
        self.assertIn("| 250 |", row)


class ScaleFigure(unittest.TestCase):
    """Breaks scale-linear-past-pus and scale-coverage-dup: the scale figure's linear
    line (N times one worker's rate) stops at the machine's PUs, since N workers cannot
    run side by side on fewer; and the caption names one coverage once ("93.75%
    interval"), a range only when the intervals differ."""

    def test_linear_line_stops_at_the_pus(self):
        from report import scale
        name = "scale/cpu/thread/measure:rate/kind:pthread/pin:none/workers:{n}"
        rows = []
        for n in (1, 2, 4):
            b = bench(name.format(n=n), [1.0] * 5)
            b.counters["ops_per_s"] = [100.0 * min(n, 2)] * 5
            rows.append(b)
        run = run_of(*rows, ctx={"pus": "2"})
        with tempfile.TemporaryDirectory() as folder:
            ns, _covs, _base = scale.write_series(run, folder, "cpu", ["pthread"], ["t"])
            with open(os.path.join(folder, "data", "scale.cpu.dat")) as f:
                lines = f.read().splitlines()[1:]
        self.assertEqual(ns, [1, 2, 4])
        linear = {int(line.split()[0]): line.split()[-1] for line in lines}
        self.assertEqual(float(linear[1]), 100.0)
        self.assertEqual(float(linear[2]), 200.0)
        self.assertEqual(linear[4], "NaN", "a linear point past the 2 PUs")

    def test_one_coverage_named_once(self):
        from report import scale
        self.assertEqual(scale.interval_words([0.9375] * 6), "93.75% interval")
        self.assertEqual(scale.interval_words([0.9375, 0.98, 0.9375]), "93.75-98% intervals")
        self.assertEqual(scale.interval_words([0.0, 0.0]), "no interval (one repetition)")


class CowFigure(unittest.TestCase):
    """Break cow-one-point-drawn: a copy-on-write series with a single written fraction
    (after the 0% point, which the figure leaves out) is no line, so the figure leaves it
    out (its row stays in the table); a run with no series of two points says it has no
    copy-on-write data to draw."""

    NAME = ("cow/{k}/{m}/measure:write/writer:child/layout:{layout}/parent_touched:1/"
            "pct:{pct}/parent_mib:64")

    def section(self, *benches):
        from report import cow, kit
        drew, kit.DRAW = kit.DRAW, False
        try:
            with tempfile.TemporaryDirectory() as folder:
                text = "\n".join(cow.section(run_of(*benches), folder))
                path = os.path.join(folder, "data", "cow.dat")
                data = ""
                if os.path.exists(path):
                    with open(path) as f:
                        data = f.read()
        finally:
            kit.DRAW = drew
        return text, data

    def row(self, layout, pct):
        b = bench(self.NAME.format(k="fork", m="process", layout=layout, pct=pct),
                  [100.0 + pct] * 5)
        b.counters.update(minflt=[pct * 10.0] * 5, private_dirty_kib=[pct * 40.0] * 5)
        return b

    def test_a_single_point_is_not_a_line(self):
        text, data = self.section(self.row("private", 0), self.row("private", 10),
                                  self.row("private", 50), self.row("shared", 0),
                                  self.row("shared", 10))
        blocks = [blk for blk in data.split("\n\n\n") if blk.strip()]
        self.assertEqual(len(blocks), 1, data)
        self.assertEqual(len([ln for ln in blocks[0].splitlines()
                              if ln and ln[0].isdigit()]), 2, data)

    def test_nothing_to_draw(self):
        text, data = self.section(self.row("private", 0), self.row("private", 10))
        self.assertIn("No copy-on-write data in this run", text)
        self.assertEqual(data, "")


class FootprintOrigin(unittest.TestCase):
    """Break footprint-origin-default: a footprint row without a parent argument (a run
    from before the minimal parent existed) was made by tvp-bench, so its Reading opens
    "From tvp-bench"; the minimal parent's and any other parent's keep theirs."""

    def test_origin_words(self):
        from report import footprint
        self.assertEqual(footprint.origin_words(None), "From tvp-bench")
        self.assertEqual(footprint.origin_words("tvp"), "From tvp-bench")
        self.assertEqual(footprint.origin_words("minimal"), "From the minimal parent")
        self.assertEqual(footprint.origin_words("init"), "From init")


class PythonInterpreters(unittest.TestCase):
    """Break pool-interp-filter-lost: with two interpreters in one run, the Python
    section's tables (the notes' nums, what an idle worker owns) are the first
    interpreter's, the one the verdicts read; the second one's rows (tagged interp:)
    stay out of them."""

    def test_tables_hold_the_first_interpreters_rows(self):
        from report import kit, python
        rows = []
        for tag, seen in ((None, 5), ("py3135t_2", 4)):
            extra = f"/interp:{tag}" if tag else ""
            b = bench(f"python/thread/thread/measure:nums/via:global{extra}", [10.0] * 3)
            b.counters["parent_sees_items"] = [float(seen)] * 3
            m = bench(f"python/thread/thread/measure:memory/workers:4{extra}", [10.0] * 3)
            m.counters.update(pss_kib=[8.0 * seen] * 3, private_kib=[4.0] * 3,
                              rss_kib=[16.0] * 3)
            rows += [b, m]
        interps = [{"python_interp_tag": "", "python": "3.11.2"},
                   {"python_interp_tag": "py3135t_2", "python": "3.13.5"}]
        run = run_of(*rows, ctx={"python_interpreters": json.dumps(interps)})
        drew, kit.DRAW = kit.DRAW, False
        try:
            with tempfile.TemporaryDirectory() as folder:
                text = "\n".join(python.section(run, folder))
        finally:
            kit.DRAW = drew
        nums = [ln for ln in text.splitlines()
                if ln.startswith("| threading.Thread |") and "global list" in ln]
        self.assertEqual(len(nums), 1, nums)
        self.assertIn("| 5 |", nums[0])
        memory = [ln for ln in text.splitlines() if ln.startswith("| threading.Thread | 4 |")]
        self.assertEqual(len(memory), 1, memory)
        self.assertIn("| 40 |", memory[0])


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class PoolCounters(unittest.TestCase):
    """Breaks pool-distinct-is-tasks and pool-overhead-all-cpus: a pool of w workers runs
    its batches (4w tasks each) on at most w distinct workers, which is what a pool is;
    and the overhead per task is the time per task less the task's own work spread over
    the CPUs its workers can use, min(PUs, w), not over every PU (one worker runs one task
    at a time however many PUs the machine has)."""

    FILTER = ("^pool/pool/(thread|process)/measure:throughput/kind:(pthread|fork)/"
              "task_ns:1000000/workers:(1|2)/")

    @classmethod
    def setUpClass(cls):
        doc = tvp_bench_doc(cls.FILTER)
        cls.pus = int(doc["context"]["pus"])
        cls.rows = doc["benchmarks"]

    def each(self):
        self.assertEqual(len(self.rows), 4, [b["name"] for b in self.rows])
        for b in self.rows:
            self.assertFalse(b.get("error_occurred"), (b["name"], b.get("error_message")))
            yield b, int(re.search(r"/workers:(\d+)/", b["name"]).group(1))

    def test_a_pool_reuses_its_workers(self):
        for b, w in self.each():
            with self.subTest(row=b["name"]):
                self.assertGreaterEqual(b["tasks"], 4 * w)
                self.assertGreaterEqual(b["distinct_workers"], 1)
                self.assertLessEqual(b["distinct_workers"], w)
                self.assertLessEqual(b["workers_created"], w)

    def test_overhead_spreads_the_work_over_the_workers_cpus(self):
        for b, w in self.each():
            with self.subTest(row=b["name"]):
                cpus = min(self.pus, w)
                self.assertAlmostEqual(b["overhead_us_per_task"],
                                       b["us_per_task"] - 1000.0 / cpus, delta=1e-6)


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class RunRepetitions(unittest.TestCase):
    """Break run-repetitions-not-passed: run.py --repetitions N runs every benchmark N
    times, C's (tvp-bench) and Python's (py_bench.py) alike, not the profile's count."""

    def test_repetitions_reach_both_sides(self):
        with tempfile.TemporaryDirectory() as out:
            r = subprocess.run(
                [sys.executable, os.path.join(ROOT, "scripts", "run.py"), "--out", out,
                 "--bench", os.path.join(BUILD, "tvp-bench"), "--repetitions", "2",
                 "--min-time", "0.001", "--no-report", "--filter",
                 "^(create/pthread/thread/measure:start/parent:tvp/layout:private/"
                 "parent_mib:0/|python/thread/thread/measure:create$)"],
                cwd=ROOT, capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            (folder,) = os.listdir(out)
            with open(os.path.join(out, folder, "benchmarks.json")) as f:
                doc = json.load(f)
        counts = {}
        for b in doc["benchmarks"]:
            if b.get("run_type") != "aggregate":
                counts[b["run_name"]] = counts.get(b["run_name"], 0) + 1
        self.assertEqual(sorted(n.split("/")[0] for n in counts), ["create", "python"],
                         counts)
        self.assertEqual(set(counts.values()), {2}, counts)


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class Faults(unittest.TestCase):
    """Faults injected where the code has a seam, for breaks only a fault shows:
    minimal-hides-signal (a worker killed by a signal is named so, by tvp-bench and by
    the minimal parent that reports its workers' ends over a pipe: TVP_HELPER points the
    exec'd workers at a script that kills itself), ipc-check-skipped (the throughput
    rows check every message: TVP_IPC_LOSE makes the producer skip one) and
    bw-unix-is-pipe (each lmbench row's label says what its bytes came through)."""

    def bench(self, flt, env=None):
        return tvp_bench_doc(flt, env)["benchmarks"]

    def test_a_worker_killed_by_a_signal_is_named_so(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, "helper")
            with open(fake, "w") as f:
                # The minimal parent is tvp-helper serve: it runs; every worker it or
                # tvp-bench execs is this script, which dies of SIGKILL.
                f.write(f'#!/bin/sh\n[ "$1" = serve ] && exec '
                        f'"{os.path.join(BUILD, "tvp-helper")}" "$@"\nkill -KILL $$\n')
            os.chmod(fake, 0o755)
            rows = self.bench("^create/posix_spawn/process/measure:round_trip/"
                              "parent:(tvp|minimal)/layout:private/parent_mib:0/",
                              {"TVP_HELPER": fake})
        self.assertEqual(len(rows), 2, [b["name"] for b in rows])
        for b in rows:
            with self.subTest(row=b["name"]):
                self.assertTrue(b.get("error_occurred"), b)
                self.assertEqual(b["error_message"],
                                 "posix_spawn worker ended with signal SIGKILL")

    def test_a_lost_message_stops_the_row(self):
        rows = self.bench("^ipc/(pipe|unix_stream)/(thread|process)/measure:throughput/"
                          "kind:(pthread|fork)/pin:none/msg_bytes:64/", {"TVP_IPC_LOSE": "2"})
        self.assertEqual(len(rows), 4, [b["name"] for b in rows])
        for b in rows:
            with self.subTest(row=b["name"]):
                self.assertTrue(b.get("error_occurred"), b["name"])
                # An early message: on a loaded machine a 10 ms row may stop before a
                # hundredth message (make test saw the unix_stream rows end clean so).
                self.assertIn("message 2 expected, message 3 arrived",
                              b["error_message"])

    def test_lmbench_rows_say_what_they_crossed(self):
        rows = self.bench("^bw_lmbench/.*/pin:none/")
        got = {b["name"].split("/")[1]: b.get("label") for b in rows}
        self.assertEqual(got, {"pipe": "pipe", "unix_stream": "socket"})


class CatalogueEdges(unittest.TestCase):
    """The catalogue's refusals that make coverage found untested: two runs with one id
    (the folder's name) are refused when named and skipped with the reason in a scan;
    a database that cannot be written is a clear error (exit 2, nothing half-made); the
    example queries on a catalogue not built yet say so; a scan of no results/ folder
    finds nothing."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.ref = os.path.join(ROOT, "results", "reference")
        if not os.path.exists(os.path.join(self.ref, "benchmarks.json")):
            self.skipTest("results/reference is not there")

    def twin_named_alike(self):
        """Two runs in two folders of the same name: the reference, and a copy of it
        whose date differs (another run, the same id)."""
        a = os.path.join(self.tmp, "a", "run")
        b = os.path.join(self.tmp, "b", "run")
        shutil.copytree(self.ref, a)
        shutil.copytree(self.ref, b)
        path = os.path.join(b, "benchmarks.json")
        with open(path) as f:
            doc = json.load(f)
        doc["context"]["date"] = "2000-01-01T00:00:00+00:00"
        with open(path, "w") as f:
            json.dump(doc, f)
        return a, b

    def test_two_runs_with_one_id(self):
        a, b = self.twin_named_alike()
        db = os.path.join(self.tmp, "cat.sqlite")
        with self.assertRaises(results.ResultsError) as e:
            catalogue.build(db, [a, b])
        self.assertIn("a run with the id run is already in the catalogue", str(e.exception))
        self.assertFalse(os.path.exists(db))
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        with self.assertRaises(results.ResultsError):
            catalogue.build(db, [a, empty])
        self.assertFalse(os.path.exists(db))
        skipped = []
        n_runs, _ = catalogue.build(db, [a, b, empty],
                                    lambda folder, why: skipped.append(folder))
        self.assertEqual((n_runs, sorted(skipped)), (1, sorted([b, empty])))

    def test_unwritable_database(self):
        blocker = os.path.join(self.tmp, "file")
        with open(blocker, "w") as f:
            f.write("a file, not a folder\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = catalogue.main(["--db", os.path.join(blocker, "cat.sqlite"), self.ref])
        self.assertEqual(rc, 2)
        self.assertIn("cannot write", err.getvalue())
        self.assertEqual(os.listdir(self.tmp), ["file"])  # no temporary file left

    def test_examples_before_any_catalogue(self):
        out = io.StringIO()
        db = os.path.join(self.tmp, "none.sqlite")
        with contextlib.redirect_stdout(out):
            rc = catalogue.main(["--examples", "--db", db])
        self.assertEqual(rc, 0)
        self.assertIn("does not exist yet: make catalogue", out.getvalue())
        self.assertIn("SELECT", out.getvalue())

    def test_no_results_folder(self):
        self.assertEqual(catalogue.folders_under(os.path.join(self.tmp, "no-such")), [])


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


class VerdictFlips(unittest.TestCase):
    """Break flips-count-missing-data: comparing runs, a verdict flips only between two
    decided verdicts; a run without the data to decide (or undecided) says nothing."""

    def test_only_decided_verdicts_flip(self):
        from runs import compare_runs
        flips = compare_runs.flips
        self.assertTrue(flips(["supported", "not supported"]))
        self.assertTrue(flips(["supported", "missing data", "nuanced"]))
        self.assertFalse(flips(["supported", "missing data"]))
        self.assertFalse(flips(["undecided", "supported", "supported"]))
        self.assertFalse(flips(["missing data", "undecided"]))


class MutantList(unittest.TestCase):
    """tests/mutant_list.py names, for each break, the tests that must catch it; a name
    that is no test (a class since renamed or lost) makes `make mutants FAST=1` count
    the break caught by unittest's own error. Every name is a test that exists."""

    def test_every_named_test_exists(self):
        sys.path.insert(0, os.path.join(ROOT, "tests"))
        import mutants
        from mutant_list import MUTANTS
        self.assertEqual({m["id"]: mutants.unknown_tests(m) for m in MUTANTS
                          if mutants.unknown_tests(m)}, {})
        self.assertEqual(len({m["id"] for m in MUTANTS}), len(MUTANTS), "an id used twice")
        # A break naming none runs the whole of make test under --fast (minutes each).
        self.assertEqual([m["id"] for m in MUTANTS if not m.get("tests")], [])


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-httpd"), os.X_OK),
                     "tvp-httpd is not built")
class HttpdArguments(unittest.TestCase):
    """Break httpd-capacity-trailing: tvp-httpd takes whole numbers only; a capacity or
    a port with anything after its digits ("10x", "8080:") is a usage error (exit 2,
    the argument named), not the number before it."""

    def test_trailing_characters_refused(self):
        httpd = os.path.join(BUILD, "tvp-httpd")
        for args, bad in ((["epoll", "10x"], "10x"), (["epoll", "8", "8080:"], "8080:")):
            with self.subTest(args=args):
                r = subprocess.run([httpd, *args], capture_output=True, text=True, timeout=10)
                self.assertEqual(r.returncode, 2)
                self.assertIn(f"'{bad}'", r.stderr)
                self.assertEqual(r.stdout, "")


class RowsRunInARow(unittest.TestCase):
    """The verdict logic for rows whose repetitions ran in a row (a server kept up, no
    p-value): a comparison holds or fails only when every repetition lies on one side of
    the threshold, else it is undecided; for "greater" and for "within x", both ways. A
    run without a description never counts a row as run in a row. make coverage found
    these outcomes untested."""

    A, B = key("s", "a", "process", "m"), key("s", "b", "thread", "m")

    def outcome(self, relation, threshold, a, b):
        from verdicts import engine
        return engine.in_a_row_comparison(
            claims.Rule("CE", "a against b", self.A, self.B, relation, threshold), a, b, {})

    def test_greater(self):
        self.assertIs(self.outcome("greater", 2.0, [21, 22, 25], [10, 10.5, 9]).holds, True)
        self.assertIs(self.outcome("greater", 2.0, [12, 13, 14], [10, 10.5, 9]).holds, False)
        o = self.outcome("greater", 2.0, [18, 22, 25], [10, 10.5, 9])
        self.assertIsNone(o.holds)
        self.assertTrue(o.undecided)
        self.assertIn("overlap the threshold", o.why)
        self.assertIsNone(o.p_diff)

    def test_within(self):
        self.assertIs(self.outcome("similar", 0.1, [10, 10.2, 10.4], [10.1, 10.3, 10]).holds,
                      True)
        self.assertIs(self.outcome("similar", 0.1, [13, 14, 15], [10, 10.3, 10.1]).holds,
                      False)
        self.assertIs(self.outcome("similar", 0.1, [7, 7.5, 8], [10, 10.3, 10.1]).holds,
                      False)
        o = self.outcome("similar", 0.1, [10, 11.5, 10.2], [10, 10.3, 10.1])
        self.assertTrue(o.undecided)
        with self.assertRaises(ValueError):
            self.outcome("about", 1.0, [1], [1])

    def test_no_description(self):
        from verdicts import engine
        self.assertFalse(engine.ran_in_a_row(object(), self.A))


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK),
                     "tvp-bench is not built")
class PerfStandIn(unittest.TestCase):
    """Breaks perf-ref-usecs-as-ms and perf-ref-exit-ignored: the perf reference rows
    run `perf` from PATH, so a stand-in says what perf would. A take of 5 usecs/op is a
    row of 5 µs; a perf that exits 127 (not installed) or 1 (not allowed) is skipped
    with that reason, not read as a take with no usecs/op line."""

    def rows(self, script):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "perf"), "w") as f:
                f.write("#!/bin/sh\n" + script)
            os.chmod(os.path.join(tmp, "perf"), 0o755)
            out = os.path.join(tmp, "p.json")
            r = subprocess.run(
                [os.path.join(BUILD, "tvp-bench"), "--scenario=ipc", "--repetitions=1",
                 "--benchmark_filter=^perf_ref/sched_pipe/process/measure:latency/"
                 "kind:fork/pin:none/", f"--benchmark_out={out}",
                 "--benchmark_out_format=json"], cwd=ROOT, capture_output=True, text=True,
                timeout=300, env=dict(os.environ, PATH=tmp + os.pathsep + os.environ["PATH"]))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = [b for b in json.load(f)["benchmarks"] if b["run_type"] == "iteration"]
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def test_usecs_per_op_is_the_rows_time(self):
        b = self.rows("printf '# Running sched/pipe benchmark...\\n     Total time: 0.100 "
                      "[sec]\\n\\n       5.000000 usecs/op\\n         200000 ops/sec\\n'\n")
        self.assertFalse(b.get("error_occurred"), b.get("error_message"))
        self.assertEqual(b["time_unit"], "us")
        self.assertAlmostEqual(b["real_time"], 5.0, places=6)

    def test_a_perf_that_fails_is_named(self):
        b = self.rows("exit 127\n")
        self.assertEqual(b.get("error_message"), "perf is not installed (PATH has no perf)")
        b = self.rows("echo 'not allowed' >&2; exit 1\n")
        self.assertEqual(b.get("error_message"),
                         "perf bench sched pipe failed (not allowed here?)")


class PythonWrkUnits(unittest.TestCase):
    """Break py-http-ms-as-us: bench/py_http.py reads wrk's latencies in every unit wrk
    prints (850.00us, 1.20ms, 1.50s, 2.00m) as microseconds, as src/wrk.c does."""

    def test_units(self):
        import py_http
        for text, us in (("850.00us", 850.0), ("1.20ms", 1200.0), ("1.50s", 1.5e6),
                         ("2.00m", 120e6)):
            with self.subTest(text=text):
                r = py_http.parse_wrk(f"     50%  {text}\n     99%  {text}\n"
                                      "  10 requests in 1.00s, 1.00KB read\n"
                                      "Requests/sec:     10.00\n")
                self.assertAlmostEqual(r["p50_us"], us)
                self.assertAlmostEqual(r["p99_us"], us)


@unittest.skipUnless(os.access(os.path.join(BUILD, "tvp-bench"), os.X_OK) and
                     shutil.which("wrk"), "tvp-bench is not built or wrk is missing")
class HttpCpuPerRequest(unittest.TestCase):
    """Break http-cpu-not-per-request: the server's CPU per request, times the requests
    answered, is CPU time the server's processes spent while the row ran; no more than
    the row's wall time on every PU (a bound no load can break: CPU time is never more
    than wall time times the CPUs)."""

    def test_cpu_per_request_fits_the_window(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "h.json")
            t0 = time.monotonic()
            r = subprocess.run(
                [os.path.join(BUILD, "tvp-bench"), "--scenario=http", "--repetitions=1",
                 "--benchmark_filter=^http/thread_per_conn/thread/measure:rate/conn:keepalive/"
                 "body:small/pin:split/connections:100/", f"--benchmark_out={out}",
                 "--benchmark_out_format=json"], cwd=ROOT, capture_output=True, text=True,
                timeout=300)
            wall = time.monotonic() - t0
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                doc = json.load(f)
        (b,) = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        if b.get("error_occurred"):
            self.skipTest(b["error_message"])
        pus = int(doc["context"]["pus"])
        self.assertGreater(b["requests"], 0)
        self.assertGreater(b["server_cpu_ns_per_request"], 0)
        self.assertLessEqual(b["server_cpu_ns_per_request"] * b["requests"], wall * pus * 1e9)


@unittest.skipUnless(shutil.which("wrk"), "wrk is not installed")
class PythonServerTime(unittest.TestCase):
    """Break py-http-time-per-window: a Python server row's time is µs per request, as
    C's rows are: wrk's window over the requests it got answered, so that time and wrk's
    own requests/s agree (their product is a second, but for wrk's rounding)."""

    def test_time_is_per_request(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p.json")
            r = subprocess.run(
                [sys.executable, os.path.join(ROOT, "bench", "py_bench.py"), "--repetitions",
                 "1", "--filter", "^python/http_threading/thread/measure:http/conn:close/"
                 "connections:100$", f"--out={out}"], cwd=ROOT, capture_output=True,
                text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 1, rows)
        b = rows[0]
        if b.get("error_occurred"):
            self.skipTest(b["error_message"])
        self.assertEqual(b["time_unit"], "us")
        self.assertAlmostEqual(b["real_time"] * b["requests_per_s"] / 1e6, 1.0, delta=0.05)


class WhyAttribution(unittest.TestCase):
    """Breaks of the attribution pass (scripts/report/why_fold.py, why_phases.py) the perf
    fixture cannot show: the process tree holds descendants at any depth (a worker's own
    child), and a copy-on-write copy's bytes (copy_page) and a contended spin lock's slow
    path are their phases also where the kernel inlined what called them (the slow path
    right under copy_pte_range: locks, as the phase map's doc says)."""

    def test_tree_at_any_depth(self):
        from report import why_fold
        forks = [(11, 10), (12, 11), (13, 12), (20, 99)]
        self.assertEqual(why_fold.tree(10, forks), {10, 11, 12, 13})

    def sample(self, *kernel):
        from report import why_fold
        frames = [why_fold.Frame(f, True) for f in kernel] + [why_fold.Frame("main", False)]
        return why_fold.Sample("tvp-bench", 10, 10, frames)

    def test_phases_of_the_functions_that_take_the_time(self):
        from report import why_fold
        fault = ("handle_mm_fault", "exc_page_fault", "asm_exc_page_fault")
        self.assertEqual(why_fold.phase_of(self.sample("copy_page", "wp_page_copy", *fault)),
                         "page_copy")
        self.assertEqual(why_fold.phase_of(self.sample(
            "native_queued_spin_lock_slowpath", "copy_pte_range", "copy_pmd_range",
            "copy_page_range", "dup_mmap", "dup_mm")), "locks")


class WhySentences(unittest.TestCase):
    """Break why-share-no-samples: a row of the attribution pass that caught no sample
    says nothing about its phases, so the create sentence keeps its mechanism a
    hypothesis instead of quoting 0% of nothing."""

    def test_a_row_without_samples_is_no_share(self):
        import types
        from report import why
        def row(row_id, samples, **phases):
            return {"id": row_id, "samples": samples, "phases": phases, "top": []}
        doc = {"rows": [row("fork_1g_child", 0, pt_teardown=0.0),
                        row("fork_1g_parent", 800, pt_copy=95.0)]}
        w = why.Why(doc)
        self.assertIsNone(w.share("fork_1g_child", "pt_teardown"))
        self.assertEqual(w.share("fork_1g_parent", "pt_copy"), 95.0)
        text = why.fork_exit_words(types.SimpleNamespace(why=w), "500", "300")
        self.assertIn("is a hypothesis", text)
        self.assertNotIn("0%", text)


class HttpKeyNumber(unittest.TestCase):
    """Break http-key-largest-level: C8's key number (memory per idle connection, thread
    against fork per connection) is read at 1000 connections wherever both held 1000,
    as the handout and the rule state it, not at a larger level the full profile adds."""

    def test_at_a_thousand(self):
        from report import http
        rows = []
        for server, mode, kib in (("thread_per_conn", "thread", 30.0),
                                  ("fork_per_conn", "process", 100.0)):
            for n in (100, 1000, 10000):
                b = bench(f"http/{server}/{mode}/measure:memory/connections:{n}", [1.0] * 3)
                b.counters["kib_per_conn"] = [kib * (2 if n == 10000 else 1)] * 3
                rows.append(b)
        text = " ".join(http.key_number(run_of(*rows)))
        self.assertIn("With 1000 idle connections open", text)
        self.assertIn("a thread costs 30 KiB and one held by a forked process 100 KiB: "
                      "3.3× as much", text)


class HandoutCheck(unittest.TestCase):
    """Breaks handout-check-overflow-ignored and handout-check-largest-font: a page whose
    reading runs past its box does not fit, even where the box itself ends on the screen
    (a lecturer would not see the rest); and a figure's text is as small as its smallest
    font (the SVG twin's), which is what must stay readable."""

    def test_smallest_font_of_a_figure(self):
        from report import handout_check
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "fig.svg"), "w") as f:
                f.write('<svg><text font-size="22.00">T</text><text font-size="9.5">t</text>'
                        '<text font-size="14">m</text></svg>')
            self.assertEqual(handout_check.svg_min_font(tmp, "fig.png"), 9.5)
            self.assertIsNone(handout_check.svg_min_font(tmp, "none.png"))

    def test_a_box_that_overflows_does_not_fit(self):
        from report import handout_check
        if not handout_check.browser():
            self.skipTest("no Chromium here")
        words = " ".join(["a line of the reading that goes on"] * 400)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "HANDOUT.html"), "w") as f:
                f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
                        "<style>body { margin: 0; font-size: 24px; } section.level2 { "
                        "height: 600px; }</style></head><body><div class=\"title\">A "
                        "handout</div><section id=\"c1\" class=\"level2\"><h2>C1</h2>"
                        '<div class="body" style="height: 100px; overflow: hidden">'
                        f"{words}</div></section></body></html>")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "handout_check.py"),
                                tmp, "--out", os.path.join(tmp, "screens")],
                               capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        pages = {p["page"]: p for p in json.loads(r.stdout)["HANDOUT.html"]}
        self.assertTrue(pages["title"]["fits"])
        c1 = pages["c1"]
        self.assertLessEqual(c1["content_height"], c1["height"] + 1)  # the box ends on screen
        self.assertEqual(c1["overflowing"], ["div.body"])
        self.assertFalse(c1["fits"])


if __name__ == "__main__":
    unittest.main()
