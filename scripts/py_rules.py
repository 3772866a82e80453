"""py_rules.py - the claims tested on the notes' own Python (bench/py_bench.py).

The same Rule as claims.RULES, read from the python scenario's benchmarks; where the
verdict for Python differs from C's, the summary shows both."""
from claims import Rule, py

PY_THREAD = py("thread", "thread", "create")
PY_RULES = [
    Rule("C2", "a Process (fork) costs more to create than a Thread",
         py("process", "process", "create", start_method="fork"), PY_THREAD, "greater", 1.5),
    Rule("C2", "a Process (spawn) costs more to create than a Thread",
         py("process", "process", "create", start_method="spawn"), PY_THREAD, "greater", 1.5),
    Rule("C4", "a multiprocessing.Queue costs processes more than a queue.Queue costs threads "
         "(64-byte items)", py("mp_queue", "process", "queue", item_bytes=64),
         py("queue", "thread", "queue", item_bytes=64), "greater", 1.25),
    Rule("C4", "the notes' Queue(3) costs processes more than threads",
         py("mp_queue", "process", "queue3"), py("queue", "thread", "queue3"), "greater", 1.25),
    Rule("C5", "a Pool beats a Process per task (empty tasks)",
         py("process", "process", "create", start_method="fork"),
         py("mp_pool", "process", "pool", task_us=0), "greater", 5.0),
    Rule("C6", "an exception in apply_async is not shown when nobody fetches the result",
         py("mp_pool", "process", "exception", fetch="never_fetched"), None, "equals", 0,
         "shown", "(shown)"),
    # The notes ask "DOTO？如何处理？": the remedies, context rather than predictions.
    Rule("C6", "the remedy: get() raises the worker's exception in the caller",
         py("mp_pool", "process", "exception", fetch="get"), None, "equals", 1, "shown",
         "(shown)", counted=False),
    Rule("C6", "the remedy: an error_callback receives it in the caller",
         py("mp_pool", "process", "exception", fetch="error_callback"), None, "equals", 1,
         "shown", "(shown)", counted=False),
]
