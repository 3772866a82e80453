"""test_gbench_debug.py - Google Benchmark's DEBUG warning (issue 30): run.py tells
whether the library tvp-bench loads is a debug build from the library itself, and
scripts/gbench_debug.py (the paired measurement behind docs/measuring.md) refuses bad
input with a clear error, not a traceback."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
BENCH = os.path.join(BUILD, "tvp-bench")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from running import machine_state  # noqa: E402


class DebugLibrary(unittest.TestCase):
    @unittest.skipUnless(os.access(BENCH, os.X_OK), "tvp-bench is not built")
    def test_the_library_says_what_it_prints(self):
        # The warning text is compiled into the library only without NDEBUG: the answer
        # agrees with what tvp-bench prints when it runs a benchmark.
        r = subprocess.run([BENCH, "--scenario=globals", "--repetitions=1",
                            "--benchmark_filter=^globals/pthread/"],
                           capture_output=True, text=True, timeout=120)
        printed = "Library was built as DEBUG" in r.stdout + r.stderr
        self.assertEqual(machine_state.gbench_debug_library(BENCH), printed)

    def test_no_library_found_is_no(self):
        self.assertFalse(machine_state.gbench_debug_library("/nonexistent/tvp-bench"))
        self.assertFalse(machine_state.gbench_debug_library("/bin/true"))


class Refusals(unittest.TestCase):
    def run_tool(self, *args):
        return subprocess.run([PY, os.path.join(ROOT, "scripts", "gbench_debug.py"), *args],
                              capture_output=True, text=True, timeout=60)

    def test_bad_library_folders_are_refused(self):
        with tempfile.TemporaryDirectory() as empty:
            for bad in (["nolib"], [f"x={empty}"]):
                r = self.run_tool("--build", BUILD, *bad)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("NAME=LIBDIR", r.stderr)
                self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()
