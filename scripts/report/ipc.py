"""ipc.py - C4 and C7, talking between workers (bench/ipc.c, bench/bw_lmbench.c,
bench/perf_ref.c): throughput by transport, message size, peer kind and placement;
lmbench's method as the kernel transports' reference; ping-pong latency beside `perf
bench sched pipe`; the cache-line probe; Queue(3)."""
# The scenarios this section reports (the others' sections are named after theirs).
SCENARIOS = ("ipc", "bw_lmbench", "perf_ref")
import colorsys
import math
import os
import statistics

import stats
from describe import in_table_order
from report import i18n, probe
from report.i18n import N_, _, sentences
from report.kit import (by_mode, ci_text, draw, figure, fmt, human_rate, human_size,
                        pin_words, pinned_first, table, who, write_data)
from report.verdicts import claim_header, rules_table

# lmbench's name for the tool whose method bw_lmbench repeats, by transport.
LMBENCH_TOOL = {"pipe": "bw_pipe", "unix_stream": "bw_unix"}


def ipc_rate(b, times=None):
    """Median bytes per second of a throughput benchmark with its interval, from the
    repetitions times(b) picks (all of them unless told); None if it did not run."""
    if not b or not b.usable:
        return None
    ts = times(b) if times else b.times_us
    if not ts:
        return None
    return stats.median_ci([b.args["msg_bytes"] / (t * 1e-6) for t in ts])


def memcpy_rate(run, size):
    return ipc_rate(run.get("ipc", "memcpy", "thread", "copy", msg_bytes=size))


def figure_pin(pins):
    """The figure draws the pair on two cores where the run has it: unpinned, a pair
    shares one CPU in one repetition and not in the next."""
    return "diff_core" if "diff_core" in pins else "none"


# A transport's colour and point type, by its place in the run's table of transports: the
# same in both panels of the throughput figure and in the ratio figure. Ten colours a
# projector tells apart (matplotlib's tab10), not shades of one.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
POINTS = (5, 7, 9, 11, 13, 4, 6, 8, 10, 12)
POLLING_DT = 4  # a ring that polls first: dash-dot, in its ring's colour


def transport_style(run, t):
    """(colour, point type) of transport t (a ring polling first takes its ring's)."""
    ts = list(run.describe.transports)
    i = ts.index(t) if t in ts else len(ts)
    return palette_colour(i), POINTS[i % len(POINTS)]


def palette_colour(i):
    """The colour of the i-th transport: tab10's ten, then darker colours of their own
    (hues a golden angle apart), so that an eleventh transport never takes the first's."""
    if i < len(PALETTE):
        return PALETTE[i]
    rgb = colorsys.hsv_to_rgb((0.13 + 0.618034 * (i - len(PALETTE))) % 1.0, 0.9, 0.45)
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


# The user-space transports of runs whose table did not yet say which go through the
# kernel (its "kernel" column): the committed reference's, read the same as before.
USER_SPACE_BEFORE_KERNEL_COLUMN = ("shm_ring", "spsc_ring", "queue")


def through_kernel(run, t):
    """Whether transport t's messages go through the kernel (a system call each way), as
    the run's table of transports says."""
    row = run.describe.row("transports", t) or {}
    if "kernel" in row:
        return bool(row["kernel"])
    return t not in USER_SPACE_BEFORE_KERNEL_COLUMN


def gp_array(name, values):
    """A gnuplot array statement; strings are quoted."""
    cells = ", ".join(f'"{v}"' if isinstance(v, str) else f"{v:g}" for v in values)
    return f"array {name}[{len(values)}] = [{cells}]"


def size_tics(sizes):
    """gnuplot xtics at the sizes the run measured, and only there."""
    return ", ".join(f'"{human_size(s)}" {s}' for s in sizes)


def decade_range(values):
    """(low, high): the decades around every positive value, one y range for panels."""
    vals = [v for v in values if v and v > 0]
    if not vals:
        return 1, 10
    return 10 ** math.floor(math.log10(min(vals))), 10 ** math.ceil(math.log10(max(vals)))


def spin_default_us(run):
    """The spin bound the run's default rows used (spin_throughput's), or None."""
    vals = {b.args.get("spin_us") for b in run.select("ipc", "spin_throughput")}
    vals |= {b.args.get("spin_us") for b in run.select("ipc", "spin_latency")
             if b.args.get("pin") == "same_pu"}
    vals.discard(None)
    return min(vals) if vals else None


def coverage_text(cov):
    return f"{cov:.2%}".replace(".00%", "%")


def section(run, folder):
    out = ["## " + _("C4 and C7 — talking between workers"), "", "### C4", ""] \
        + claim_header("C4")
    out += rules_table("C4", run) + [
        _("C7's verdict, with its context-switch predictions measured here and its "
          "protection predictions measured by the pool scenario, is under "
          "[{heading}]({anchor}).").format(heading=_("C7 — protection"),
                                          anchor=i18n.anchor("#c7--protection")), ""]
    rows = [b for b in run.select("ipc", "throughput") if "msg_bytes" in b.args]
    if not rows:
        return out + [_("*No IPC data in this run.*"), ""]
    at = {(b.variant, run.kind_of(b), b.args.get("pin"), b.args["msg_bytes"]): b for b in rows}
    sizes = sorted({b.args["msg_bytes"] for b in rows})
    pins = in_table_order(run.describe.pins, {b.args.get("pin") for b in rows})
    transports = in_table_order(run.describe.transports, {b.variant for b in rows})
    polled = {(b.variant, run.kind_of(b), b.args.get("pin"), b.args["msg_bytes"]): b
              for b in run.select("ipc", "spin_throughput")}
    out += throughput_figure(run, folder, at, polled, sizes, pins, transports)
    out += ratio_figure(run, folder, at, polled, sizes, pins, transports)
    out += throughput_table(run, at, sizes, pins, transports)
    out += polled_throughput_table(run, polled, sizes)
    return (out + lmbench_part(run, at) + latency_part(run, folder) + spin_part(run, folder)
            + c7_context(run) + queue3_part(run))


def throughput_series(run, at, polled, transports, pin):
    """The figure's series: (file word, title, transport, table) for each transport, then
    each ring that polls first, whose rows sit in `polled` (spin_throughput)."""
    out = [(t, t, t, at) for t in transports]
    us = spin_default_us(run)
    for t in transports:
        if any(v == t and p == pin for v, _, p, _ in polled):
            out.append((f"{t}_polling", _("{transport}, polls {us} µs first").format(
                transport=t, us=f"{us:g}"), t, polled))
    return out


def throughput_figure(run, folder, at, polled, sizes, pins, transports):
    pin = figure_pin(pins)
    where = pin_words(pin) if pin == "none" else _("the pair on two cores")
    # One panel per peer kind, processes on the left; a panel is named by its mode, and
    # by mode-kind where a mode has several kinds.
    kinds = by_mode(run, in_table_order(run.describe.kinds, {k for _, k, p, _ in at if p == pin}),
                    "process")
    series = throughput_series(run, at, polled, transports, pin)
    panels, drawn, ends = [], [], []
    for kind in kinds:
        mode = run.mode_of(kind) or "process"
        alone = sum(run.mode_of(k) == mode for k in kinds) <= 1
        panel = mode if alone else f"{mode}-{kind}"
        panels.append(panel)
        for word, _title, t, rows in series:
            lines = []
            for size in sizes:
                r = ipc_rate(rows.get((t, kind, pin, size)))
                if r:
                    lines.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
                    ends += [r[1], r[2]]
            drawn.append(int(bool(lines)))
            write_data(folder, f"ipc.{panel}.{word}.dat", "# bytes median lo hi (bytes/s)\n"
                       + "\n".join(lines or ["NaN NaN NaN NaN"]) + "\n")
    mc = []
    for size in sizes:
        r = memcpy_rate(run, size)
        if r:
            mc.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
            ends.append(r[0])
    prefix = write_data(folder, "ipc.memcpy.dat", "\n".join(mc or ["NaN NaN NaN NaN"]) + "\n")
    rates = (ipc_rate(rows.get((t, k, pin, s))) for _, _, t, rows in series for k in kinds
             for s in sizes)
    cov = next((r[3] for r in rates if r), None)
    styles = [transport_style(run, t) for _, _, t, _ in series]
    ymin, ymax = decade_range(ends)
    defs = "; ".join([
        gp_array("title", [title for _, title, _, _ in series]),
        gp_array("rgb", [c for c, _ in styles]), gp_array("pt", [p for _, p in styles]),
        gp_array("dt", [POLLING_DT if rows is polled else 1 for _, _, _, rows in series]),
        gp_array("drawn", drawn), f"ymin = {ymin:g}", f"ymax = {ymax:g}",
        f"xmin = {min(sizes)}", f"xmax = {max(sizes)}",
        f"xtics_at = '{size_tics(sizes)}'"])
    labels = {
        "L_TITLE": _("Throughput by message size, {where} (median and its interval)").format(
            where=where),
        "L_XLABEL": _("message size (log scale)"),
        "L_YLABEL": _("bytes per second (log scale)"),
        "L_PROCESSES": _("between two processes"),
        "L_THREADS": _("between two threads"),
        "L_MEMCPY": _("memcpy, one thread"),
    }
    out = ["### " + _("Throughput"), ""]
    out += draw(folder, "ipc_throughput.gp", prefix[:-len(".memcpy.dat")], "ipc_throughput",
                _("IPC throughput"), where, " ".join(panels),
                " ".join(w for w, _t, _r, _s in series), defs, labels=labels)
    caption = (_("Each point is the median of the repetitions; its bar, the distribution-free "
                 "interval of the median, which with {n} repetitions covers {coverage}.").format(
                     n=len_reps(run, at), coverage=coverage_text(cov)) if cov else "")
    text = sentences([
        _("The figure shows {where}.").format(where=where) if pin == "none" else
        _("The figure shows the pair on two cores; the table below has the unpinned pairs "
          "too, where the scheduler decides from one repetition to the next whether the two "
          "sides share a CPU."),
        _("A transport has one colour in both panels; a ring that polls before it sleeps is "
          "dash-dotted in its ring's colour.")])
    return out + [_("{sentence} {next}").format(sentence=text, next=caption), ""]


def len_reps(run, at):
    """The repetitions most throughput rows have (for a caption)."""
    counts = [len(b.times_us) for b in at.values() if b.usable]
    return max(set(counts), key=counts.count) if counts else 0


def ratio_figure(run, folder, at, polled, sizes, pins, transports):
    """Process against thread per transport by message size: what a message costs a pair
    of processes over what it costs a pair of threads, on the figure's placement, with a
    line at 1 (the C4 and C7 question in one picture)."""
    pin = figure_pin(pins)
    kinds = in_table_order(run.describe.kinds, {k for _, k, p, _ in at if p == pin})
    thread = next((k for k in kinds if run.mode_of(k) == "thread"), None)
    process = next((k for k in kinds if run.mode_of(k) == "process"), None)
    if not (thread and process):
        return []
    series, ends = [], []
    for word, title, t, rows in throughput_series(run, at, polled, transports, pin):
        lines = []
        for size in sizes:
            th = ipc_rate(rows.get((t, thread, pin, size)))
            pr = ipc_rate(rows.get((t, process, pin, size)))
            if th and pr:
                # cost ratio = thread rate / process rate; the interval from the two
                # medians' intervals, the widest the two allow
                r, lo, hi = th[0] / pr[0], th[1] / pr[2], th[2] / pr[1]
                lines.append(f"{size} {r:.6g} {lo:.6g} {hi:.6g}")
                ends += [lo, hi]
        if lines:
            write_data(folder, f"ipc_ratio.{word}.dat", "# bytes ratio lo hi\n"
                       + "\n".join(lines) + "\n")
            series.append((word, title, t, rows))
    if not series:
        return []
    styles = [transport_style(run, t) for _, _, t, _ in series]
    lo, hi = decade_range(ends)
    lo, hi = min(lo, 0.5), max(hi, 2)
    steps = ((0.5, 0.67, 0.8, 1, 1.25, 1.5, 2) if hi / lo <= 4 else
             (0.001, 0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10, 100, 1000))
    ytics = ", ".join(f'"{v:g}x" {v:g}' for v in steps if lo <= v <= hi)
    where = pin_words(pin) if pin == "none" else _("the pair on two cores")
    defs = "; ".join([
        gp_array("title", [title for _, title, _, _ in series]),
        gp_array("rgb", [c for c, _ in styles]), gp_array("pt", [p for _, p in styles]),
        gp_array("dt", [POLLING_DT if rows is polled else 1 for _, _, _, rows in series]),
        f"ymin = {lo:g}", f"ymax = {hi:g}", f"xmin = {min(sizes)}", f"xmax = {max(sizes)}",
        f"ytics_at = '{ytics}'", f"xtics_at = '{size_tics(sizes)}'"])
    prefix = os.path.join(folder, "data", "ipc_ratio")
    what = _("{processes} against {threads}, {where}").format(
        processes=who(run, process, kinds), threads=who(run, thread, kinds), where=where)
    labels = {
        "L_TITLE": _("Cost of a message, {what}").format(what=what),
        "L_XLABEL": _("message size (log scale)"),
        "L_YLABEL": _("process cost / thread cost (log scale)"),
        "L_SLOWER": _("processes slower"),
        "L_FASTER": _("processes faster"),
    }
    out = draw(folder, "ipc_ratio.gp", prefix, "ipc_ratio", _("IPC process against thread"),
               what, " ".join(w for w, _t, _r, _s in series), defs, labels=labels)
    return out + [sentences([
        _("What a message costs a pair of processes ({kind}) over what it costs a pair of "
          "threads, {where}: above 1 processes are slower.").format(kind=process, where=where),
        _("Each point is the ratio of the two medians; its bar runs from the lowest to the "
          "highest ratio the two medians' intervals allow, so it is wider than an interval of "
          "the ratio itself would be.")]), ""]


def throughput_table(run, at, sizes, pins, transports):
    # A column per (placement, peer kind), unpinned first, as the run has them.
    columns = []
    for pin in pins:
        kinds = in_table_order(run.describe.kinds, {k for _, k, p, _ in at if p == pin})
        columns += [(kind, pin, kinds) for kind in kinds]
    header = [_("transport"), _("size")] + [
        who(run, kind, among, plural=True) if pin == "none" else
        _("{workers}, {pin}").format(workers=who(run, kind, among, plural=True),
                                     pin=pin_words(pin))
        for kind, pin, among in columns]
    skipped, lines = {}, []
    for t in transports:
        for size in sizes:
            m = memcpy_rate(run, size)
            cells = []
            for kind, pin, _among in columns:
                b = at.get((t, kind, pin, size))
                r = ipc_rate(b)
                if r:
                    cells.append(human_rate(r[0]) + (f" ({r[0] / m[0]:.0%})" if m else ""))
                elif b and b.error:
                    why = b.error.split(": ", 1)[-1]
                    skipped.setdefault(why, len(skipped) + 1)
                    cells.append(_("skipped [{n}]").format(n=skipped[why]))
                else:
                    cells.append("–")
            if any(c != "–" for c in cells):
                lines.append([t, human_size(size)] + cells)
    out = [_("Bytes per second (median) and, in brackets, as a fraction of one thread's "
             "memcpy of the same size. Unpinned: the peer a thread, forked, or spawned (a "
             "separate program that opens the channel by name or inherited descriptor). On two "
             "cores: this thread on one core, the peer on another."), ""]
    return out + table(header, lines) + [""] + [f"[{n}] {why}  " for why, n in skipped.items()] \
        + [""]


def lmbench_part(run, at):
    """The kernel transports against lmbench's bw_pipe and bw_unix method: each
    bw_lmbench benchmark beside the transport with the same peer, placement and size."""
    refs = [b for b in run.select("bw_lmbench", "throughput") if b.usable]
    transports = in_table_order(run.describe.transports, {b.variant for b in refs})
    pins = in_table_order(run.describe.pins, {b.args.get("pin") for b in refs})
    kinds = in_table_order(run.describe.kinds, {run.kind_of(b) for b in refs})
    rows = []
    for t in transports:
        for pin in pins:
            for ref in [b for b in refs if b.variant == t and b.args.get("pin") == pin]:
                kind = run.kind_of(ref)
                ours = ipc_rate(at.get((t, kind, pin, ref.args["msg_bytes"])))
                theirs = ipc_rate(ref)
                where = _("{placement} ({kind})").format(
                    placement=pin_words(pin), kind=run.describe.label(kind)) \
                    if len(kinds) > 1 else pin_words(pin)
                if ours and theirs:
                    rows.append([f"{t} (`{LMBENCH_TOOL.get(t, 'bw_lmbench')}`)", where,
                                 human_rate(theirs[0]), human_rate(ours[0]),
                                 f"{ours[0] / theirs[0]:.2f}x"])
    if not rows:
        return []
    return ["### " + _("Against lmbench's method"), "",
            _("lmbench's `bw_pipe` and `bw_unix` (not packaged by Debian, so done again here "
              "from their published method: a forked child writes 64 KiB chunks, the parent "
              "reads them, nothing checked) beside the suite's own transport between two "
              "processes, which moves the same 64 KiB messages stamped and checked."),
            ""] + table(
        [_("transport"), _("placement"), _("lmbench's method"), _("tvp, checked"),
         _("tvp / lmbench")], rows) + [""]


def latency_rows(run):
    """(row title, transport, {(kind, pin): Bench}) for each transport's ping-pong, then
    each ring that polls first, at the run's default bound."""
    rows = [b for b in run.select("ipc", "latency") if b.variant in run.describe.transports]
    at = {}
    for b in rows:
        at.setdefault(b.variant, {})[(run.kind_of(b), b.args.get("pin"))] = b
    out = [(t, t, at[t]) for t in in_table_order(run.describe.transports, set(at))]
    us = spin_default_us(run)
    polled = {}
    for b in run.select("ipc", "spin_latency"):
        if b.args.get("spin_us") == us:
            polled.setdefault(b.variant, {})[(run.kind_of(b), b.args.get("pin"))] = b
    out += [(_("{transport}, polls {us} µs").format(transport=t, us=f"{us:g}"), t, polled[t])
            for t in in_table_order(run.describe.transports, set(polled))]
    return out


def latency_part(run, folder):
    rows = latency_rows(run)
    plain = [cells for title, t, cells in rows if title == t]
    kinds = in_table_order(run.describe.kinds, {k for cells in plain for k, _ in cells})
    pins = pinned_first(in_table_order(run.describe.pins, {p for cells in plain for _, p in cells}))
    columns = [(k, p) for k in kinds for p in pins]
    data, lines, cov = [], [], None
    for title, _t, cells in rows:
        cis = [cells[c].median_ci() if c in cells and cells[c].usable else None
               for c in columns]
        if not any(cis):
            continue
        cov = cov or next(ci[3] for ci in cis if ci)
        data.append(f'"{title}" ' + " ".join(
            f"{ci[0]:.4g} {ci[1]:.4g} {ci[2]:.4g}" if ci else "NaN NaN NaN" for ci in cis))
        lines.append([title] + [ci_text(cells[c]) if ci else "–" for c, ci in zip(columns, cis)])
    if not data:
        return []
    titles = [_("{workers}, {pin}").format(workers=who(run, k, kinds, plural=True),
                                           pin=pin_words(p)) for k, p in columns]
    head = "transport " + " ".join(f'"{t}" lo hi' for t in titles)
    labels = {
        "L_TITLE": _("Ping-pong of 8 bytes: one round trip (median and its interval)"),
        "L_YLABEL": _("µs per round trip (log scale)"),
    }
    out = ["### " + _("Latency: ping-pong of 8 bytes"), ""]
    out += figure(folder, "ipc_latency.gp", "ipc_latency.dat", head + "\n" + "\n".join(data)
                  + "\n", _("IPC latency"),
                  " ".join(str(int(run.mode_of(k) == "process")) for k, _p in columns),
                  " ".join(str(pins.index(p)) for _k, p in columns), labels=labels)
    out += [sentences([
        _("Median µs per round trip [the interval of the median, which with these "
          "repetitions covers {coverage}; the figure's bars].").format(
              coverage=coverage_text(cov)),
        _("On one PU each round trip is two context switches (lmbench's lat_ctx); across CPUs "
          "each side that sleeps must be woken, and a ring that polls first is not asleep when "
          "the other side answers (the next section).")]), ""]
    out += table([_("transport")] + titles, lines) + [""]
    return out + perf_part(run) + probe_part(run)


PERF_CTX = {"none": "perf_sched_pipe_us", "same_pu": "perf_sched_pipe_same_pu_us"}


def perf_takes(run, pin):
    """(median, lo, hi, takes) in µs of `perf bench sched pipe` with that placement: from
    its rows (bench/perf_ref.c, one take a repetition, interleaved with ipc's), else the
    single take an older run kept in its context; None without either."""
    b = run.ok("perf_ref", "sched_pipe", "process", "latency", kind="fork", pin=pin)
    if b and b.times_us:
        xs = sorted(b.times_us)
        return statistics.median(xs), xs[0], xs[-1], len(xs)
    v = run.ctx.get(PERF_CTX[pin])
    return (float(v), float(v), float(v), 1) if v else None


def perf_part(run):
    """tvp's pipe ping-pong between processes beside `perf bench sched pipe`."""
    perf = [(label, perf_takes(run, pin), run.ok("ipc", "pipe", "process", "latency",
                                                  kind="fork", pin=pin))
            for label, pin in ((N_("unpinned"), "none"), (N_("on one PU"), "same_pu"))]
    perf = [(label, p, b) for label, p, b in perf if p and b]
    if not perf:
        return []

    def said(p):
        med, lo, hi, n = p
        if n == 1:
            return _("{perf} µs (one take)").format(perf=f"{med:.3g}")
        return _("{perf} µs (median of {n} takes, {lo}-{hi})").format(
            perf=f"{med:.3g}", n=n, lo=f"{lo:.3g}", hi=f"{hi:.3g}")
    return [_("`perf bench sched pipe` in the same run, its takes interleaved with tvp's "
              "rows (its processes ping-pong over a pipe, as tvp's do): "
              "{comparisons}.").format(comparisons=_("; ").join(
                  _("{placement} {perf} against tvp's {tvp} µs ({difference})").format(
                      placement=_(label), perf=said(p), tvp=fmt(b.median),
                      difference=f"{b.median / p[0] - 1:+.0%}") for label, p, b in perf)),
            ""]


def probe_part(run):
    out = []
    pinned = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="diff_core")
    loose = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="none")
    if pinned:
        text = [_("Cache-line probe (two threads on two cores bouncing one line, spinning): "
                  "{probe} ns a round trip (median [interval]): what a hand-off between these "
                  "two vCPUs through memory costs at the least, where the host had them at "
                  "the time (background: a hand-off moves at least one cache line each "
                  "way).").format(probe=ci_text_ns(pinned))]
        if loose:
            slowest = max(loose.times_us) * 1e3
            text.append(_("Unpinned, where the scheduler places the two threads: {probe} ns, "
                          "the slowest repetition {slowest} ns.").format(
                              probe=ci_text_ns(loose), slowest=fmt(slowest)))
            if slowest < 10 * max(pinned.times_us) * 1e3:
                text.append(_("No repetition was slow enough for the two spinning threads to "
                              "have taken turns on one CPU, which would cost a scheduler time "
                              "slice (milliseconds) a round trip; background: a spinning "
                              "thread gives its CPU up only when preempted."))
            else:
                slow = sum(t * 1e3 > 10 * max(pinned.times_us) * 1e3 for t in loose.times_us)
                text.append(_("{slow} of {total} repetitions took over 10x the slowest pinned "
                              "one: the two threads took turns on one CPU, or another process "
                              "or the host took one of their CPUs; the probe cannot tell "
                              "which.").format(slow=slow, total=len(loose.times_us)))
        out += [sentences(text), ""]
    floor = probe.probe_floor(run)
    if floor:
        far, total = probe.far_share(run, floor)
        slowest = max(probe.all_probes(run))
        out += [sentences([
            _("Every repetition of a pair on two cores took the probe too, before and after "
              "(the counter `probe_ns`, the slower of the two): from {fastest} to {slowest} ns "
              "over {total} repetitions, {far} of them over {factor}x the fastest.").format(
                  fastest=fmt(floor), slowest=fmt(slowest), total=total, far=far,
                  factor=f"{probe.FAR:g}"),
            _("The probe cannot tell why a repetition was slow: the host placing the two vCPUs "
              "far apart, and the host or another process preempting one of them, give the "
              "same readings (*State of the machine* shows what other processes and steal "
              "took during the scenario).")]), ""]
    return out


def ci_text_ns(b):
    """A benchmark's median with its interval, in ns: "98.1 [90.2, 125]"."""
    med, lo, hi, _cov = b.median_ci()
    return f"{fmt(med * 1e3)} [{fmt(lo * 1e3)}, {fmt(hi * 1e3)}]"


# --- polling before sleeping ----------------------------------------------------------

def spin_rows(run, pin):
    """{(transport, kind): {spin_us: Bench}} of the rings' ping-pong polling first."""
    out = {}
    for b in run.select("ipc", "spin_latency"):
        if b.args.get("pin") == pin:
            out.setdefault((b.variant, run.kind_of(b)), {})[b.args["spin_us"]] = b
    return out


def pair_name(run, t, kind, kinds):
    return _("{transport}, {workers}").format(transport=t,
                                              workers=who(run, kind, kinds, plural=True))


def per_rep_ratios(b):
    """Each repetition's round trip over the probe of that same repetition."""
    probes = b.counters.get("probe_ns", [])
    if len(probes) != len(b.times_us):
        return []
    return [t * 1e3 / p for t, p in zip(b.times_us, probes) if p > 0]


def spin_part(run, folder):
    sweep = spin_rows(run, "diff_core")
    if not sweep:
        return []
    pairs = sorted(sweep, key=lambda tk: (list(run.describe.transports).index(tk[0])
                                          if tk[0] in run.describe.transports else 99,
                                          list(run.describe.kinds).index(tk[1])
                                          if tk[1] in run.describe.kinds else 99))
    kinds = in_table_order(run.describe.kinds, {k for _, k in pairs})
    bounds = sorted({us for cells in sweep.values() for us in cells})
    us = spin_default_us(run)
    limit = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="diff_core")
    limit_ns = limit.median * 1e3 if limit else None
    out = ["### " + _("Polling before sleeping: the ring against a cache line's round trip"), "",
           sentences([
               _("The same ping-pong through the rings, whose waiting side polls the slot the "
                 "next message will land in (with a pause instruction) for up to a bound before "
                 "it sleeps on the futex: between two awake CPUs the hand-off is then a "
                 "cache-line transfer, not a wake-up."),
               _("The same code runs between threads and between processes, forked or "
                 "spawned."),
               _("A pair bound to one PU never polls (the other side cannot run while it "
                 "does), and the ring does not poll for a side that has not attached yet.")]),
           ""]
    out += spin_figure(run, folder, sweep, pairs, kinds, bounds, limit_ns)
    rt, cpu = [], []
    cov = None
    single = all(x.counters.get("round_trip_median_ns") for c in sweep.values()
                 for x in c.values() if x.usable)

    def cell(b):
        med, lo, hi, _cov = single_ci(b) if single else b.median_ci()
        return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"

    for t, k in pairs:
        cells = sweep[(t, k)]
        rt.append([pair_name(run, t, k, kinds)] + [
            cell(cells[b]) if b in cells and cells[b].usable else "–" for b in bounds])
        cpu.append([pair_name(run, t, k, kinds)] + [
            _("{ns} ns, {sleeps} sleeps").format(
                ns=fmt(cells[b].counter("cpu_ns_per_round_trip")),
                sleeps=f"{cells[b].counter('sleeps_per_round_trip'):.3g}")
            if b in cells and cells[b].usable and cells[b].counter("cpu_ns_per_round_trip")
            is not None and cells[b].counter("sleeps_per_round_trip") is not None else "–"
            for b in bounds])
        cov = cov or next((cells[b].median_ci()[3] for b in bounds
                           if b in cells and cells[b].usable), None)
    head = [_("pair, two cores")] + [_("{us} µs (default)").format(us=f"{b:g}") if b == us
                                     else f"{b:g} µs" for b in bounds]
    covering = coverage_text(cov) if cov else "–"
    out += [(_("Median single round trip in µs by the bound on polling (median over "
               "repetitions [interval, covering {coverage}]; 0 µs sleeps at once, as the rings "
               "of the table above do):") if single else
             _("Round trip in µs by the bound on polling (median over repetitions [interval, "
               "covering {coverage}]; 0 µs sleeps at once, as the rings of the table above "
               "do):")).format(coverage=covering), ""] + table(head, rt) + [""]
    out += [_("What a round trip burns: the CPU time of both sides (user + system, from "
              "`getrusage(RUSAGE_THREAD)` of this thread around its loop and of the echoing "
              "peer from attaching to its last echo) per round trip, and how many of the two "
              "sides' waits slept in the kernel (medians):"), ""] + table(head, cpu) + [""]
    out += spin_choice(run, sweep, pairs, kinds, bounds, us)
    out += spin_limit(run, sweep, pairs, kinds, us, limit, limit_ns)
    out += spin_elsewhere(run, kinds, us)
    return out


def spin_choice(run, sweep, pairs, kinds, bounds, us):
    """Which bound the sweep of this run would choose: the shortest whose round trip is
    within 1.25x of the best bound's, for every pair."""
    chosen = []
    for t, k in pairs:
        cells = {b: sweep[(t, k)][b] for b in bounds if b in sweep[(t, k)]
                 and sweep[(t, k)][b].usable}
        if not cells:
            continue
        rts = {b: single_ci(c)[0] for b, c in cells.items()}
        best = min(rts.values())
        chosen.append(min(b for b, v in rts.items() if v <= 1.25 * best))
    if not chosen:
        return []
    pick = max(chosen)
    tested = (_("On this run the rule picks {pick} µs too.") if pick == us else
              _("On this run the rule picks {pick} µs.")).format(pick=f"{pick:g}")
    if len(bounds) < 3:
        tested = _("This run measured only {bounds} µs, too few bounds to test the rule (the "
                   "full profile sweeps it).").format(
                       bounds=_(" and ").join(f"{b:g}" for b in bounds))
    return [sentences([
        _("The default bound, {us} µs, is a constant of the build (`IPC_SPIN_DEFAULT_NS`, "
          "src/ipc/ipc.h), chosen from the sweep of 0, 1, 10 and 100 µs on the 2-core virtual "
          "machine by a rule: the "
          "shortest bound whose median single round trip (or round trip, in a run without "
          "that counter) is within 1.25x of the best bound's, for every pair, in every run of "
          "the sweep (the comment on the constant gives them).").format(us=f"{us:g}"),
        tested,
        _("Background: a longer bound burns more CPU only in the waits polling does not end, "
          "where the other side is asleep or preempted (the sleeps per round trip in the "
          "second table).")]), ""]


def spin_limit(run, sweep, pairs, kinds, us, limit, limit_ns):
    """The default bound's round trip as a multiple of the cache-line probe: over the
    run's probe benchmark, over each repetition's own probe, and by the median single
    round trip of each (round_trip_median_ns), which a preempted side barely moves."""
    if not limit_ns:
        return []
    lines, meds = [], {}
    single_limit = limit.counter("round_trip_median_ns")
    for t, k in pairs:
        b = sweep[(t, k)].get(us)
        if not (b and b.usable):
            continue
        meds[(t, k)] = b
        reps = per_rep_ratios(b)
        single = b.counter("round_trip_median_ns")
        lines.append([pair_name(run, t, k, kinds), ci_text_ns(b),
                      f"{b.median * 1e3 / limit_ns:.2f}x",
                      f"{statistics.median(reps):.2f}x" if reps else "–",
                      fmt(single) if single else "–",
                      f"{single / single_limit:.2f}x" if single and single_limit else "–",
                      f"{fmt(b.counter('cpu_ns_per_round_trip'))}"])
    if not lines:
        return []
    said = (_("{probe} ns a round trip over its repetitions, {single} ns its median single "
              "round trip").format(probe=ci_text_ns(limit), single=fmt(single_limit))
            if single_limit else
            _("{probe} ns a round trip over its repetitions").format(probe=ci_text_ns(limit)))
    out = [sentences([
        _("At the default bound, against the cache-line probe on the same two CPUs in this run "
          "({probe}): the round trip as a multiple of the probe's median; the median over "
          "repetitions of each repetition's round trip over the probe that repetition took "
          "itself (a repetition run while the vCPUs were far apart is compared with its own "
          "far probe); and the median of single round trips (one in 16 timed on its own, the "
          "clock's own cost in both) against the probe's.").format(probe=said),
        _("A repetition's mean includes every moment another process or the host took one "
          "side's CPU; the median single round trip does not, but it includes the clock's own "
          "cost, which pulls a ratio towards 1."),
        _("The 8-byte ping travels in its slot beside the sequence number the reader polls, "
          "in one 64-byte cache line, so a hand-off moves one line; but each direction has "
          "lines of its own, which one side writes and the other polls, where each side of "
          "the probe writes the line it has just read.")]), ""]
    if single_limit and single_limit > limit_ns:
        out += [_("The probe's median single round trip is {d} ns above its repetitions' "
                  "median here: about what the clock adds to every single round trip.").format(
                      d=fmt(single_limit - limit_ns)), ""]
    reps = per_rep_ratios(limit)
    lines.append([_("the cache-line probe"), ci_text_ns(limit), "1.00x",
                  f"{statistics.median(reps):.2f}x" if reps else "–",
                  fmt(single_limit) if single_limit else "–",
                  "1.00x" if single_limit else "–", "–"])
    each = run.ok("ipc", "cacheline_each_way", "thread", "latency", kind="pthread",
                  pin="diff_core")
    if each:
        reps = per_rep_ratios(each)
        single = each.counter("round_trip_median_ns")
        lines.append([_("the probe with a line each way"), ci_text_ns(each),
                      f"{each.median * 1e3 / limit_ns:.2f}x",
                      f"{statistics.median(reps):.2f}x" if reps else "–",
                      fmt(single) if single else "–",
                      f"{single / single_limit:.2f}x" if single and single_limit else "–", "–"])
    out += table([_("pair, two cores"), _("round trip, ns [interval]"), _("× probe median"),
                  _("× own probe (median)"), _("single round trip, median ns"),
                  _("× probe's single"), _("CPU ns per round trip")], lines) + [""]
    if each:
        out += each_way_part(run, meds, kinds, each) + [""]
    th = [b for (t, k), b in meds.items() if t == "shm_ring" and run.mode_of(k) == "thread"]
    pr = [(k, b) for (t, k), b in meds.items() if t == "shm_ring" and run.mode_of(k) == "process"]
    if th:
        for k, b in pr:
            p = stats.u_test(b.times_us, th[0].times_us)
            single = [x.counter("round_trip_median_ns") for x in (b, th[0])]
            text = _("shm_ring, processes ({kind}) against threads: {ratio}x the round "
                     "trip").format(kind=k, ratio=f"{b.median / th[0].median:.2f}")
            if p is not None:
                text = _("{text} (U test p = {p})").format(text=text, p=f"{p:.2f}")
            if all(single):
                text = _("{text}, {ratio}x the median single round trip").format(
                    text=text, ratio=f"{single[0] / single[1]:.2f}")
            out.append(_("{text}.").format(text=text) + "  ")
        out += ["", _("The same code runs in both; the probe's own repetitions ranged from "
                      "{lo} to {hi} ns in this run.").format(
                          lo=fmt(min(limit.times_us) * 1e3), hi=fmt(max(limit.times_us) * 1e3)),
                ""]
    busy = [(b.counter("cpu_ns_per_round_trip") or 0) / (b.median * 1e3) for b in meds.values()]
    if busy and all(busy):
        out += [sentences([
            _("Polling keeps both sides busy: the CPU time of both per round trip is {lo} to "
              "{hi} times the round trip, where two CPUs busy for the whole exchange make "
              "2.").format(lo=f"{min(busy):.2f}", hi=f"{max(busy):.2f}"),
            _("Background: with messages further apart than the bound, each wait burns the "
              "whole bound before it sleeps.")]), ""]
    return out


def each_way_part(run, meds, kinds, each):
    """The rings against the probe with a line for each direction: what a channel built
    as they are cannot go below."""
    single_each = each.counter("round_trip_median_ns")
    parts = []
    for (t, k), b in meds.items():
        single = b.counter("round_trip_median_ns")
        text = _("{pair} {ratio}x").format(pair=pair_name(run, t, k, kinds),
                                           ratio=f"{b.median / each.median:.2f}")
        if single and single_each:
            text = _("{text} ({single}x by median single round trips)").format(
                text=text, single=f"{single / single_each:.2f}")
        parts.append(text)
    return [sentences([
        _("The second probe bounces a line for each direction between the same two CPUs, "
          "each side writing the line the other polls: {each} ns a round trip; the rings' "
          "layout of a line per direction without their pause instruction, their looks at the "
          "clock and their walk through fresh slots.").format(
              each=ci_text_ns(each)),
        _("The rings' round trips over it, by repetition medians: {list}.").format(
            list=_("; ").join(parts))])]


def spin_elsewhere(run, kinds, us):
    """The default bound on one PU (it must not poll) and unpinned, beside the ring that
    sleeps at once on the same placement."""
    lines = []
    for pin in ("same_pu", "none"):
        for (t, k), cells in sorted(spin_rows(run, pin).items()):
            b = cells.get(us)
            if not (b and b.usable):
                continue
            # select, not get: a spawned pair has no plain latency row to ask for
            plain = next((x for x in run.select("ipc", "latency", variant=t, kind=k, pin=pin)
                          if x.usable), None)
            hits = b.counter("spin_hits_per_round_trip")
            lines.append([pair_name(run, t, k, kinds), pin_words(pin), ci_text(b),
                          ci_text(plain) if plain else "–",
                          f"{hits:.3g}" if hits is not None else "–",
                          f"{fmt(b.counter('cpu_ns_per_round_trip'))}"])
    if not lines:
        return []
    return [sentences([
        _("The same bound, {us} µs, on one PU and unpinned, beside the ring that sleeps at "
          "once (µs per round trip, median [interval]).").format(us=f"{us:g}"),
        _("On one PU the ring does not poll: its waits that polling ended are 0."),
        _("Unpinned, the scheduler may put both sides on one CPU, where each poll lasts the "
          "whole bound.")]), ""] + table(
        [_("pair"), _("placement"), _("polls first"), _("sleeps at once"),
         _("waits polling ended, per round trip"), _("CPU ns per round trip")], lines) + [""]


def single_ci(b):
    """(median, lo, hi, coverage) in µs of a ping-pong's median single round trip over
    its repetitions, or of its repetitions' means where the run has no such counter."""
    vals = b.counters.get("round_trip_median_ns")
    if vals:
        med, lo, hi, cov = stats.median_ci(vals)
        return med / 1e3, lo / 1e3, hi / 1e3, cov
    return b.median_ci()


def spin_figure(run, folder, sweep, pairs, kinds, bounds, limit_ns):
    """Round trip and CPU burnt per round trip against the bound, a line per pair, the
    probe's round trip as the floor: single round trips where the run has them."""
    head = "bound " + " ".join(f'"{pair_name(run, t, k, kinds)}" lo hi cpu' for t, k in pairs)
    single = all(x.counters.get("round_trip_median_ns") for cells in sweep.values()
                 for x in cells.values() if x.usable)
    lines = []
    for b in bounds:
        cells = []
        for t, k in pairs:
            x = sweep[(t, k)].get(b)
            if x and x.usable:
                med, lo, hi, _cov = single_ci(x)
                cpu = x.counter("cpu_ns_per_round_trip")
                cells.append(f"{med:.4g} {lo:.4g} {hi:.4g} "
                             + (f"{cpu / 1e3:.4g}" if cpu is not None else "NaN"))
            else:
                cells.append("NaN NaN NaN NaN")
        lines.append(f'"{b:g} µs" ' + " ".join(cells))
    limit = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="diff_core")
    floor = (limit.counter("round_trip_median_ns") / 1e3 if single and limit and
             limit.counter("round_trip_median_ns") else (limit_ns / 1e3 if limit_ns else None))
    each = run.ok("ipc", "cacheline_each_way", "thread", "latency", kind="pthread",
                  pin="diff_core")
    each_floor = ((each.counter("round_trip_median_ns") / 1e3 if single else each.median)
                  if each and (each.counter("round_trip_median_ns") or not single) else None)
    modes = " ".join(str(int(run.mode_of(k) == "process")) for _, k in pairs)
    labels = {
        "L_TITLE": _("Ping-pong of 8 bytes through a ring that polls before it sleeps, the pair "
                     "on two cores"),
        "L_XLABEL": _("bound on polling before sleeping"),
        "L_LEFT": _("median single round trip, the median over repetitions and its interval")
        if single else _("round trip, the median over repetitions and its interval"),
        "L_YLABEL": _("µs per round trip (log scale)"),
        # a printf format: %.2g is the probe's round trip in µs
        "L_PROBE": _("cache-line probe, single round trip %.2g µs") if single
        else _("cache-line probe, %.2g µs"),
        # a printf format: %.2g is the second probe's round trip in µs
        "L_EACH_WAY": _("probe with a line each way, single round trip %.2g µs") if single
        else _("probe with a line each way, %.2g µs"),
        "L_RIGHT": _("CPU time of both sides per round trip (median)"),
        "L_CPU": _("CPU µs per round trip (log scale)"),
    }
    out = figure(folder, "ipc_spin.gp", "ipc_spin.dat", head + "\n" + "\n".join(lines) + "\n",
                 _("Polling before sleeping"), modes, f"{floor:.4g}" if floor else "NaN",
                 "median single round trip" if single else "round trip",
                 f"{each_floor:.4g}" if each_floor else "NaN",
                 ", ".join(f'"{b:g} µs" {i}' for i, b in enumerate(bounds)), labels=labels)
    floors = (_("the probe's dashed, the probe's with a line each way dotted")
              if each_floor else _("the probe's dashed"))
    return out + [sentences([
        _("Left: the median single round trip (one in 16 timed on its own) of each pair, the "
          "median over repetitions with its interval; {floors}.").format(floors=floors)
        if single else
        _("Left: the round trip, median over repetitions with its interval; {floors}.").format(
            floors=floors),
        _("Right: the CPU time both sides burn per round trip.")]), ""]


def single_rate(b):
    """Bytes per second from the median single message (or copy) of a throughput row,
    the median over its repetitions of op_median_ns; None where the run has none."""
    if not b or not b.usable or not b.counters.get("op_median_ns"):
        return None
    ns = b.counter("op_median_ns")
    return b.args["msg_bytes"] / (ns * 1e-9) if ns else None


def peer_copy(run, size):
    """The copy of size bytes the other core has just written (a ring reader's limit)."""
    return next((b for b in run.select("ipc", "copy_peer", msg_bytes=size) if b.usable), None)


def focus_size(sizes):
    """The size the ring's speed target is about: 1 MiB where the run has it."""
    return 1 << 20 if 1 << 20 in sizes else max(sizes)


def polled_throughput_table(run, polled, sizes):
    """Throughput of the rings polling first beside the same rings sleeping at once,
    memcpy, and memcpy of bytes the other core has just written, the pair on two cores;
    by the repetitions' means, and by the median single message."""
    lines, at_top = [], []
    kinds = in_table_order(run.describe.kinds, {k for _, k, _, _ in polled})

    def shares(r, *limits):
        parts = [f"{r / x:.0%}" if x else "–" for x in limits]
        return f" ({' / '.join(parts)})" if r and any(limits) else ""

    for t in in_table_order(run.describe.transports, {t for t, _, _, _ in polled}):
        for k in kinds:
            for size in sizes:
                b = polled.get((t, k, "diff_core", size))
                r = ipc_rate(b)
                if not r:
                    continue
                plain = ipc_rate(run.get("ipc", t, run.mode_of(k), "throughput", kind=k,
                                         pin="diff_core", msg_bytes=size))
                m, mp = memcpy_rate(run, size), ipc_rate(peer_copy(run, size))
                mc = run.get("ipc", "memcpy", "thread", "copy", msg_bytes=size)
                one, m1, mp1 = single_rate(b), single_rate(mc), single_rate(peer_copy(run, size))
                lines.append([pair_name(run, t, k, kinds), human_size(size),
                              human_rate(r[0]) + shares(r[0], m and m[0], mp and mp[0]),
                              human_rate(plain[0]) + shares(plain[0], m and m[0], mp and mp[0])
                              if plain else "–",
                              human_rate(one) + shares(one, m1, mp1) if one else "–"])
                if size == focus_size(sizes):
                    at_top.append((pair_name(run, t, k, kinds), r[0], one))
    if not lines:
        return []
    us = spin_default_us(run)
    out = [sentences([
        _("The rings again, their waiting side polling for up to {us} µs before it sleeps, "
          "beside the same ring sleeping at once, the pair on two cores; in brackets, as a "
          "fraction of one thread's memcpy of the same size (source and destination in its own "
          "caches) and after the slash, of one thread's memcpy of a message a thread on the "
          "other core has just written (`copy_peer`: where a ring's reader gets its bytes "
          "from).").format(us=f"{us:g}"),
        _("The last column is the same from the median single message (one receipt in 16 "
          "timed on its own, and likewise for the copies), which a preempted side barely "
          "moves:")]), ""]
    out += table([_("pair"), _("size"), _("polls first"), _("sleeps at once"),
                  _("polls first, median single message")], lines) + [""]
    top = focus_size(sizes)
    mc, pc = run.get("ipc", "memcpy", "thread", "copy", msg_bytes=top), peer_copy(run, top)
    m, mp = memcpy_rate(run, top), ipc_rate(pc)
    m1, mp1 = single_rate(mc), single_rate(pc)
    if m and mp and at_top:
        text = [_("At {size}, one thread copied {own} from its own caches and {peer} from "
                  "bytes the other core had just written ({share} of the first); the rings "
                  "polling first moved {rings}.").format(
                      size=human_size(top), own=human_rate(m[0]), peer=human_rate(mp[0]),
                      share=f"{mp[0] / m[0]:.0%}", rings=_(", ").join(
                          _("{rate} ({pair})").format(rate=human_rate(r), pair=name)
                          for name, r, _one in at_top))]
        if m1 and mp1 and all(one for _n, _r, one in at_top):
            text.append(_("By the median single message or copy: {own}, {peer}, and "
                          "{rings}.").format(own=human_rate(m1), peer=human_rate(mp1),
                                             rings=_(", ").join(
                _("{rate} ({pair}: {memcpy} of memcpy, {copy} of the copy from the other "
                  "core)").format(rate=human_rate(one), pair=name, memcpy=f"{one / m1:.0%}",
                                  copy=f"{one / mp1:.0%}") for name, _r, one in at_top)))
        text.append(_("A ring's reader copies bytes the writer has just written."))
        out += [sentences(text), ""]
    return out


def c7_context(run):
    """C7's context row: threads and processes through shared memory at the same
    latency, beside the kernel transports, where both pay the kernel."""
    lines, kernel, polled = [], [], []
    for title, t, cells in latency_rows(run):
        kinds = in_table_order(run.describe.kinds, {k for k, p in cells if p == "diff_core"})
        th = next((cells[(k, "diff_core")] for k in kinds if run.mode_of(k) == "thread"
                   and cells[(k, "diff_core")].usable), None)
        pr = next((cells[(k, "diff_core")] for k in kinds if run.mode_of(k) == "process"
                   and cells[(k, "diff_core")].usable), None)
        if not (th and pr):
            continue
        p = stats.u_test(pr.times_us, th.times_us)
        single = [b.counter("round_trip_median_ns") for b in (th, pr)]
        lines.append([title, ci_text(th),
                      ci_text(pr), f"{pr.median / th.median:.2f}x",
                      f"{p:.2f}" if p is not None else "–",
                      f"{fmt(single[0] / 1e3)} / {fmt(single[1] / 1e3)}" if all(single)
                      else "–"])
        sleeps = [b.counter("sleeps_per_round_trip") for b in (th, pr)]
        if title != t:
            polled.append((title, th, pr, p, sleeps))
        elif through_kernel(run, t):
            kernel.append((th, pr))
    if not lines:
        return []
    out = ["### " + _("C7 in context: the same latency for threads and processes"), "",
           _("Context for C7, not counted in its verdict: a round trip of 8 bytes with the "
             "pair on two cores, threads against processes (the first process kind the run "
             "has for the row: forked), transport by transport."), ""]
    out += table([_("transport"), _("threads, µs [interval]"), _("processes, µs [interval]"),
                  _("process / thread"), _("U test p"),
                  _("single round trip, median µs: threads / processes")], lines) + [""]
    if kernel and polled:
        meds = [b.median for pair in kernel for b in pair]
        title, th, pr, p, sleeps = polled[0]
        ratio = f"{pr.median / th.median:.2f}"
        versus = (_("{ratio}x").format(ratio=ratio) if p is None else
                  _("{ratio}x, U test p = {p}").format(ratio=ratio, p=f"{p:.2f}"))
        text = _("Through the kernel's transports (pipe, sockets, message queues, TCP) a round "
                 "trip took {low} to {high} µs (threads and processes); through {ring}, "
                 "{threads} µs for threads and {processes} µs for processes ({versus})").format(
                     low=fmt(min(meds)), high=fmt(max(meds)), ring=title,
                     threads=fmt(th.median), processes=fmt(pr.median), versus=versus)
        if th.counter("round_trip_median_ns") and pr.counter("round_trip_median_ns"):
            text = _("{text}; by the median single round trip, {threads} and {processes} "
                     "ns").format(text=text, threads=fmt(th.counter("round_trip_median_ns")),
                                  processes=fmt(pr.counter("round_trip_median_ns")))
        if all(x is not None for x in sleeps):
            text = _("{text}, with {sleeps} sleeps in the kernel per round trip or "
                     "fewer").format(text=text, sleeps=f"{max(sleeps):.2g}")
        out += [sentences([
            _("{text}.").format(text=text),
            _("Background: each send and receive through a kernel transport is a system call, "
              "and a sleeping reader is woken by the kernel; a ring that polls makes no system "
              "call while the other side answers within the bound, so what a round trip costs "
              "it is what moving its cache lines between the two CPUs costs, whoever owns the "
              "memory.")]), ""]
    return out


def queue3_part(run):
    rows = {run.kind_of(b): b for b in run.select("ipc", "queue3") if b.usable}
    kinds = in_table_order(run.describe.kinds, rows)
    t = next((rows[k] for k in kinds if rows[k].mode == "thread"), None)
    p = next((rows[k] for k in kinds if rows[k].mode == "process"), None)
    if not (t and p):
        return []
    lines = [[who(run, k, kinds, plural=True), ci_text(rows[k]), f"{1e6 / rows[k].median:,.0f}"]
             for k in kinds]
    p_value = stats.u_test(p.times_us, t.times_us)
    ratio = f"{p.median / t.median:.2f}"
    if p_value is None:
        reading = _("Per item, the median for processes is {ratio}x the median for "
                    "threads.").format(ratio=ratio)
    elif p_value < 0.05:
        reading = _("Per item, the median for processes is {ratio}x the median for threads "
                    "(U test p = {p}: a difference at p < 0.05).").format(
                        ratio=ratio, p=f"{p_value:.2f}")
    else:
        reading = _("Per item, the median for processes is {ratio}x the median for threads "
                    "(U test p = {p}: not a difference at p < 0.05).").format(
                        ratio=ratio, p=f"{p_value:.2f}")
    return ["### " + _("A queue of three in C: the primitives underneath"), "",
            _("8-byte items through a bounded queue of three (a mutex and two condition "
              "variables, process-shared): a producer and a consumer. This is what the "
              "primitives under a queue cost, not the notes' `multiprocessing.Queue` (a pipe, "
              "a lock and a feeder thread that pickles): C4's key number is the Python "
              "queue's, in the Python section."), ""] + table(
        [_("pair"), _("µs per item [interval, covering {coverage}]").format(
            coverage=coverage_text(t.median_ci()[3])), _("items per second")], lines) + [
        "", sentences([reading, _(
            "Background: with room for three items the producer and the consumer take turns, "
            "each waiting on a condition variable for the other.")]), ""]
