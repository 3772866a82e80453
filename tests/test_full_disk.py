"""test_full_disk.py - nothing lost when the output cannot be finished: a writer killed
mid-document leaves its finished rows readable (deaths.salvage); on a full 100 KiB tmpfs
run.py exits 2 with one line and no traceback; full_disk.stop removes what was left
half-written (split from tests/test_limits.py).

Mounting a tmpfs needs root: skipped with the reason elsewhere. Tier: Salvage and
FullDiskStop fast, FullDisk live (tests/tiers)."""
import unittest

from scripts_kit import *  # noqa: F401,F403
from running import deaths  # noqa: E402


def run_py(args, **kw):
    return subprocess.run([PY, os.path.join(ROOT, "scripts", "run.py"), *args],
                          capture_output=True, text=True, cwd=ROOT,
                          timeout=2 * PATIENCE, **kw)


class Salvage(unittest.TestCase):
    """A writer killed mid-document leaves its finished rows readable."""

    def doc(self):
        return {"context": {"k": "v"}, "benchmarks": [
            {"name": f"a/{i}", "run_name": f"a/{i}", "real_time": i} for i in range(3)]}

    def test_cut_mid_row_keeps_the_rows_before(self):
        text = json.dumps(self.doc(), indent=2)
        cut = text[:text.index('"a/2"') + 3]
        doc, was_cut = deaths.salvage(cut)
        self.assertTrue(was_cut)
        self.assertEqual([b["name"] for b in doc["benchmarks"]], ["a/0", "a/1"])
        self.assertEqual(deaths.finished(doc), {"a/0", "a/1"})

    def test_whole_and_empty(self):
        text = json.dumps(self.doc(), indent=2)
        self.assertEqual(deaths.salvage(text), (self.doc(), False))
        head = text[:text.index('"benchmarks": [') + len('"benchmarks": [')]
        doc, cut = deaths.salvage(head + "\n")
        self.assertTrue(cut)
        self.assertEqual(doc["benchmarks"], [])
        self.assertEqual(deaths.salvage('{"cont'), (None, False))

    def test_rest_leaves_out_the_dead(self):
        names = ["c/x:1/real_time", "c/x:10/real_time", "c/x:100/real_time"]
        filt, left, died = deaths.rest_filter(names, {"c/x:1/real_time"}, "c/x:10")
        self.assertEqual(died, ["c/x:10/real_time"])
        self.assertEqual(left, ["c/x:100/real_time"])
        self.assertIn("x:100", filt)
        self.assertEqual(deaths.signal_name(-9), "SIGKILL")
        self.assertIsNone(deaths.signal_name(1))


class FullDisk(unittest.TestCase):
    """Results on a 100 KiB tmpfs: one line naming the folder, what was kept and how to
    write the report later; exit status 2; no traceback."""

    def test_enospc(self):
        need_bench(self)
        with tempfile.TemporaryDirectory() as mnt:
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", mnt],
                               capture_output=True, text=True)
            if r.returncode != 0:
                self.skipTest("cannot mount a tmpfs here: " +
                              (r.stderr.strip().splitlines() or ["mount failed"])[0])
            try:
                r = run_py(["--out", mnt, *[a for a in SMALL_COW if a != "--no-report"],
                            "--bench", BENCH])
                (folder,) = os.listdir(mnt)
                kept = sorted(os.listdir(os.path.join(mnt, folder)))
            finally:
                subprocess.run(["umount", mnt], check=True)
        self.assertEqual(r.returncode, 2, r.stderr[-2000:])
        self.assertNotIn("Traceback", r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        self.assertIn("No space left on device", last)
        self.assertIn(os.path.join(mnt, folder), last)
        self.assertNotIn("REPORT.md", kept)
        if "benchmarks.json" in kept:
            self.assertIn(f"scripts/write_report.py {os.path.join(mnt, folder)}", last)


class FullDiskStop(unittest.TestCase):
    """Break full-disk-report-kept, and the line itself without a tmpfs: full_disk.stop
    removes what a full disk left half-written (a REPORT.md a reader would take for the
    run's, the .tmp files), keeps the whole raw files, says so in one line with the way
    to write the report later, and exits with status 2."""

    def test_stop(self):
        import contextlib
        import errno
        import io
        from report import full_disk
        with tempfile.TemporaryDirectory() as folder:
            for name, text in (("REPORT.md", "# half a rep"), ("benchmarks.json.tmp", "{"),
                               ("samples.csv.tmp", "run,"), ("benchmarks.json", "{}"),
                               ("samples.csv", "run,host\n")):
                with open(os.path.join(folder, name), "w") as f:
                    f.write(text)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as e:
                full_disk.stop(folder, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC),
                                               os.path.join(folder, "REPORT.md")))
            self.assertEqual(e.exception.code, 2)
            self.assertEqual(sorted(os.listdir(folder)), ["benchmarks.json", "samples.csv"])
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("No space left on device", lines[0])
        self.assertIn("kept benchmarks.json and samples.csv", lines[0])
        self.assertIn(f"scripts/write_report.py {folder}", lines[0])


if __name__ == "__main__":
    unittest.main()
