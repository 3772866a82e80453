"""targets.py - the speed the implementation was asked to reach, checked on a run and
written to TARGETS.md beside REPORT.md: a matter for the people who build tvp, not for
the lecturers who read the report.

Throughput is taken with the pair on two cores where the run has it, else unpinned.
Where some repetitions ran while the host had put the two vCPUs far apart (the
cache-line probe says so), the targets are shown again over the others."""
import os

from verdicts import stats
from report import i18n, probe, state
from report import ipc
from report.ipc import ipc_rate
from report.kit import fmt, human_size, table

SIGNIFICANCE = 0.05
# The pair the targets speak of, as (kind, mode): threads, and processes made by fork.
THREAD, FORK = ("pthread", "thread"), ("fork", "process")


def targets(run, pin, times):
    """[(target, measured, met)], with times(bench) giving the repetitions to use."""
    def rate(b):
        r = ipc_rate(b, times)
        return r[0] if r else None

    def ipc(transport, kind, mode, size):
        return run.get("ipc", transport, mode, "throughput", kind=kind, pin=pin, msg_bytes=size)

    def ring(kind, mode, size):
        return rate(ipc("shm_ring", kind, mode, size))

    def memcpy(size):
        return rate(run.get("ipc", "memcpy", "thread", "copy", msg_bytes=size))

    rows = []
    sizes = sorted(b.args["msg_bytes"] for b in run.select(
        "ipc", "throughput", variant="shm_ring", mode="process", kind="fork", pin=pin))
    for size in sizes:
        p, t = ring(*FORK, size), ring(*THREAD, size)
        if p and t:
            rows.append((f"shm ring, {human_size(size)}: processes within 10% of threads",
                         f"{p / t:.3g}x", p >= 0.9 * t))
    m64 = memcpy(64 << 20)
    r64k, pipe64k = ring(*FORK, 65536), rate(ipc("pipe", *FORK, 65536))
    if r64k and m64:
        rows.append(("shm ring, 64 KiB: at least 1.5x memcpy of 64 MiB",
                     f"{r64k / m64:.3g}x", r64k >= 1.5 * m64))
    if r64k and pipe64k:
        rows.append(("shm ring, 64 KiB: at least 5x the pipe", f"{r64k / pipe64k:.3g}x",
                     r64k >= 5 * pipe64k))
    r1m, m1m = ring(*FORK, 1 << 20), memcpy(1 << 20)
    if r1m and m1m:
        rows.append(("shm ring, 1 MiB: at least 80% of memcpy of 1 MiB", f"{r1m / m1m:.1%}",
                     r1m >= 0.8 * m1m))
    r64, p64 = ring(*FORK, 64), rate(ipc("pipe", *FORK, 64))
    if r64 and p64:  # bytes per second at one size: the ratio of message rates
        rows.append(("shm ring, 64 B: at least 10x the pipe's message rate",
                     f"{r64 / p64:.3g}x", r64 >= 10 * p64))
    for t, tool in (("pipe", "bw_pipe"), ("unix_stream", "bw_unix")):
        ours = ipc(t, *FORK, 65536)
        ref = run.get("bw_lmbench", t, "process", "throughput", kind="fork", pin=pin,
                      msg_bytes=65536)
        if not (ours and ref and ours.usable and ref.usable and times(ours) and times(ref)):
            continue
        rows.append((f"{t}, 64 KiB: at least lmbench's {tool} method",)
                    + at_least(rate(ours) / rate(ref), times(ours), times(ref)))
    return rows


def at_least(x, a, r):
    """(measured, met) of "at least" for a ratio x of two samples a and r: slower by a
    difference the U test does not find significant is a tie, and a tie meets "at
    least"; with too few repetitions to tell, it does not."""
    got, met = f"{x:.3g}x", x >= 1
    if x < 1:
        p = stats.u_test(a, r)
        if stats.u_test_min_p(len(a), len(r)) >= SIGNIFICANCE or p is None:
            got += " (too few repetitions for the U test)"
        elif p >= SIGNIFICANCE:
            got, met = got + f" (no significant difference, U test p = {p:.2f})", True
        else:
            got += f" (U test p = {p:.3f})"
    return got, met


def targets_text(run):
    """The lines of TARGETS.md's body, or [] when the run has none of the numbers."""
    pin = "diff_core" if run.select("ipc", "throughput", pin="diff_core") else "none"
    where = "the pair on two cores" if pin == "diff_core" else "unpinned"
    floor = probe.probe_floor(run) if pin == "diff_core" else None
    far, pinned = probe.far_share(run, floor) if floor else (0, 0)
    rows = targets(run, pin, lambda b: b.times_us)
    takes = ipc.perf_takes(run, "same_pu")
    lat = run.ok("ipc", "pipe", "process", "latency", kind="fork", pin="same_pu")
    if takes and lat:
        perf, lo, hi, n = takes
        spread = f", median of {n} takes, {lo:.3g}-{hi:.3g}" if n > 1 else ", one take"
        rows.append(("pipe ping-pong between processes on one PU: within 15% of "
                     "`perf bench sched pipe`", f"{lat.median:.3g} µs against {perf:.3g} µs "
                     f"({lat.median / perf - 1:+.0%}{spread})",
                     abs(lat.median / perf - 1) <= 0.15))
    from report import http  # C8's servers beside Apache's: the instrument is not a toy
    rows += http.target_rows(run)
    if not rows:
        return []
    yes = lambda met: "yes" if met else "**no**"
    out = [f"Throughput with {where}; each figure is a ratio of medians over the run's "
           "repetitions, shown to three digits so that a miss never rounds to a hit.", ""]
    if far:
        near = {what: (got, met) for what, got, met in
                targets(run, pin, lambda b: probe.near_only(b, floor))}
        out += [f"In {far} of the run's {pinned} pinned repetitions the cache-line probe between "
                f"the two CPUs took more than {probe.FAR:g}x its fastest ({fmt(floor)} ns): the two "
                "vCPUs were far apart or the CPUs were busy (the probe cannot tell which; see "
                "the report's *State of the machine*), and every transport slows with that. "
                "The last two columns leave those repetitions out.", ""]
        out += table(["target", "measured", "met", "CPUs near only", "met"],
                     [[what, got, yes(met)] + ([near[what][0], yes(near[what][1])]
                                               if what in near else ["–", "–"])
                      for what, got, met in rows])
    else:
        out += table(["target", "measured", "met"],
                     [[what, got, yes(met)] for what, got, met in rows])
    return out + ["", "A target missed is reported, not hidden: on a shared virtual machine a "
                  "copy through a ring crosses between two CPUs' caches, which a memcpy within "
                  "one cache does not, and a sleeping reader costs a wake-up.", ""]


def write_targets(run, folder):
    """Writes TARGETS.md, in English whatever the report's language (it is for the people
    who build tvp); returns whether the run had any target to check."""
    with i18n.language("en"):
        return _write_targets(run, folder)


def _write_targets(run, folder):
    body = targets_text(run)
    if not body:
        return False
    host = run.ctx.get("host_name", "unknown host")
    with open(os.path.join(folder, "TARGETS.md"), "w") as f:
        warning = state.flag_line(run, ("ipc", "bw_lmbench"))
        f.write("\n".join([f"# tvp: the implementation's speed targets, on {host}", "",
                           "The speed the implementation was asked to reach, checked on this "
                           f"run of tvp {run.ctx.get('tvp_version', '?')} (`benchmarks.json`; "
                           "the report is `REPORT.md`).", ""]
                          + ([warning, ""] if warning else []) + body))
    return True
