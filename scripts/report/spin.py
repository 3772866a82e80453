"""spin.py - C4's rings that poll before sleeping (bench/ipc.c's spin_latency and
spin_throughput rows), the part of the ipc section (report/ipc.py) that reads them: each
repetition against its own cache-line probe (the probe is a hand-off's least cost here),
the spin bound chosen and its limit, the pair with a line each way, the polled rings'
throughput against memcpy and against a copy of what the other core just wrote. Moved
out of ipc.py whole, function by function."""
import statistics

from verdicts import stats
from contract.describe import in_table_order
from report import probe
from report.i18n import _, sentences
from report.ipc_rates import coverage_text, ipc_rate, memcpy_rate
from report.kit import (ci_text, figure, fmt, human_rate, human_size, pin_words, table,
                        who)


def spin_default_us(run):
    """The spin bound the run's default rows used (spin_throughput's), or None."""
    vals = {b.args.get("spin_us") for b in run.select("ipc", "spin_throughput")}
    vals |= {b.args.get("spin_us") for b in run.select("ipc", "spin_latency")
             if b.args.get("pin") == "same_pu"}
    vals.discard(None)
    return min(vals) if vals else None


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
