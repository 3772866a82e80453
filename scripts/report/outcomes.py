"""outcomes.py - what happened in a pool or crash row, read from its label: codes, never
words. Both halves write the label as a JSON list of outcome clauses, each [code,
argument...] (docs/results.md: outcome codes): C's pool scenario (bench/pool.c,
src/pool.c pool_outcome) and the notes' Python (bench/py_bench.py label_of). The words
are the report's: each caller keeps a table {code: msgid} whose placeholders are the
clause's arguments by the names ARGS gives them.

Runs written before the codes carry English labels; LEGACY reads them back into the
same clauses, so an old run renders as it did. Nothing else parses prose."""
import json
import re

from report.i18n import _

# Each code's arguments, in order: the placeholders of its msgid.
ARGS = {
    # C's pool (the caller's pool_wait, or a sacrificial child holding a thread pool)
    "result": ("value",), "error": ("code",), "exited": ("status",), "killed": ("signal",),
    "timed_out": (), "process_killed": ("signal",), "process_exited": ("status",),
    "lost": ("n",), "owner_intact": (), "owner_overwritten": (),
    # the notes' Python: a crash beside a sibling task
    "exitcode": ("code", "signal"), "excepthook": ("exceptions",),
    "returned": ("call",), "returned_normally": ("call",), "get_timed_out": ("s",),
    "raised": ("call", "error"), "sibling_raised": ("error",), "submit_raised": ("error",),
    # the notes' Python: an exception in a pool worker, and a plain Process's
    "silent": (), "nothing_printed": (), "printed": ("text",),
    "reached_fds": ("out", "err", "text"), "raised_in_caller": ("error",),
    "traceback": ("bytes", "last", "code"), "no_traceback": ("bytes", "code"),
    "error_callback": ("error",), "error_callback_not_called": (),
}

# The English labels of runs before the codes, whole-label patterns in the order
# tried; each gives its clauses from the match. Only for reading old runs.
_SIG = r"(SIG\w+|SIG\?)"
LEGACY = [
    (r"result (-?\d+)", lambda m: [["result", int(m[1])]]),
    (r"error (-?\d+) returned by the task", lambda m: [["error", int(m[1])]]),
    (r"worker exited with status (\d+)", lambda m: [["exited", int(m[1])]]),
    (r"worker killed by " + _SIG, lambda m: [["killed", m[1]]]),
    (r"timed out; worker ended", lambda m: [["timed_out"]]),
    (r"the whole process died of " + _SIG + r"; all (\d+) other tasks lost",
     lambda m: [["process_killed", m[1]], ["lost", int(m[2])]]),
    (r"the whole process exited with status (\d+); all (\d+) other tasks lost",
     lambda m: [["process_exited", int(m[1])], ["lost", int(m[2])]]),
    (r"the owner's data is intact", lambda m: [["owner_intact"]]),
    (r"the owner's data was overwritten", lambda m: [["owner_overwritten"]]),
    (r"exitcode (-?\d+) \((\w+)\) on the Process object; the rest runs on",
     lambda m: [["exitcode", int(m[1]), m[2]]]),
    (r"exitcode (-?\d+) on the Process object; the rest runs on",
     lambda m: [["exitcode", int(m[1])]]),
    (r"join\(\) returned as after success; the traceback went to threading\.excepthook "
     r"\(([^)]*)\)", lambda m: [["excepthook", m[1]]]),
    (r"get\(timeout=([\d.]+)\) raised TimeoutError: the worker died, the pool made a new "
     r"one, and the result never comes \(get\(\) without a timeout waits forever\)",
     lambda m: [["get_timed_out", m[1]]]),
    (r"get\(\) returned normally", lambda m: [["returned_normally", "get"]]),
    (r"(get|result)\(\) returned", lambda m: [["returned", m[1]]]),
    (r"the whole process ended \(killed by (\w+)\): the caller and every other worker "
     r"with it", lambda m: [["process_killed", m[1]]]),
    (r"the whole process ended \(exit status (\d+)\): the caller and every other worker "
     r"with it", lambda m: [["process_exited", int(m[1])]]),
    (r"nothing raised, and nothing reached fd 1 or 2 of the parent or of a worker: the "
     r"exception stays in the result nobody fetched, and goes with it",
     lambda m: [["silent"]]),
    (r"nothing raised and nothing printed: the exception stays in the result nobody "
     r"fetched, and goes with it", lambda m: [["nothing_printed"]]),
    (r"reached fd 1/2 \((\d+) \+ (\d+) bytes\): (.*)",
     lambda m: [["reached_fds", int(m[1]), int(m[2]), m[3]]]),
    (r"raised in the caller: (\w+)", lambda m: [["raised_in_caller", m[1]]]),
    (r"the child printed its traceback to fd 2 \((\d+) bytes, ending '(.*)'\), "
     r"exitcode (-?\d+)", lambda m: [["traceback", int(m[1]), m[2], int(m[3])]]),
    (r"no traceback reached fd 2 \((\d+) bytes\); exitcode (-?\d+)",
     lambda m: [["no_traceback", int(m[1]), int(m[2])]]),
    (r"printed: (.*)", lambda m: [["printed", m[1]]]),
    (r"error_callback got (.+)", lambda m: [["error_callback", m[1]]]),
    (r"error_callback was not called", lambda m: [["error_callback_not_called"]]),
    # A clause py_bench.py once added at the end of a label.
    (r"(.+); the sibling task's result\(\) raised (\w+)",
     lambda m: legacy(m[1]) + [["sibling_raised", m[2]]]),
    (r"(.+); a new submit raised (\w+)",
     lambda m: legacy(m[1]) + [["submit_raised", m[2]]]),
    (r"(get|result)\(\) raised (.+)", lambda m: [["raised", m[1], m[2]]]),
]


def legacy(text):
    """The clauses of an old run's English label; [] for one no pattern matches."""
    for pattern, clauses in LEGACY:
        m = re.fullmatch(pattern, text, re.S)
        if m:
            return clauses(m)
    return []


def clauses(label):
    """[(code, {name: argument})] of a row's label: the JSON clauses a run writes, or an
    old run's English read through LEGACY; [] when there is nothing to read."""
    if not label:
        return []
    try:
        raw = json.loads(label) if label.startswith("[") else None
    except ValueError:
        raw = None
    if not isinstance(raw, list):
        raw = legacy(label)
    out = []
    for c in raw:
        if isinstance(c, list) and c and isinstance(c[0], str):
            code, args = c[0], c[1:]
            names = ARGS.get(code, ())
            out.append((code, {n: a for n, a in zip(names, args)} |
                        {f"arg{i}": a for i, a in enumerate(args) if i >= len(names)}))
    return out


def codes(label):
    """The codes of a label, in order: what happened, for a test or a count."""
    return [code for code, _a in clauses(label)]


def words(label, table, sep=None):
    """The label in the current language: each clause by its msgid in table, joined by
    "; " (the catalogue's). A code the table does not hold (a newer run) is shown as
    the code with its arguments, never dropped; a label with no clause as written."""
    got = clauses(label)
    if not got:
        return label or ""
    return (sep if sep is not None else _("; ")).join(clause_words(c, table) for c in got)


def clause_words(clause, table):
    code, args = clause
    msgid = table.get(code)
    if msgid is None:
        return code + (f" ({', '.join(str(a) for a in args.values())})" if args else "")
    # An absent optional argument (exitcode without a signal) picks the shorter msgid.
    if isinstance(msgid, tuple):
        msgid = next((m for names, m in msgid if all(n in args for n in names)), msgid[-1][1])
    return _(msgid).format(**args)
