"""footprint.py - C1, what a worker owns (bench/footprint.c): user and kernel memory per
idle worker, N workers alive at once, created by tvp-bench or by the minimal parent,
with an empty parent and one holding memory. Every word goes through the catalogue
(report.i18n), the figure's too."""
from verdicts import stats
from report.i18n import N_, _, sentences, reason
from report.kit import derived, draw, fmt, mode_bit, table, write_data
from report.verdicts import claim_part
from contract.describe import in_table_order

# The kernel_source counter's values (bench/footprint_kernel.h); 3 is a file, named as it is.
MEMINFO = 3
SOURCES = {1: N_("memory cgroup"), 2: N_("VmPTE + kernel stack, slab not seen")}
PARENT_WORDS = {"tvp": "tvp-bench", "minimal": N_("minimal parent")}
# Where a Reading's workers come from, the phrase that opens its sentence.
ORIGIN = {"tvp": N_("From tvp-bench"), "minimal": N_("From the minimal parent")}


def kinds_of(rows, run):
    return in_table_order(run.describe.kinds, {b.variant for b in rows})


def parents(run):
    """The parents the family names ("tvp" first), or [None] for an older run."""
    fam = run.describe.family("footprint", "memory") or {}
    return list(fam.get("values", {}).get("parent", [])) or [None]


def parent_of(b):
    return b.args.get("parent")


def parent_words(parent):
    """A parent in the report's words: tvp-bench is a program's name, as it is."""
    if not parent or parent == "tvp":
        return "tvp-bench"
    return _(PARENT_WORDS[parent]) if parent in PARENT_WORDS else parent


def origin_words(parent):
    """"From tvp-bench", "From the minimal parent": a Reading's sentence opens so."""
    if (parent or "tvp") in ORIGIN:
        return _(ORIGIN[parent or "tvp"])
    return _("From {parent}").format(parent=parent)


def row(run, kind, workers, mib=0, parent="tvp"):
    extra = {"parent": parent} if parents(run) != [None] else {}
    return run.ok("footprint", kind, run.mode_of(kind) or "process", "memory",
                  workers=workers, parent_mib=mib, **extra)


def resolved(b):
    """Whether the row's kernel memory is above what its source resolves: True, False,
    or None when the run did not record a resolution (an older run). A negative cost
    cannot be: what the source saw then was other activity, so it is not resolved
    either, whatever the resolution says."""
    res, k = b.counter("kernel_resolution_kib"), b.counter("kernel_kib")
    if res is None or k is None:
        return None
    return k >= res


def source_words(b):
    """The kernel source of a row, and why it is not a cgroup when C said why (the
    row's label, C's own words)."""
    src = b.counter("kernel_source")
    if src is None or int(src) == MEMINFO:
        words = "/proc/meminfo"
    elif int(src) in SOURCES:
        words = _(SOURCES[int(src)])
    else:
        words = _("source {n}").format(n=f"{src:g}")
    if b.label and src in (2, 3):
        return _("{source} ({reason})").format(source=words, reason=b.label)
    return words


def interval(values):
    med, lo, hi, _c = stats.median_ci(values)
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def kernel_cell(b):
    values = b.counters.get("kernel_kib", [])
    if not values:
        return "–"
    if resolved(b) is False:
        return _("below resolution (±{kib})").format(
            kib=fmt(b.counter('kernel_resolution_kib')))
    return interval(values)


def coverage_words(rows):
    for b in rows:
        vals = b.counters.get("kernel_kib", []) if b.usable else []
        if len(vals) > 1:
            return f"{stats.median_ci(vals)[3] * 100:.4g}%"
    return "95%"


def section(run, folder):
    out = claim_part("C1", run, "## " + _("C1 — what a worker owns"))
    rows = run.select("footprint", "memory")
    if not rows:
        return out + [_("*No footprint data in this run.*"), ""]
    kinds = kinds_of(rows, run)
    ps = parents(run)
    cover = coverage_words(rows)
    out += figure(run, folder, rows, kinds, ps, cover)
    out += parents_lines(run, rows, ps)
    out += [_("Per idle worker, in KiB, N workers alive at once (median over the "
              "repetitions, with its {coverage} interval where shown: the interval [min, "
              "max] of this many repetitions holds the median with that probability, not "
              "95%). User: private memory (processes: the children's own Private_Clean + "
              "Private_Dirty; threads: the growth of the creating process's), of it clean "
              "(file pages only that process maps), and Pss (shared pages divided among "
              "their users). Kernel: from the source named — a memory cgroup made for the "
              "creating parent, so only its workers' kernel memory is charged there "
              "(kernel stacks, page tables, accounted slab); where no cgroup can be made, "
              "each worker's page tables (VmPTE) and one kernel stack, which leaves slab "
              "out; system-wide /proc/meminfo only where neither can be read. Resolution: "
              "how far the source may be off, per worker (for meminfo, its per-CPU batches "
              "plus the other activity its samples saw); a row below it, or below zero, "
              "says so instead of a number. Page tables: VmPTE of /proc/PID/status, per "
              "process. meminfo Δ: the system-wide view of the same moment, where other "
              "activity is noise. Virtual: address space reserved (a thread's stack; a "
              "process's whole copy).").format(coverage=cover), ""]
    lines = []
    order = {p: i for i, p in enumerate(ps)}
    for b in sorted(rows, key=lambda b: (b.args["parent_mib"], order.get(parent_of(b), 0),
                                         kinds.index(b.variant), b.args["workers"])):
        head = [run.describe.label(b.variant), b.args["workers"], b.args["parent_mib"],
                parent_words(parent_of(b))]
        if b.error:
            lines.append(head + [_("skipped: {error}").format(error=reason(b.error))] + [""] * 9)
            continue
        c = b.counter
        res = c("kernel_resolution_kib")
        lines.append(head + [fmt(c("private_kib")), fmt(c("private_clean_kib")),
                             fmt(c("pss_kib")), kernel_cell(b), fmt(res),
                             source_words(b), fmt(c("page_tables_kib")),
                             fmt(c("meminfo_kernel_kib")), fmt(c("vm_kib")),
                             spread(b)])
    out += table([_("worker"), "N", _("parent MiB"), _("parent"), _("private"),
                  _("of it clean"), "Pss", _("kernel total"), _("resolution"),
                  _("kernel source"), _("page tables"), _("meminfo Δ"), _("virtual"),
                  _("CV of kernel total")], lines)
    return out + [""] + reading(run, ps, cover)


def parents_lines(run, rows, ps):
    """Each parent's resident memory and mappings, read before it created."""
    out = []
    for p in ps:
        mine = [b for b in rows if parent_of(b) == p and b.usable and b.args["parent_mib"] == 0]
        rss = sorted(v for b in mine for v in b.counters.get("parent_rss_kib", []))
        maps = sorted(v for b in mine for v in b.counters.get("parent_maps", []))
        if rss and maps:
            out.append(_("{parent} {mib} MiB resident, {maps} mappings").format(
                parent=parent_words(p), mib=fmt(rss[len(rss) // 2] / 1024),
                maps=f"{maps[len(maps) // 2]:.0f}"))
    if not out:
        return []
    return [_("**The parents** (median over every repetition, read before it created its "
              "workers; the minimal parent is started afresh for each repetition): "
              "{parents}.").format(parents=_("; ").join(out)), ""]


def totals(b):
    """Per repetition, user + kernel memory: the bar's total, for its interval."""
    user, kern = b.counters.get("private_kib", []), b.counters.get("kernel_kib", [])
    return [u + k for u, k in zip(user, kern)]


def figure(run, folder, rows, kinds, ps, cover):
    """footprint.png: a panel per N, each with its own scale (the per-worker cost of one
    worker and of a thousand differ by more than any one axis shows well), empty parent;
    in each, a bar per kind and parent, user dark and kernel light, and the interval of
    their total."""
    by = {(b.variant, parent_of(b), b.args["workers"]): b for b in rows
          if b.args["parent_mib"] == 0}
    ns = sorted({b.args["workers"] for b in rows if b.args["parent_mib"] == 0})
    blocks = []
    for n in ns:
        lines, x = [], 0
        for p in ps:
            for i, kind in enumerate(kinds):
                b = by.get((kind, p, n))
                group = parent_words(p) if i == (len(kinds) - 1) // 2 and ps != [None] else ""
                if b and b.usable:
                    user = b.counter("private_kib") or 0
                    below = resolved(b) is False
                    kern = 0 if below else max(b.counter("kernel_kib") or 0, 0)
                    tot = totals(b)
                    _m, lo, hi, _c = stats.median_ci(tot) if tot and not below \
                        else (0, 0, 0, 0)
                    err = f"{max(lo, 0):.2f} {max(hi, 0):.2f}" if tot and not below else "NaN NaN"
                    clean = min(max(b.counter("private_clean_kib") or 0, 0), max(user, 0))
                    lines.append(f'{x} "{run.describe.label(kind)}" {mode_bit(b.mode)} '
                                 f'{max(user, 0):.2f} {kern:.2f} {err} "{group}" '
                                 f'{int(below)} {clean:.2f}')
                x += 1
            x += 1
        if lines:
            blocks.append((n, "\n".join(lines)))
    if not blocks:
        return []
    text = "\n\n\n".join(b for _n, b in blocks) + "\n"
    path = write_data(folder, "footprint.dat",
                      "# blocks per N; x label mode user_kib kernel_kib total_lo total_hi "
                      "group below_resolution clean_kib\n" + text)
    title = " ".join(str(n) for n, _b in blocks)
    return draw(folder, "footprint.gp", path, "footprint", _("Memory per idle worker"),
                title, labels=figure_labels(cover)) + [
        _("*Figure: memory per idle worker, one panel per number of workers alive, each "
          "panel on its own scale; dark user (private; hatched the part of it that is "
          "clean file pages only that process maps), light kernel, the whisker the "
          "{coverage} interval of their sum; a bar marked \"below resolution\" has its "
          "kernel part left out, since its source cannot tell it from zero.*").format(
            coverage=cover), ""]


def figure_labels(cover):
    """The words of footprint.gp. A bar's mark "below resolution" is two lines, L_BELOW
    over L_RESOLUTION."""
    return {
        "L_TITLE": _("Memory one idle worker costs, per worker, N alive at once (median, "
                     "{coverage} interval; each panel its own scale)").format(coverage=cover),
        "L_YLABEL": _("KiB per worker"),
        "L_THREAD": _("thread"),
        "L_PROCESS": _("process"),
        "L_USER": _("user: private (dark)"),
        "L_CLEAN": _("of it clean file pages (hatched)"),
        "L_KERNEL": _("kernel (light)"),
        # TRANSLATORS: the first line of a bar's mark "below / resolution"
        "L_BELOW": _("below"),
        # TRANSLATORS: the second line of a bar's mark "below / resolution"
        "L_RESOLUTION": _("resolution"),
    }


def spread(b):
    """The kernel total's coefficient of variation, or "noise" where the mean is too
    near zero for one, or "below resolution"."""
    values = b.counters.get("kernel_kib", [])
    if not values:
        return "–"
    if resolved(b) is False:
        return _("below resolution")
    mean = sum(values) / len(values)
    return _("noise") if abs(mean) < 1 else f"{stats.cv(values) * 100:.0f}%"


def kib(b, name):
    med, lo, hi, _c = stats.median_ci(b.counters[name])
    return f"{fmt(med)} KiB [{fmt(lo)}, {fmt(hi)}]"


def kernel_words(b):
    if resolved(b) is False:
        return _("kernel memory below what {source} resolves").format(source=source_words(b))
    return _("{kib} of kernel memory ({source})").format(kib=kib(b, 'kernel_kib'),
                                                         source=source_words(b))


def reading(run, ps, cover):
    """The thread and the forked process the notes compare, at the largest N, from each
    parent; then what the small-N rows show, where they show it."""
    big = max((b.args["workers"] for b in run.select("footprint", "memory", variant="pthread")
               if b.usable), default=0)
    text = []
    for p in ps:
        t, f = row(run, "pthread", big, parent=p or "tvp"), row(run, "fork", big,
                                                                 parent=p or "tvp")
        if not (t and f):
            continue
        text.append(_(
            "{origin}, with {n} idle workers alive, one thread costs {thread_user} of user "
            "memory and {thread_kernel}; one forked process costs {process_user} user and "
            "{process_kernel}, {page_tables} KiB of it page tables of its own.").format(
            origin=origin_words(p), n=big, thread_user=kib(t, 'private_kib'),
            thread_kernel=kernel_words(t), process_user=kib(f, 'private_kib'),
            process_kernel=kernel_words(f), page_tables=fmt(f.counter('page_tables_kib'))))
    if not text:
        return []
    text = [_("**Reading.**")] + text + [
        _("(Medians over the repetitions, {coverage} intervals.)").format(coverage=cover)]
    held = [b for b in run.select("footprint", "memory", variant="fork")
            if b.args["parent_mib"] > 0 and b.usable]
    if held:
        b = max(held, key=lambda b: b.args["workers"])
        text.append(_("A child forked from a parent holding {mib} MiB carries {kib} KiB of "
                      "page tables for memory it shares and has not touched: the cost that "
                      "grows with the parent.").format(
            mib=b.args['parent_mib'], kib=fmt(b.counter('page_tables_kib'))))
    text.append(_("Pss divides shared pages among their users, so a forked child's Pss "
                  "shrinks as more siblings share the parent's pages; private memory does "
                  "not."))
    return [sentences(text), ""] + small_n_reading(run)


def small_n_reading(run):
    """The two things one worker alone shows, stated from this run's numbers where the
    run has them: glibc's stack cache, and the helper's clean pages."""
    out = []
    fat, small = row(run, "pthread", 1), row(run, "pthread", 1, parent="minimal")
    if fat and small and (fat.counter("private_kib") or 0) < (small.counter("private_kib") or 0):
        out.append(_(
            "One thread created by tvp-bench adds {private} KiB of private memory and "
            "{virtual} KiB of address space, the minimal parent's first thread "
            "{minimal_private} KiB and {minimal_virtual} KiB. *Background: glibc keeps the "
            "stacks of joined threads in a cache (40 MiB by default) and hands one back to "
            "the next pthread_create, mapped and with its pages present (glibc, "
            "nptl/allocatestack.c); tvp-bench has created and joined threads before this "
            "row, while the minimal parent is started afresh each repetition.*").format(
            private=fmt(fat.counter('private_kib')), virtual=fmt(fat.counter('vm_kib')),
            minimal_private=fmt(small.counter('private_kib')),
            minimal_virtual=fmt(small.counter('vm_kib'))))
    spawn, spawn_min = row(run, "posix_spawn", 1), row(run, "posix_spawn", 1, parent="minimal")
    big = max((b.args["workers"] for b in run.select("footprint", "memory",
                                                      variant="posix_spawn") if b.usable),
              default=0)
    spawn_big = row(run, "posix_spawn", big) if big > 1 else None
    if spawn and spawn.counter("private_clean_kib"):
        words = _("A single posix_spawn child of tvp-bench has {private} KiB private, "
                  "{clean} KiB of it clean, and a Pss of {pss} KiB. *Background: a clean "
                  "page of a file counts as private while only one process maps it (Linux, "
                  "Documentation/filesystems/proc.rst, smaps), here the pages of "
                  "tvp-helper's program file.*").format(
            private=fmt(spawn.counter('private_kib')),
            clean=fmt(spawn.counter('private_clean_kib')), pss=fmt(spawn.counter('pss_kib')))
        # The sentence goes on in up to three parts: each a msgid of its own, joined as
        # they come (their spaces and punctuation are the translation's).
        if spawn_min:
            words += _(" Spawned by the minimal parent, which is tvp-helper itself and maps "
                       "the same file, the child has {clean} KiB clean and {private} KiB "
                       "private").format(clean=fmt(spawn_min.counter('private_clean_kib')),
                                         private=fmt(spawn_min.counter('private_kib')))
        if spawn_big:
            words += (_(", and with {n} of them alive {clean} KiB clean each") if spawn_min
                      else _(" and with {n} of them alive {clean} KiB clean each")).format(
                n=big, clean=fmt(spawn_big.counter('private_clean_kib')))
        if spawn_min or spawn_big:
            words += _(": the file's pages are shared, not owned.")
        out.append(words)
    below = [b for b in run.select("footprint", "memory") if b.usable and resolved(b) is False]
    if below:
        n = derived(len(below), "footprint rows whose kernel memory is below its "
                    "source's resolution, or below zero", spec="d")
        out.append(_("{n} row(s) fall below the resolution of their kernel source and are "
                     "marked so; none is drawn as a bar.").format(n=n))
    return [sentences([_("**Reading.**")] + out), ""] if out else []
