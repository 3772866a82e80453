"""claims.py - the notes' claims, and the rules that turn measurements into verdicts.

Every verdict in the report comes from RULES: one row per prediction the claim makes,
naming the two benchmarks compared (by their fields, with the one key builder of
results.py), the relation and the threshold. How a rule is decided and how a verdict is
drawn from the decided ones is the statistics engine's (scripts/verdicts/engine.py); this module
is the table. Another machine gets its own verdict from the same table."""
from dataclasses import dataclass

from verdicts import py_rules
# The engine's names, re-exported: the report, the tests and the tools read them as
# claims.X, from the days when the engine lived here.
from verdicts.engine import (MAJORITY, NOISY, ROBUSTNESS, SIGNIFICANCE, Outcome, Rule,  # noqa: F401
                    against_threshold, comparison, direction_of, evaluate, moved,
                    needs_pus, parts, samples_of, values, verdict)
from verdicts import engine
from verdicts.py_rules import py
from contract.results import PUS, key

# The thread and the process the notes set against each other, as (kind, mode): the
# rules name the mode they mean, they never derive it from a kind's name.
THREAD = ("pthread", "thread")
FORK = ("fork", "process")
VFORK = ("vfork", "process")
CLONE = ("clone", "process")
SPAWN = ("posix_spawn", "process")


# The families the rules read, as fields. PUS stands for the machine's PUs.
# The parents a worker is made from: tvp-bench itself (libraries, Google Benchmark, the
# topology: tens of MiB and hundreds of mappings), or a minimal one (the static helper,
# a dozen mappings), as lmbench forks from a small program.
TVP, MINIMAL = "tvp", "minimal"


def create(kind, mode, mib=0, layout="private", parent=TVP):
    return key("create", kind, mode, "round_trip", parent=parent, layout=layout,
               parent_mib=mib)


def footprint(kind, mode, workers, mib=0, parent=TVP):
    return key("footprint", kind, mode, "memory", parent=parent, workers=workers,
               parent_mib=mib)


def cow_child(pct, mib=256):
    return key("cow", "fork", "process", "write", writer="child", layout="private",
               parent_touched=1, pct=pct, parent_mib=mib)


def nums(kind, mode, shared=0):
    return key("globals", kind, mode, "nums", shared=shared)


def rate(workload, kind, mode, workers=PUS, pin="none"):
    return key("scale", workload, mode, "rate", kind=kind, pin=pin, workers=workers)


def throughput(transport, kind, mode, size, pin="diff_core"):
    return key("ipc", transport, mode, "throughput", kind=kind, pin=pin, msg_bytes=size)


def http_memory(server, mode, connections=1000):
    """KiB per idle keep-alive connection a server holds (bench/http.c)."""
    return key("http", server, mode, "memory", connections=connections)


def http_rate(server, mode, conn="close", connections=100, pin="split"):
    """Requests per second under wrk (bench/http.c)."""
    return key("http", server, mode, "rate", conn=conn, body="small", pin=pin,
               connections=connections)


def http_held(server, mode):
    """Connections a server holds under a 256 MiB memory limit (bench/http.c)."""
    return key("http", server, mode, "held", limit_mib=256)


def latency(transport, kind, mode, pin="same_pu"):
    return key("ipc", transport, mode, "latency", kind=kind, pin=pin)


def py_payload(variant, mode, kind="strs", size=65536):
    return py(variant, mode, "payload", payload=kind, item_bytes=size)


def queue3(kind, mode):
    return key("ipc", "queue", mode, "queue3", kind=kind, pin="none")


def pool(way, kind, mode, task_ns, workers=PUS):
    return key("pool", way, mode, "throughput", kind=kind, task_ns=task_ns, workers=workers)


def notes_pool(kind, mode):
    return key("pool", "pool", mode, "notes", kind=kind)


def fault(failure, kind, mode):
    return key("pool", "pool", mode, "fault", kind=kind, failure=failure)


def scribble(kind, mode):
    return key("pool", "pool", mode, "scribble", kind=kind)


@dataclass(frozen=True)
class KeyPair:
    """The one pair of numbers the claims table quotes for a claim: a thread's and a
    process's value of one metric, with its unit and the conditions it was taken under.
    offset is subtracted from every value first (C3: the two items the list starts
    with), and of, when set, is the total the value counts out of ("3 of 3")."""
    thread: object
    process: object
    metric: str
    unit: str
    conditions: str = ""
    offset: float = 0
    of: int = None
    within: object = None  # a benchmark whose time is part of the process's: shown as
    within_words: str = ""  # "of which {within_words} {its median}"
    # Its repetitions are readings of one server kept up (http's memory rows: a fresh
    # server, then the connections held again on it), not independent: quoted as their
    # median alone, with no interval.
    one_server: bool = False

    def __getitem__(self, i):  # (thread, process, metric, unit), as a tuple reads
        return (self.thread, self.process, self.metric, self.unit)[i]


# Each claim: the notes' words (zh), ours (en), the pair of numbers the summary quotes
# and the figure that shows it. judged_on "python": the notes state the claim about
# their own Python code, so Python's rules give the verdict and C's rows are context.
CLAIMS = {
    "C1": {
        "zh": "线程基本上不拥有系统资源（只拥有程序计数器、寄存器和栈等运行中必不可少的资源）；"
              "进程是操作系统分配资源的基本单位",
        "en": "A thread owns almost no resources (a program counter, registers, a stack); "
              "a process is the unit of resource allocation.",
        "key": KeyPair(footprint(*THREAD, 1000, parent=MINIMAL),
                       footprint(*FORK, 1000, parent=MINIMAL), "private_kib+kernel_kib",
                       "KiB per idle worker, user + kernel",
                       "1000 idle workers of the minimal parent"),
        "figure": "figures/footprint.png",
    },
    "C2": {
        "zh": "进程实现多任务所需资源比较大，每一个子进程都需要把主进程资源拷贝一份"
              "（代码共享同一份（写时拷贝））",
        "en": "Processes cost more to create: each child copies the parent's resources "
              "(code is shared, copy-on-write).",
        "key": KeyPair(create(*THREAD, parent=MINIMAL), create(*FORK, parent=MINIMAL), "time",
                       "µs to create and reap one worker", "pthread_create against fork, "
                       "from the minimal parent"),
        "figure": "figures/create_methods.png",
    },
    "C3": {
        "zh": "进程间不同享全局变量",
        "en": "Processes do not share global variables.",
        "key": KeyPair(nums(*THREAD), nums(*FORK), "parent_sees_items",
                       "of the worker's appends to the global list the parent sees",
                       "the notes' nums example, fork", offset=2, of=3),
        "figure": None,
    },
    "C4": {
        "zh": "通过队列完成进程间通信（全局变量不好使）",
        "en": "Processes communicate through a queue, since global variables do not work.",
        # The notes speak of their Python: multiprocessing.Queue against queue.Queue for
        # the same item, and where the cost is (pickling alone, measured on its own).
        "key": KeyPair(py_payload("queue", "thread"), py_payload("mp_queue", "process"),
                       "time", "µs per item, a 64 KiB dict of strings",
                       "multiprocessing.Queue against queue.Queue",
                       within=py_payload("pickle", "process"),
                       within_words="pickling alone"),
        "figure": "figures/ipc_throughput.png",
    },
    "C5": {
        "zh": "当有新的请求提交到Pool中时，如果池未满，就会创建一个新的进程来执行该请求；"
              "如果池满，那么该请求就会等待，直到进程池中有进程结束，复用之前的进程来执行该请求",
        "en": "A pool makes a new worker for a request only while it is not full; when it "
              "is full, the request waits for a worker to finish, and that worker is reused.",
        # What the sentence speaks of: the workers a pool of 3 makes for 10 requests,
        # and the requests that waited for one to finish.
        "key": KeyPair(notes_pool(*THREAD), notes_pool(*FORK), "workers_created",
                       "workers made for the notes' 10 tasks", "a pool of 3", of=10),
        "also": [KeyPair(notes_pool(*THREAD), notes_pool(*FORK), "tasks_waited",
                         "tasks that waited for a worker to finish", "a pool of 3",
                         of=10)],
        "figure": "figures/pool_throughput.png",
    },
    "C6": {
        "zh": "进程池里出现异常不会报出异常信息",
        "en": "An exception inside a pool worker is not shown in the main process.",
        "key": None,
        "judged_on": "python",
        "figure": "figures/pool_failures.png",
    },
    "C7": {
        "zh": "线程执行开销小，但不利于资源的管理和保护；进程则相反",
        "en": "Threads cost little to run but are bad for resource protection; processes "
              "the opposite.",
        # 执行开销小 first of all means cheap to make: the creation prediction is counted
        # and decided (switching on one PU, the key before, was undecided in the
        # reference: a key a class cannot read a result from). The page's figure shows
        # the other half, protection, beside it.
        "key": KeyPair(create(*THREAD, parent=MINIMAL), create(*FORK, parent=MINIMAL), "time",
                       "µs to create and reap one worker", "pthread_create against fork, "
                       "from the minimal parent"),
        "figure": "figures/ipc_latency.png",
    },
    "C8": {
        "zh": "线程的划分尺度小于进程（资源比进程少），使得多线程程序并发性高",
        "en": "Threads are smaller than processes, so multithreaded programs are highly "
              "concurrent.",
        # 并发性高 is about how many activities a program keeps in flight and what each
        # costs: a server with many clients, where the choice is actually made.
        "key": KeyPair(http_memory("thread_per_conn", "thread"),
                       http_memory("fork_per_conn", "process"), "kib_per_conn",
                       "KiB of server memory per open keep-alive connection",
                       "1000 connections, a thread or a forked process per connection",
                       one_server=True),
        "figure": "figures/http_memory.png",
    },
}


SUM = "private_kib+kernel_kib"

# The parts of C2's sentence its predictions test: the verdict line says which hold.
COSTS_MORE = "a process costs more to create than a thread"
GROWS = "creating one grows with the parent's memory (fork copies its page tables)"
COPIES_DATA = "a child copies the parent's data when it is made"
ON_WRITE = "a child copies a page when it writes it (copy-on-write)"
# And of C7's: creating, switching and talking apart, since they come out differently
# (one part for all three read "partly: threads cost less to create, switch and talk"
# beside a page saying switching costs the same).
CHEAP_TO_MAKE = "a thread costs less to create than a process"
CHEAP_TO_SWITCH = "switching between threads costs less than between processes"
CHEAP_TO_TALK = "threads cost less to talk to each other than processes"
PROTECTS = "a process protects its siblings from a crash or a stray write; a thread does not"
# And of C5's.
REUSED = "a pool reuses its workers"
WAITS = "when the pool is full a request waits for a worker to finish"
ONLY_WHILE_NOT_FULL = "a pool makes a worker for a request only while it is not full"

# Each claim's counted rules are the predictions its words make; a rule with
# counted=False tests something the notes do not say and is shown as context.
RULES = [
    # 进程实现多任务所需资源比较大: a process costs more than a thread to make.
    # From the minimal parent: the cost of a process, not of tvp-bench's address space.
    Rule("C2", "a forked process costs more to create than a thread",
         create(*FORK, parent=MINIMAL), create(*THREAD, parent=MINIMAL), "greater", 1.5,
         part=COSTS_MORE),
    Rule("C2", "a vfork process costs more to create than a thread",
         create(*VFORK, parent=MINIMAL), create(*THREAD, parent=MINIMAL), "greater", 1.5,
         part=COSTS_MORE),
    Rule("C2", "a posix_spawn process costs more to create than a thread",
         create(*SPAWN, parent=MINIMAL), create(*THREAD, parent=MINIMAL), "greater", 1.5,
         part=COSTS_MORE),
    Rule("C2", "the same from tvp-bench (a parent of tens of MiB): fork against a thread",
         create(*FORK), create(*THREAD), "greater", 1.5, counted=False),
    # 每一个子进程都需要把主进程资源拷贝一份: the parent's memory makes a child dearer.
    Rule("C2", "fork copies the parent: 1 GiB of parent memory makes it dearer",
         create(*FORK, 1024), create(*FORK), "greater", 1.5, part=GROWS),
    Rule("C2", "fork copies the parent in huge pages too: 1 GiB makes it dearer",
         create(*FORK, 1024, "thp"), create(*FORK), "greater", 1.5, part=GROWS),
    Rule("C2", "posix_spawn copies the parent: 1 GiB of parent memory makes it dearer",
         create(*SPAWN, 1024), create(*SPAWN), "greater", 1.5, part=COPIES_DATA),
    Rule("C2", "a forked child that writes nothing already holds its own copy of the "
         "parent's 256 MiB (at least half of it private)", cow_child(0), None, "above",
         128 * 1024, "private_dirty_kib", "KiB", part=COPIES_DATA),
    # （写时拷贝）: the copy is made page by page, on write.
    Rule("C2", "a forked child that writes every page has copied every page "
         "(copy-on-write: at least 90% of 256 MiB)", cow_child(100), None, "above",
         0.9 * 256 * 1024, "private_dirty_kib", "KiB", part=ON_WRITE),

    # 线程基本上不拥有系统资源; 进程是操作系统分配资源的基本单位.
    # From the minimal parent: what a worker owns, not what it inherits from tvp-bench.
    Rule("C1", "an idle thread owns almost no memory: user + kernel under 64 KiB",
         footprint(*THREAD, 1000, parent=MINIMAL), None, "below", 64, SUM, "KiB"),
    Rule("C1", "an idle forked process owns at least twice what a thread does "
         "(user + kernel)", footprint(*FORK, 1000, parent=MINIMAL),
         footprint(*THREAD, 1000, parent=MINIMAL), "greater", 2.0, SUM),
    Rule("C1", "an idle spawned process owns at least twice what a thread does "
         "(user + kernel)", footprint(*SPAWN, 1000, parent=MINIMAL),
         footprint(*THREAD, 1000, parent=MINIMAL), "greater", 2.0, SUM),
    Rule("C1", "the same from tvp-bench: a forked child of a large parent against a thread",
         footprint(*FORK, 1000), footprint(*THREAD, 1000), "greater", 2.0, SUM,
         counted=False),
    Rule("C1", "a process's page tables are its own: a forked child of a 256 MiB parent "
         "carries several times those of one of an empty parent",
         footprint(*FORK, 100, 256), footprint(*FORK, 100), "greater", 3.0,
         "page_tables_kib", counted=False),

    # 使得多线程程序并发性高; 多个线程共享内存，从而极大的提高了程序的运行效率: threads
    # get more done at once. Directional: a tie is not "more".
    # C8 as its sentence means it: smaller units (资源比进程少) let a program hold more
    # activities at once (并发性高). Counted on servers, the suite's and Apache's.
    Rule("C8", "a connection costs a server less memory as a thread than as a forked "
         "process: thread per connection against fork per connection, 1000 connections",
         http_memory("fork_per_conn", "process"), http_memory("thread_per_conn", "thread"),
         "greater", 1.5, "kib_per_conn", "KiB per connection"),
    # Apache's worker MPM is a thread per connection, as prefork is a process per
    # connection: the like-for-like pair. Event, its documentation says, parks idle
    # connections on a listener thread (multiplexing, not only smaller units): context.
    # Counted on all the server's memory while it holds them, over how many: what the
    # program spends to keep them in flight (资源比进程少). Worker makes its threads
    # ahead (StartServers 2 x 64), so what the connections add to it idle leaves them
    # out; that reading is shown beside as context. For a worker per connection (the
    # suite's pair) the idle server holds no worker, and the two readings agree.
    Rule("C8", "the same in Apache: its threaded worker MPM against its process-per-"
         "connection prefork MPM, 100 connections (all the server's memory while it holds "
         "them, over how many)",
         http_memory("apache_prefork", "process", 100),
         http_memory("apache_worker", "thread", 100), "greater", 1.5, "total_kib_per_conn",
         "KiB per connection"),
    Rule("C8", "Apache worker against prefork counting only what the connections add to "
         "the same server idle (worker's threads, made before any connection, are in its idle "
         "server)",
         http_memory("apache_prefork", "process", 100),
         http_memory("apache_worker", "thread", 100), "greater", 1.5, "kib_per_conn",
         "KiB per connection", counted=False),
    # Context, as Python's is: with a connection per request every request makes its
    # worker, so the row measures creation (C1/C2's premise, counted there), not how
    # many activities are in flight at once, which is what 并发性高 says.
    Rule("C8", "a new concurrent activity starts faster as a thread: with a connection "
         "per request, thread per connection serves more requests per second than fork "
         "per connection (100 connections)",
         http_rate("thread_per_conn", "thread"), http_rate("fork_per_conn", "process"),
         "greater", 1.1, "requests_per_s", "requests/s", counted=False),
    # The most direct reading of 并发性高: how many at once fit in the same memory. Each
    # repetition a fresh server filled until the limit stops it (five in quick); the
    # threshold is the memory rules' (fewer resources each: half as many again held).
    Rule("C8", "under the same 256 MiB memory limit, thread per connection holds more "
         "connections than fork per connection",
         http_held("thread_per_conn", "thread"), http_held("fork_per_conn", "process"),
         "greater", 1.5, "held", "connections"),
    # What event does with idle connections is Apache's documentation's word: the data
    # cannot show it.
    Rule("C8", "Apache's event MPM against prefork, 100 connections (Apache's "
         "documentation says event also parks idle connections on a listener thread)",
         http_memory("apache_prefork", "process", 100),
         http_memory("apache_event", "thread", 100), "greater", 1.5, "total_kib_per_conn",
         "KiB per connection", counted=False),
    # Parallel CPU throughput: context. Parallelism is not concurrency; the sentence
    # predicts nothing about how fast N busy workers run on N PUs.
    Rule("C8", "CPU-bound work: threads get more done than processes (one per PU)",
         rate("cpu", *THREAD), rate("cpu", *FORK), "greater", 1.1, "ops_per_s",
         counted=False),
    Rule("C8", "streaming memory: threads get more done than processes",
         rate("memory", *THREAD), rate("memory", *FORK), "greater", 1.1, "ops_per_s",
         counted=False),
    Rule("C8", "one counter in shared memory: threads get more done than processes",
         rate("shared_counter", *THREAD), rate("shared_counter", *FORK), "greater", 1.1,
         "ops_per_s", counted=False),
    Rule("C8", "mapping and faulting memory: threads get more done than processes",
         rate("page_fault", *THREAD), rate("page_fault", *FORK), "greater", 1.1,
         "ops_per_s", counted=False),
    Rule("C8", "counters side by side in one shared array (MAP_SHARED for processes): "
         "threads get more done than processes", rate("false_sharing_shared", *THREAD),
         rate("false_sharing_shared", *FORK), "greater", 1.1, "ops_per_s", counted=False),
    Rule("C8", "CPU-bound threads scale: one per PU do at least 80% of PUs x one thread",
         rate("cpu", *THREAD), rate("cpu", *THREAD, 1), "greater", 0.8, "ops_per_s",
         per_pu=True, counted=False),
    Rule("C8", "counters side by side in a global array: threads (sharing its cache lines) "
         "against processes (each writing its own copy-on-write copy)",
         rate("false_sharing", *THREAD), rate("false_sharing", *FORK), "greater", 1.1,
         "ops_per_s", counted=False),

    # 全局变量不好使 / 通过队列完成进程间通信.
    Rule("C4", "a global variable does not work between processes: a child's appends are "
         "not seen", nums(*FORK), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C4", "a queue does: the notes' multiprocessing.Queue delivers every item between "
         "processes (a 64 KiB dict of strings, checked)", py_payload("mp_queue", "process"),
         None, "equals", 1, "delivered", "(all delivered)"),
    Rule("C4", "the primitives underneath, in C: a bounded queue of 3 (a mutex and condition "
         "variables in shared memory) carries every item between two processes (each item "
         "checked)", queue3(*FORK), None, "above", 0, "items_per_second", "items/s"),
    # The notes' own consumer stops at the first empty() it sees: a race of the loop
    # against the producer, not a loss of the queue (py_bench's notes_loop row).
    Rule("C4", "the notes' consumer loop (`if q.empty(): break`) races: in some runs it "
         "stops before every item arrived. The queue loses nothing; the loop stops early",
         py("mp_queue", "process", "notes_loop"), None, "above", 0, "runs_short", "runs",
         counted=False),
    Rule("C4", "a global in MAP_SHARED memory does work between processes: the parent "
         "sees the child's appends", nums(*FORK, shared=1), None, "equals", 5,
         "parent_sees_items", "items", counted=False),
    Rule("C4", "what the primitives underneath cost, in C: a bounded queue of 3 costs "
         "processes more than threads (per item)",
         queue3(*FORK), queue3(*THREAD), "greater", 1.25, counted=False),

    # 线程执行开销小 ... 进程则相反: switching and talking cost processes more.
    # The main 开销 of a process is making it: counted as C2's row is.
    Rule("C7", "creating a process costs more than creating a thread (fork against "
         "pthread_create, from the minimal parent)", create(*FORK, parent=MINIMAL),
         create(*THREAD, parent=MINIMAL), "greater", 1.5, part=CHEAP_TO_MAKE),
    Rule("C7", "switching between processes costs more than between threads (pipe "
         "ping-pong on one PU)", latency("pipe", *FORK), latency("pipe", *THREAD),
         "greater", 1.25, part=CHEAP_TO_SWITCH),
    Rule("C7", "the same through a futex ring in shared memory (one PU)",
         latency("shm_ring", *FORK), latency("shm_ring", *THREAD), "greater", 1.25,
         part=CHEAP_TO_SWITCH),
    # The pairs on two cores: unpinned, a pair shares a CPU in one repetition and not in
    # the next, and that, not the kind of worker, would decide the verdict.
    Rule("C7", "a pipe costs processes more than threads (4 KiB messages, two cores)",
         throughput("pipe", *FORK, 4096), throughput("pipe", *THREAD, 4096), "greater",
         1.25, part=CHEAP_TO_TALK),
    Rule("C7", "shared memory costs processes more than threads (64 KiB messages, a ring, "
         "two cores)", throughput("shm_ring", *FORK, 65536),
         throughput("shm_ring", *THREAD, 65536), "greater", 1.25, part=CHEAP_TO_TALK),
    # 不利于资源的管理和保护；进程则相反.
    Rule("C7", "a crash (SIGSEGV) in a thread-pool task takes the whole process down",
         fault("segv", *THREAD), None, "equals", 0, "pool_survived", "(survived)", part=PROTECTS),
    Rule("C7", "the same crash in a process-pool task leaves the pool working",
         fault("segv", *FORK), None, "equals", 1, "pool_survived", "(survived)", part=PROTECTS),
    Rule("C7", "a stray write from a thread-pool task ruins its owner's data",
         scribble(*THREAD), None, "equals", 0, "owner_data_intact", "(intact)", part=PROTECTS),
    Rule("C7", "a stray write from a process-pool task cannot reach its owner's data",
         scribble(*FORK), None, "equals", 1, "owner_data_intact", "(intact)", part=PROTECTS),

    # 如果池满，那么该请求就会等待……复用之前的进程: the notes' Pool(3) with ten tasks.
    Rule("C5", "a process pool of 3 runs the notes' 10 tasks on 3 workers, reused",
         notes_pool(*FORK), None, "equals", 3, "distinct_workers", "workers", part=REUSED),
    # 如果池满，那么该请求就会等待，直到进程池中有进程结束: from the schedules (every task's
    # worker, start and end), the tasks that started only once an earlier task on their
    # worker had ended: all but the pool's first 3.
    Rule("C5", "when the pool is full a request waits for a worker to finish: 7 of the 10 "
         "tasks start only after an earlier task on their worker ended (C process pool)",
         notes_pool(*FORK), None, "equals", 7, "tasks_waited", "tasks", part=WAITS),
    Rule("C5", "the same in the notes' Pool(3): 7 of the 10 tasks wait for a worker to "
         "finish", py("mp_pool", "process", "pool_notes"), None, "equals", 7,
         "tasks_waited", "tasks", part=WAITS),
    Rule("C5", "the same in a C thread pool of 3", notes_pool(*THREAD), None, "equals", 7,
         "tasks_waited", "tasks", counted=False),
    Rule("C5", "it makes no worker per request: 3 workers made for 10 tasks",
         notes_pool(*FORK), None, "equals", 3, "workers_created", "workers", part=REUSED),
    Rule("C5", "a thread pool of 3 runs the 10 tasks on 3 threads, reused",
         notes_pool(*THREAD), None, "equals", 3, "distinct_workers", "threads", part=REUSED),
    Rule("C5", "every task runs once: none twice",
         notes_pool(*FORK), None, "equals", 0, "tasks_run_twice", "tasks", part=REUSED),
    # 如果池未满，就会创建一个新的进程: a worker made by a request, none before it. Said of
    # the notes' Pool; tvp's C pool makes every worker in pool_create by design, so it
    # answers nothing the notes say (and no C pool here is built lazily).
    Rule("C5", "the notes' Pool(3) makes a worker only when a request finds it not full "
         "(none before the first request)", py("mp_pool", "process", "reuse",
                                               start_method="fork"), None, "equals", 0,
         "workers_up_front", "workers", part=ONLY_WHILE_NOT_FULL),
    Rule("C5", "tvp's C process pool, built eagerly by design (pool_create makes every "
         "worker up front; no C pool here is built lazily): workers made before the first "
         "request", notes_pool(*FORK), None, "equals", 0, "workers_created_before_submit",
         "workers", counted=False),
    # 复用之前的进程: the reuse is what is cheap; that it is cheaper than a worker per
    # task is the reason for a pool, not something the notes measure.
    Rule("C5", "a process pool beats a fork per task at empty tasks (one worker per PU)",
         pool("per_task", *FORK, 0), pool("pool", *FORK, 0), "greater", 5.0,
         counted=False),
    Rule("C5", "a thread pool beats a thread per task at empty tasks",
         pool("per_task", *THREAD, 0), pool("pool", *THREAD, 0), "greater", 2.0,
         counted=False),
    Rule("C5", "a process pool still beats a fork per task at 1 ms tasks (by half again)",
         pool("per_task", *FORK, 1000000), pool("pool", *FORK, 1000000), "greater", 1.5,
         counted=False),

    # 进程池里出现异常不会报出异常信息: said of Python's apply_async (py_rules); what a
    # pool can do instead is C's pool_wait, which returns each task's status.
    Rule("C6", "tvp's C process pool: a task's error reaches the caller of pool_wait",
         fault("error", *FORK), None, "equals", 1, "seen_status", "(status; 1 = error)",
         counted=False),
    Rule("C6", "tvp's C process pool: a worker's crash reaches the caller",
         fault("segv", *FORK), None, "above", 0, "seen_status", "(status; 0 = success)",
         counted=False),

    # 进程间不同享全局变量.
    Rule("C3", "a child process appends to the global list; the parent still sees 2 items",
         nums(*FORK), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C3", "the same with raw clone (no shared memory): the parent sees 2 items",
         nums(*CLONE), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C3", "a thread appends to the global list; the parent sees all 5 items",
         nums(*THREAD), None, "equals", 5, "parent_sees_items", "items"),
]

def rules_of(claim, rules=RULES):
    return engine.rules_of(claim, rules)


def judge(claim, run, rules=RULES):
    """(verdict, [Outcome]) of one claim's rules on a Run, context rows included."""
    return engine.judge(claim, run, rules)


def judged_rules(claim):
    """The rules a claim's verdict comes from: C's, or for a claim the notes make about
    their own Python code (judged_on "python"), Python's."""
    if CLAIMS[claim].get("judged_on") == "python":
        return py_rules.PY_RULES
    return RULES


def judged(claim, run):
    """(verdict, [Outcome]) of a claim on the rules it is judged on: the verdict the
    report, the comparison and the catalogue give."""
    return judge(claim, run, judged_rules(claim))


def fragility(claim, run, rules=RULES):
    return engine.fragility(claim, run, rules)


def is_fragile(claim, run, rules=RULES):
    return engine.is_fragile(claim, run, rules)
