"""http_apache.py - the suite's servers beside Apache's MPMs (the "not a toy" check,
TARGETS.md's rows) and the configurations Apache ran with."""
from report.http_servers import MARGIN, NOT_A_TOY, NOT_A_TOY_LEVEL, label, med, rate_rows, windows
from report.http_notes import notes
from report.i18n import _, sentences
from report.kit import fmt, table, write_data


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
    if confs and all("IncludeOptional /etc/apache2/mods-available/mpm_" in c and
                     "AllowOverride None" in c for c in confs):
        return _("Debian's shipped MPM settings (its mods-available/mpm_*.conf, included) "
                 "and its apache2.conf's AllowOverride None, with only the capacity over "
                 "them (for the threaded MPMs, the threads they grow kept: "
                 "MaxSpareThreads as MaxRequestWorkers)")
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
             "{a} µs of server CPU per request against the suite's {o} µs (the same "
             "rows).").format(r=span(ratios), a=span(apache), o=span(mine))


def conf_has(run, mpm, text):
    """Whether the configuration the run recorded for Apache MPM says text."""
    return text in run.ctx.get(f"http_conf_apache_{mpm}", "")


def where_time_goes(run):
    """What the check can and cannot say: the differences in the work each side does
    (differences, not measured causes; the by-hand measurements are in
    docs/measuring.md), and that a pass by several times says only "not slower"."""
    if not run.ctx.get("http_conf_apache_prefork"):
        return ""
    diff = _("What differs in the work done, said as differences and not as measured "
             "causes: Apache serves a file from disk, looked up and opened for each "
             "request, where the suite sends a body from memory; each request passes "
             "through Apache's module hooks and a walk of the path's folders, where the "
             "suite's server calls one function")
    if not conf_has(run, "prefork", "AllowOverride None"):
        diff += _("; and with this run's configuration Apache looked for .htaccess in "
                  "every folder of the path")
    return sentences([diff + ".", _("By-hand traces of Apache under wrk (strace, perf), "
                                    "taken outside any run, are in docs/measuring.md."),
                      _("So a check passed by several times cannot tell a toy from a real "
                        "server: it says only that the suite's servers are not slower than "
                        "Apache at this load, not that they do Apache's work faster.")])


def latency_words(run, pairs):
    """p99 latency of each Apache server of the check against the first of the suite's
    servers paired with it, from the same rows: a rate alone hides a slow tail."""
    at = {b.variant: b for b in rate_rows(run, "keepalive") if b.usable
          and b.args["connections"] == NOT_A_TOY_LEVEL}
    said = {}
    for ours, theirs, _ra, _rb in pairs:
        po, pt = med(at.get(ours), "p99_us"), med(at.get(theirs), "p99_us")
        if po and pt and theirs not in said:
            said[theirs] = _("{theirs} {pt} ms against {ours} {po} ms").format(
                theirs=label(theirs), pt=fmt(pt / 1e3), ours=label(ours), po=fmt(po / 1e3))
    if not said:
        return []
    return [_("The p99 latency at {n} connections (the same rows): {pairs}.").format(
        n=NOT_A_TOY_LEVEL, pairs=_("; ").join(said.values()))]


def error_words(run):
    """Apache's rate rows that had errors, with their counts from the rows, which errors
    they were where the run recorded it, and why (measured by hand) where it did not."""
    rows = [b for b in rate_rows(run, "keepalive") if b.usable and
            b.variant.startswith("apache_") and sum(b.counters.get("errors", [])) > 0]
    out = []
    for server in dict.fromkeys(b.variant for b in rows):
        mine = sorted((b for b in rows if b.variant == server),
                      key=lambda b: b.args["connections"])
        counts = _(", ").join(_("{e} at {n} connections").format(
            e=fmt(sum(b.counters["errors"])), n=b.args["connections"]) for b in mine)
        kinds = [(k, sum(sum(b.counters.get(c, [])) for b in mine)) for k, c in
                 ((_("read errors"), "read_errors"), (_("connect errors"), "connect_errors"),
                  (_("write errors"), "write_errors"), (_("non-2xx answers"), "non_2xx"))]
        if all(c in mine[0].counters for c in ("read_errors", "non_2xx")):
            which = _(", ").join(_("{n} {kind}").format(n=fmt(n), kind=k) for k, n in kinds if n)
        else:
            which = _("wrk's socket errors (connect, read, write) and non-2xx answers summed: "
                      "this run did not record which")
        out.append(_("{server}'s rows had errors: {counts} ({which}).").format(
            server=label(server), counts=counts, which=which))
        if server == "apache_prefork":
            continue
        if not conf_has(run, server[len("apache_"):], "MaxSpareThreads"):
            out.append(_("By hand with this configuration they were read errors: Apache's "
                         "parent stopped a child whenever its idle threads passed "
                         "MaxSpareThreads (Debian's 75, three children of its 25 threads; "
                         "64 a child here), and the keep-alive connections parked on it "
                         "were closed under wrk (AH03093 in Apache's log: hundreds a "
                         "one-second window). Later runs keep the threads they grow "
                         "(MaxSpareThreads as MaxRequestWorkers): by hand, then none at "
                         "100 connections."))
        if any(b.args["connections"] >= 1000 for b in mine):
            out.append(_("At 1000 connections a hypothesis, from by-hand windows outside "
                         "the run (docs/measuring.md), is that {server} closes parked "
                         "keep-alive connections while its children hold more than they "
                         "can serve; its log does not say so, and this run does not test "
                         "it.").format(server=label(server)))
    return out


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
        notes([cpu_words(run, pairs)] + latency_words(run, pairs) +
              [where_time_goes(run)] + error_words(run))


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
