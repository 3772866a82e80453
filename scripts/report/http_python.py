"""http_python.py - Python's standard HTTP servers (bench/py_http.py) under the same wrk
runs, and the memory they hold per idle connection."""
from report.http_servers import CONN, cell, med
from report.i18n import N_, _, reason, sentences
from report.kit import fmt, table
from verdicts import py_rules


PY_WORDS = {"http_threading": N_("ThreadingHTTPServer (a thread per connection)"),
            "http_forking": N_("HTTPServer with ForkingMixIn (a process per connection)"),
            "http_pool": N_("HTTPServer with a ThreadPoolExecutor (a pooled thread per "
                            "connection)")}


def threshold():
    """The counted Python memory rule's threshold, from the rules themselves."""
    return next((r.threshold for r in py_rules.PY_RULES if r.claim == "C8" and r.counted
                 and r.metric == "pss_kib_per_conn"), None)


def kernel_words(run):
    """Python's ratio counts user pages only: what kernel memory would do to it, as an
    estimate from the C servers' kernel memory per connection (labelled one)."""
    out = [_("Pss only, on both sides: no cgroup is made for Python's servers, so neither "
             "side's kernel memory is counted (its kernel stacks, page tables, sockets), "
             "and the ratio counts user pages only.")]
    py = {b.variant: med(b, "pss_kib_per_conn") for b in run.select("python", "http_memory")
          if b.usable and b.args.get("connections") == 100}
    c = {}
    for b in run.select("http", "memory"):
        if b.usable and b.variant in ("thread_per_conn", "fork_per_conn") \
                and med(b, "kmem_kib_per_conn") is not None:
            c.setdefault(b.variant, (b.args["connections"], med(b, "kmem_kib_per_conn")))
            if b.args["connections"] == 1000:
                c[b.variant] = (1000, med(b, "kmem_kib_per_conn"))
    t, f = py.get("http_threading"), py.get("http_forking")
    if not t or not f or len(c) < 2:
        return out[0]
    kt, kf = c["thread_per_conn"][1], c["fork_per_conn"][1]
    est, bar = (f + kf) / (t + kt), threshold()
    out.append(_("It would be smaller with kernel memory: adding the C servers' kernel "
                 "memory per connection ({kt} KiB a thread, {kf} KiB a forked process, at "
                 "{n} connections) as a rough proxy turns {r}× into about {est}×, an "
                 "estimate, not a measurement{bar}.").format(
        kt=fmt(kt), kf=fmt(kf), n=c["thread_per_conn"][0], r=f"{f / t:.1f}",
        est=f"{est:.0f}",
        bar=_(", still past the {t}× the verdict needs").format(t=fmt(bar))
        if bar and est >= bar else ""))
    return sentences(out)


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
    return [sentences([_("Memory per connection in Python, by the C servers' method: that "
                         "many idle keep-alive connections, each answered once, on a fresh "
                         "server; the Pss of every process of the server minus the same with "
                         "none open, per connection."), kernel_words(run),
                       _("Why a forked Python child costs so much is a hypothesis: it writes "
                         "to much of the interpreter's memory it shares with its parent "
                         "(reference counts), so its pages are soon its own; a child's "
                         "Private_Dirty (smaps_rollup) before and after its first request "
                         "would test it.")]), ""] + \
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
