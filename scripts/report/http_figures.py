"""http_figures.py - C8's figures: requests/s and p99 against connections (the report's
and the handout's), memory per idle connection."""
from report.http_servers import COLOURS, CONN, MEMORY, label, med, rate_rows, servers_of, starved_rows
from report.i18n import _
from report.kit import draw, fmt, write_data


# The handout's figure (figures/http.png, the scenario's figure that scripts/handout.py
# looks for): the four servers C8's sentence is about.
HANDOUT = ("thread_per_conn", "fork_per_conn", "apache_event", "apache_prefork")


# The step between the dots of servers that ran the same level, as a factor on the log
# axis: a level's dots are set side by side, centred on it, in the servers' order.
STEP = 1.10


def spread(by, servers, levels):
    """{(server, level): x}: where each server's dot at a level is drawn. Only the
    servers that ran a level are spread around it, so a level with few stays near its
    number on the log axis (three at 1000 span 909-1100, not seven's 750-1330)."""
    x = {}
    for n in levels:
        here = [s for s in servers if med(by.get((s, n)), "requests_per_s")]
        for rank, s in enumerate(here):
            x[s, n] = n * STEP ** (rank - (len(here) - 1) / 2)
        for s in servers:
            x.setdefault((s, n), n)
    return x


def series_figure(run, folder, conn, only=None, base=None):
    """figures/http_rate.CONN (or BASE): requests/s and p99 against connections, a series
    a server (those in ONLY, when given). A server that ran one level is a dot with its
    rate beside it, not a line; a process-per-connection server starved in wrk's window
    (starved()) is circled, and so is a point whose windows had errors. The handout's
    (BASE given) writes no rates beside the dots: a projector's page has no room."""
    rows = [b for b in rate_rows(run, conn) if b.usable and (not only or b.variant in only)]
    servers = servers_of(rows)
    levels = sorted({b.args["connections"] for b in rows})
    if not servers or len(levels) < 2:
        return []
    by = {(b.variant, b.args["connections"]): b for b in rows}
    x = spread(by, servers, levels)
    text = []
    for counter in ("requests_per_s", "p99_us"):
        lines = ["connections " + " ".join(f'"{label(s)}" x' for s in servers)]
        for n in levels:
            vals = [med(by.get((s, n)), counter) for s in servers]
            lines.append(f"{n} " + " ".join(f"{v:.6g} {x[s, n]:.6g}" if v else "NaN NaN"
                                            for s, v in zip(servers, vals)))
        text.append("\n".join(lines) + "\n")
    points = [sum(1 for n in levels if med(by.get((s, n)), "requests_per_s")) for s in servers]
    hungry = [(x[b.variant, b.args["connections"]], med(b, "requests_per_s"),
               _("starved: {procs} processes").format(procs=f"{med(b, 'server_processes'):.0f}"))
              for b in starved_rows(run) if b.variant in servers
              and b.args["conn"] == conn and med(b, "requests_per_s")]
    # A point whose windows had errors is marked as a starved one is: its rate is of the
    # requests that were answered, not of every connection wrk held.
    hungry += [(x[b.variant, b.args["connections"]], med(b, "requests_per_s"),
                _("{errors} errors").format(errors=fmt(sum(b.counters["errors"]))))
               for b in rows if sum(b.counters.get("errors", [])) > 0
               and med(b, "requests_per_s")]
    text.append("".join(f'{n:.6g} {r:.6g} "{w}"\n' for n, r, w in hungry) or "\n")
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
        # One reading solid for every server (what the connections add), the other light
        # beside it (all the server's memory, its idle server included): bars of two
        # readings mixed in one solid set drew Apache worker, a thread server, taller than
        # fork per connection. Which reading C8 counts for whom, the caption says.
        vals = [med(by.get((s, n)), c) for c in ("kib_per_conn", "total_kib_per_conn")
                for n in levels]
        lines.append("\t".join([str(i), label(s), str(int(COLOURS.get(s, "#888888")[1:], 16)),
                                 "1" if s.startswith("apache_") else "0"] +
                                [f"{v:.6g}" if v is not None else "NaN" for v in vals]))
    path = write_data(folder, "http_memory.dat", "\n".join(lines) + "\n")
    # A run older than total_kib_per_conn has none: no outline, no key for it.
    totals = any(med(b, "total_kib_per_conn") is not None for b in rows)
    labels = {
        "L_TITLE": _("Memory per idle keep-alive connection: {memory}").format(
            memory=_(MEMORY)),
        "L_YLABEL": _("KiB per connection"),
        "L_COUNTED": _("solid: what the connections add"),
        "L_TOTAL": _("light: all the server's memory"),
        # TRANSLATORS: a printf format: %d is the number of connections
        "L_LEVEL": _("%d idle connections"),
    }
    return draw(folder, "http_memory.gp", path, "http_memory", _("Memory per connection"),
                str(len(levels)), " ".join(str(n) for n in levels), "1" if totals else "0",
                labels=labels)
