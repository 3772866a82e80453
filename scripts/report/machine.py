"""machine.py - the end of the report: what could not run here, what was noisy, and the
machine and the run (the context bench/main.c and scripts/run.py write)."""
import os

import stats
from report.kit import fmt, interval_label, table

CONTEXT_WORDS = [("cpu_model", "CPU"), ("topology", "topology (hwloc)"), ("nproc", "online CPUs"),
                 ("kernel", "kernel"), ("thp", "transparent huge pages"),
                 ("governor", "cpufreq governor"), ("placement", "placement"),
                 ("placement_cpus", "benchmark thread on CPU"),
                 ("placement_note", "placement note"),
                 ("library_build_type", "Google Benchmark build"),
                 ("python", "Python (the notes' code)"),
                 ("python_start_methods", "its start methods"), ("profile", "profile"),
                 ("tvp_version", "tvp version"), ("date", "run started"),
                 ("run_seconds", "the whole run took (s)")]


def skipped_section(run, folder):
    bad = [b for b in run.benches.values() if b.error]
    if not bad:
        return []
    return ["## Skipped here", ""] + table(["benchmark", "reason"],
                                           [[b.name, b.error] for b in bad]) + [""]


def noisy_section(run, folder):
    timed = [b for b in run.benches.values() if not b.error and len(b.times_us) > 1]
    noisy = sorted((b for b in timed if b.cv_of(b.metric) > stats.NOISY_CV),
                   key=lambda b: -b.cv_of(b.metric))
    if not noisy:
        return []
    return ["## Noisy here", "",
            f"{len(noisy)} of {len(timed)} benchmarks vary by more than "
            f"{stats.NOISY_CV:.0%} (coefficient of variation of their repetitions): "
            "read their medians with their intervals, and rerun or pin before comparing "
            "them across machines.", "",
            "<details><summary>The noisy benchmarks, noisiest first</summary>", ""] + table(
        ["benchmark (the metric, where not µs)", "CV",
         f"median [{interval_label(run.repetitions)}]"],
        [[b.name if b.metric == "time" else f"{b.name} ({b.metric})",
          f"{b.cv_of(b.metric):.0%}", metric_ci_text(b)] for b in noisy]) + [
        "", "</details>", ""]


def metric_ci_text(b):
    """The median of the metric the report reads, with its interval."""
    med, lo, hi, _ = stats.median_ci(b.values(b.metric))
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def section(run, folder):
    ctx = run.ctx
    out = ["## Machine and run", ""] + table(
        ["", ""], [[label, ctx[k]] for k, label in CONTEXT_WORDS if ctx.get(k) not in (None, "")])
    if ctx.get("library_build_type") == "debug":
        out += ["", "Debian builds Google Benchmark as `debug`: its own loop costs a little "
                "more per iteration, which is noise beside creation costs in microseconds."]
    times = [part.split("=") for part in ctx.get("scenario_seconds", "").split(",") if "=" in part]
    orders = dict(part.split("=", 1) for part in ctx.get("repetition_order", "").split(",")
                  if "=" in part)
    if times:
        out += ["", "How long each scenario took, and how its repetitions ran (interleaved: "
                "at random among the scenario's other benchmarks', so a slow minute of a shared "
                "machine falls on both sides of a comparison; in a row: where a parent's memory "
                "of up to GiBs is kept between benchmarks):", ""]
        out += table(["scenario", "seconds", "repetitions"],
                     [[name, sec, orders.get(name, "–")] for name, sec in times])
    vulns = [v.split(": ", 1) for v in ctx.get("cpu_vulnerabilities", "").split(" | ")
             if ": " in v]
    if vulns:
        out += ["", "CPU vulnerabilities and their mitigations "
                "(`/sys/devices/system/cpu/vulnerabilities`; mitigations slow system calls and "
                "context switches, so they move these numbers):", ""]
        out += table(["vulnerability", "state"], vulns)
    return out + [""] + topology_picture(folder) + [""]


def topology_picture(folder):
    if os.path.exists(os.path.join(folder, "topology.svg")):
        return ["Topology (`lstopo`):", "", "![topology](topology.svg)"]
    txt = os.path.join(folder, "topology.txt")
    if os.path.exists(txt):
        with open(txt) as f:
            return ["Topology (`lstopo`):", "", "```", f.read().rstrip(), "```"]
    return []
