"""handout_frame.py - what frames the handout's pages (scripts/report/handout.py): the
title page (the machine once, what the profile means, how a verdict is reached and where a
prediction's bar comes from, the words a page uses) and each page's footer (what its
numbers are: medians with their range, or counts)."""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from verdicts import claims, stats  # noqa: E402
from report import handout_figures, i18n  # noqa: E402
from report.claims_table import key_numbers, key_readings, key_samples  # noqa: E402
from report.handout_page_figure import KEY_FIGURE  # noqa: E402
from report.i18n import N_, _  # noqa: E402

# Conditions in the report's terms, said on a page in words a class reads: "the
# minimal parent" is the report's name for a parent that holds almost no memory.
CONDITIONS = {
    "1000 idle workers of the minimal parent": N_(
        "1000 idle workers made by a parent that holds almost no memory"),
    "pthread_create against fork, from the minimal parent": N_(
        "pthread_create against fork, both from a parent that holds almost no memory"),
}


VIRT_WORDS = {"virtual machine": N_("virtual machine"), "container": N_("container")}


VIRT_NAMES = {"kvm": "KVM", "qemu": "QEMU", "xen": "Xen", "vmware": "VMware",
              "microsoft": "Hyper-V", "docker": "Docker", "podman": "Podman", "lxc": "LXC"}


def machine_line(run):
    """The machine as a lecturer says it: what CPU, how many logical CPUs, which Linux,
    and what it runs in ("a Docker container in a KVM virtual machine")."""
    ctx = run.ctx
    found = {}
    for part in (ctx.get("virtualisation") or "").split(";"):
        what, sep, value = part.strip().partition(": ")
        if sep and what in VIRT_WORDS:
            found[what] = VIRT_NAMES.get(value.lower(), value)
    vm, box = found.get("virtual machine"), found.get("container")
    if vm and box:
        where = _("in a {container} container on a {vm} virtual machine").format(
            container=box, vm=vm)
    elif vm:
        where = _("in a {vm} virtual machine").format(vm=vm)
    elif box:
        where = _("in a {container} container").format(container=box)
    else:
        where = _("on the bare machine (no virtualisation detected)")
    kernel = ctx.get("kernel") or _("unknown kernel")
    m = re.match(r"(\S+) (\d+\.\d+)", kernel)
    return _("The machine: {cpu} with {n} logical CPUs, {kernel}, {where}.").format(
        cpu=ctx.get("cpu_model") or _("unknown CPU"),
        n=ctx.get("pus") or ctx.get("nproc") or "?",
        kernel=f"{m.group(1)} {m.group(2)}" if m else kernel, where=where)


def profile_line(run):
    """What the run's profile means for a number on a page."""
    profile = run.ctx.get("profile", "?")
    if profile == "quick":
        # The profile's name is the suite's jargon: said as what it means.
        return _("Measured quickly (a run of under 10 minutes): a benchmark is usually "
                 "repeated {n} times, in short windows (some measurements differ: each "
                 "page says); every number is the median of its repetitions.").format(
                     n=run.repetitions)
    return _("Measured with the {profile} profile: a benchmark is usually repeated {n} "
             "times (some measurements differ: each page says); every number is the "
             "median of its repetitions.").format(profile=profile, n=run.repetitions)


def page_note(run, claim):
    """The line at the foot of a claim's page: what its numbers are, with the key's range
    where it has one, and where the rest is (the report's section on the claim)."""
    n = key_repetitions(claim, run) or run.repetitions
    # No "more in REPORT.md" here: students do not have the report; the title page says
    # once where each page's details are.
    if claim in COUNT_NOTES:
        return _(COUNT_NOTES[claim]).format(n=n)
    nums = key_numbers(claim, run) if claim else None
    readings = key_readings(claim, run)
    if readings and readings > 1:
        return _("Medians of {n} readings of one server: not independent, so no "
                 "interval.").format(n=readings)
    if not n or n < 2:
        return _("One repetition: no interval.")
    if not nums:
        return _("Medians of {n} repetitions.").format(n=n)
    key = _("thread {thread}, process {process}").format(thread=nums[0], process=nums[1])
    if claim not in KEY_FIGURE and claim not in handout_figures.FIGURES:
        # The figure does not show the key (C2's is creation against memory): its unit,
        # and the parent it was made from, which is not the figure's first point.
        pair = claims.CLAIMS.get(claim, {}).get("key")
        minimal = pair is not None and pair.process.fields().get("parent") == "minimal"
        # The process is fork's (the figure has posix_spawn too): said.
        fork = pair is not None and pair.process.fields().get("variant") == "fork"
        key = (_("{key} ({symbol}; the process by fork, from an almost empty parent)")
               if fork else
               _("{key} ({symbol}, from a parent holding almost no memory)")).format(
            key=key, symbol=nums[3].split()[0]) if minimal \
            else _("{key} ({unit})").format(key=key, unit=_(nums[3]))
    elif nums[3].split()[:1] and nums[3].split()[0] in SYMBOLS:
        # The figure's title names the unit; the foot's numbers carry it too (C4's "429"
        # was read without one).
        key = _("{key} ({symbol})").format(key=key, symbol=nums[3].split()[0])
    if "[" not in nums[0] + nums[1]:
        samples = key_samples(claim, run)
        # Every repetition the same (C3's 3 of 3): not "the median of 5".
        if samples and all(len(set(v)) == 1 for v in samples):
            return _("All {n} repetitions: {key}.").format(n=n, key=key)
        return _("Medians of {n}: {key}.").format(n=n, key=key)
    cover = stats.median_ci(range(n))[3]
    # The interval in plain words: what [ ] holds, and how sure the median lies inside.
    return _("Medians of {n}: {key}; [ ] lowest–highest, {coverage} sure to hold the "
             "true median.").format(
                 n=n, key=key, coverage=f"{cover * 100:g}%")


# A key unit's first word that is a unit symbol, said after the foot's numbers.
SYMBOLS = ("ns", "µs", "ms", "s", "KiB", "MiB", "GiB")


# The pages whose numbers are counts or one repetition's schedule, not medians.
COUNT_NOTES = {
    "C5": N_("The figure: the median of {n} repetitions of the notes' Pool(3); the counts "
             "are the same in each."),
    # Each bar's own outcome, as its label says it: the first counts the runs where the
    # exception was not shown, the others where it was.
    "C6": N_("Each bar counts the runs, of {n}, in which what it says happened."),
}


def key_repetitions(claim, run):
    """The fewest repetitions of the claim's key pair in this run, or None."""
    samples = key_samples(claim, run) if claim else None
    return min(map(len, samples)) if samples else None


def run_when(run):
    """When the run started, in UTC (the same wherever the folder is copied)."""
    try:
        when = datetime.datetime.fromisoformat(run.ctx.get("date", ""))
    except ValueError:
        return run.ctx.get("date", "?")
    if when.tzinfo:
        when = when.astimezone(datetime.timezone.utc)
    return f"{when:%Y-%m-%d %H:%M} UTC"


def title_page(run):
    """The first page, in a few short lines: the machine, what the profile means, how a
    verdict is reached, the words a page uses."""
    return ['<div class="title">', "",
            _("# Threads and processes: what this machine says"), "",
            _("One page per claim of the lecture notes, each tested on this machine "
              "({when}).").format(when=run_when(run)), "",
            f"- {machine_line(run)}",
            f"- {profile_line(run)}",
            # Where a prediction's bar comes from, beside how a verdict is reached: a
            # threshold from nowhere puzzled a lecturer.
            "- " + i18n.sentences([
                _("The verdict: each claim is split into predictions that can be "
                  "measured. All of them hold: the claim holds; none: it does not; "
                  "some: it holds in part. A prediction the data cannot decide counts "
                  "neither way (a verdict needs more than half decided)."),
                _("A prediction's bar is the suite's reading of the notes' words "
                  "(开销大: at least 1.5×); × is process ÷ thread.")]),
            "- " + i18n.sentences([
                _("“The suite's C” is the C test programs written for this suite; “the "
                  "notes' Python” is the notes' own code, run here. A logical CPU is one "
                  "CPU as the operating system sees it."),
                # Once, here: the pages do not name it (students do not have the report).
                _("Each page's details are in {report}, beside this file.").format(
                    report=f"REPORT{i18n.suffix()}.md")]),
            "", "</div>", ""]
