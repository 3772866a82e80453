"""py_contract.py - the python scenario's half of the name contract: the constructs its
variants name (PYTHON_KINDS), its families (FAMILIES), the name builder every family asks
(checked by scripts/contract/contract.py as bench_register checks in C), the profiles' numbers, and
the outcome clauses a crash or exception row's label carries (docs/results.md).
Standard library only: bench/py_bench.py imports it under any interpreter."""
import json
import os
import sys

# The name contract and the profiles' numbers (bench/profiles.def), shared with C and the
# report: scripts/contract/contract.py, standard library only.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from contract import contract  # noqa: E402

# Repetitions and seconds of work each, by profile.
PROFILES = {p: (v["repetitions"], v["py_min_time"]) for p, v in contract.PROFILES.items()}
# Seconds of work one worker of the GIL figure does alone, by profile.
WORK_S = {p: v["py_work_s"] for p, v in contract.PROFILES.items()}
NAME_SCHEMA = contract.NAME_SCHEMA
SCENARIO = "python"
SCENARIO_DESC = "the notes' own Python: multiprocessing beside threading (C1-C8)"
# The tag of another interpreter's rows (--tag), or None for the first one's.
INTERP_TAG = None

# The constructs the variants name, in display order: name, mode, label.
PYTHON_KINDS = [
    {"name": "thread", "mode": "thread", "label": "threading.Thread"},
    {"name": "process", "mode": "process", "label": "multiprocessing.Process"},
    {"name": "queue", "mode": "thread", "label": "queue.Queue"},
    {"name": "mp_queue", "mode": "process", "label": "multiprocessing.Queue"},
    {"name": "mp_pool", "mode": "process", "label": "multiprocessing.Pool"},
    {"name": "thread_pool", "mode": "thread", "label": "multiprocessing.pool.ThreadPool"},
    {"name": "process_executor", "mode": "process",
     "label": "concurrent.futures.ProcessPoolExecutor"},
    {"name": "thread_executor", "mode": "thread",
     "label": "concurrent.futures.ThreadPoolExecutor"},
    {"name": "interpreter", "mode": "process",
     "label": "posix_spawn of this interpreter with -c pass"},
    {"name": "c_fork", "mode": "process",
     "label": "libc fork() of this interpreter (through ctypes, no multiprocessing)"},
    {"name": "mp_pipe", "mode": "process", "label": "multiprocessing.Pipe between processes"},
    {"name": "thread_pipe", "mode": "thread", "label": "multiprocessing.Pipe between threads"},
    {"name": "shared_memory", "mode": "process",
     "label": "multiprocessing.shared_memory ring of 16 slots, two semaphores"},
    {"name": "pickle", "mode": "process", "label": "pickle.dumps and loads alone"},
]
MODE = {k["name"]: k["mode"] for k in PYTHON_KINDS}

# The families, in the order of the description.
FAMILIES = {
    "create": "start a worker that does nothing, and join it",
    "gil": "N workers each doing a fixed count of pure-Python work (cpu) or of 2 ms "
           "sleeps (io), released together: operations per second",
    "memory": "N idle workers alive: Pss, private and Rss per worker (KiB)",
    "nums": "the notes' nums example: a worker appends 3 items to [11, 22]; how many the "
            "parent sees, through a plain global or a shared object",
    "queue": "bytes items from a producer through a queue (queue.Queue bounded at C's 16, "
             "each item copied in and out as C's queue does; multiprocessing.Queue as is)",
    "queue3": "the notes' Queue(3): 8-byte items through a queue of three",
    "notes_loop": "the notes' C4 program as written (its consumer stops when q.empty()), "
                  "each run in a fresh interpreter: runs whose consumer got fewer items "
                  "than the producer put",
    "payload": "items of a kind (bytes, a list of small ints, a dict of strings) and a "
               "size from a producer to this thread: what pickling costs",
    "pingpong": "8-byte round trips through one multiprocessing.Pipe, peer a process or a "
                "thread",
    "crash": "a worker that raises, calls os._exit(3) or is killed by SIGSEGV: what the "
             "caller sees and what survives (each case in a sandbox process)",
    "reuse": "Pool(3) and ProcessPoolExecutor(3): workers alive before the first task, "
             "after it, and distinct workers over ten tasks",
    "pool": "tasks of a set length through a pool, per task",
    "pool_notes": "the notes' Pool(3): ten random sleeps on three workers",
    "exception": "an exception raised in apply_async, by how the result is fetched, and "
                 "in a plain Process: what the caller sees and what reaches fd 1 and 2 "
                 "of the parent and of every worker",
}


def name(variant, measure, **args):
    """python/VARIANT/MODE/measure:MEASURE[/key:value]...[/interp:TAG], the mode the
    construct's; the interp arg only for an interpreter other than the first. A variant
    not in PYTHON_KINDS, a measure not in FAMILIES or a field the grammar refuses is a
    contract.ContractError (main says it and exits 1), as bench_register dies in C."""
    if variant not in MODE:
        raise contract.ContractError(f"python/{variant}/...: the variant {variant!r} is not "
                                     f"in PYTHON_KINDS")
    if measure not in FAMILIES:
        raise contract.ContractError(f"python/{variant}/...: the measure {measure!r} is not "
                                     f"in FAMILIES")
    if INTERP_TAG:
        args["interp"] = INTERP_TAG
    return contract.build_name(SCENARIO, variant, MODE[variant], measure, args)


def fields(full_name):
    """The variant, the measure and the args of a name, as a dict (parsed by field)."""
    parts = full_name.split("/")
    f = {"variant": parts[1], "mode": parts[2]}
    for p in parts[3:]:
        if ":" in p:
            k, v = p.split(":", 1)
            f[k] = v
    return f


def label_of(clauses):
    """What happened, as the label of a crash or exception row: a JSON list of outcome
    clauses [code, argument...] (docs/results.md, outcome codes). The report holds the
    words, in its catalogue; an exception's own message travels as an argument."""
    return json.dumps(clauses, ensure_ascii=False, separators=(",", ":"))
