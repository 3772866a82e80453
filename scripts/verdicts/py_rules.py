"""py_rules.py - the claims tested on the notes' own Python (bench/py_bench.py).

The same Rule as claims.RULES, read from the python scenario's benchmarks of the first
interpreter of the run (names without /interp:); where the verdict for Python differs
from C's, the summary shows both. Each rule is a prediction the notes' sentence makes;
what answers another question (processes scaling, the shared objects of the nums
example, pickling by payload) is shown by the report's Python section, never counted."""
from verdicts.engine import Rule
from contract.results import PUS, key


def py(variant, mode, measure, **args):
    """A benchmark of the python scenario (bench/py_bench.py)."""
    return key("python", variant, mode, measure, **args)


PY_THREAD = py("thread", "thread", "create")


def gil(variant, mode, work, workers=PUS, **args):
    return py(variant, mode, "gil", work=work, **args, workers=workers)


def memory(variant, mode, workers=4, **args):
    return py(variant, mode, "memory", **args, workers=workers)


def nums(variant, mode, **args):
    return py(variant, mode, "nums", **args)


def payload(variant, mode, kind, size):
    return py(variant, mode, "payload", payload=kind, item_bytes=size)


def crash(variant, mode, failure):
    return py(variant, mode, "crash", failure=failure)


FORK = {"start_method": "fork"}
PY_RULES = [
    # C1: a thread owns almost no resources; a process is the unit of allocation.
    Rule("C1", "an idle Thread owns almost no memory: under 64 KiB (Pss)",
         memory("thread", "thread"), None, "below", 64, "pss_kib", "KiB"),
    # Pss and private memory are user memory only: the kernel's share (page tables, a
    # kernel stack, slab), which C's footprint counts, is not in Python's ratios.
    Rule("C1", "an idle Process (fork) costs at least twice an idle Thread (Pss, user "
         "memory only)",
         memory("process", "process", **FORK), memory("thread", "thread"), "greater", 2.0,
         "pss_kib"),
    Rule("C1", "an idle Process (spawn) costs at least twice an idle Thread (Pss, user "
         "memory only)",
         memory("process", "process", start_method="spawn"), memory("thread", "thread"),
         "greater", 2.0, "pss_kib"),
    Rule("C1", "an idle Process (fork) owns at least twice a Thread's private memory (user "
         "memory only)",
         memory("process", "process", **FORK), memory("thread", "thread"), "greater", 2.0,
         "private_kib"),

    Rule("C2", "a Process (fork) costs more to create than a Thread",
         py("process", "process", "create", start_method="fork"), PY_THREAD, "greater", 1.5),
    Rule("C2", "a Process (spawn) costs more to create than a Thread",
         py("process", "process", "create", start_method="spawn"), PY_THREAD, "greater", 1.5),

    # C3: processes do not share global variables (the notes' nums example).
    Rule("C3", "a child Process (fork) appends to the global list; the parent still sees 2",
         nums("process", "process", via="global", **FORK), None, "equals", 2,
         "parent_sees_items", "items"),
    Rule("C3", "the same under spawn: the parent sees 2 items",
         nums("process", "process", via="global", start_method="spawn"), None, "equals", 2,
         "parent_sees_items", "items"),
    Rule("C3", "the same under forkserver: the parent sees 2 items",
         nums("process", "process", via="global", start_method="forkserver"), None,
         "equals", 2, "parent_sees_items", "items"),
    Rule("C3", "a Thread appends to the global list; the parent sees all 5 items",
         nums("thread", "thread", via="global"), None, "equals", 5, "parent_sees_items",
         "items"),

    # C4: processes communicate through a queue, because globals do not work.
    Rule("C4", "global variables do not work between processes: a child's append is not "
         "seen (nums, fork)", nums("process", "process", via="global", **FORK), None,
         "equals", 2, "parent_sees_items", "items"),
    Rule("C4", "a multiprocessing.Queue delivers every item between processes (a dict of "
         "strings, 64 KiB)", payload("mp_queue", "process", "strs", 65536), None, "equals",
         1, "delivered", "(all delivered)"),
    Rule("C4", "a multiprocessing.Queue costs processes more than a queue.Queue costs threads "
         "(64-byte items, both copied)", py("mp_queue", "process", "queue", item_bytes=64),
         py("queue", "thread", "queue", item_bytes=64), "greater", 1.25, counted=False),
    Rule("C4", "the notes' Queue(3) costs processes more than threads",
         py("mp_queue", "process", "queue3"), py("queue", "thread", "queue3"), "greater", 1.25,
         counted=False),

    # C5: a pool creates a worker only while not full, then reuses it.
    Rule("C5", "a Pool beats a Process per task (empty tasks)",
         py("process", "process", "create", start_method="fork"),
         py("mp_pool", "process", "pool", task_us=0), "greater", 5.0, counted=False),
    Rule("C5", "Pool(3) reuses its workers: ten tasks run on at most 3 processes",
         py("mp_pool", "process", "reuse", **FORK), None, "below", 4, "distinct_workers",
         "pids"),
    Rule("C5", "Pool(3) makes a request wait while it is full: 7 of the notes' 10 tasks start "
         "only after an earlier task on their worker ended", py("mp_pool", "process",
                                                               "pool_notes"),
         None, "equals", 7, "tasks_waited", "tasks"),
    Rule("C5", "Pool(3) creates a worker only when a task comes: none before the first task",
         py("mp_pool", "process", "reuse", **FORK), None, "equals", 0, "workers_up_front",
         "workers"),

    # shown: 1 when a traceback reached the parent's or any worker's fd 1 or 2, captured
    # at the file-descriptor level before the pool forks (bench/py_bench.py).
    Rule("C6", "an exception in apply_async is not shown when nobody fetches the result",
         py("mp_pool", "process", "exception", fetch="never_fetched"), None, "equals", 0,
         "shown", "(shown)"),
    # 子进程会: the notes' contrast, a plain fork Process whose target raises.
    Rule("C6", "a plain Process whose target raises does print its traceback (子进程会)",
         py("process", "process", "exception", fetch="none"), None, "equals", 1, "shown",
         "(shown)"),
    # The notes ask "DOTO？如何处理？": the remedies, context rather than predictions.
    Rule("C6", "the remedy: get() raises the worker's exception in the caller",
         py("mp_pool", "process", "exception", fetch="get"), None, "equals", 1, "shown",
         "(shown)", counted=False),
    Rule("C6", "the remedy: an error_callback receives it in the caller",
         py("mp_pool", "process", "exception", fetch="error_callback"), None, "equals", 1,
         "shown", "(shown)", counted=False),

    # C7: threads cost little to run but protect badly; processes the opposite.
    Rule("C7", "talking costs processes more than threads (8-byte Pipe round trips)",
         py("mp_pipe", "process", "pingpong"), py("thread_pipe", "thread", "pingpong"),
         "greater", 1.25),
    Rule("C7", "a SIGSEGV in a Thread takes the caller down with it",
         crash("thread", "thread", "segv"), None, "equals", 0, "caller_survived",
         "(survived)"),
    Rule("C7", "a SIGSEGV in a ThreadPoolExecutor task takes the caller down with it",
         crash("thread_executor", "thread", "segv"), None, "equals", 0, "caller_survived",
         "(survived)"),
    Rule("C7", "a SIGSEGV in a Process leaves the caller running",
         crash("process", "process", "segv"), None, "equals", 1, "caller_survived",
         "(survived)"),
    Rule("C7", "a SIGSEGV in a Pool task leaves the caller running",
         crash("mp_pool", "process", "segv"), None, "equals", 1, "caller_survived",
         "(survived)"),
    Rule("C7", "a SIGSEGV in a ProcessPoolExecutor task leaves the caller running",
         crash("process_executor", "process", "segv"), None, "equals", 1, "caller_survived",
         "(survived)"),

    # C8: threads are smaller, so multithreaded programs are highly concurrent.
    # Directional, as in C's rules: a tie is not "more concurrent".
    # C8's concurrency in the notes' own language: a server holding many clients at once,
    # http.server's thread mix-in against its fork mix-in (bench/py_http.py). Counted:
    # memory per connection, C's method (Pss only: Python makes no cgroup) and C's
    # threshold, three fresh servers each.
    Rule("C8", "a connection costs a Python server less memory as a thread than as a "
         "forked process: ForkingMixIn against ThreadingHTTPServer, 100 idle keep-alive "
         "connections (Pss per connection)",
         py("http_forking", "process", "http_memory", connections=100),
         py("http_threading", "thread", "http_memory", connections=100),
         "greater", 1.5, "pss_kib_per_conn", "KiB per connection"),
    Rule("C8", "the same against a pool of threads: ForkingMixIn against an HTTPServer "
         "that hands each connection to a ThreadPoolExecutor",
         py("http_forking", "process", "http_memory", connections=100),
         py("http_pool", "thread", "http_memory", connections=100),
         "greater", 1.5, "pss_kib_per_conn", "KiB per connection", counted=False),
    # Context: one repetition of each in the quick profile, on a server kept up. (Until
    # the server said "Connection: close" back, wrk counted a read error per request.)
    Rule("C8", "a new concurrent activity starts faster as a thread: with a connection per "
         "request, ThreadingHTTPServer serves more requests per second than a "
         "ForkingMixIn server (100 connections)",
         py("http_threading", "thread", "http", conn="close", connections=100),
         py("http_forking", "process", "http", conn="close", connections=100),
         "greater", 1.1, "requests_per_s", "requests/s", counted=False),
    # Parallel CPU throughput and overlapped sleeps at one worker per PU: context (the
    # GIL's lesson; parallelism is not what 并发性高 says).
    Rule("C8", "CPU-bound pure Python: N Threads get more done than N Processes (fork), "
         "one per PU", gil("thread", "thread", "cpu"), gil("process", "process", "cpu", **FORK),
         "greater", 1.1, "ops_per_s", counted=False),
    Rule("C8", "CPU-bound pure Python: Threads scale, one per PU doing at least 80% of PUs x "
         "one Thread", gil("thread", "thread", "cpu"), gil("thread", "thread", "cpu", 1),
         "greater", 0.8, "ops_per_s", per_pu=True, counted=False),
    Rule("C8", "I/O-bound (sleeps): N Threads get more done than N Processes (fork), one "
         "per PU", gil("thread", "thread", "io"), gil("process", "process", "io", **FORK),
         "greater", 1.1, "ops_per_s", counted=False),
]
