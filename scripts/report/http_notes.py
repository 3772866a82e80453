"""http_notes.py - what C8's rows need said beside them, each from the rows themselves:
which row warmed a server up, the workers a pool holds beyond its connections, readings
of one server that repeat or climb, the held sweep's step, and connection-per-request
windows that fall from one to the next."""
import re

from report.http_servers import POOLS, WORKER_PER_CONNECTION, label, med, rate_rows
from report import state
from report.i18n import _, sentences
from report.kit import fmt


def warmed_by_memory(run):
    """A sentence naming the servers whose keep-alive rate row warmed up in no time
    because its memory row, run first on the same server, had grown it (a pool or
    Apache: a worker per connection has nothing to grow), or ""."""
    grown = {}
    for b in run.select("http", "memory"):
        if b.usable:
            grown[b.variant] = max(grown.get(b.variant, 0), b.args["connections"])
    names, churn = [], False
    for b in rate_rows(run, "keepalive"):
        warm = med(b, "warmup_s")
        if warm is None or warm >= 0.05:
            continue
        if (b.variant in POOLS or b.variant.startswith("apache_")) \
                and grown.get(b.variant, 0) >= b.args["connections"]:
            names.append(label(b.variant))
        churn |= b.variant in WORKER_PER_CONNECTION
    out = []
    if names:
        out.append(_("For a server that keeps its workers, a warm-up of 0.0 s is a server "
                     "already grown: the rate rows of {servers} ran on the server their "
                     "memory row, run first, had grown to as many connections.").format(
            servers=_(", ").join(dict.fromkeys(names))))
    if label("apache_prefork") in names:
        out.append(_("Apache prefork's seconds of growth fell in its memory row, not in "
                     "its rate row."))
    if churn:
        out.append(_("Thread and fork per connection keep no workers: theirs end when the "
                     "warm-up's connections close, so their 0.0 s is only the time to open "
                     "and close those connections."))
    return sentences(out) if out else ""


def pool_spares(run):
    """A sentence for each pool that held more workers than connections when its memory
    was read: its KiB per connection counts the spare ones too."""
    out = []
    for b in run.select("http", "memory"):
        counter = POOLS.get(b.variant)
        if not counter or not b.usable or med(b, counter) is None:
            continue
        # One process or thread of the server is not a worker: the parent, the main
        # thread (1001 of them at 1000 connections).
        workers, n = med(b, counter) - 1, b.args["connections"]
        if workers > n:
            out.append(_("{server} held {w:.0f} workers for {n} connections (a pool grows "
                         "in steps, ahead of its connections): its KiB per connection at "
                         "{n} counts the {spare:.0f} spare workers too.").format(
                server=label(b.variant), w=workers, n=n, spare=workers - n))
    return out


def repeated_readings(run):
    """Sentences for memory rows whose readings of one server repeat exactly or climb in
    order, each chosen by the row's own model and numbers: "forks a fresh child" only of
    a server that forks one per connection, "the same to the last digit" only where the
    readings are equal as recorded, a climb only where every reading is above the last."""
    out = []
    for b in run.select("http", "memory"):
        vals = b.counters.get("kib_per_conn", []) if b.usable else []
        if len(vals) < 3:
            continue
        if len(set(vals)) == 1:
            # Only fork per connection forks a child for each connection it accepts (a
            # pre-forked pool and Apache prefork reuse theirs).
            if b.variant == "fork_per_conn":
                out.append(_("{server}'s {k} readings at {n} connections are the same to "
                             "the last digit: each reading opens its connections again, "
                             "and each of them forks a fresh child of the same idle "
                             "parent.").format(server=label(b.variant), k=len(vals),
                                               n=b.args["connections"]))
            else:
                out.append(_("{server}'s {k} readings at {n} connections are the same to "
                             "the last digit: each reading opens its connections again on "
                             "the same server.").format(
                    server=label(b.variant), k=len(vals), n=b.args["connections"]))
        elif all(y > x for x, y in zip(vals, vals[1:])):
            # xgettext: no-python-format
            out.append(_("{server}'s readings climb in the order they were taken ({vals} "
                         "KiB per connection) as its connections are opened again on the "
                         "same server: their spread (the CV in the claims table) is that "
                         "trend, not noise around one value.").format(
                server=label(b.variant), vals=_(", ").join(fmt(v) for v in vals)))
            if b.variant == "apache_prefork":
                out.append(_("By hand (smaps_rollup), holding 100 connections four times "
                             "on a grown Apache prefork: every child's Private_Dirty grew "
                             "by 4 KiB between the first two readings, then by 0 to 8 KiB "
                             "(12 KiB in all the children) over the next two: the climb "
                             "stops."))
    return out


def held_steps(run):
    """The held sweep's steps: the counter where the run recorded it, else the gap
    between held and the count the sweep stopped at."""
    steps = set()
    for b in run.select("http", "held"):
        if not b.usable:
            continue
        step = med(b, "step")
        at = re.search(r"(\d+)$", b.label or "")
        if step is None and at and med(b, "held") is not None:
            step = int(at.group(1)) - med(b, "held")
        if step and step > 0:
            steps.add(int(step))
    return steps


def held_step(run):
    """The held sweep's step, said where equal counts would read as a spread of none."""
    steps = held_steps(run)
    if len(steps) != 1:
        return ""
    # xgettext: no-python-format
    return _("The sweep adds {step} connections a step, so held moves in steps of {step}: "
             "fresh servers that stop within the same step read the same, and a CV of "
             "0.0% on a held row (the claims table) is that step, not an absence of "
             "spread.").format(step=steps.pop())


def falling_windows(run):
    """A sentence where the connection-per-request windows of thread and fork per
    connection fell from one to the next: their rates, and the ratio window by window
    (the counted ratio is of medians)."""
    rows = {b.variant: b for b in rate_rows(run, "close") if b.usable
            and b.args["connections"] == 100}
    t, f = (rows[s].counters.get("requests_per_s", []) if s in rows else []
            for s in ("thread_per_conn", "fork_per_conn"))
    if len(t) < 3 or len(t) != len(f):
        return ""
    falls = [all(y < x for x, y in zip(v, v[1:])) for v in (t, f)]
    if not any(falls):
        return ""
    return _("With a connection per request the windows fell from one to the next (thread "
             "per connection {t}; fork per connection {f} requests/s); the ratio window "
             "by window: {r}. Each window leaves its connections in TIME_WAIT (60 s), "
             "so a later window connects beside tens of thousands of them; by hand on "
             "this machine five such windows in a row, 14,000 in TIME_WAIT, did not "
             "fall, so why they fell here is not shown.").format(
        t=_(", ").join(fmt(x) for x in t), f=_(", ").join(fmt(x) for x in f),
        r=_(", ").join(f"{a / b:.2f}×" for a, b in zip(t, f)))


def capacity_words(run):
    """The consequence for the rate rows when the machine's state flagged http for a
    lost PU (state.movements' "lost"): wrk and the server may have shared about one PU's
    worth, so the rates are low and pinned against unpinned means little; "" otherwise."""
    lost = [m for m in state.movements(run).get("http", []) if m["kind"] == "lost"]
    if not lost:
        return ""
    m = lost[0]
    pts = state.points(run)
    names = [p for p, _v in pts]
    at = names.index("http") if "http" in names else 0
    before = pts[at - 1][1].get("parallel_pus") if at > 0 else None
    when = _("Going into this scenario") if before == m["low"] else \
        _("Coming out of this scenario")
    return _("{when} only {low} of the machine's {pus} PUs' "
             "worth of work could run at once (the State of the machine appendix): wrk "
             "and the server, though pinned apart, may have shared about one PU's worth, "
             "so every rate below is likely lower than this machine gives, and the pinned "
             "rows against the unpinned say little.").format(
        when=when, low=fmt(m["low"]), pus=fmt(m["pus"]))


def notes(parts):
    """Sentences run together, or nothing."""
    parts = [p for p in parts if p]
    return [sentences(parts), ""] if parts else []
