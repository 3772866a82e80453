"""test_outcomes.py - outcome codes between the halves (issue 30): C's pool scenario and
the notes' Python write what happened as codes (a JSON list of clauses in the label,
docs/results.md), the report alone holds the words, and an old run's English labels
still read as they did.

  Legacy     every English label of the committed runs reads back, through the one
             compatibility table, into clauses whose words are that label again
  Words      a newer run's unknown code is shown as a code, never dropped; both
             languages give old and new labels the same words
  LiveC      tvp-bench's pool rows write codes: a process pool's worker killed by
             SIGSEGV, a thread pool's whole process gone with 3 results
  LivePython py_bench.py's crash and exception rows write codes"""
import json
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
from report import i18n, outcomes  # noqa: E402
from report.pool_faults import C_SAID, c_words  # noqa: E402
from report.python_answers import SAID, said  # noqa: E402

RUNS = [os.path.join(ROOT, "tests", "fixtures", "run-small.json"),
        os.path.join(ROOT, "results", "reference", "benchmarks.json"),
        os.path.join(ROOT, "results", "reference-twin", "benchmarks.json")]


def coded_rows(path):
    """(name, label) of the rows whose label says what happened: C's pool faults and
    stray writes, Python's crash and exception rows."""
    with open(path) as f:
        rows = json.load(f)["benchmarks"]
    return {(r["name"], r["label"]) for r in rows if r.get("label") and (
        r["name"].startswith("pool/") and ("measure:fault" in r["name"] or
                                           "measure:scribble" in r["name"])
        or r["name"].startswith("python") and ("measure:crash" in r["name"] or
                                               "measure:exception" in r["name"]))}


class Legacy(unittest.TestCase):
    def test_old_labels_read_back_into_their_own_words(self):
        seen = 0
        for path in RUNS:
            if not os.path.exists(path):
                continue
            for name, label in coded_rows(path):
                if label.startswith("["):
                    continue  # a run written with codes
                got = outcomes.legacy(label)
                self.assertTrue(got, (path, name, label))
                for clause in got:
                    self.assertIn(clause[0], outcomes.ARGS, label)
                words = c_words(label) if name.startswith("pool/") else said(label)
                self.assertEqual(words, label, name)
                seen += 1
        self.assertGreater(seen, 20)

    def test_a_label_with_a_tail(self):
        label = ("result() raised BrokenProcessPool: gone.; the sibling task's result() "
                 "raised BrokenProcessPool; a new submit raised BrokenProcessPool")
        self.assertEqual(outcomes.codes(label), ["raised", "sibling_raised", "submit_raised"])
        self.assertEqual(said(label), label)


class Words(unittest.TestCase):
    def test_unknown_code_is_shown_not_dropped(self):
        self.assertEqual(outcomes.words('[["vanished",3,"x"]]', C_SAID), "vanished (3, x)")
        self.assertEqual(outcomes.words("", C_SAID), "")
        self.assertEqual(outcomes.words("free text", C_SAID), "free text")

    def test_codes_and_old_labels_give_the_same_words_in_both_languages(self):
        pairs = [('[["process_killed","SIGSEGV"],["lost",3]]',
                  "the whole process died of SIGSEGV; all 3 other tasks lost", c_words),
                 ('[["exited",3]]', "worker exited with status 3", c_words),
                 ('[["exitcode",-11,"SIGSEGV"]]',
                  "exitcode -11 (SIGSEGV) on the Process object; the rest runs on", said),
                 ('[["exitcode",1]]', "exitcode 1 on the Process object; the rest runs on",
                  said),
                 ('[["raised","result","BrokenProcessPool: x"],["submit_raised",'
                  '"BrokenProcessPool"]]', "result() raised BrokenProcessPool: x; a new "
                  "submit raised BrokenProcessPool", said)]
        for code, old, fn in pairs:
            self.assertEqual(fn(code), old)
            with i18n.language("zh"):
                self.assertEqual(fn(code), fn(old))
                self.assertNotEqual(fn(code), old)

    def test_every_code_has_words(self):
        c_codes = {"result", "error", "exited", "killed", "timed_out", "process_killed",
                   "process_exited", "lost", "owner_intact", "owner_overwritten"}
        self.assertEqual(set(C_SAID), c_codes)
        self.assertEqual(set(SAID) | c_codes, set(outcomes.ARGS))


@unittest.skipUnless(os.access(BENCH, os.X_OK), "tvp-bench is not built")
class LiveC(unittest.TestCase):
    def test_pool_rows_write_codes(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "pool.json")
            r = subprocess.run([BENCH, "--scenario=pool", "--repetitions=1",
                                "--benchmark_filter=measure:(fault/kind:(fork|pthread)/"
                                "failure:(segv|error)|scribble)",
                                f"--benchmark_out={out}"], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = {row["name"].split("/iterations")[0]: row["label"]
                        for row in json.load(f)["benchmarks"]}
        got = {n: json.loads(label) for n, label in rows.items()}
        fault = "pool/pool/{mode}/measure:fault/kind:{kind}/failure:{failure}"
        self.assertEqual(got[fault.format(mode="process", kind="fork", failure="segv")],
                         [["killed", "SIGSEGV"]])
        self.assertEqual(got[fault.format(mode="thread", kind="pthread", failure="segv")],
                         [["process_killed", "SIGSEGV"], ["lost", 3]])
        self.assertEqual(got[fault.format(mode="process", kind="fork", failure="error")],
                         [["error", 7]])
        scribbles = {n: v for n, v in got.items() if "scribble" in n}
        self.assertEqual(sorted(map(str, scribbles.values())),
                         ["[['owner_intact']]", "[['owner_overwritten']]"])
        for label in rows.values():
            self.assertFalse(c_words(label).startswith("["), label)  # words, not codes
            self.assertFalse(set(outcomes.codes(label)) - set(C_SAID))


class LivePython(unittest.TestCase):
    def test_crash_and_exception_rows_write_codes(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "py.json")
            r = subprocess.run([PY, os.path.join(ROOT, "bench", "py_bench.py"),
                                "--repetitions", "1", "--min-time", "0.005", "--out", out,
                                "--filter", "python/(process/process/measure:crash/failure:"
                                "segv|mp_pool/process/measure:exception/fetch:(get|never_"
                                "fetched))"], capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            with open(out) as f:
                rows = {row["name"].replace("/manual_time", ""): row["label"]
                        for row in json.load(f)["benchmarks"]}
        by = {n.split("/measure:")[1].split("/")[0] + "/" + n.split("/")[-1]: json.loads(v)
              for n, v in rows.items()}
        self.assertEqual(by["crash/failure:segv"], [["exitcode", -11, "SIGSEGV"]])
        self.assertEqual(by["exception/fetch:get"],
                         [["raised", "get", "ValueError: task 2 failed"]])
        self.assertEqual(by["exception/fetch:never_fetched"], [["silent"]])
        for label in rows.values():
            self.assertFalse(set(outcomes.codes(label)) - set(SAID))


if __name__ == "__main__":
    unittest.main()
