"""compare_runs.py - the sections of COMPARE.md for any number of runs.

Who the runs are (labelled by host, CPU, kernel and placement), the verdict of every
claim in every run with the claims whose verdict flips, the key numbers of every claim
per run with their intervals and a figure of them, and the benchmarks that change most
against the first run with their U test. A benchmark a run lacks is shown there as –,
never dropped. compare.py checks the folders and makes the output folder; this module
only reads Runs (results.load) and writes lines, data files and a figure."""
import math
import os
import statistics

from verdicts import claims
from verdicts import stats
from report import claims_table, kit
from report.kit import fmt, table

ALPHA = 0.05
TOP = 30           # rows of the largest-changes table
MISSING = "–"


class Entry:
    """One run of the comparison: its folder, Run and label, numbered from 1."""

    def __init__(self, n, folder, run):
        self.n, self.folder, self.run = n, folder, run
        self.label = ""

    @property
    def ctx(self):
        return self.run.ctx

    @property
    def id(self):
        return os.path.basename(os.path.normpath(os.path.abspath(self.folder)))

    @property
    def head(self):
        """How a table column names the run."""
        return f"#{self.n} {self.label}"


def kernel_release(kernel):
    """'Linux 6.1.0-18-amd64 x86_64' -> '6.1.0-18-amd64': the part that differs."""
    parts = str(kernel).split()
    return parts[1] if len(parts) == 3 and parts[0] == "Linux" else str(kernel)


def label_runs(entries):
    """Gives each entry its label: host, CPU, kernel, placement; and where two would be
    the same, the folder's name, then the folder as given."""
    for e in entries:
        c = e.ctx
        e.label = (f"{c.get('host_name', '?')}, {c.get('cpu_model', '?')}, "
                   f"{kernel_release(c.get('kernel', '?'))}, placement {c.get('placement', '?')}")
    for extra in (lambda e: e.id, lambda e: e.folder):
        seen = {}
        for e in entries:
            seen.setdefault(e.label, []).append(e)
        for same in seen.values():
            if len(same) > 1:
                for e in same:
                    e.label += f" ({extra(e)})"


def flagged_text(run):
    """The scenarios during which the machine's state moved (report/state.py), or –."""
    from report import state
    return ", ".join(f"⚠ {s}" for s in state.changes(run)) or "–"


def runs_section(entries):
    rows = [[f"#{e.n}", f"`{e.folder}`", e.ctx.get("host_name", "?"),
             e.ctx.get("cpu_model", "?"), kernel_release(e.ctx.get("kernel", "?")),
             e.ctx.get("placement", "?"), e.ctx.get("profile", "?"),
             e.ctx.get("tvp_version", "?"), e.ctx.get("date", "?"), flagged_text(e.run)]
            for e in entries]
    out = ["## The runs", ""] + table(
        ["", "folder", "host", "CPU", "kernel", "placement", "profile", "tvp", "date",
         "machine state flagged during"], rows) + [""]
    differ = [what for what, key in (("tvp version", "tvp_version"), ("placement", "placement"),
                                     ("profile", "profile"), ("kernel", "kernel"),
                                     ("host", "host_name"))
              if len({e.ctx.get(key) for e in entries}) > 1]
    if differ:
        out += [f"These runs differ in {', '.join(differ)}"
                + (", and some ran while the machine's state moved (see each run's *State of "
                   "the machine*)" if any(flagged_text(e.run) != "–" for e in entries) else "")
                + ": a difference between two runs may come from any of these at once.", ""]
    return out


# --- verdicts -----------------------------------------------------------------------

UNDECIDED = ("missing data", "undecided")


def verdicts(entries):
    """{claim: [verdict per run]}"""
    return {c: [claims.judged(c, e.run)[0] for e in entries] for c in claims.CLAIMS}


def flips(per_run):
    """True when two runs reach different verdicts (a run without the data to decide
    is no flip: it says nothing)."""
    return len({v for v in per_run if v not in UNDECIDED}) > 1


def verdict_section(entries, matrix):
    from report import state
    changed = [state.flagged_claims(e.run) for e in entries]
    rows = []
    for claim, per_run in matrix.items():
        flip = flips(per_run)
        cells = [(f"**{v}**" if flip and v != per_run[0] and v not in UNDECIDED else v)
                 + (" ⚠" if claim in changed[i] else "") for i, v in enumerate(per_run)]
        rows.append([claim, *cells, "⇄ flips" if flip else ""])
    n = sum(flips(v) for v in matrix.values())
    return ["## Verdicts", "",
            f"Each claim's verdict in each run, by the rules of `scripts/verdicts/claims.py`. "
            f"{n} of {len(matrix)} claims flip (⇄: two runs reach different verdicts; in "
            "bold, the verdicts that differ from run #1's; ⚠: measured in that run while the "
            "machine's state moved).", ""] + table(
        ["claim", *(e.head for e in entries), ""], rows) + [""]


# --- key numbers --------------------------------------------------------------------

def key_values(claim, run):
    """The numbers claims_table.key_numbers writes, for the figure."""
    from report import claims_table
    return claims_table.key_values(claim, run)


def coverage_words(entries):
    """What the key numbers' intervals cover, run by run: with 5 repetitions [min, max]
    covers the median with probability 93.75%, not 95%."""
    seen = {}
    for e in entries:
        n = e.run.repetitions
        if n >= 2:
            seen.setdefault(n, f"{stats.median_ci(range(n))[3]:.2%}")
    if not seen:
        return "one repetition: no interval"
    return ", ".join(f"{cover} with {n} repetitions" for n, cover in sorted(seen.items()))


def key_section(entries, folder):
    rows = []
    for claim, c in claims.CLAIMS.items():
        if not c.get("key"):
            continue
        for i, e in enumerate(entries):
            nums = claims_table.key_numbers(claim, e.run)
            first = f"{claim}: {c['key'][3]}" if i == 0 else ""
            rows.append([first, e.head, *(nums[:3] if nums else [MISSING] * 3)])
    return (["## Key numbers", "",
             "Each claim's key pair, as the report's claims table gives it: the median with "
             f"its distribution-free interval ({coverage_words(entries)}) for a thread and "
             "for a process, and their ratio. – where a run lacks the benchmark.", ""]
            + figure(entries, folder)
            + table(["claim", "run", "thread", "process", "thread : process"], rows) + [""])


def wrap(text, width=30):
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def scale(values):
    """(log, bottom, top) of a panel's y axis: log when every value is positive and
    they span a factor of 8 or more, so a thread's 5 µs and a process's 200 µs both
    show; the bars rise from the bottom."""
    if not values:
        return 0, 0.0, 1.0
    lo, hi = min(values), max(values)
    if lo > 0 and hi / lo >= 8:
        return 1, 10 ** math.floor(math.log10(lo / 1.5)), hi * 2.5
    bottom = 0.0 if lo >= 0 else lo * 1.15
    return 0, bottom, hi * 1.15 if hi > 0 else 1.0


def figure(entries, folder):
    """figures/compare_runs.png: a panel per claim, a pair of bars per run (thread blue,
    process red) with their intervals, – where the run lacks the pair."""
    blocks, titles, scales = [], [], []
    for claim, c in claims.CLAIMS.items():
        if not c.get("key"):
            continue
        vals = {e.n: key_values(claim, e.run) for e in entries}
        flat = [x for v in vals.values() if v for side in v[:2] for x in side]
        log, bottom, top = scale(flat)
        # The – of a run without the pair sits low in the panel, where its bars would be.
        dash = bottom * (top / bottom) ** 0.15 if log else bottom + (top - bottom) * 0.15
        lines = [f"# {claim}: x mode(0 thread, 1 process) median lo hi missing_y"]
        for n, v in vals.items():
            for mode, dx in ((0, -0.2), (1, 0.2)):
                if v:
                    med, lo, hi = v[mode]
                    lines.append(f"{n + dx:g} {mode} {med:.6g} {lo:.6g} {hi:.6g} NaN")
                else:
                    lines.append(f"{n + dx:g} {mode} NaN NaN NaN {dash:.6g}")
        blocks.append("\n".join(lines))
        titles.append('"' + wrap(f"{claim}: {c['key'][3]}").replace('"', "'") + '"')
        scales.append(f"{log} {bottom:.6g} {top:.6g}")
    labels = " ".join('"' + f"#{e.n}  {e.label}".replace('"', "'") + '"' for e in entries)
    return kit.figure(folder, "compare_runs.gp", "compare_runs.dat", "\n\n\n".join(blocks) + "\n",
                      "key numbers of every claim across the runs", " ".join(titles),
                      " ".join(scales), labels,
                      f"bars: medians, whiskers: intervals covering "
                      f"{coverage_words(entries)}, –: not in that run")


# --- benchmarks that change ---------------------------------------------------------

def all_keys(entries):
    """Every benchmark key of any run, in the order the runs list them (the first run's
    first), with the name C wrote for it."""
    keys = {}
    for e in entries:
        for k, b in e.run.benches.items():
            keys.setdefault(k, b.name)
    return keys


def median(b):
    """A benchmark's median time; Bench.median also works out its interval, which a
    table of ratios over every benchmark does not need."""
    return statistics.median(b.times_us)


def change(base, b):
    """(ratio, p) of b's median time against base's, or None when either is missing,
    skipped or zero."""
    if not (base and b and base.usable and b.usable):
        return None
    m_base, m_b = median(base), median(b)
    if not m_base or not m_b:
        return None
    return m_b / m_base, stats.u_test(base.times_us, b.times_us)


def cell(b, d, with_p):
    """A run's cell: the ratio (and p) d against the first run, else why there is none."""
    if b is None or (not b.error and not b.usable):
        return MISSING
    if b.error:
        return "skipped"
    if d is None:  # nothing to set it against: its own median
        return f"{fmt(median(b))} µs"
    ratio, p = d
    mark = " ✱" if p is not None and p < ALPHA else ""
    ptext = f" (p {p:.3f})" if with_p and p is not None else ""
    return f"{ratio:.3f}{mark}{ptext}"


def first_cell(b):
    if b is None:
        return MISSING
    return "skipped" if b.error else (f"{fmt(median(b))} µs" if b.usable else MISSING)


def change_section(entries):
    first, others = entries[0], entries[1:]
    keys = all_keys(entries)
    benches = {k: [e.run.benches.get(k) for e in entries] for k in keys}
    changes = {k: [change(bs[0], b) for b in bs[1:]] for k, bs in benches.items()}
    sizes = {k: max((abs(math.log(d[0])) for d in ds if d), default=None)
             for k, ds in changes.items()}
    ranked = sorted((k for k in keys if sizes[k] is not None), key=lambda k: -sizes[k])[:TOP]
    in_all = sum(all(b is not None for b in bs) for bs in benches.values())

    def row(k, with_p):
        return [f"`{keys[k]}`", first_cell(benches[k][0]),
                *(cell(b, d, with_p) for b, d in zip(benches[k][1:], changes[k]))]

    head = ["benchmark", f"#{first.n} median", *(f"#{e.n} / #{first.n}" for e in others)]
    lines = ["## Benchmarks that change most", "",
             f"Against run #{first.n}: the ratio of median times (run / #{first.n}, below 1 "
             f"faster), ✱ where the Mann-Whitney U test of the repetitions gives p < {ALPHA}, "
             f"with p in brackets. {len(keys)} benchmarks in all; {in_all} in every run, "
             f"{len(keys) - in_all} missing from at least one ({MISSING}); *skipped*: the "
             "benchmark ran but could not measure (its reason is in that run's report).", ""]
    lines += table(head, [row(k, True) for k in ranked]) + [""]
    lines += ["## Every benchmark", "",
              f"Every benchmark of any run, by name; {MISSING} where a run lacks it, its own "
              f"median where run #{first.n} lacks it.", ""]
    lines += table(head, [row(k, False) for k in sorted(keys, key=lambda k: keys[k])]) + [""]
    return lines


def missing_section(entries):
    """The benchmarks some run lacks, with – there: the two-run table (Google
    Benchmark's) pairs only the benchmarks both runs have."""
    keys = all_keys(entries)
    rows = []
    for k in sorted(keys, key=lambda k: keys[k]):
        bs = [e.run.benches.get(k) for e in entries]
        if any(b is None for b in bs):
            rows.append([f"`{keys[k]}`", *(first_cell(b) for b in bs)])
    if not rows:
        return []
    return ["## Not in every run", "",
            f"{len(rows)} benchmarks are missing from at least one run ({MISSING}); the "
            "others' median times:", ""] + table(
        ["benchmark", *(f"#{e.n}" for e in entries)], rows) + [""]


def sections(entries, folder, changes=True):
    """COMPARE.md's lines for the runs (entries, labelled here), writing data/ and
    figures/ of folder. changes=False: instead of the per-benchmark tables (the two-run
    comparison has Google Benchmark's), only the benchmarks a run lacks."""
    label_runs(entries)
    lines = runs_section(entries) + verdict_section(entries, verdicts(entries))
    lines += key_section(entries, folder)
    lines += change_section(entries) if changes else missing_section(entries)
    return lines
