"""http_readings.py - C8's sentences read from this run: the key number, what it does
not say, a server starved of processes in wrk's window, Apache worker's processes and
threads."""
from report.http_servers import (MEMORY, PROCESS_PER_CONNECTION, cell, label, med,
                                 rate_rows, windows)
from report.http_notes import held_steps
from report.i18n import _, sentences
from report.kit import derived, fmt


def starved(run):
    """A sentence for each keep-alive row whose server held fewer processes than
    connections during wrk's window (a pool not grown to the level yet, or children not
    forked as fast as wrk connected). Only rows sampled in the window (a run that
    warmed up, warmup_s): an older run counted them after wrk had closed."""
    out = []
    for b in rate_rows(run, "keepalive"):
        procs, warm = med(b, "server_processes"), med(b, "warmup_s")
        n = b.args["connections"]
        if b.variant in PROCESS_PER_CONNECTION and procs is not None and warm is not None \
                and procs < n:
            out.append(_("{server} held {procs} processes during wrk's window at {n} "
                         "connections (warmed up for {warm} s first): some connections "
                         "waited for a process of their own, so its rate there is not that "
                         "of a server holding them all.").format(
                server=label(b.variant), procs=f"{procs:.0f}", n=n, warm=cell(warm, 2)))
    return out


def worker_counts(run):
    """" Apache worker held its N connections in P processes and T threads": the
    sentence from the memory row's counters, or "" where the run has none."""
    b = next((b for b in run.select("http", "memory", variant="apache_worker")
              if b.usable), None)
    procs, threads = med(b, "server_processes"), med(b, "server_threads")
    if procs is None or threads is None:
        return ""
    return " " + _("Apache worker held its {n} connections in {p} processes (the parent "
                   "among them) and {t} threads.").format(
        n=b.args["connections"], p=f"{procs:.0f}", t=f"{threads:.0f}")


def metric_words(run):
    """What C8's two memory metrics are, in one true sentence, and why Apache's counted
    pair is on the second: from Apache worker's memory row where the run has one."""
    out = [_("**KiB per connection** is what the connections add: the server's memory "
             "while it holds them minus the same server idle, over the connections. "
             "**All the server's KiB per connection** is the server's whole memory while "
             "it holds them, its idle memory included, over the connections: the first "
             "plus the idle server spread over them, so it is the larger for every server, "
             "by most where the connections are few."),
           _("A row's first repetition starts a fresh server and reads its baseline; the "
             "later ones hold the connections again on it.")]
    b = next((b for b in run.select("http", "memory", variant="apache_worker")
              if b.usable), None)
    total, added, idle = (med(b, k) for k in ("total_kib_per_conn", "kib_per_conn",
                                             "baseline_kib"))
    if total and added is not None and idle:
        n = b.args["connections"]
        out.append(_("C8 counts Apache's pair on the second: its threaded MPMs make their "
                     "threads before any connection comes (so Apache's documentation says: "
                     "a child starts its ThreadsPerChild threads as it starts; this run "
                     "counts threads only while connections are open), and those threads "
                     "are what "
                     "Apache's design holds its connections in, so the first would count "
                     "them as free.{worker} The price is that the second also counts the "
                     "rest of the idle server: of Apache worker's {total} KiB per "
                     "connection, {idle} is its idle server ({base} KiB) spread over {n} "
                     "connections and {added} what the connections add. The suite's "
                     "pair, whose idle servers hold no worker, is counted on the "
                     "first.").format(worker=worker_counts(run), total=fmt(total),
                                      idle=fmt(idle / n), base=fmt(idle), n=n,
                                      added=fmt(added)))
    return sentences(out)


def key_number(run):
    """C8's key number: memory per concurrent connection, thread against fork per
    connection, at the largest level both held."""
    both = {}
    for s in ("thread_per_conn", "fork_per_conn"):
        for b in run.select("http", "memory", variant=s):
            if b.usable:
                both.setdefault(b.args["connections"], {})[s] = b
    levels = sorted(n for n, d in both.items() if len(d) == 2)
    if not levels:
        return []
    n = 1000 if 1000 in levels else levels[-1]
    t, f = (both[n][s].counter("kib_per_conn") for s in ("thread_per_conn", "fork_per_conn"))
    if not t or not f or t <= 0:
        return []
    return [_("**Key number.** With {n} idle connections open, a connection held by a "
              "thread costs {t} KiB and one held by a forked process {f} KiB: {r}× as "
              "much ({memory}, per connection).").format(
        n=n, t=fmt(t), f=fmt(f), r=f"{f / t:.1f}", memory=_(MEMORY)), ""]


def memory_words(run):
    """What C8's memory is, in the wording of the key line, figure and table, and how
    much of the thread's is the kernel's (from the key row)."""
    b = next((b for b in run.select("http", "memory", variant="thread_per_conn",
                                    connections=1000) if b.usable), None)
    k, t = med(b, "kmem_kib_per_conn"), med(b, "kib_per_conn")
    part = _(" ({k} of a thread's {t} KiB at {n} connections is the kernel's)").format(
        k=fmt(k), t=fmt(t), n=1000) if k and t else ""
    return _("Memory is the {memory}: Pss counts of a thread's stack (8 MiB of address "
             "space) only the pages it touched; the kernel's part is what the kernel "
             "charges to the cgroup{part}. What a kernel charges a cgroup for in general "
             "is kernel stacks, page tables, sockets and other slab objects; this run "
             "reads only the cgroup's total, not its parts.").format(memory=_(MEMORY),
                                                                     part=part)


def held_pair(run):
    """(limit MiB, thread's held, fork's held) of the held rows, or None."""
    held = {}
    for b in run.select("http", "held"):
        if b.usable and b.variant in ("thread_per_conn", "fork_per_conn"):
            held[b.variant] = (b.args["limit_mib"], med(b, "held"))
    if len(held) < 2 or held["thread_per_conn"][0] != held["fork_per_conn"][0]:
        return None
    return held["thread_per_conn"][0], held["thread_per_conn"][1], held["fork_per_conn"][1]


def key_rows(run):
    """{server: KiB per connection} of thread and fork per connection at the key
    number's level (1000 where both ran it, else the largest both ran)."""
    both = {}
    for s in ("thread_per_conn", "fork_per_conn"):
        for b in run.select("http", "memory", variant=s):
            if b.usable and med(b, "kib_per_conn"):
                both.setdefault(b.args["connections"], {})[s] = b
    levels = sorted(n for n, d in both.items() if len(d) == 2)
    if not levels:
        return None, {}
    n = 1000 if 1000 in levels else levels[-1]
    return n, {s: med(b, "kib_per_conn") for s, b in both[n].items()}


def held_reading(run, limit, ht, hf):
    """What "supported" means for C8, in plain words: more connections fit in the same
    memory; held is the memory rows' consequence measured directly, and why it comes out
    below the limit divided by a connection's memory."""
    _n, kib = key_rows(run)
    if len(kib) < 2:
        return []
    t_div, f_div = (limit * 1024 / kib[s] for s in ("thread_per_conn", "fork_per_conn"))
    steps = held_steps(run)
    step = _(", and the sweep stops at a whole step of {step} connections").format(
        step=min(steps)) if steps else ""
    below = ht <= t_div and hf <= f_div
    return [_("So \"supported\" here means that more connections fit in the same memory: "
              "held is the memory rows' consequence measured directly ({limit} MiB over "
              "{tk} KiB a connection would be {td}, over {fk} KiB {fd}).").format(
        limit=limit, tk=fmt(kib["thread_per_conn"]), td=fmt(t_div),
        fk=fmt(kib["fork_per_conn"]), fd=fmt(f_div))] + \
        ([_("Held comes out lower than that division: the limit also holds the "
            "server's own idle memory{step}.").format(step=step)] if below else [])


def fastest_words(run, ka):
    """Where the server of the smallest memory per connection also answered the most
    keep-alive requests at 100 connections and is neither a thread nor a process per
    connection (the epoll loop), said from the rows; nothing otherwise."""
    mem = {b.variant: med(b, "kib_per_conn") for b in run.select("http", "memory",
                                                                 connections=1000)
           if b.usable and med(b, "kib_per_conn")}
    rate = {s: med(b, "requests_per_s") for s, b in ka.items()
            if med(b, "requests_per_s")}
    if "epoll" not in mem or "epoll" not in rate:
        return []
    if min(mem, key=mem.get) != "epoll" or max(rate, key=rate.get) != "epoll":
        return []
    return [_("The smallest unit here is neither a thread nor a process: the epoll loop "
              "holds a connection for {k} KiB and answered the most keep-alive requests at "
              "100 connections ({r} requests/s); a smaller unit of memory is not by itself "
              "a faster one.").format(k=fmt(mem["epoll"]), r=fmt(rate["epoll"]))]


def what_it_does_not_say(run):
    """What the key number does not show, each sentence written from this run's
    comparison whichever way it falls: which of a thread and a process per connection
    answered more keep-alive requests once connected, what the held rows show a smaller
    unit buys, and what the connection-per-request row measures."""
    ka = {b.variant: b for b in rate_rows(run, "keepalive") if b.usable
          and b.args.get("connections") == 100}
    t, f, e = (med(ka.get(s), "requests_per_s") for s in ("thread_per_conn", "fork_per_conn",
                                                           "epoll"))
    epoll = _(" (the epoll loop, neither, {e})").format(e=fmt(e)) if e else ""
    out = []
    if t and f and max(t, f) / min(t, f) >= 1.1:
        # One of the two ahead by 10% or more: say which, never "about as many".
        (more, a), (less, b) = sorted((("thread_per_conn", t), ("fork_per_conn", f)),
                                      key=lambda x: -x[1])
        r = derived(a / b, "keep-alive at 100 connections: the faster of thread and fork "
                    "per connection over the slower, requests/s", spec=".2f")
        out.append(_("Once connected, {more} answered more requests than {less}: with "
                     "keep-alive at 100 connections {a} requests/s against {b} ({r}×; "
                     "{windows}, no test){epoll}.").format(
            more=label(more), less=label(less), a=fmt(a), b=fmt(b), r=r,
            windows=windows(ka[more]), epoll=epoll))
        out.append(_("Here the thread also answered faster; C8 does not count it (its "
                     "sentence is about how many at once, not how fast).")
                   if more == "thread_per_conn" else
                   _("The smaller unit did not answer faster here."))
    elif t and f:
        # xgettext: no-python-format
        out.append(_("Once connected, the two answered within 10% of each other ({windows}, "
                     "no test): with keep-alive at 100 connections thread per connection "
                     "answered {t} requests/s and fork per connection {f}{epoll}.").format(
            t=fmt(t), f=fmt(f), windows=windows(ka["thread_per_conn"]), epoll=epoll))
    # The tail beside the rate: a server ahead on requests/s can keep some clients
    # waiting far longer (fork per connection's p99 was 42x the thread server's once).
    pt, pf = (med(ka.get(s), "p99_us") for s in ("thread_per_conn", "fork_per_conn"))
    if t and f and pt and pf:
        # xgettext: no-python-format
        out.append(_("In the same windows the slowest 1% of requests (p99) took {pt} ms "
                     "with thread per connection and {pf} ms with fork per "
                     "connection.").format(pt=fmt(pt / 1e3), pf=fmt(pf / 1e3)))
    held = held_pair(run)
    if held:
        limit, ht, hf = held
        out.append(_("What a smaller unit buys, by the held rows below: under the same "
                     "{limit} MiB, thread per connection held {t} connections and fork per "
                     "connection {f}.").format(limit=limit, t=fmt(ht), f=fmt(hf)))
        out += held_reading(run, limit, ht, hf)
    out += fastest_words(run, ka)
    close = {b.variant: b for b in rate_rows(run, "close") if b.usable
             and b.args.get("connections") == 100}
    ct, cf = (med(close.get(s), "requests_per_s") for s in ("thread_per_conn",
                                                            "fork_per_conn"))
    if ct and cf:
        out.append(_("With a connection per request every request makes its worker, so "
                     "that row measures creation again, as C2 and C7 do directly: thread "
                     "per connection {t} requests/s against fork per connection {f} "
                     "({r}×; {windows}).").format(t=fmt(ct), f=fmt(cf), r=f"{ct / cf:.1f}",
                                                 windows=windows(close["thread_per_conn"])))
    out.append(memory_words(run))
    return [sentences(out), ""]
