"""http_readings.py - C8's sentences read from this run: the key number, what it does
not say, a server starved of processes in wrk's window, Apache worker's processes and
threads."""
from report.http_servers import (MEMORY, PROCESS_PER_CONNECTION, cell, label, med,
                                 rate_rows, windows)
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
             "keeps for it and charges to the cgroup (kernel stacks, page tables, socket "
             "and other slab objects){part}.").format(memory=_(MEMORY), part=part)


def held_pair(run):
    """(limit MiB, thread's held, fork's held) of the held rows, or None."""
    held = {}
    for b in run.select("http", "held"):
        if b.usable and b.variant in ("thread_per_conn", "fork_per_conn"):
            held[b.variant] = (b.args["limit_mib"], med(b, "held"))
    if len(held) < 2 or held["thread_per_conn"][0] != held["fork_per_conn"][0]:
        return None
    return held["thread_per_conn"][0], held["thread_per_conn"][1], held["fork_per_conn"][1]


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
    held = held_pair(run)
    if held:
        limit, ht, hf = held
        out.append(_("What a smaller unit buys, by the held rows below: under the same "
                     "{limit} MiB, thread per connection held {t} connections and fork per "
                     "connection {f}.").format(limit=limit, t=fmt(ht), f=fmt(hf)))
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
