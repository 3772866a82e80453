"""ipc.py - C4 and C7, talking between workers (bench/ipc.c, bench/bw_lmbench.c,
bench/perf_ref.c): throughput by transport, message size, peer kind and placement;
lmbench's method as the kernel transports' reference; ping-pong latency beside `perf
bench sched pipe`; the C7 context; Queue(3). The cache-line probe and the rings that
poll before sleeping are report/spin.py's; the rates both read, report/ipc_rates.py's;
the latency part, report/ipc_latency.py's."""
# The scenarios this section reports (the others' sections are named after theirs).
SCENARIOS = ("ipc", "bw_lmbench", "perf_ref")
import colorsys
import math
import os

from verdicts import stats
from contract.describe import in_table_order
from report import i18n
from report.i18n import _, sentences
from report.ipc_rates import coverage_text, ipc_rate, memcpy_rate
from report.ipc_latency import latency_part, latency_rows
from report.ipc_latency import perf_part, perf_takes  # noqa: F401 (tests, targets.py)
from report.spin import polled_throughput_table, spin_default_us, spin_part
from report.kit import (by_mode, ci_text, draw, fmt, human_rate, human_size, pin_words,
                        table, who, write_data)
from report.verdicts import claim_header, rules_table

# lmbench's name for the tool whose method bw_lmbench repeats, by transport.
LMBENCH_TOOL = {"pipe": "bw_pipe", "unix_stream": "bw_unix"}


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
