"""ipc_rates.py - what report/ipc.py and report/spin.py both read from an ipc row: its
bytes per second (and memcpy's), and an interval's coverage in words. A module of its own
so that ipc.py, which calls spin.py, is not imported back by it."""
from verdicts import stats


def ipc_rate(b, times=None):
    """Median bytes per second of a throughput benchmark with its interval, from the
    repetitions times(b) picks (all of them unless told); None if it did not run."""
    if not b or not b.usable:
        return None
    ts = times(b) if times else b.times_us
    if not ts:
        return None
    return stats.median_ci([b.args["msg_bytes"] / (t * 1e-6) for t in ts])


def memcpy_rate(run, size):
    return ipc_rate(run.get("ipc", "memcpy", "thread", "copy", msg_bytes=size))


def coverage_text(cov):
    return f"{cov:.2%}".replace(".00%", "%")
