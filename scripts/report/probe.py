"""probe.py - the cache-line probe every pinned pair takes before and after a repetition
(the counter probe_ns): on a shared virtual machine the host now and then puts the two
vCPUs far apart, and these say which repetitions ran then."""

FAR = 2.0  # a probe this many times the run's fastest says the host moved a vCPU away


def all_probes(run):
    """Every pinned repetition's cache-line probe in the run, in ns."""
    return [v for b in run.benches.values() for v in b.counters.get("probe_ns", []) if v > 0]


def probe_floor(run):
    """The fastest cache-line probe of any pinned repetition in the run, or None."""
    vals = all_probes(run)
    return min(vals) if vals else None


def near_only(b, floor):
    """The repetitions of b whose pair of CPUs probed near (within FAR of the floor)."""
    probes = b.counters.get("probe_ns", [])
    if not floor or len(probes) != len(b.times_us):
        return b.times_us
    return [t for t, p in zip(b.times_us, probes) if p <= FAR * floor]


def far_share(run, floor):
    """(repetitions whose CPUs probed far, pinned repetitions) over the run."""
    probes = all_probes(run)
    return sum(p > FAR * floor for p in probes), len(probes)
