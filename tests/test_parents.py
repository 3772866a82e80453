"""test_parents.py - the live tier: both parents in the real suite (the minimal parent and
tvp-bench), every footprint row's kernel source and resolution, "below resolution" in the
report, and Ctrl-C mid-build-up removing the cgroup. Needs the build in $BUILD.

Tier: live (tests/tiers lists the fast tier; docs/testing.md). Split from
tests/test_scripts.py; the helpers they share are in tests/scripts_kit.py."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class Parents(unittest.TestCase):
    """The minimal parent beside tvp-bench, and kernel memory by a source that resolves
    one worker: the real tvp-bench creates from both parents and says how big each is,
    every footprint row names its kernel source and resolution, a row below resolution
    is said to be so (never a number or a bar), the intervals carry their real coverage,
    the creation figure's axis fits its bars, and no process or cgroup is left, also
    after an interrupt."""
    BENCH = os.path.join(BUILD, "tvp-bench")

    def bench_json(self, scenario, pattern, mark=None):
        """The rows of one tvp-bench run, and its pid's leftover cgroups."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            env = dict(os.environ, TVP_TEST_MARK=mark) if mark else None
            p = subprocess.Popen([self.BENCH, "--scenario", scenario, "--repetitions", "1",
                                  "--min-time", "0.001", f"--benchmark_filter={pattern}",
                                  f"--benchmark_out={out}", "--benchmark_out_format=json"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, env=env)
            _, err = p.communicate(timeout=2 * PATIENCE)
            self.assertEqual(p.returncode, 0, err[-2000:])
            with open(out) as f:
                rows = [b for b in json.load(f)["benchmarks"] if b.get("run_type") != "aggregate"]
        return rows, tvp_cgroups(p.pid)

    def test_both_parents_create_and_report(self):
        rows, _ = self.bench_json(
            "create", "^create/(pthread|fork|posix_spawn)/[a-z]+/measure:(round_trip|start)/"
            "parent:(tvp|minimal)/layout:private/parent_mib:0/")
        self.assertEqual(len(rows), 12, [b["name"] for b in rows])
        by = {}
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                self.assertTrue(b["name"].endswith("/manual_time"), b["name"])
                self.assertGreater(b["iterations"], 0)
                self.assertGreater(b["real_time"], 0)
                self.assertGreater(b["parent_rss_kib"], 0)
                self.assertGreater(b["parent_maps"], 0)
                if "/posix_spawn/" in b["name"] or "/fork/" in b["name"]:
                    self.assertIn("child_cpu_ns", b)
            by[results.parse_name(b["name"]).args["parent"]] = b
        # The minimal parent is the smaller program: fewer mappings, less resident.
        self.assertLess(by["minimal"]["parent_maps"], by["tvp"]["parent_maps"])
        self.assertLess(by["minimal"]["parent_rss_kib"], by["tvp"]["parent_rss_kib"])
        self.assertEqual(children_of(os.getpid()), [])

    def test_footprint_rows_name_their_source(self):
        mark = f"{os.getpid()}-parents-footprint"
        rows, left = self.bench_json(
            "footprint", "^footprint/(pthread|fork|posix_spawn)/[a-z]+/measure:memory/"
            "parent:(tvp|minimal)/workers:(1|10)/parent_mib:0/", mark)
        self.assertEqual(len(rows), 12, [b["name"] for b in rows])
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                for c in ("kernel_kib", "kernel_source", "kernel_resolution_kib",
                          "page_tables_kib", "pss_kib", "private_kib", "private_clean_kib",
                          "meminfo_kernel_kib", "parent_rss_kib", "parent_maps"):
                    self.assertIn(c, b)
                self.assertIn(b["kernel_source"], (1, 3))
                self.assertGreater(b["kernel_resolution_kib"], 0)
                if memory_cgroup_home() and os.geteuid() == 0:
                    self.assertEqual(b["kernel_source"], 1, "a memory cgroup could be made")
        self.assertEqual(left, [])
        self.assertEqual(children_of(os.getpid()), [])
        self.assertEqual(marked(mark), set())

    def test_meminfo_fallback_says_so(self):
        """Without a cgroup (forced here as a machine without one would be), every row
        says its kernel memory is /proc/meminfo's, why, and a resolution of at least a
        page per CPU."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            r = run([self.BENCH, "--scenario", "footprint", "--repetitions", "1",
                     "--benchmark_filter=^footprint/(pthread|fork)/[a-z]+/measure:memory/"
                     "parent:(tvp|minimal)/workers:1/parent_mib:0/",
                     f"--benchmark_out={out}", "--benchmark_out_format=json"],
                    env=dict(os.environ, TVP_FOOTPRINT_SOURCE="meminfo"))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 4)
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertFalse(b.get("error_occurred"), b.get("error_message"))
                self.assertEqual(b["kernel_source"], 3)
                self.assertIn("TVP_FOOTPRINT_SOURCE=meminfo", b.get("label", ""))
                self.assertGreaterEqual(b["kernel_resolution_kib"], 4 * os.cpu_count())
        self.assertEqual(children_of(os.getpid()), [])

    def test_per_process_source(self):
        """Without a cgroup, each worker's page tables and one kernel stack: a thread
        alone is resolved (at least a kernel stack), and the row says slab is not seen."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            r = run([self.BENCH, "--scenario", "footprint", "--repetitions", "1",
                     "--benchmark_filter=^footprint/(pthread|fork)/[a-z]+/measure:memory/"
                     "parent:minimal/workers:1/parent_mib:0/",
                     f"--benchmark_out={out}", "--benchmark_out_format=json"],
                    env=dict(os.environ, TVP_FOOTPRINT_SOURCE="proc"))
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = json.load(f)["benchmarks"]
        self.assertEqual(len(rows), 2)
        for b in rows:
            with self.subTest(name=b["name"]):
                self.assertEqual(b["kernel_source"], 2)
                self.assertGreaterEqual(b["kernel_kib"], 8)  # a kernel stack at least
                self.assertGreaterEqual(b["kernel_kib"], b["kernel_resolution_kib"])
                # The rest is the one kernel stack: a power of two of KiB.
                self.assertIn(b["kernel_kib"] - b["page_tables_kib"], (8, 16, 32, 64))

    def test_interrupt_removes_the_cgroup(self):
        home = memory_cgroup_home()
        if not home or os.geteuid() != 0:
            self.skipTest("no v1 memory cgroup that this user can make")
        mark = f"{os.getpid()}-parents-sigint"
        p = subprocess.Popen([self.BENCH, "--scenario", "footprint", "--repetitions", "50",
                              "--benchmark_filter=^footprint/fork/process/measure:memory/"
                              "parent:(tvp|minimal)/workers:1000/parent_mib:0/"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, TVP_TEST_MARK=mark))
        try:
            deadline = time.monotonic() + PATIENCE
            while not tvp_cgroups(p.pid) and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.01)
            self.assertTrue(tvp_cgroups(p.pid), "tvp-bench made no cgroup to interrupt")
            time.sleep(0.2)  # into the middle of a build-up
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(timeout=PATIENCE), -signal.SIGINT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        deadline = time.monotonic() + PATIENCE
        while marked(mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(marked(mark), set())
        self.assertEqual(tvp_cgroups(p.pid), [])

    # --- the report, on a run built from names with chosen counters ------------------

    def names_run(self, scenario):
        listed = run([self.BENCH, "--benchmark_list_tests", "--scenario", scenario])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        described = run([self.BENCH, "--describe"])
        self.assertEqual(described.returncode, 0, described.stderr)
        ctx = {"pus": "2", "profile": "quick", "placement": "none", "tvp_version": "test"}
        return wanted.names_run(listed.stdout.split(), Describe(json.loads(described.stdout)),
                                ctx)

    @staticmethod
    def set_counters(run_, name_part, **counters):
        for k, b in run_.benches.items():
            if name_part in str(k):
                b.counters = dict(b.counters, **counters)

    def test_below_resolution_is_said_so(self):
        from report import footprint, kit
        r = self.names_run("footprint")
        one = "footprint/pthread/thread/measure:memory/parent:tvp/workers:1/parent_mib:0"
        base = {c: [5.0] * 5 for c in ("private_kib", "private_clean_kib", "pss_kib",
                                       "page_tables_kib", "meminfo_kernel_kib", "vm_kib",
                                       "parent_rss_kib", "parent_maps")}
        for k, b in r.benches.items():
            b.counters = dict(base, kernel_kib=[30.0, 31, 32, 33, 34],
                              kernel_resolution_kib=[8.0] * 5, kernel_source=[1.0] * 5)
        self.set_counters(r, one, kernel_kib=[-680.0, 0, 200, 90, -40],
                          kernel_resolution_kib=[576.0] * 5, kernel_source=[3.0] * 5)
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "data"))
            drew, kit.DRAW = kit.DRAW, False
            try:
                text = "\n".join(footprint.section(r, folder))
            finally:
                kit.DRAW = drew
            with open(os.path.join(folder, "data", "footprint.dat")) as f:
                data = f.read()
        line = next(l for l in text.split("\n")
                    if l.startswith("| pthread_create | 1 | 0 | tvp-bench |"))
        self.assertIn("below resolution (±576)", line)
        self.assertIn("/proc/meminfo", line)
        self.assertNotRegex(line, r"\| (0|-?\d+(\.\d+)?) \[")  # no interval for it
        other = next(l for l in text.split("\n")
                     if l.startswith("| pthread_create | 10 | 0 | tvp-bench |"))
        self.assertIn("32 [30, 34]", other)
        # A negative cost is never a number either, whatever the stated resolution.
        self.set_counters(r, "measure:memory/parent:tvp/workers:10/parent_mib:0",
                          kernel_kib=[-5588.0] * 5, kernel_resolution_kib=[700.0] * 5,
                          kernel_source=[3.0] * 5)
        self.assertFalse(footprint.resolved(r.get("footprint", "fork", "process", "memory",
                                                  parent="tvp", workers=10, parent_mib=0)))
        self.assertIn("memory cgroup", other)
        # In the figure: the kernel part of that bar is left out and the bar is marked.
        first = data.split("\n\n\n")[0].split("\n")
        bar = next(l for l in first if '"pthread_create"' in l and l.startswith("0 "))
        fields = bar.split()  # x label mode user kernel lo hi group below clean
        self.assertEqual(fields[8], "1", bar)
        self.assertEqual(fields[4], "0.00", bar)
        self.assertEqual(fields[5:7], ["NaN", "NaN"], bar)
        # Both parents are stated with their size, and the real coverage is named.
        self.assertIn("tvp-bench 0.00488 MiB resident, 5 mappings", text)
        self.assertIn("minimal parent", text)
        self.assertIn("93.75% interval", text)
        self.assertNotIn("95% interval", text)

    def test_creation_figure_fits_its_bars(self):
        from report import create
        r = self.names_run("create")
        for k, b in r.benches.items():
            b.times_us = [900.0, 1000, 1100, 1200, 1221]
            b.counters = {"parent_rss_kib": [900.0] * 5, "parent_maps": [13.0] * 5,
                          "child_cpu_ns": [1000.0] * 5}
            if "/pthread/" in str(k):
                b.times_us = [15.0, 16, 17, 18, 19]
        data, (lo, hi) = create.methods_data(r, create.parents(r))
        self.assertLessEqual(float(lo), 15)
        self.assertGreater(float(lo), 1.5)       # not a decade below the lowest bar
        self.assertGreaterEqual(float(hi), 1221)
        self.assertLessEqual(float(hi), 2000)    # not 10,000 for a maximum of 1,221
        lines = [l for l in data.split("\n") if l.startswith('"')]
        self.assertEqual(len(lines), len(r.describe.kinds))
        self.assertEqual(len(lines[0].split()), 8)  # label, mode, 3 per parent
        self.assertEqual(create.coverage_words(create.empty_parent_rows(r)), "93.75%")
        # gnuplot takes the range as strings: no exponent, which it refuses.
        for b in r.benches.values():
            b.times_us = [t * 6 for t in b.times_us]  # 7,326 µs: a range to 10,000
        _, (lo, hi) = create.methods_data(r, create.parents(r))
        self.assertEqual(hi, "10000")
        self.assertNotIn("e", lo + hi)


if __name__ == "__main__":
    unittest.main(verbosity=2)
