"""http.py - C8 where concurrency lives (bench/http.c): the suite's HTTP server in five
worker models and Apache httpd's three MPMs under wrk: requests per second and p99
latency against connections, memory per idle connection, server CPU per request, and
whether the suite's servers stand beside Apache's (the "not a toy" check)."""
from report.verdicts import claim_part
from report.i18n import N_, _, reason, sentences
from report.kit import derived, draw, fmt, table, write_data

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


# The handout's figure (figures/http.png, the scenario's figure that scripts/handout.py
# looks for): the four servers C8's sentence is about.
HANDOUT = ("thread_per_conn", "fork_per_conn", "apache_event", "apache_prefork")


def series_figure(run, folder, conn, only=None, base=None):
    """figures/http_rate.CONN (or BASE): requests/s and p99 against connections, a series
    a server (those in ONLY, when given). A server that ran one level is a dot with its
    rate beside it, not a line; a process-per-connection server starved in wrk's window
    (starved()) is circled. The handout's (BASE given) writes no rates beside the dots:
    a projector's page has no room for them."""
    rows = [b for b in rate_rows(run, conn) if b.usable and (not only or b.variant in only)]
    servers = servers_of(rows)
    levels = sorted({b.args["connections"] for b in rows})
    if not servers or len(levels) < 2:
        return []
    by = {(b.variant, b.args["connections"]): b for b in rows}
    text = []
    for counter in ("requests_per_s", "p99_us"):
        lines = ["connections " + " ".join(f'"{label(s)}"' for s in servers)]
        for n in levels:
            vals = [med(by.get((s, n)), counter) for s in servers]
            lines.append(f"{n} " + " ".join(f"{v:.6g}" if v else "NaN" for v in vals))
        text.append("\n".join(lines) + "\n")
    points = [sum(1 for n in levels if med(by.get((s, n)), "requests_per_s")) for s in servers]
    hungry = [(b.args["connections"], med(b, "requests_per_s"), servers.index(b.variant) + 1,
               _("starved: {procs} processes").format(procs=f"{med(b, 'server_processes'):.0f}"))
              for b in starved_rows(run) if b.variant in servers
              and b.args["conn"] == conn and med(b, "requests_per_s")]
    text.append("".join(f'{n} {r:.6g} {i} "{w}"\n' for n, r, i, w in hungry) or "\n")
    base = base or f"http_rate.{conn}"
    path = write_data(folder, f"{base}.dat", "\n\n".join(text))
    labels = {
        "L_TITLE": _("HTTP servers under wrk, {conn}, small body (Apache dashed)")
        .format(conn=_(CONN[conn])),
        "L_XLABEL": _("concurrent connections (wrk; a level's servers set side by side)"),
        "L_RATE": _("requests per second"),
        "L_P99": _("p99 latency, ms"),
    }
    return draw(folder, "http_rate.gp", path, base,
                _("Requests per second and p99 latency against connections"),
                str(len(servers)), " ".join(COLOURS.get(s, "#888888") for s in servers),
                " ".join("1" if s.startswith("apache_") else "0" for s in servers),
                " ".join(str(p) for p in points), str(len(hungry)),
                "0" if only else "1", labels=labels)


def memory_figure(run, folder):
    """figures/http_memory: KiB per idle connection, a group of bars per server."""
    rows = [b for b in run.select("http", "memory") if b.usable]
    servers = servers_of(rows)
    levels = sorted({b.args["connections"] for b in rows})
    if not servers:
        return []
    by = {(b.variant, b.args["connections"]): b for b in rows}
    lines = []
    for i, s in enumerate(servers):
        vals = [med(by.get((s, n)), c) for c in ("kib_per_conn", "total_kib_per_conn")
                for n in levels]
        lines.append("\t".join([str(i), label(s), str(int(COLOURS.get(s, "#888888")[1:], 16)),
                                 "1" if s.startswith("apache_") else "0"] +
                                [f"{v:.6g}" if v is not None else "NaN" for v in vals]))
    path = write_data(folder, "http_memory.dat", "\n".join(lines) + "\n")
    # A run older than total_kib_per_conn has none: no outline, no key for it.
    totals = any(med(b, "total_kib_per_conn") is not None for b in rows)
    labels = {
        "L_TITLE": _("Memory per idle keep-alive connection: Pss of every server process plus "
                     "its cgroup's kernel memory"),
        "L_YLABEL": _("KiB per connection"),
        "L_TOTAL": _("dashed: all the server's memory per connection"),
        # TRANSLATORS: a printf format: %d is the number of connections
        "L_LEVEL": _("%d idle connections"),
    }
    return draw(folder, "http_memory.gp", path, "http_memory", _("Memory per connection"),
                str(len(levels)), " ".join(str(n) for n in levels), "1" if totals else "0",
                labels=labels)


def rate_table(run):
    rows = run.select("http", "rate")
    servers = servers_of(rows)
    lines = []
    for b in sorted(rows, key=lambda b: (b.args.get("pin") != "split", b.args.get("conn"),
                                         b.args.get("body"), servers.index(b.variant),
                                         b.args["connections"])):
        head = [label(b.variant), _(CONN.get(b.args["conn"], b.args["conn"])),
                b.args["body"], _(PIN.get(b.args["pin"], b.args["pin"])),
                str(b.args["connections"])]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error))] + [""] * 8)
            continue
        cpu = med(b, "server_cpu_ns_per_request")
        p50, p99 = med(b, "p50_us"), med(b, "p99_us")
        procs, threads, warm = (med(b, c) for c in ("server_processes", "server_threads",
                                                     "warmup_s"))
        lines.append(head + [
            cell(med(b, "requests_per_s")), cell(p50 / 1e3 if p50 is not None else None),
            cell(p99 / 1e3 if p99 is not None else None),
            f"{sum(b.counters.get('errors', [])):.0f}", f"{sum(b.counters.get('timeouts', [])):.0f}",
            cell(cpu / 1e3 if cpu is not None else None),
            # An older run (no warm-up) counted them after wrk's window: not shown.
            f"{procs:.0f} / {threads:.0f}" if None not in (procs, threads, warm) else "–",
            f"{warm:.1f}" if warm is not None else "–"])
    return table([_("server"), _("connections are"), _("body"), _("placement"),
                  _("connections"), _("requests/s"), _("p50 ms"), _("p99 ms"),
                  _("errors (all repetitions)"), _("timeouts"), _("server CPU µs/request"),
                  _("processes / threads in the window"), _("warm-up s")],
                 lines)


# Servers whose every connection is held by a process of its own (a process per
# connection, made ahead or not): fewer processes than connections in the window means
# connections waited for one.
PROCESS_PER_CONNECTION = ("fork_per_conn", "prefork_pool", "apache_prefork")


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


def memory_table(run):
    rows = run.select("http", "memory")
    servers = servers_of(rows)
    lines = []
    for b in sorted(rows, key=lambda b: (servers.index(b.variant), b.args["connections"])):
        head = [label(b.variant), str(b.args["connections"])]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error))] + [""] * 7)
            continue
        lines.append(head + [f"{med(b, 'held'):.0f}", cell(med(b, "kib_per_conn")),
                             cell(med(b, "pss_kib_per_conn")),
                             cell(med(b, "kmem_kib_per_conn")),
                             cell(med(b, "total_kib_per_conn")),
                             f"{med(b, 'server_processes'):.0f}", f"{med(b, 'server_threads'):.0f}"])
    return table([_("server"), _("connections"), _("held"), _("KiB per connection"),
                  _("of it Pss"), _("of it kernel"), _("all the server's KiB per connection"),
                  _("processes"), _("threads")], lines)


def held_table(run):
    """Connections each server held under one memory limit."""
    rows = run.select("http", "held")
    if not rows:
        return []
    servers = servers_of(rows)
    lines = []
    for b in sorted(rows, key=lambda b: (b.args["limit_mib"], servers.index(b.variant))):
        head = [label(b.variant), str(b.args["limit_mib"])]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error)), ""])
            continue
        held = b.counters.get("held", [])
        lines.append(head + [f"{med(b, 'held'):.0f}",
                             f"{min(held):.0f}–{max(held):.0f} ({len(held)})" if held else "–",
                             reason(b.label) if b.label else "–"])
    return [_("Under one memory limit (the cgroup's, swap included): idle keep-alive "
              "connections added to a fresh server a step at a time, until a step is not "
              "all answered, the OOM killer kills in the cgroup, or the server dies. "
              "**held** is the last total that stood whole; each repetition is a fresh "
              "server, so the range is of independent servers."), ""] + \
        table([_("server"), _("limit MiB"), _("held"),
               _("range (fresh servers)"), _("what ended the sweep")], lines) + [""]


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
              "much (Pss of every server process plus its cgroup's kernel memory, per "
              "connection).").format(n=n, t=fmt(t), f=fmt(f), r=f"{f / t:.1f}"), ""]


def windows(b):
    """What a rate row's number is, in words: one wrk window, or the median of that many
    windows on one server kept up."""
    n = len(b.counters.get("requests_per_s", [])) if b else 0
    if n == 1:
        return _("one wrk window each")
    return _("the median of {n} wrk windows on one server").format(n=n)


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
    out.append(_("Memory is what the server's pages hold (Pss: a thread's stack is 8 MiB "
                 "of address space, of which only the pages it touched count)."))
    return [sentences(out), ""]


def toy_pairs(run):
    """[(ours, theirs, our requests/s, theirs)] of the not-a-toy check that ran: found
    among what ran rather than asked for by key, a context row a run cut to a time budget
    may leave out (scripts/running/budget/ keeps what is asked for by key)."""
    at = {b.variant: b for b in rate_rows(run, "keepalive")
          if b.args["connections"] == NOT_A_TOY_LEVEL}
    out = []
    for ours, theirs in NOT_A_TOY:
        ra, rb = med(at.get(ours), "requests_per_s"), med(at.get(theirs), "requests_per_s")
        if ra and rb:
            out.append((ours, theirs, ra, rb))
    return out


def target_rows(run):
    """TARGETS.md's rows (English, for the people who build tvp): (target, measured, met)."""
    return [(f"http, keep-alive, {NOT_A_TOY_LEVEL} connections: {ours} at least "
             f"{1 - MARGIN:.0%} of {theirs} (requests/s, same run)", f"{ra / rb:.3g}x",
             ra >= (1 - MARGIN) * rb) for ours, theirs, ra, rb in toy_pairs(run)]


def shipped_words(run):
    """What Apache's MPM settings were, from the configuration the run recorded: Debian's
    shipped file included under the capacity, or (an older run) httpd's compiled-in
    defaults under it."""
    confs = [v for k, v in run.ctx.items() if k.startswith("http_conf_apache_")]
    if confs and all("IncludeOptional /etc/apache2/mods-available/mpm_" in c for c in confs):
        return _("Debian's shipped MPM settings (its mods-available/mpm_*.conf, included) "
                 "with only the capacity over them")
    return _("httpd's compiled-in MPM defaults (Debian's shipped mpm_*.conf files were not "
             "loaded) with the capacity over them")


def cpu_words(run, pairs):
    """The sentence beside the not-a-toy table: how many times Apache's rate the suite's
    servers answered, and each side's CPU per request, from the same rows."""
    at = {b.variant: b for b in rate_rows(run, "keepalive") if b.usable
          and b.args["connections"] == NOT_A_TOY_LEVEL}
    ours = sorted({o for o, _t, _a, _b in pairs})
    theirs = sorted({t for _o, t, _a, _b in pairs})
    cpu = {s: med(at.get(s), "server_cpu_ns_per_request") for s in ours + theirs}
    ratios = [ra / rb for _o, _t, ra, rb in pairs]
    mine = [cpu[s] / 1e3 for s in ours if cpu[s]]
    apache = [cpu[s] / 1e3 for s in theirs if cpu[s]]
    if not mine or not apache:
        return ""
    span = (lambda xs: fmt(min(xs), 2) if fmt(min(xs), 2) == fmt(max(xs), 2) else
            f"{fmt(min(xs), 2)}–{fmt(max(xs), 2)}")
    return _("The suite's servers answered {r}× Apache's requests per second; Apache spent "
             "{a} µs of server CPU per request against the suite's {o} µs (the same rows). "
             "Why Apache spends more per request (its request phases and filters, the "
             "per-directory configuration merged for each request) is a hypothesis this "
             "run does not test; it writes no access log here.").format(
        r=span(ratios), a=span(apache), o=span(mine))


def not_a_toy(run, configs):
    """The suite's servers beside Apache's, same run, keep-alive, 100 connections."""
    pairs = toy_pairs(run)
    lines = [[label(ours), label(theirs), fmt(ra), fmt(rb), f"{ra / rb:.2f}",
              _("yes") if ra >= (1 - MARGIN) * rb else _("no")]
             for ours, theirs, ra, rb in pairs]
    if not lines:
        return []
    at = {b.variant: b for b in rate_rows(run, "keepalive")
          if b.args["connections"] == NOT_A_TOY_LEVEL}
    # xgettext: no-python-format
    return [_("**Not a toy.** At keep-alive and {n} connections, in the same run: is each "
              "of the suite's servers at least {keep}% of the Apache MPM of its shape, in "
              "requests per second ({windows}; no p-value)? Apache ran with {shipped}: "
              "{configs}.").format(n=NOT_A_TOY_LEVEL, keep=round((1 - MARGIN) * 100),
                                   windows=windows(at.get(pairs[0][1])),
                                   shipped=shipped_words(run),
                                   configs=", ".join(configs) or "–"), ""] + \
        table([_("the suite's"), _("Apache's"), _("requests/s"), _("Apache's requests/s"),
               # xgettext: no-python-format
               _("ratio"), _("not slower (10% margin)")], lines) + [""] + \
        ([cpu_words(run, pairs), ""] if cpu_words(run, pairs) else [])


def apache_configs(run, folder):
    """data/apache_MPM.conf: each configuration Apache ran with, as the run recorded it
    (RUNDIR and port 0 stand for the temporary folder and the port of each start)."""
    names = []
    for k, v in sorted(run.ctx.items()):
        if k.startswith("http_conf_apache_") and folder:
            name = k[len("http_conf_"):] + ".conf"
            write_data(folder, name, v + "\n")
            names.append(f"`data/{name}`")
    return names


PY_WORDS = {"http_threading": N_("ThreadingHTTPServer (a thread per connection)"),
            "http_forking": N_("HTTPServer with ForkingMixIn (a process per connection)"),
            "http_pool": N_("HTTPServer with a ThreadPoolExecutor (a pooled thread per "
                            "connection)")}


def python_memory(run):
    """Python's servers holding idle connections (bench/py_http.py, http_memory)."""
    rows = run.select("python", "http_memory")
    if not rows:
        return []
    lines = []
    for b in sorted(rows, key=lambda b: (list(PY_WORDS).index(b.variant)
                                         if b.variant in PY_WORDS else 9, b.variant)):
        head = [_(PY_WORDS[b.variant]) if b.variant in PY_WORDS else b.variant,
                str(b.args.get("connections"))]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error)), "", "", ""])
            continue
        kib = b.counters.get("pss_kib_per_conn", [])
        lines.append(head + [f"{med(b, 'held'):.0f}", cell(med(b, "pss_kib_per_conn")),
                             f"{cell(min(kib))}–{cell(max(kib))} ({len(kib)})" if kib else "–",
                             f"{med(b, 'server_processes'):.0f}"])
    return [_("Memory per connection in Python, by the C servers' method: that many idle "
              "keep-alive connections, each answered once, on a fresh server; the Pss of "
              "every process of the server minus the same with none open, per connection. "
              "Pss only: no cgroup is made for Python's servers, so a forked child's "
              "kernel memory (its kernel stack, its page tables) is left out, which leaves "
              "the fork side short if anything. Why a forked Python child costs so much is "
              "a hypothesis: it writes to much of the interpreter's memory it shares with "
              "its parent (reference counts), so its pages are soon its own; a child's "
              "Private_Dirty (smaps_rollup) before and after its first request would test "
              "it."), ""] + \
        table([_("server"), _("connections"), _("held"), _("KiB per connection (Pss)"),
               _("range (fresh servers)"), _("processes")], lines) + [""]


def python_part(run):
    """Python's standard servers under the same wrk runs (bench/py_http.py)."""
    rows = run.select("python", "http")
    if not rows:
        return python_memory(run)
    lines = []
    for b in sorted(rows, key=lambda b: (b.args.get("conn"), b.args.get("connections"),
                                         b.variant)):
        head = [_(PY_WORDS[b.variant]) if b.variant in PY_WORDS else b.variant,
                _(CONN.get(b.args.get("conn"), str(b.args.get("conn")))),
                str(b.args.get("connections"))]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error)), "", "", ""])
            continue
        p50, p99 = med(b, "p50_us"), med(b, "p99_us")
        lines.append(head + [cell(med(b, "requests_per_s")),
                             cell(p50 / 1e3 if p50 is not None else None),
                             cell(p99 / 1e3 if p99 is not None else None),
                             f"{sum(b.counters.get('errors', [])):.0f}"])
    return [_("The notes' language: Python's standard HTTP servers serving the same body to "
              "the same wrk runs (wrk and the server apart; ForkingMixIn's limit of 40 "
              "children raised to 1000, as Apache's capacity is, and socketserver's listen "
              "backlog of 5 to 4096, so wrk's connections wait rather than being refused)."),
            ""] + \
        table([_("server"), _("connections are"), _("connections"), _("requests/s"),
               _("p50 ms"), _("p99 ms"), _("errors (all repetitions)")], lines) + [""] + \
        python_memory(run)


def section(run, folder):
    rows = run.select("http")
    out = claim_part("C8", run, "## " + _("C8 — where concurrency lives: HTTP servers "
                                             "under wrk"))
    if not rows:
        return out + (python_part(run) or [_("*No data of the http scenario in this run.*"),
                                           ""])
    out += [_("Concurrency, not parallelism: how many clients a server keeps in flight at "
              "once and what each costs. The suite's own server (one request path; a "
              "thread or a forked process per connection, a pool of either accepting on "
              "one socket, or one epoll loop that is neither) and Apache httpd 2.4 in its "
              "three MPMs (prefork: a process per connection; worker and event: threads) "
              "serve the same bodies to the same wrk runs on 127.0.0.1. On a machine of "
              "few PUs the client and the server compete: wrk runs on the first PU and the "
              "server on the others (\"apart\"); the unpinned rows share all of them."), "",
            _("What a row's repetitions are differs by row, and none of them is the "
              "report's repetitions of a benchmark: a **rate** row's are wrk windows on one "
              "server kept up (most ran one window: its number is that window, not a "
              "median); a **memory** row's are readings of one fresh server, the "
              "connections opened again on it for each (not independent: the key number "
              "quotes their median with no interval); a **held** row's are fresh servers, "
              "independent. None carries a p-value."), ""]
    for conn in ("keepalive", "close"):
        out += series_figure(run, folder, conn)
    series_figure(run, folder, "keepalive", HANDOUT, "http")  # the handout's, not shown here
    out += key_number(run)
    out += what_it_does_not_say(run)
    out += memory_figure(run, folder)
    out += [_("Memory per connection: with that many idle keep-alive connections open "
              "(each answered once), minus the same fresh server with none open, divided "
              "by the connections it answered. A pool's workers count once they exist: a "
              "pool grows as connections come."), ""]
    out += [_("**KiB per connection** is what the connections add to the same server idle; "
              "**all the server's KiB per connection** is everything the server holds while "
              "it holds them, over how many, the workers it made for them in advance included. "
              "They differ where a server makes workers before any connection comes "
              "(Apache's threaded MPMs make theirs in advance): the first leaves them out "
              "and the second counts them.{worker} C8 counts Apache's pair on the second, "
              "what keeping the connections costs the program; the suite's pair, whose "
              "idle servers hold no worker, on the first. A row's first repetition starts "
              "a fresh server and reads its baseline; the later ones hold the connections "
              "again on it.").format(worker=worker_counts(run)), ""]
    out += memory_table(run) + [""]
    out += held_table(run)
    out += not_a_toy(run, apache_configs(run, folder))
    out += python_part(run)
    out += [_("Every number (a row's one wrk window, or the median where it ran several; "
              "errors and timeouts summed over them). Before a row's first window at a level, its server is warmed up: as "
              "many idle keep-alive connections as the level opened, each answered once, "
              "then closed, so that a pool has grown to the level (Apache prefork grows "
              "from its shipped five processes by 1, 2, 4 … 32 a second, seven seconds to "
              "100). The processes and threads are the server's, counted during wrk's "
              "window; its CPU per request counts every process, its children's whether "
              "reaped or alive, once none is ending."), ""]
    out += [" ".join(starved(run)), ""] if starved(run) else []
    out += rate_table(run) + [""]
    return out
