"""http_servers.py - what report/http*.py share about C8's servers: their order, words
and colours, the not-a-toy pairs, and how a rate or memory row is read (its median, its
windows, a process-per-connection server starved in wrk's window)."""
from report.i18n import N_, _
from report.kit import fmt

# The servers in bench/http.c's order (src/http_run.c, http_servers[]): the suite's
# models, then Apache's MPMs. Their words for the report; a server the run names and
# this table lacks is shown by its name.
SERVERS = [("thread_per_conn", N_("thread per connection")),
           ("fork_per_conn", N_("fork per connection")),
           ("prefork_pool", N_("pre-forked process pool")),
           ("thread_pool", N_("thread pool")),
           ("epoll", N_("epoll loop (neither)")),
           ("apache_prefork", N_("Apache prefork")),
           ("apache_worker", N_("Apache worker")),
           ("apache_event", N_("Apache event"))]
WORDS = dict(SERVERS)
CONN = {"keepalive": N_("keep-alive"), "close": N_("a connection per request")}
PIN = {"split": N_("wrk and server apart"), "none": N_("unpinned")}
# "The instrument is not a toy": each suite server against the Apache MPM of its
# shape, at keep-alive and 100 connections, non-inferior within this margin.
NOT_A_TOY = [("epoll", "apache_event"), ("thread_pool", "apache_event"),
             ("prefork_pool", "apache_prefork")]
MARGIN = 0.10
NOT_A_TOY_LEVEL = 100
# Shades: threads blue, processes red (plots/style.gp), the epoll loop grey; Apache's
# MPMs take their mode's colour and are drawn dashed.
COLOURS = {"thread_per_conn": "#1f77b4", "thread_pool": "#6baed6",
           "fork_per_conn": "#d62728", "prefork_pool": "#fc9272", "epoll": "#444444",
           "apache_prefork": "#a50f15", "apache_worker": "#08519c", "apache_event": "#3182bd"}


def label(server):
    return _(WORDS[server]) if server in WORDS else server


def servers_of(rows):
    order = [s for s, _w in SERVERS]
    return sorted({b.variant for b in rows},
                  key=lambda s: (order.index(s) if s in order else len(order), s))


def rate_rows(run, conn, pin="split", body="small"):
    return [b for b in run.select("http", "rate", conn=conn, pin=pin, body=body)]


def med(b, counter):
    return b.counter(counter) if b and b.usable else None


def cell(x, digits=3):
    return fmt(x, digits) if x is not None else "–"


# Servers whose every connection is held by a process of its own (a process per
# connection, made ahead or not): fewer processes than connections in the window means
# connections waited for one.
PROCESS_PER_CONNECTION = ("fork_per_conn", "prefork_pool", "apache_prefork")
# What "memory" is in C8's key line, memory figure and table: one wording for all three.
MEMORY = N_("Pss of every server process plus its cgroup's kernel memory")
# Servers that make a worker for each connection and end it with the connection: with a
# connection per request, how many are alive at one instant is a snapshot of churn.
WORKER_PER_CONNECTION = ("thread_per_conn", "fork_per_conn")
# Pools: their workers, and the processes or threads that are not (the parent, the main
# thread), read from the memory rows' counters.
POOLS = {"prefork_pool": "server_processes", "thread_pool": "server_threads"}


def starved_rows(run):
    """The rate rows of a process-per-connection server that held fewer processes than
    connections during wrk's window (only rows sampled in the window: a run that warmed
    up, warmup_s)."""
    out = []
    for b in run.select("http", "rate"):
        procs, warm = med(b, "server_processes"), med(b, "warmup_s")
        if b.variant in PROCESS_PER_CONNECTION and procs is not None and warm is not None \
                and procs < b.args["connections"]:
            out.append(b)
    return out


def in_window(b, counter):
    """The counter as read in the window the row's rate comes from: its only window, or
    the median window of an odd number of them; None for an even number (the median
    rate falls between two windows) or a row without it."""
    rates, vals = (b.counters.get(c, []) if b and b.usable else [] for c in
                   ("requests_per_s", counter))
    if not vals or len(vals) != len(rates) or len(rates) % 2 == 0:
        return None
    order = sorted(range(len(rates)), key=lambda i: rates[i])
    return vals[order[len(order) // 2]]


def windows(b):
    """What a rate row's number is, in words: one wrk window, or the median of that many
    windows on one server kept up."""
    n = len(b.counters.get("requests_per_s", [])) if b else 0
    if n == 1:
        return _("one wrk window each")
    return _("the median of {n} wrk windows on one server").format(n=n)
