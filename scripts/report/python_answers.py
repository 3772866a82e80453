"""python_answers.py - Python's answers to the notes' claims, from bench/py_bench.py's
rows: C1 (what an idle worker owns), C3 (the nums example), C4 (what passing data costs,
and the notes' consumer loop), C7 (talking and protection: crashes, in the outcome codes'
words, SAID) and C5 (when a pool's workers start, and reuse). Part of the Python section
(python.py)."""
from report import outcomes
from report.i18n import N_, _
from report.kit import fmt, table
from report.python_rows import bench_of, rows_of, shown, yes_no


def memory_part(run):
    rows = []
    for b in rows_of(run, None, "memory"):
        who = "threading.Thread" if b.mode == "thread" else \
            f"Process ({b.args.get('start_method')})"
        rows.append([who, str(b.args.get("workers")), fmt(b.counter("pss_kib")),
                     fmt(b.counter("private_kib")), fmt(b.counter("rss_kib"))])
    if not rows:
        return []
    c = []
    for kind, mode in (("pthread", "thread"), ("fork", "process")):
        cb = run.ok("footprint", kind, mode, "memory", parent="tvp", workers=10, parent_mib=0)
        if cb:
            c.append(_("{kind} {pss} KiB Pss, {private} KiB private").format(
                kind=kind, pss=fmt(cb.counter("pss_kib")),
                private=fmt(cb.counter("private_kib"))))
    return ["### " + _("C1 in Python: what an idle worker owns"), "",
            _("N idle workers alive at once (waiting on an event); per worker, the children's "
              "own `smaps_rollup` for processes and the growth of this process's for threads, "
              "as the footprint scenario reads them (KiB). A process of a start method that "
              "starts a new interpreter owns that interpreter. User memory only: the kernel's "
              "share (page tables, a kernel stack, slab), which C's footprint counts, is not "
              "in these numbers nor in Python's C1 ratios."), ""] + table(
        [_("worker"), "N", "Pss", _("private"), "Rss"], rows) + (
        ["", _("C's idle workers (footprint, 10 workers, empty parent): {workers}.").format(
            workers=_("; ").join(c))] if c else []) + [""]


NUMS_WORDS = {"global": N_("the notes' global list"), "array": "multiprocessing.Array + Value",
              "shared_memory": "shared_memory", "manager": N_("a Manager's list")}


def nums_part(run):
    rows = []
    for b in rows_of(run, None, "nums"):
        who = "threading.Thread" if b.mode == "thread" else \
            f"Process ({b.args.get('start_method')})"
        via = b.args.get("via", "global")
        notes = (_("5 (threads share)") if b.mode == "thread" else
                 _("2 (processes do not share)")) if via == "global" else \
            _("– (not in the notes)")
        rows.append([who, shown(NUMS_WORDS.get(via, via)), fmt(b.counter("parent_sees_items")),
                     notes])
    if not rows:
        return []
    return ["### " + _("C3 in Python: the notes' nums example"), "",
            _("A worker appends 0, 1, 2 to `nums = [11, 22]`; how many items the parent then "
              "sees. The shared objects are how a \"global\" does work between processes."),
            ""] + table([_("worker"), _("the list is"), _("parent sees"),
                         _("the notes predict")], rows) + [""]


PAYLOAD_WORDS = {"bytes": "bytes", "ints": N_("list of small ints"),
                 "strs": N_("dict of strings")}
TRANSPORTS = [("queue", N_("queue.Queue (threads)")), ("mp_queue", "multiprocessing.Queue"),
              ("mp_pipe", "Pipe"), ("shared_memory", N_("shared_memory ring")),
              ("pickle", N_("pickle alone"))]


def payload_part(run):
    got = {}
    for b in rows_of(run, None, "payload"):
        got[(b.args["payload"], b.args["item_bytes"], b.variant)] = b
    if not got:
        return []
    rows = []
    for kind, size in sorted({(k, s) for k, s, _v in got},
                             key=lambda ks: (list(PAYLOAD_WORDS).index(ks[0]), ks[1])):
        any_b = next(b for (k, s, _v), b in got.items() if (k, s) == (kind, size))
        cells = [shown(PAYLOAD_WORDS.get(kind, kind)), str(size),
                 fmt(any_b.counter("pickle_bytes"))]
        cells += [fmt(got[(kind, size, t)].median) if (kind, size, t) in got else "–"
                  for t, _w in TRANSPORTS]
        rows.append(cells)
    lost = [b.name for b in got.values() if b.counter("delivered") != 1]
    return ["### " + _("C4 in Python: what passing data costs"), "",
            _("µs per item from a producer to this thread, by what the item is and its size "
              "(bytes as C would hold it: n small ints are 8n bytes, a dict entry is a "
              "16-character key and value). Between threads, `queue.Queue` passes a "
              "reference; between processes every transport pickles (shared_memory too, "
              "unless the item is bytes), which is what \"pickle alone\" costs."), ""] + table(
        [_("item"), _("bytes"), _("pickled bytes")] + [shown(w) for _t, w in TRANSPORTS],
        rows) + [
        "", _("Every item arrived whole.") if not lost else
        _("**Items lost or damaged:** {benchmarks}").format(benchmarks=", ".join(lost)), ""]


CRASH_WORDS = {"raise": N_("raises ValueError"), "exit": N_("calls os._exit(3)"),
               "segv": N_("is killed by SIGSEGV")}
CRASH_VARIANTS = [("process", "Process"), ("mp_pool", "Pool"),
                  ("process_executor", "ProcessPoolExecutor"), ("thread", "Thread"),
                  ("thread_executor", "ThreadPoolExecutor")]


# What the caller saw, as bench/py_bench.py codes it (outcome clauses of a row's label),
# in the catalogue's words; clauses are joined by "; ". An exception's own message and
# printed text stay as written, as C's error messages do.
SAID = {
    "exitcode": ((("signal",), N_("exitcode {code} ({signal}) on the Process object; the rest "
                                  "runs on")),
                 ((), N_("exitcode {code} on the Process object; the rest runs on"))),
    "excepthook": N_("join() returned as after success; the traceback went to "
                     "threading.excepthook ({exceptions})"),
    "get_timed_out": N_("get(timeout={s}) raised TimeoutError: the worker died, the pool made "
                        "a new one, and the result never comes (get() without a timeout waits "
                        "forever)"),
    "returned": N_("{call}() returned"),
    "returned_normally": N_("get() returned normally"),
    "raised": N_("{call}() raised {error}"),
    "sibling_raised": N_("the sibling task's result() raised {error}"),
    "submit_raised": N_("a new submit raised {error}"),
    "process_killed": N_("the whole process ended (killed by {signal}): the caller and every "
                         "other worker with it"),
    "process_exited": N_("the whole process ended (exit status {status}): the caller and "
                         "every other worker with it"),
    "silent": N_("nothing raised, and nothing reached fd 1 or 2 of the parent or of a worker: "
                 "the exception stays in the result nobody fetched, and goes with it"),
    "reached_fds": N_("reached fd 1/2 ({out} + {err} bytes): {text}"),
    "raised_in_caller": N_("raised in the caller: {error}"),
    "traceback": N_("the child printed its traceback to fd 2 ({bytes} bytes, ending '{last}'), "
                    "exitcode {code}"),
    "no_traceback": N_("no traceback reached fd 2 ({bytes} bytes); exitcode {code}"),
    "nothing_printed": N_("nothing raised and nothing printed: the exception stays in the "
                          "result nobody fetched, and goes with it"),
    "printed": N_("printed: {text}"),
    "error_callback": N_("error_callback got {error}"),
    "error_callback_not_called": N_("error_callback was not called"),
}


def said(label):
    """A crash or exception row's label in the current language."""
    return outcomes.words(label, SAID)


def crash_part(run):
    rows = []
    for variant, words in CRASH_VARIANTS:
        for failure, fw in CRASH_WORDS.items():
            b = bench_of(run, None, variant, "process" if variant in (
                "process", "mp_pool", "process_executor") else "thread", "crash",
                failure=failure)
            if not b:
                continue
            yes = lambda c: "–" if b.counter(c) is None else yes_no(  # noqa: E731
                b.counter(c))
            rows.append([words, _(fw), yes("caller_survived"), yes("seen"),
                         yes("others_done"), yes("pool_usable"), said(b.label)])
    out = []
    pp = [bench_of(run, None, v, m, "pingpong") for v, m in (("thread_pipe", "thread"),
                                                              ("mp_pipe", "process"))]
    if all(pp):
        out += ["### " + _("C7 in Python: talking and protection"), "",
                _("An 8-byte round trip through one `multiprocessing.Pipe`: {thread} µs with "
                  "a thread at the other end, {process} µs with a forked process "
                  "({ratio}x).").format(thread=fmt(pp[0].median), process=fmt(pp[1].median),
                                        ratio=f"{pp[1].median / pp[0].median:.1f}"), ""]
    if rows:
        if not out:
            out += ["### " + _("C7 in Python: protection"), ""]
        out += [_("A task that fails beside a sibling task, each case in a sandbox process of "
                  "its own: whether the caller lives on, whether it was told, whether the "
                  "sibling's work finished, whether the pool still runs a task."), ""]
        out += table([_("worker"), _("the task"), _("caller survived"), _("caller told"),
                      _("sibling finished"), _("pool usable"), _("what the caller saw")],
                     rows) + [""]
    return out


def reuse_part(run):
    rows = []
    for b in rows_of(run, None, "reuse"):
        rows.append(["Pool(3)" if b.variant == "mp_pool" else "ProcessPoolExecutor(3)",
                     fmt(b.counter("workers_up_front")),
                     fmt(b.counter("workers_after_first_task")),
                     fmt(b.counter("distinct_workers"))])
    if not rows:
        return []
    return ["### " + _("C5 in Python: when a pool's workers start, and reuse"), "",
            _("The notes: a pool makes a new process for a request while it is not full, and "
              "reuses its processes once it is. Child processes alive right after the pool "
              "is made, after its first task, and the distinct pids that ran ten 5 ms tasks "
              "(fork start method):"), ""] + table(
        [_("pool"), _("workers before any task"), _("after the first task"),
         _("distinct workers over 10 tasks")], rows) + [""]


def notes_loop_part(run):
    """C4's context: the notes' consumer loop, summed over the repetitions."""
    b = run.ok("python", "mp_queue", "process", "notes_loop")
    runs = sum(b.counters.get("runs") or []) if b else 0
    if not runs:
        return []
    runs = int(runs)
    short = int(sum(b.counters.get("runs_short") or []))
    lost = int(sum(b.counters.get("items_lost") or []))
    put = runs * int(b.counter("items_put") or 3)
    return ["### " + _("The notes' consumer loop (C4)"), "",
            _("The notes' C4 program as written, each run a fresh interpreter and nothing "
              "added: in {short} of {runs} runs ({pct}) the consumer's loop stopped before "
              "every item had arrived, leaving {lost} of {put} items untaken. The queue "
              "loses nothing: `if q.empty(): break` races with the producer's feeder "
              "thread, which may not have written the next item yet.").format(
                short=short, runs=runs, pct=f"{100 * short / runs:.0f}%", lost=lost,
                put=put), ""]
