"""machine.py - the end of the report: what could not run here, what was noisy, and the
machine and the run (the context bench/main.c and scripts/run.py write)."""
import os

from verdicts import stats
from report.i18n import N_, _, reason
from report.kit import fmt, interval_label, table

CONTEXT_WORDS = [("cpu_model", N_("CPU")), ("topology", N_("topology (hwloc)")),
                 ("nproc", N_("online CPUs")), ("kernel", N_("kernel")),
                 ("thp", N_("transparent huge pages")),
                 ("governor", N_("cpufreq governor")), ("placement", N_("placement")),
                 ("placement_cpus", N_("benchmark thread on CPU")),
                 ("placement_note", N_("placement note")),
                 ("library_build_type", N_("Google Benchmark build")),
                 ("python", N_("Python (the notes' code)")),
                 ("python_start_methods", N_("its start methods")), ("profile", N_("profile")),
                 ("tvp_version", N_("tvp version")), ("date", N_("run started")),
                 ("run_seconds", N_("the whole run took (s)"))]


def skipped_section(run, folder):
    bad = [b for b in run.benches.values() if b.error]
    if not bad:
        return []
    return ["## " + _("Skipped here"), ""] + table([_("benchmark"), _("reason")],
                                                   [[b.name, reason(b.error)] for b in bad]) + [""]


def noisy_section(run, folder):
    timed = [b for b in run.benches.values() if not b.error and len(b.times_us) > 1]
    noisy = sorted((b for b in timed if b.cv_of(b.metric) > stats.NOISY_CV),
                   key=lambda b: -b.cv_of(b.metric))
    if not noisy:
        return []
    return ["## " + _("Noisy here"), "",
            _("{noisy} of {timed} benchmarks vary by more than {cv} (coefficient of variation "
              "of their repetitions): read their medians with their intervals, and rerun or "
              "pin before comparing them across machines.").format(
                  noisy=len(noisy), timed=len(timed), cv=f"{stats.NOISY_CV:.0%}"), "",
            "<details><summary>" + _("The noisy benchmarks, noisiest first") + "</summary>",
            ""] + table(
        [_("benchmark (the metric, where not µs)"), _("CV"),
         _("median [{interval}]").format(interval=interval_label(run.repetitions))],
        [[b.name if b.metric == "time" else f"{b.name} ({b.metric})",
          f"{b.cv_of(b.metric):.0%}", metric_ci_text(b)] for b in noisy]) + [
        "", "</details>", ""]


def metric_ci_text(b):
    """The median of the metric the report reads, with its interval."""
    med, lo, hi, _coverage = stats.median_ci(b.values(b.metric))
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def section(run, folder):
    ctx = run.ctx
    out = ["## " + _("Machine and run"), ""] + table(
        ["", ""], [[_(label), ctx[k]] for k, label in CONTEXT_WORDS
                   if ctx.get(k) not in (None, "")])
    if ctx.get("library_build_type") == "debug":
        out += ["", _("Debian builds Google Benchmark without NDEBUG, so it warns \"Library "
                      "was built as DEBUG\": the checks it keeps run once per repetition, "
                      "outside what is timed (about 1,600 instructions, counted), and the "
                      "timed loop is compiled into tvp-bench itself, so tvp's numbers are not "
                      "affected (docs/measuring.md).")]
    times = [part.split("=") for part in ctx.get("scenario_seconds", "").split(",") if "=" in part]
    orders = dict(part.split("=", 1) for part in ctx.get("repetition_order", "").split(",")
                  if "=" in part)
    if times:
        out += ["", _("How long each scenario took, and how its repetitions ran (interleaved: "
                      "at random among the scenario's other benchmarks', so a slow minute of a "
                      "shared machine falls on both sides of a comparison; in a row: where a "
                      "parent's memory of up to GiBs is kept between benchmarks):"), ""]
        out += table([_("scenario"), _("seconds"), _("repetitions")],
                     [[name, sec, _(ORDER_WORDS[orders[name]]) if orders.get(name) in
                       ORDER_WORDS else orders.get(name, "–")] for name, sec in times])
    vulns = [v.split(": ", 1) for v in ctx.get("cpu_vulnerabilities", "").split(" | ")
             if ": " in v]
    if vulns:
        out += ["", _("CPU vulnerabilities and their mitigations "
                      "(`/sys/devices/system/cpu/vulnerabilities`; mitigations slow system "
                      "calls and context switches, so they move these numbers):"), ""]
        out += table([_("vulnerability"), _("state")], vulns)
    return out + [""] + topology_picture(folder) + [""]


# How a scenario's repetitions ran (scripts/run.py's repetition_order), in the report's words.
ORDER_WORDS = {"interleaved": N_("interleaved"), "in a row": N_("in a row")}


def topology_picture(folder):
    if os.path.exists(os.path.join(folder, "topology.svg")):
        return [_("Topology (`lstopo`):"), "", "![{}](topology.svg)".format(_("topology"))]
    txt = os.path.join(folder, "topology.txt")
    if os.path.exists(txt):
        with open(txt) as f:
            return [_("Topology (`lstopo`):"), "", "```", f.read().rstrip(), "```"]
    return []
