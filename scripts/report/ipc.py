"""ipc.py - C4 and C7, talking between workers (bench/ipc.c, bench/bw_lmbench.c):
throughput by transport, message size, peer kind and placement; lmbench's method as the
kernel transports' reference; ping-pong latency; the cache-line probe; Queue(3)."""
# The scenarios this section reports (the others' sections are named after theirs).
SCENARIOS = ("ipc", "bw_lmbench")
import stats
from describe import in_table_order
from report import probe
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


def section(run, folder):
    out = ["## C4 and C7 — talking between workers", "", "### C4", ""] + claim_header("C4")
    out += rules_table("C4", run) + [
        "C7's verdict, with its context-switch predictions measured here and its "
        "protection predictions measured by the pool scenario, is under "
        "[C7 — protection](#c7--protection).", ""]
    rows = [b for b in run.select("ipc", "throughput") if "msg_bytes" in b.args]
    if not rows:
        return out + ["*No IPC data in this run.*", ""]
    at = {(b.variant, run.kind_of(b), b.args.get("pin"), b.args["msg_bytes"]): b for b in rows}
    sizes = sorted({b.args["msg_bytes"] for b in rows})
    pins = in_table_order(run.describe.pins, {b.args.get("pin") for b in rows})
    transports = in_table_order(run.describe.transports, {b.variant for b in rows})
    out += throughput_figure(run, folder, at, sizes, pins, transports)
    out += throughput_table(run, at, sizes, pins, transports)
    return out + lmbench_part(run, at) + latency_part(run, folder) + queue3_part(run)


def throughput_figure(run, folder, at, sizes, pins, transports):
    pin = figure_pin(pins)
    where = pin_words(pin) if pin == "none" else "the pair on two cores"
    # One panel per peer kind, processes on the left; a panel is named by its mode, and
    # by mode-kind where a mode has several kinds.
    kinds = by_mode(run, in_table_order(run.describe.kinds, {k for _, k, p, _ in at if p == pin}),
                    "process")
    panels, drawn = [], []
    for kind in kinds:
        mode = run.mode_of(kind) or "process"
        alone = sum(run.mode_of(k) == mode for k in kinds) <= 1
        panel = mode if alone else f"{mode}-{kind}"
        panels.append(panel)
        for t in transports:
            lines = []
            for size in sizes:
                r = ipc_rate(at.get((t, kind, pin, size)))
                if r:
                    lines.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
            if lines:
                drawn.append(f"{panel}:{t}")
            write_data(folder, f"ipc.{panel}.{t}.dat", "# bytes median lo hi (bytes/s)\n"
                       + "\n".join(lines or ["NaN NaN NaN NaN"]) + "\n")
    present = [t for t in transports if any(d.endswith(f":{t}") for d in drawn)]
    mc = []
    for size in sizes:
        r = memcpy_rate(run, size)
        if r:
            mc.append(f"{size} {r[0]:.6g} {r[1]:.6g} {r[2]:.6g}")
    prefix = write_data(folder, "ipc.memcpy.dat", "\n".join(mc or ["NaN NaN NaN NaN"]) + "\n")
    out = ["### Throughput", ""]
    out += draw(folder, "ipc_throughput.gp", prefix[:-len(".memcpy.dat")], "ipc_throughput",
                "IPC throughput", " ".join(present), where, " ".join(drawn), " ".join(panels))
    return out + [f"The figure shows {where}." if pin == "none" else
                  "The figure shows the pair on two cores: unpinned, the two sides share one "
                  "CPU in one repetition and not in the next, and the lines would cross for "
                  "that reason alone.", ""]


def throughput_table(run, at, sizes, pins, transports):
    # A column per (placement, peer kind), unpinned first, as the run has them.
    columns = []
    for pin in pins:
        kinds = in_table_order(run.describe.kinds, {k for _, k, p, _ in at if p == pin})
        columns += [(kind, pin, kinds) for kind in kinds]
    header = ["transport", "size"] + [
        who(run, kind, among, plural=True) + ("" if pin == "none" else f", {pin_words(pin)}")
        for kind, pin, among in columns]
    skipped, lines = {}, []
    for t in transports:
        for size in sizes:
            m = memcpy_rate(run, size)
            cells = []
            for kind, pin, _ in columns:
                b = at.get((t, kind, pin, size))
                r = ipc_rate(b)
                if r:
                    cells.append(human_rate(r[0]) + (f" ({r[0] / m[0]:.0%})" if m else ""))
                elif b and b.error:
                    why = b.error.split(": ", 1)[-1]
                    skipped.setdefault(why, len(skipped) + 1)
                    cells.append(f"skipped [{skipped[why]}]")
                else:
                    cells.append("–")
            if any(c != "–" for c in cells):
                lines.append([t, human_size(size)] + cells)
    out = ["Bytes per second (median) and, in brackets, as a fraction of one thread's memcpy of "
           "the same size. Unpinned: the peer a thread, forked, or spawned (a separate program "
           "that opens the channel by name or inherited descriptor). On two cores: this thread "
           "on one core, the peer on another.", ""]
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
                where = pin_words(pin) + (f" ({run.describe.label(kind)})" if len(kinds) > 1
                                          else "")
                if ours and theirs:
                    rows.append([f"{t} (`{LMBENCH_TOOL.get(t, 'bw_lmbench')}`)", where,
                                 human_rate(theirs[0]), human_rate(ours[0]),
                                 f"{ours[0] / theirs[0]:.2f}x"])
    if not rows:
        return []
    return ["### Against lmbench's method", "",
            "lmbench's `bw_pipe` and `bw_unix` (not packaged by Debian, so done again here from "
            "their published method: a forked child writes 64 KiB chunks, the parent reads "
            "them, nothing checked) beside the suite's own transport between two processes, "
            "which moves the same 64 KiB messages stamped and checked.", ""] + table(
        ["transport", "placement", "lmbench's method", "tvp, checked", "tvp / lmbench"],
        rows) + [""]


def latency_part(run, folder):
    rows = [b for b in run.select("ipc", "latency") if b.variant in run.describe.transports]
    at = {(b.variant, run.kind_of(b), b.args.get("pin")): b for b in rows}
    kinds = in_table_order(run.describe.kinds, {k for _, k, _ in at})
    pins = pinned_first(in_table_order(run.describe.pins, {p for _, _, p in at}))
    columns = [(k, p) for k in kinds for p in pins]
    data, lines = [], []
    for t in in_table_order(run.describe.transports, {t for t, _, _ in at}):
        cells = [at.get((t, k, p)) for k, p in columns]
        meds = [b.median if b and b.usable else float("nan") for b in cells]
        if all(c != c for c in meds):
            continue
        data.append(f"{t} " + " ".join(f"{c:.4g}" for c in meds))
        lines.append([t] + ["–" if c != c else fmt(c) for c in meds])
    if not data:
        return []
    titles = [f"{who(run, k, kinds, plural=True)}, {pin_words(p)}" for k, p in columns]
    head = "transport " + " ".join(f'"{t}"' for t in titles)
    out = ["### Latency: ping-pong of 8 bytes", ""]
    out += figure(folder, "ipc_latency.gp", "ipc_latency.dat", head + "\n" + "\n".join(data)
                  + "\n", "IPC latency",
                  " ".join(str(int(run.mode_of(k) == "process")) for k, _ in columns),
                  " ".join(str(pins.index(p)) for _, p in columns))
    out += ["Median µs per round trip. On one PU each round trip is two context switches "
            "(lmbench's lat_ctx); across CPUs it is two wake-ups of a sleeping CPU, which on a "
            "virtual machine can cost ten times a switch.", ""]
    out += table(["transport"] + titles, lines) + [""]
    return out + perf_part(run) + probe_part(run)


def perf_part(run):
    """tvp's pipe ping-pong between processes beside `perf bench sched pipe`."""
    perf = [(label, run.ctx.get(ctx_key), run.ok("ipc", "pipe", "process", "latency",
                                                 kind="fork", pin=pin))
            for label, ctx_key, pin in (("unpinned", "perf_sched_pipe_us", "none"),
                                        ("on one PU", "perf_sched_pipe_same_pu_us", "same_pu"))]
    perf = [(label, float(p), b) for label, p, b in perf if p and b]
    if not perf:
        return []
    return ["`perf bench sched pipe` in the same run (its processes ping-pong over a pipe, "
            "as tvp's do): " + "; ".join(
                f"{label} {p:.3g} µs against tvp's {fmt(b.median)} µs "
                f"({b.median / p - 1:+.0%})" for label, p, b in perf) + ".", ""]


def probe_part(run):
    out = []
    pinned = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="diff_core")
    loose = run.ok("ipc", "cacheline", "thread", "latency", kind="pthread", pin="none")
    if pinned:
        out += [f"Cache-line probe (two threads on two cores bouncing one line, spinning): "
                f"{fmt(pinned.median * 1e3)} ns a round trip. Near 100 ns says the two CPUs "
                "are close; several hundred says the host placed them far apart, and every "
                "transport slows with it."
                + (f" Unpinned it took {fmt(loose.median * 1e3)} ns: when the two threads land "
                   "on one CPU, each waits out the other's time slice, which says nothing of "
                   "the CPUs." if loose else ""), ""]
    floor = probe.probe_floor(run)
    if floor:
        far, total = probe.far_share(run, floor)
        slowest = max(probe.all_probes(run))
        out += [f"Every repetition of a pair on two cores took the probe too, before and after "
                f"(the counter `probe_ns`): from {fmt(floor)} to {fmt(slowest)} ns over "
                f"{total} repetitions, {far} of them over {probe.FAR:g}x the fastest: in those the "
                "two vCPUs were far apart or the CPUs were busy (the probe cannot tell which; "
                "*State of the machine* shows whether other processes took the CPUs).", ""]
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
    return ["### The notes' Queue(3)", "",
            "8-byte items through a bounded queue of three (a mutex and two condition "
            "variables, process-shared): a producer and a consumer.", ""] + table(
        ["pair", "µs per item [95%]", "items per second"], lines) + [
        "", f"With room for three items the two sides take turns, and every turn is a "
        f"wake-up: the queue costs processes {p.median / t.median:.2f}x what it costs "
        "threads.", ""]
