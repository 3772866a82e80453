"""full_disk.py - a full disk ends a run with one line and exit status 2, never a
traceback: which folder, what of the run was kept, and how to write the report later.

What is kept is what was written whole: benchmarks.json and samples.csv go through a
temporary file and a rename, so either is whole or absent; a half-written REPORT.md is
removed, so no reader takes a cut-off report for the run's."""
import errno
import json
import os
import sys

FULL = (errno.ENOSPC, errno.EDQUOT)


def is_full(e):
    return isinstance(e, OSError) and e.errno in FULL


def full_now(folder):
    """Whether the folder's file system has no room left: then a scenario's output that
    is missing or cut off was cut by the disk, not by the scenario."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def stop_if_full(folder):
    if full_now(folder):
        stop(folder, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def kept(folder):
    """The run's raw files that are whole in the folder."""
    out = []
    try:
        with open(os.path.join(folder, "benchmarks.json")) as f:
            json.load(f)
        out.append("benchmarks.json")
    except (OSError, ValueError):
        pass
    if os.path.exists(os.path.join(folder, "samples.csv")):
        out.append("samples.csv")
    return out


def stop(folder, e):
    """Says what a full disk left in the folder, removes what it left half-written, and
    exits with status 2."""
    for name in ("REPORT.md", "benchmarks.json.tmp", "samples.csv.tmp"):
        try:
            os.unlink(os.path.join(folder, name))
        except OSError:
            pass
    have = kept(folder)
    where = f" ({e.filename})" if getattr(e, "filename", None) else ""
    later = (f"; write the report when there is room: scripts/write_report.py {folder}"
             if "benchmarks.json" in have else "")
    print(f"tvp: {os.strerror(e.errno)}{where}: in {folder} kept "
          f"{' and '.join(have) or 'nothing of the run'}{later}", file=sys.stderr)
    sys.exit(2)
