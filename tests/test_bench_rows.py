"""test_bench_rows.py - tvp-bench's rows by their definitions, on a few real rows at a
10 ms minimum time (a test's run, not a measurement), whatever the machine's speed; and
the command lines of tvp-bench, tvp-httpd, run.py and write_report.py at their edges
(split from tests/test_behaviours.py, issue 26: each class pins a behaviour a deliberate
break of tests/mutant_list.py once changed with every other test passing, and says which).

  FootprintSlab  footprint's slab growth is per worker
  BenchCounters  the counters of a few real rows of globals, bw_lmbench, scale, cow, create
  PoolCounters   a pool runs its batches on at most its workers; overhead over their CPUs
  Faults         faults injected through seams: TVP_HELPER, TVP_IPC_LOSE, lmbench's labels
  PerfStandIn    the perf reference rows with a stand-in perf on PATH
  HttpCpuPerRequest  the server's CPU per request fits the row's window (needs wrk)
  DescribeTables, CommandLineEdges, HttpdArguments, RunRepetitions  the programs'
                 descriptions and command lines

Needs build/tvp-bench (and tvp-httpd, wrk where said), skipped with the reason without.
Tier: fast (tests/tiers): seconds of tvp-bench."""
import glob
import unittest

from scripts_kit import *  # noqa: F401,F403


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

    def test_every_command_answers_help(self):
        # --help is a question, not a file name or a folder: each command in scripts/
        # answers it with its usage and status 0, and writes nothing where it ran.
        commands = sorted(glob.glob(os.path.join(ROOT, "scripts", "*.py")))
        self.assertGreater(len(commands), 5)
        for script in commands:
            with self.subTest(command=os.path.basename(script)), \
                    tempfile.TemporaryDirectory() as d:
                r = subprocess.run([sys.executable, script, "--help"], cwd=d,
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr[-2000:])
                self.assertIn(os.path.basename(script), r.stdout)
                self.assertEqual(os.listdir(d), [])


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


if __name__ == "__main__":
    unittest.main()
