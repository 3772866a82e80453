"""http_tables.py - C8's tables of the C servers: the rate rows, memory per idle
connection, connections held under one memory limit."""
from report.http_servers import (CONN, MEMORY, PIN, WORKER_PER_CONNECTION, cell, in_window, label,
                                 med, servers_of)
from report.i18n import _, reason
from report.kit import table


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
        procs, threads = (in_window(b, c) for c in ("server_processes", "server_threads"))
        warm = med(b, "warmup_s")
        if b.args["conn"] == "close" and b.variant in WORKER_PER_CONNECTION:
            procs = None  # a snapshot of workers made and ended per request: not shown
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
    return table([_("server"), _("connections"), _("held"),
                  _("KiB per connection ({memory})").format(memory=_(MEMORY)),
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
