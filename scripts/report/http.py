"""http.py - C8 where concurrency lives (bench/http.c): the suite's HTTP server in five
worker models and Apache httpd's three MPMs under wrk: requests per second and p99
latency against connections, memory per idle connection, server CPU per request, and
whether the suite's servers stand beside Apache's (the "not a toy" check)."""
from report.verdicts import claim_part
from report.i18n import _
from report.http_apache import apache_configs, not_a_toy, target_rows  # noqa: F401 (targets.py)
from report.http_figures import HANDOUT, memory_figure, series_figure
from report.http_notes import (capacity_words, falling_windows, held_step, notes, pool_spares,
                               repeated_readings, warmed_by_memory)
from report.http_python import python_part
from report.http_readings import (key_number, metric_words, starved, what_it_does_not_say,
                                  worker_counts)  # noqa: F401 (the tests')
from report.http_tables import held_table, memory_table, rate_table
# Reached through this module by the tests, as before the split.
from report.http_apache import cpu_words, shipped_words, toy_pairs  # noqa: F401
from report.http_servers import rate_rows  # noqa: F401


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
              "pool grows as connections come. In the figure every solid bar is what the "
              "connections add and the light, dashed bar beside it all the server's "
              "memory over its connections, its idle server included: C8 counts the "
              "first for the suite's servers and the second for Apache's pair (below "
              "why): compare like with like, solid with solid (the suite's counted pair "
              "and its context) and light with light (Apache's counted pair)."), ""]
    out += [metric_words(run), ""]
    out += memory_table(run) + [""]
    out += notes(pool_spares(run) + repeated_readings(run))
    out += held_table(run)
    out += notes([held_step(run)])
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
    out += notes([capacity_words(run), warmed_by_memory(run),
                  _("With a connection per request, a thread or a process per connection "
                    "makes a worker for each request and ends it after: how many are alive "
                    "at one instant is a snapshot of that churn, so those rows show \"–\"; "
                    "every other row shows the count read in the window its rate comes "
                    "from."), falling_windows(run)])
    out += [" ".join(starved(run)), ""] if starved(run) else []
    out += rate_table(run) + [""]
    return out
