"""why.py - the attribution pass's table and figure (scripts/why.py writes FOLDER/why/),
and the shares the other sections quote where they name a mechanism: each phase's share
of a row's samples, or None where the pass did not run (those sentences then say
"hypothesis")."""
import json
import os

from report.i18n import N_, _, sentences
from report.kit import draw, table, write_data
from report.why_phases import PHASES

SCENARIOS = ()  # the pass's own runs; none of the timed scenarios' rows

# Short, for the figure's axis; the table says the rest.
ROWS = {
    "fork_0": N_("fork, empty parent"),
    "pthread_0": N_("pthread_create, empty parent"),
    "posix_spawn_0": N_("posix_spawn, empty parent"),
    "fork_1g_parent": N_("fork 1 GiB: parent"),
    "fork_1g_child": N_("fork 1 GiB: child's exit"),
    "pthread_1g": N_("pthread_create 1 GiB"),
    "fork_1g_thp_parent": N_("fork 1 GiB THP: parent"),
    "fork_1g_thp_child": N_("fork 1 GiB THP: child's exit"),
    "pthread_1g_thp": N_("pthread_create 1 GiB THP"),
    "cow_child": N_("copy-on-write child, 256 MiB"),
    "first_touch_child": N_("first-touch child, 256 MiB"),
    "page_fault_thread": N_("page_fault, threads"),
    "page_fault_process": N_("page_fault, processes"),
    "false_sharing_thread": N_("false_sharing, threads"),
    "false_sharing_process": N_("false_sharing, processes"),
}


class Why:
    """FOLDER/why/why.json, read once per report."""

    def __init__(self, doc):
        self.doc = doc
        self.rows = {r["id"]: r for r in doc.get("rows", [])}

    @property
    def skipped(self):
        return self.doc.get("skipped")

    def share(self, row, phase):
        """PHASE's share in percent of ROW's samples, or None without that row."""
        r = self.rows.get(row)
        return r["phases"].get(phase) if r and r.get("samples") else None

    def function_share(self, row, names):
        """The share in percent of ROW's samples taken in one of NAMES themselves (its most
        sampled functions only), or None without the row or the functions."""
        r = self.rows.get(row)
        if not r or not r.get("samples"):
            return None
        found = [t["share"] for t in r.get("top", []) if t["function"] in names]
        return sum(found) if found else None

    def workers(self, row):
        r = self.rows.get(row)
        return r.get("workers") if r else None


def load(folder):
    """The pass's results in FOLDER/why/, or None where it never ran there or its file
    cannot be read (the report then reads as without it)."""
    path = os.path.join(folder, "why", "why.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    return Why(doc) if isinstance(doc, dict) else None


def of(run):
    """The Why of a run the report is being written for (document.build sets it)."""
    return getattr(run, "why", None)


def pct(x):
    return f"{x:.0f}%" if x >= 1 or x == 0 else f"{x:.1f}%"


def row_label(row):
    return _(ROWS[row["id"]]) if row["id"] in ROWS else row["id"]


def section(run, folder):
    out = ["### " + _("Why it costs what it costs: the kernel's time by function"), ""]
    why = of(run)
    if why is None:
        return out + [_("*Not measured in this run: `make why RUN={folder}` samples the "
                        "kernel's functions in creation, copy-on-write, exit and scale "
                        "(perf, as root, under 3 minutes); until then the mechanisms this "
                        "report names are hypotheses.*").format(
            folder=os.path.relpath(folder)), ""]
    if why.skipped:
        return out + [_("*The attribution pass could not run here: {reason}. The mechanisms "
                        "this report names are hypotheses.*").format(reason=why.skipped), ""]
    rows = [r for r in why.doc.get("rows", []) if r.get("samples")]
    if not rows:
        return out + [_("*The attribution pass ran but kept no samples.*"), ""]
    doc = why.doc
    out += [_("Where each benchmark's time goes, by the kernel function it was spent in, "
              "grouped into phases by a map committed in the tree "
              "(`scripts/report/why_phases.py`): each sample counts for the innermost function "
              "of its call chain that the map names, a chain with none is \"other kernel\", "
              "a sample in user space is \"user\". Taken by `make why` ({perf}, kernel "
              "{kernel}): each benchmark run once more, apart from the timed runs (sampling "
              "perturbs timing, so no time in this report comes from these runs), under "
              "`perf record -e cpu-clock -g -a` at {hz} samples a second per CPU, with "
              "sampling on only while the benchmark's loop runs; of the samples, only those "
              "of tvp-bench's own processes and the processes they forked are kept. They "
              "are taken CPU-wide rather than from tvp-bench's inherited events because on "
              "this kernel a process's own sampling ends before its exit unmaps its "
              "memory. Only time on a CPU is sampled: a task asleep (waiting for a lock, "
              "for a child) is not; and the clock's interrupt cannot land where interrupts "
              "are off, so that time is counted where they come back on (often "
              "`_raw_spin_unlock_irqrestore`, here under locks). *CPUs busy* is the row's samples "
              "over those one CPU busy all the time would give while sampling was on: how "
              "many CPUs the row's processes kept busy on average (other processes' load on "
              "the machine lowers it). Each row's folded stacks, for flame-graph tools, are "
              "in `why/ROW.folded`.").format(
        perf=doc.get("perf", "perf"), kernel=doc.get("kernel", "?"),
        hz=doc.get("frequency", "?")), ""]
    out += figure(folder, rows)
    phases = [p for p, _w in PHASES]
    cells = []
    for r in rows:
        top = ", ".join(f"`{t['function']}` {pct(t['share'])}" for t in r["top"][:3])
        cpus = f"{r['cpus']:.2f}" if r.get("cpus") is not None else "–"
        cells.append([row_label(r), f"`{r['id']}`", str(r["samples"]), cpus]
                     + [pct(r["phases"].get(p, 0)) for p in phases] + [top])
    out += table([_("benchmark"), _("row"), _("samples"), _("CPUs busy")]
                 + [_(w) for _p, w in PHASES] + [_("most sampled functions")], cells) + [""]
    bad = doc.get("failed") or []
    if bad:
        out += [_("Not sampled: {cases}.").format(cases=_("; ").join(
            f"{b['case']} ({b['why']})" for b in bad)), ""]
    return out


def figure(folder, rows):
    """A horizontal bar per row, its phases side by side from 0 to 100%."""
    lines = []
    n = len(rows)
    for i, r in enumerate(rows):
        y = n - 1 - i  # the first row on top
        start = 0.0
        for k, (p, _w) in enumerate(PHASES):
            share = r["phases"].get(p, 0.0)
            lines.append(f"{y}\t{row_label(r)}\t{start:.3f}\t{start + share:.3f}\t{k}")
            start += share
    path = write_data(folder, "why_phases.dat", "\n".join(lines) + "\n")
    labels = {"L_TITLE": _("Where the time goes: share of samples by phase"),
              "L_XLABEL": _("share of the row's samples, %")}
    labels.update({f"L_P{k}": _(w) for k, (_p, w) in enumerate(PHASES)})
    return draw(folder, "why.gp", path, "why_phases", _("Share of samples by phase"),
                str(len(PHASES)), labels=labels)


# --- the sentences other sections say where they name a mechanism --------------------

ZEROING = {"clear_page_erms", "clear_page_rep", "clear_page_orig", "clear_huge_page",
           "folio_zero_user"}


def fork_exit_words(run, us, cpu_us):
    """create's sentence on the child's CPU time of a fork from a large parent: "almost
    all of it in exit" only where the child's samples say so."""
    w = of(run)
    exit_ = w.share("fork_1g_child", "pt_teardown") if w else None
    copy = w.share("fork_1g_parent", "pt_copy") if w else None
    if exit_ is None or copy is None:
        return _("Of fork's {us} µs there, {cpu_us} µs is the child's own CPU time; that it "
                 "is spent in exit unmapping what fork copied is a hypothesis (`make why` "
                 "measures it).").format(us=us, cpu_us=cpu_us)
    if exit_ >= 90:
        text = _("Of fork's {us} µs there, {cpu_us} µs is the child's own CPU time, almost "
                 "all of it spent in exit tearing down the page tables fork copied: "
                 "{exit} of the child's samples, and {copy} of the parent's in copying "
                 "them, with a 1 GiB parent sampled apart from the timed runs (*Why it "
                 "costs what it costs*).")
    else:
        text = _("Of fork's {us} µs there, {cpu_us} µs is the child's own CPU time; "
                 "{exit} of the child's samples are in exit tearing down the page tables "
                 "fork copied, and {copy} of the parent's in copying them, with a 1 GiB "
                 "parent sampled apart from the timed runs (*Why it costs what it "
                 "costs*).")
    return text.format(us=us, cpu_us=cpu_us, exit=pct(exit_), copy=pct(copy))


def cow_words(run):
    """cow's sentence on what a copy-on-write fault spends beside a first touch, or the
    hypothesis where the pass did not run."""
    w = of(run)
    shares = {p: w.share("cow_child", p) if w else None
              for p in ("page_copy", "fault", "memcg", "locks")}
    first = w.share("first_touch_child", "fault") if w else None
    if None in shares.values() or first is None:
        return _("What does is not measured here; reading the shared source page from "
                 "memory, and the bookkeeping of a page two processes map (write-protected "
                 "entries, reference counts), are hypotheses (`make why` measures where "
                 "the fault's time goes).")
    zero = w.function_share("first_touch_child", ZEROING)
    words = {k: pct(v) for k, v in shares.items()}
    if zero is not None:
        return _("Sampled apart from the timed runs (a child writing every page of 256 MiB, "
                 "its exit included), {page_copy} of the child's samples copy the page's "
                 "bytes (the source page's reads among them), {fault} are the fault around "
                 "the copy (its entry, the new page's allocation and mapping, the shared "
                 "page's bookkeeping), {memcg} memory-cgroup charging and {locks} locks; a "
                 "child's first touch of as many pages spends {zero} of its samples zeroing "
                 "them and {rest} in the rest of the fault.").format(
            zero=pct(zero), rest=pct(max(first - zero, 0)), **words)
    return _("Sampled apart from the timed runs (a child writing every page of 256 MiB, its "
             "exit included), {page_copy} of the child's samples copy the page's bytes (the "
             "source page's reads among them), {fault} are the fault around the copy (its "
             "entry, the new page's allocation and mapping, the shared page's "
             "bookkeeping), {memcg} memory-cgroup charging and {locks} locks; a child's "
             "first touch of as many pages spends {first} in the fault and its "
             "zeroing.").format(first=pct(first), **words)


def page_fault_words(run):
    """scale's sentence on where page_fault's threads and processes spend their CPU, at
    the reading's worker count; None where the pass did not sample that."""
    w = of(run)
    if not w or w.workers("page_fault_thread") != run.pus:
        return None
    s = {(m, p): w.share(f"page_fault_{m}", p) for m in ("thread", "process")
         for p in ("tlb", "locks")}
    if None in s.values():
        return None
    text = _("Sampled apart from the timed runs at {n} workers, threads spent {t_tlb} of "
             "their CPU samples in TLB shootdowns and {t_locks} in lock functions (mostly "
             "spin-unlock samples: that the mmap lock is behind them is a hypothesis, which "
             "call chains through mmap_read_lock in the samples would test), processes "
             "{p_tlb} and {p_locks}.").format(
        n=run.pus, t_tlb=pct(s["thread", "tlb"]), t_locks=pct(s["thread", "locks"]),
        p_tlb=pct(s["process", "tlb"]), p_locks=pct(s["process", "locks"]))
    cpus = [w.rows[f"page_fault_{m}"].get("cpus") for m in ("thread", "process")]
    if None not in cpus:
        text = sentences([text, _("While sampled, threads kept {threads} CPUs busy on "
                                  "average and processes {processes} (other processes' "
                                  "load on the machine counts against both).").format(
            threads=f"{cpus[0]:.2f}", processes=f"{cpus[1]:.2f}")])
    extra = (s["thread", "tlb"] + s["thread", "locks"]) - \
        (s["process", "tlb"] + s["process", "locks"])
    if extra >= 5:
        return sentences([text, _("That threads' extra {points} points there are CPU time "
                                  "processes do not spend is a hypothesis: shares are of "
                                  "each side's own samples, and time asleep is not sampled; "
                                  "each side's CPU seconds in those functions (samples "
                                  "times the period), not its shares, would test "
                                  "it.").format(points=f"{extra:.0f}")])
    return sentences([text, _(
        "On the CPU the two spend their time alike, so where threads lose is not in these "
        "samples: time asleep waiting for the mmap lock is not sampled, and a cost spread "
        "evenly over every phase would not show as a share.")])
