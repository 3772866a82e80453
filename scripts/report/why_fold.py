"""why_fold.py - reads `perf script` output into samples, keeps those of one process tree,
and gives each sample its phase (scripts/report/why_phases.py) and its folded stack.

The input is what `perf script --show-task-events -F comm,pid,tid,ip,sym,dso` prints for
`perf record -g`: a header line per sample (`COMM PID/TID`) followed by its call chain,
one frame a line (`ADDRESS SYMBOL (DSO)`), innermost first, and a blank line; task
events on lines of their own (`PERF_RECORD_FORK(CHILD:CTID):(PARENT:PTID)`). The folded
stacks are the format flame-graph tools read: `comm;outermost;...;innermost COUNT`.
"""
import collections
import re

from report.why_phases import FUNCTION_PHASE, PHASE_IDS

_HEADER = re.compile(r"^(?P<comm>\S.*?)\s+(?P<pid>-?\d+)/(?P<tid>-?\d+)\s*$")
_FRAME = re.compile(r"^\s+(?P<ip>[0-9a-f]+)\s+(?P<sym>.*?)\s+\((?P<dso>.*)\)\s*$")
_FORK = re.compile(r"PERF_RECORD_FORK\((?P<child>\d+):\d+\):\((?P<parent>\d+):\d+\)")
# GCC's clones of a function (foo.isra.0, foo.constprop.0, foo.part.0, foo.cold) are
# the function for the map and for the reader.
_SUFFIX = re.compile(r"(\.(isra|constprop|part|cold|llvm)(\.\d+)?)+$")
_KERNEL_BASE = 0xffff800000000000

Sample = collections.namedtuple("Sample", "comm pid tid frames")
Frame = collections.namedtuple("Frame", "sym kernel")


class PerfScriptError(Exception):
    """perf script output this module cannot read; the message says where."""


def function_name(sym):
    """perf's symbol without its offset (+0x1a) and the compiler's clone suffixes."""
    sym = sym.split("+0x", 1)[0]
    return _SUFFIX.sub("", sym) or "[unknown]"


def _frame(m):
    ip = int(m.group("ip"), 16)
    dso = m.group("dso")
    kernel = ip >= _KERNEL_BASE or dso.startswith("[kernel")
    return Frame(function_name(m.group("sym")), kernel)


def parse(lines):
    """(samples, forks): every sample with its frames innermost first, and each fork as
    (child pid, parent pid) in the order recorded."""
    samples, forks = [], []
    current = None
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if "PERF_RECORD_" in line:
            m = _FORK.search(line)
            if m:
                forks.append((int(m.group("child")), int(m.group("parent"))))
            current = None
            continue
        if not line.strip():
            current = None
            continue
        if current is not None:
            m = _FRAME.match(line)
            if not m:
                raise PerfScriptError(f"line {n}: not a frame of a call chain: {line!r}")
            current.frames.append(_frame(m))
            continue
        m = _HEADER.match(line)
        if not m:
            raise PerfScriptError(f"line {n}: not a sample's header: {line!r}")
        current = Sample(m.group("comm"), int(m.group("pid")), int(m.group("tid")), [])
        samples.append(current)
    return samples, forks


def tree(root, forks):
    """The pids of root and every process it and its descendants forked."""
    pids = {root}
    for child, parent in forks:
        if parent in pids:
            pids.add(child)
    return pids


def phase_of(sample):
    """The sample's phase: "user" when it was taken in user space, else the phase of
    the innermost function the map names, else "other"."""
    if not sample.frames or not sample.frames[0].kernel:
        return "user"
    for f in sample.frames:
        if not f.kernel:
            break
        phase = FUNCTION_PHASE.get(f.sym)
        if phase:
            return phase
    return "other"


def shares(samples):
    """Each phase's share of the samples in percent, every phase present (0 where none);
    they sum to 100 when there is a sample, and are all 0 when there is none."""
    counts = collections.Counter(phase_of(s) for s in samples)
    total = sum(counts.values())
    return {p: (100.0 * counts[p] / total if total else 0.0) for p in PHASE_IDS}


def top_functions(samples, n=8):
    """The n functions most often sampled themselves (the innermost frame), with their
    share in percent and whether they are the kernel's."""
    counts = collections.Counter((s.frames[0].sym, s.frames[0].kernel) if s.frames
                                 else ("[unknown]", False) for s in samples)
    total = sum(counts.values())
    return [{"function": f, "kernel": k, "share": 100.0 * c / total}
            for (f, k), c in counts.most_common(n)]


def folded(samples):
    """The folded stacks: {"comm;outermost;...;innermost": count}."""
    out = collections.Counter()
    for s in samples:
        names = [f.sym + ("_[k]" if f.kernel else "") for f in reversed(s.frames)]
        out[";".join([s.comm.replace(";", ":").replace(" ", "_")] + names)] += 1
    return out


def write_folded(path, samples):
    with open(path, "w") as f:
        for stack, count in sorted(folded(samples).items()):
            f.write(f"{stack} {count}\n")
