"""ipc_latency.py - C4 and C7's latency part (bench/ipc.c, bench/perf_ref.c): ping-pong of
8 bytes by transport, worker kind and placement, its figure and table, beside `perf bench
sched pipe`; report/ipc.py's C7 context reads the same rows (latency_rows)."""
import statistics

from contract.describe import in_table_order
from report.i18n import N_, _, sentences
from report.ipc_rates import coverage_text
from report.spin import probe_part, spin_default_us
from report.kit import ci_text, figure, fmt, pin_words, pinned_first, table, who


def latency_rows(run):
    """(row title, transport, {(kind, pin): Bench}) for each transport's ping-pong, then
    each ring that polls first, at the run's default bound."""
    rows = [b for b in run.select("ipc", "latency") if b.variant in run.describe.transports]
    at = {}
    for b in rows:
        at.setdefault(b.variant, {})[(run.kind_of(b), b.args.get("pin"))] = b
    out = [(t, t, at[t]) for t in in_table_order(run.describe.transports, set(at))]
    us = spin_default_us(run)
    polled = {}
    for b in run.select("ipc", "spin_latency"):
        if b.args.get("spin_us") == us:
            polled.setdefault(b.variant, {})[(run.kind_of(b), b.args.get("pin"))] = b
    out += [(_("{transport}, polls {us} µs").format(transport=t, us=f"{us:g}"), t, polled[t])
            for t in in_table_order(run.describe.transports, set(polled))]
    return out


def latency_part(run, folder):
    rows = latency_rows(run)
    plain = [cells for title, t, cells in rows if title == t]
    kinds = in_table_order(run.describe.kinds, {k for cells in plain for k, _ in cells})
    pins = pinned_first(in_table_order(run.describe.pins, {p for cells in plain for _, p in cells}))
    columns = [(k, p) for k in kinds for p in pins]
    data, lines, cov = [], [], None
    for title, _t, cells in rows:
        cis = [cells[c].median_ci() if c in cells and cells[c].usable else None
               for c in columns]
        if not any(cis):
            continue
        cov = cov or next(ci[3] for ci in cis if ci)
        data.append(f'"{title}" ' + " ".join(
            f"{ci[0]:.4g} {ci[1]:.4g} {ci[2]:.4g}" if ci else "NaN NaN NaN" for ci in cis))
        lines.append([title] + [ci_text(cells[c]) if ci else "–" for c, ci in zip(columns, cis)])
    if not data:
        return []
    titles = [_("{workers}, {pin}").format(workers=who(run, k, kinds, plural=True),
                                           pin=pin_words(p)) for k, p in columns]
    head = "transport " + " ".join(f'"{t}" lo hi' for t in titles)
    labels = {
        "L_TITLE": _("Ping-pong of 8 bytes: one round trip (median and its interval)"),
        "L_YLABEL": _("µs per round trip (log scale)"),
    }
    out = ["### " + _("Latency: ping-pong of 8 bytes"), ""]
    out += figure(folder, "ipc_latency.gp", "ipc_latency.dat", head + "\n" + "\n".join(data)
                  + "\n", _("IPC latency"),
                  " ".join(str(int(run.mode_of(k) == "process")) for k, _p in columns),
                  " ".join(str(pins.index(p)) for _k, p in columns), labels=labels)
    out += [sentences([
        _("Median µs per round trip [the interval of the median, which with these "
          "repetitions covers {coverage}; the figure's bars].").format(
              coverage=coverage_text(cov)),
        _("On one PU each round trip is two context switches (lmbench's lat_ctx); across CPUs "
          "each side that sleeps must be woken, and a ring that polls first is not asleep when "
          "the other side answers (the next section).")]), ""]
    out += table([_("transport")] + titles, lines) + [""]
    return out + perf_part(run) + probe_part(run)


PERF_CTX = {"none": "perf_sched_pipe_us", "same_pu": "perf_sched_pipe_same_pu_us"}


def perf_takes(run, pin):
    """(median, lo, hi, takes) in µs of `perf bench sched pipe` with that placement: from
    its rows (bench/perf_ref.c, one take a repetition, interleaved with ipc's), else the
    single take an older run kept in its context; None without either."""
    b = run.ok("perf_ref", "sched_pipe", "process", "latency", kind="fork", pin=pin)
    if b and b.times_us:
        xs = sorted(b.times_us)
        return statistics.median(xs), xs[0], xs[-1], len(xs)
    v = run.ctx.get(PERF_CTX[pin])
    return (float(v), float(v), float(v), 1) if v else None


def perf_part(run):
    """tvp's pipe ping-pong between processes beside `perf bench sched pipe`."""
    perf = [(label, perf_takes(run, pin), run.ok("ipc", "pipe", "process", "latency",
                                                  kind="fork", pin=pin))
            for label, pin in ((N_("unpinned"), "none"), (N_("on one PU"), "same_pu"))]
    perf = [(label, p, b) for label, p, b in perf if p and b]
    if not perf:
        return []

    def said(p):
        med, lo, hi, n = p
        if n == 1:
            return _("{perf} µs (one take)").format(perf=f"{med:.3g}")
        return _("{perf} µs (median of {n} takes, {lo}-{hi})").format(
            perf=f"{med:.3g}", n=n, lo=f"{lo:.3g}", hi=f"{hi:.3g}")
    return [_("`perf bench sched pipe` in the same run, its takes interleaved with tvp's "
              "rows (its processes ping-pong over a pipe, as tvp's do): "
              "{comparisons}.").format(comparisons=_("; ").join(
                  _("{placement} {perf} against tvp's {tvp} µs ({difference})").format(
                      placement=_(label), perf=said(p), tvp=fmt(b.median),
                      difference=f"{b.median / p[0] - 1:+.0%}") for label, p, b in perf)),
            ""]
