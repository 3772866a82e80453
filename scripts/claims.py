"""claims.py - the notes' claims, and the rules that turn measurements into verdicts.

Every verdict in the report comes from RULES: one row per prediction the claim makes,
naming the two benchmarks compared (by their fields, with the one key builder of
results.py), the relation and the threshold. A claim whose every prediction holds is
"supported", one with none "not supported", one with some "nuanced"; a claim without
the data for any of its rules says "missing data". Another machine gets its own verdict
from the same table."""
from dataclasses import dataclass, replace

import stats
from results import PUS, key

# The thread and the process the notes set against each other, as (kind, mode): the
# rules name the mode they mean, they never derive it from a kind's name.
THREAD = ("pthread", "thread")
FORK = ("fork", "process")
VFORK = ("vfork", "process")
CLONE = ("clone", "process")
SPAWN = ("posix_spawn", "process")


# The families the rules read, as fields. PUS stands for the machine's PUs.
def create(kind, mode, mib=0, layout="private"):
    return key("create", kind, mode, "round_trip", layout=layout, parent_mib=mib)


def footprint(kind, mode, workers, mib=0):
    return key("footprint", kind, mode, "memory", workers=workers, parent_mib=mib)


def cow_child(pct, mib=256):
    return key("cow", "fork", "process", "write", writer="child", layout="private",
               parent_touched=1, pct=pct, parent_mib=mib)


def nums(kind, mode, shared=0):
    return key("globals", kind, mode, "nums", shared=shared)


def rate(workload, kind, mode, workers=PUS, pin="none"):
    return key("scale", workload, mode, "rate", kind=kind, pin=pin, workers=workers)


def throughput(transport, kind, mode, size, pin="diff_core"):
    return key("ipc", transport, mode, "throughput", kind=kind, pin=pin, msg_bytes=size)


def latency(transport, kind, mode, pin="same_pu"):
    return key("ipc", transport, mode, "latency", kind=kind, pin=pin)


def queue3(kind, mode):
    return key("ipc", "queue", mode, "queue3", kind=kind, pin="none")


def pool(way, kind, mode, task_ns, workers=PUS):
    return key("pool", way, mode, "throughput", kind=kind, task_ns=task_ns, workers=workers)


def fault(failure, kind, mode):
    return key("pool", "pool", mode, "fault", kind=kind, failure=failure)


def scribble(kind, mode):
    return key("pool", "pool", mode, "scribble", kind=kind)


def py(variant, mode, measure, **args):
    return key("python", variant, mode, measure, **args)


# Each claim: the notes' words (zh), ours (en), and where measured, the one pair of
# benchmarks the summary quotes (thread against process, with the metric and its unit)
# and the figure that shows it.
CLAIMS = {
    "C1": {
        "zh": "线程基本上不拥有系统资源（只拥有程序计数器、寄存器和栈等运行中必不可少的资源）；"
              "进程是操作系统分配资源的基本单位",
        "en": "A thread owns almost no resources (a program counter, registers, a stack); "
              "a process is the unit of resource allocation.",
        "key": (footprint(*THREAD, 1000), footprint(*FORK, 1000), "private_kib+kernel_kib",
                "KiB per idle worker (user + kernel)"),
        "figure": "figures/footprint.png",
    },
    "C2": {
        "zh": "进程实现多任务所需资源比较大，每一个子进程都需要把主进程资源拷贝一份"
              "（代码共享同一份（写时拷贝））",
        "en": "Processes cost more to create: each child copies the parent's resources "
              "(code is shared, copy-on-write).",
        "key": (create(*THREAD), create(*FORK), "time", "µs to create and reap one worker"),
        "figure": "figures/create_methods.png",
    },
    "C3": {
        "zh": "进程间不同享全局变量",
        "en": "Processes do not share global variables.",
        "key": (nums(*THREAD), nums(*FORK), "parent_sees_items",
                "items of the global list the parent sees"),
        "figure": None,
    },
    "C4": {
        "zh": "通过队列完成进程间通信（全局变量不好使）",
        "en": "Processes communicate through a queue, since global variables do not work.",
        "key": (queue3(*THREAD), queue3(*FORK), "time",
                "µs per item through the notes' Queue(3)"),
        "figure": "figures/ipc_throughput.png",
    },
    "C5": {
        "zh": "进程池……如果池满，那么该请求就会等待，直到进程池中有进程结束，复用之前的进程来执行该请求",
        "en": "A pool reuses its workers instead of creating one per task.",
        "key": (pool("per_task", *THREAD, 0), pool("per_task", *FORK, 0), "time",
                "µs per batch of empty tasks with a new worker each, to set against a pool's"),
        "figure": "figures/pool_throughput.png",
    },
    "C6": {
        "zh": "进程池里出现异常不会报出异常信息",
        "en": "An exception inside a pool worker is not shown in the main process.",
        "key": (fault("error", *THREAD), fault("error", *FORK), "seen_status",
                "status the caller sees for a failed task (1 = error)"),
        "figure": None,
    },
    "C7": {
        "zh": "线程执行开销小，但不利于资源的管理和保护；进程则相反",
        "en": "Threads cost little to run but are bad for resource protection; processes "
              "the opposite.",
        "key": (latency("pipe", *THREAD), latency("pipe", *FORK), "time",
                "µs per pipe round trip on one PU (two context switches)"),
        "figure": "figures/ipc_latency.png",
    },
    "C8": {
        "zh": "线程的划分尺度小于进程（资源比进程少），使得多线程程序并发性高",
        "en": "Threads are smaller than processes, so multithreaded programs are highly "
              "concurrent.",
        "key": (rate("page_fault", *THREAD), rate("page_fault", *FORK), "ops_per_s",
                "page-fault loops per second, one worker per PU"),
        "figure": "figures/scale.png",
    },
}


@dataclass(frozen=True)
class Rule:
    claim: str
    prediction: str   # what the claim predicts, in words
    a: object         # benchmark keys: the prediction is about median(a) against
    b: object         # median(b), or against the threshold alone when b is None
    relation: str     # with b: "greater" (a / b >= threshold), "similar" (|a / b - 1| <=
    threshold: float  # threshold); without: "above" (a >= threshold), "below" (a <
                      # threshold), "equals" (a == threshold)
    metric: str = "time"  # "time" (µs per iteration) or counters joined by "+"
    unit: str = ""
    per_pu: bool = False  # the threshold is per PU: multiplied by the machine's PUs


SUM = "private_kib+kernel_kib"

RULES = [
    Rule("C2", "a forked process costs more to create than a thread",
         create(*FORK), create(*THREAD), "greater", 1.5),
    Rule("C2", "a vfork process costs more to create than a thread",
         create(*VFORK), create(*THREAD), "greater", 1.5),
    Rule("C2", "a posix_spawn process costs more to create than a thread",
         create(*SPAWN), create(*THREAD), "greater", 1.5),
    Rule("C2", "fork copies the parent: 1 GiB of parent memory makes it dearer",
         create(*FORK, 1024), create(*FORK), "greater", 3.0),
    Rule("C2", "posix_spawn copies the parent: 1 GiB of parent memory makes it dearer",
         create(*SPAWN, 1024), create(*SPAWN), "greater", 3.0),
    Rule("C2", "fork copies the parent even in huge pages: 1 GiB makes it dearer",
         create(*FORK, 1024, "thp"), create(*FORK), "greater", 3.0),
    Rule("C2", "a forked child that writes nothing has copied the parent's 256 MiB "
         "(private memory of at least half of it)", cow_child(0), None, "above",
         128 * 1024, "private_dirty_kib", "KiB"),
    Rule("C2", "a forked child that writes every page has copied every page "
         "(copy-on-write: at least 90% of 256 MiB)", cow_child(100), None, "above",
         0.9 * 256 * 1024, "private_dirty_kib", "KiB"),

    Rule("C1", "an idle thread owns almost no memory: user + kernel under 64 KiB",
         footprint(*THREAD, 1000), None, "below", 64, SUM, "KiB"),
    Rule("C1", "an idle forked process costs at least twice a thread (user + kernel)",
         footprint(*FORK, 1000), footprint(*THREAD, 1000), "greater", 2.0, SUM),
    Rule("C1", "an idle spawned process costs at least twice a thread (user + kernel)",
         footprint(*SPAWN, 1000), footprint(*THREAD, 1000), "greater", 2.0, SUM),
    Rule("C1", "a process's page tables are its own: a forked child of a 256 MiB parent "
         "carries several times those of one of an empty parent",
         footprint(*FORK, 100, 256), footprint(*FORK, 100), "greater", 3.0,
         "page_tables_kib"),

    Rule("C8", "CPU-bound work: N threads get as much done as N processes (one per PU)",
         rate("cpu", *THREAD), rate("cpu", *FORK), "similar", 0.10, "ops_per_s"),
    Rule("C8", "CPU-bound threads scale: one per PU do at least 80% of PUs x one thread",
         rate("cpu", *THREAD), rate("cpu", *THREAD, 1), "greater", 0.8, "ops_per_s",
         per_pu=True),
    Rule("C8", "streaming memory: threads get as much done as processes",
         rate("memory", *THREAD), rate("memory", *FORK), "similar", 0.10, "ops_per_s"),
    Rule("C8", "one counter in shared memory: threads get as much done as processes",
         rate("shared_counter", *THREAD), rate("shared_counter", *FORK), "similar", 0.10,
         "ops_per_s"),
    Rule("C8", "counters in a global array: threads get at least 90% of what processes do",
         rate("false_sharing", *THREAD), rate("false_sharing", *FORK), "greater", 0.9,
         "ops_per_s"),
    Rule("C8", "mapping and faulting memory: threads get at least 90% of what processes do",
         rate("page_fault", *THREAD), rate("page_fault", *FORK), "greater", 0.9, "ops_per_s"),

    Rule("C4", "global variables do not work between processes: a child's append is not seen",
         nums(*FORK), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C4", "the notes' Queue(3) costs processes more than threads (per item)",
         queue3(*FORK), queue3(*THREAD), "greater", 1.25),
    # The pairs on two cores: unpinned, a pair shares a CPU in one repetition and not in
    # the next, and that, not the kind of worker, would decide the verdict.
    Rule("C4", "a pipe costs processes more than threads (4 KiB messages, two cores)",
         throughput("pipe", *FORK, 4096), throughput("pipe", *THREAD, 4096), "greater", 1.25),
    Rule("C4", "shared memory costs processes more than threads (64 KiB messages, a ring, "
         "two cores)", throughput("shm_ring", *FORK, 65536),
         throughput("shm_ring", *THREAD, 65536), "greater", 1.25),

    Rule("C7", "switching between processes costs more than between threads (pipe "
         "ping-pong on one PU)", latency("pipe", *FORK), latency("pipe", *THREAD),
         "greater", 1.25),
    Rule("C7", "the same through a futex ring in shared memory",
         latency("shm_ring", *FORK), latency("shm_ring", *THREAD), "greater", 1.25),
    Rule("C7", "a crash (SIGSEGV) in a thread-pool task takes the whole process down",
         fault("segv", *THREAD), None, "equals", 0, "pool_survived", "(survived)"),
    Rule("C7", "the same crash in a process-pool task leaves the pool working",
         fault("segv", *FORK), None, "equals", 1, "pool_survived", "(survived)"),
    Rule("C7", "a stray write from a thread-pool task ruins its owner's data",
         scribble(*THREAD), None, "equals", 0, "owner_data_intact", "(intact)"),
    Rule("C7", "a stray write from a process-pool task cannot reach its owner's data",
         scribble(*FORK), None, "equals", 1, "owner_data_intact", "(intact)"),

    Rule("C5", "a process pool beats a fork per task at empty tasks (one worker per PU)",
         pool("per_task", *FORK, 0), pool("pool", *FORK, 0), "greater", 5.0),
    Rule("C5", "a thread pool beats a thread per task at empty tasks",
         pool("per_task", *THREAD, 0), pool("pool", *THREAD, 0), "greater", 2.0),
    Rule("C5", "a process pool still beats a fork per task at 1 ms tasks (by half again)",
         pool("per_task", *FORK, 1000000), pool("pool", *FORK, 1000000), "greater", 1.5),

    Rule("C6", "a task's error does not reach the caller (the caller sees success)",
         fault("error", *FORK), None, "equals", 0, "seen_status", "(0: ok)"),
    Rule("C6", "a worker's crash does not reach the caller",
         fault("segv", *FORK), None, "equals", 0, "seen_status", "(0: ok)"),

    Rule("C3", "a child process appends to the global list; the parent still sees 2 items",
         nums(*FORK), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C3", "the same with raw clone (no shared memory): the parent sees 2 items",
         nums(*CLONE), None, "equals", 2, "parent_sees_items", "items"),
    Rule("C3", "a thread appends to the global list; the parent sees all 5 items",
         nums(*THREAD), None, "equals", 5, "parent_sees_items", "items"),
]

SIGNIFICANCE = 0.05


@dataclass
class Outcome:
    rule: Rule
    holds: bool = None      # None: data missing, or the data cannot decide (undecided)
    ratio: float = None
    p: float = None
    why: str = ""
    value: float = None     # median of a, for a rule against a threshold
    undecided: bool = False  # the data are there but cannot decide (why says why)

    @property
    def gap(self):
        """What stands in place of a result when there is none."""
        return "undecided" if self.undecided else "missing data"


def values(bench, metric):
    """Per-repetition values of a metric: the times, or a sum of counters."""
    if metric == "time":
        return bench.times_us
    parts = [bench.counters.get(name) for name in metric.split("+")]
    if any(p is None for p in parts):
        return []
    return [sum(v) for v in zip(*parts)]


def needs_pus(rule):
    return rule.per_pu or any(k is not None and PUS in k.args.values() for k in (rule.a, rule.b))


def evaluate(rule, run):
    """The Outcome of one rule on a Run (results.Run)."""
    if needs_pus(rule):
        if not run.pus:
            return Outcome(rule, why="the run's context does not say how many PUs it had")
        rule = replace(rule, a=rule.a.resolve(run.pus),
                       b=rule.b.resolve(run.pus) if rule.b else None,
                       threshold=rule.threshold * (run.pus if rule.per_pu else 1), per_pu=False)
    samples = {}
    for k in (rule.a, rule.b):
        if k is None:
            continue
        bench = run.bench(k)
        if bench is None:
            return Outcome(rule, why=f"{k} was not run")
        if bench.error:
            return Outcome(rule, why=f"{bench.name}: {bench.error}")
        samples[k] = values(bench, rule.metric)
        if not samples[k]:
            return Outcome(rule, why=f"{bench.name}: no {rule.metric} samples")
    a = samples[rule.a]
    med_a = stats.median_ci(a)[0]
    if rule.b is None:
        if rule.relation == "above":
            holds = med_a >= rule.threshold
        elif rule.relation == "below":
            holds = med_a < rule.threshold
        elif rule.relation == "equals":
            holds = all(v == rule.threshold for v in a)
        else:
            raise ValueError(f"unknown relation {rule.relation}")
        return Outcome(rule, holds, value=med_a)
    b = samples[rule.b]
    med_b = stats.median_ci(b)[0]
    for k, side in ((rule.a, a), (rule.b, b)):
        if len(side) < 2:
            return Outcome(rule, undecided=True,
                           why=f"{k}: one repetition, no test can decide")
    if med_b == 0:
        return Outcome(rule, undecided=True, why=f"{rule.b}: median 0, no ratio")
    ratio = med_a / med_b
    p = stats.u_test(a, b)
    # With very few repetitions no outcome can reach the level (3 against 3: p >= 0.1);
    # then the ratio decides alone, and the report says the test could not.
    testable = stats.u_test_min_p(len(a), len(b)) < SIGNIFICANCE
    significant = p is None or not testable or p < SIGNIFICANCE
    if rule.relation == "greater":
        # Significance backs a claimed difference; a bound at or below 1 claims none.
        holds = ratio >= rule.threshold and (significant or rule.threshold <= 1)
    elif rule.relation == "similar":
        holds = abs(ratio - 1) <= rule.threshold
    else:
        raise ValueError(f"unknown relation {rule.relation}")
    return Outcome(rule, holds, ratio, p,
                   "" if testable else "too few repetitions for the U test")


def verdict(outcomes):
    known = [o for o in outcomes if o.holds is not None]
    if not known:
        return "undecided" if any(o.undecided for o in outcomes) else "missing data"
    held = sum(o.holds for o in known)
    if held == len(known):
        return "supported"
    if held == 0:
        return "not supported"
    return "nuanced"


def judge(claim, run, rules=RULES):
    """(verdict, [Outcome]) of one claim's rules on a Run."""
    outcomes = [evaluate(r, run) for r in rules if r.claim == claim]
    return verdict(outcomes), outcomes
