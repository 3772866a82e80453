"""report - turns a results folder into data files, figures and REPORT.md.

One module per scenario, mirroring bench/ (create, cow, footprint, globals, ipc, pool,
scale, python), the claims at a glance (claims_table), the end of the report (machine),
the implementation's speed targets in their own file (targets), and the kit they share
(kit: numbers, tables, data files, the one gnuplot helper). document.SECTIONS lists the
sections in their order.

This file imports nothing of the report, so `from report import kit` (compare.py) stays
small; write_report and main load the rest when called."""
import os
import sys


def write_report(folder):
    from report.document import write_report as write
    write(folder)


def main(argv):
    """write_report.py FOLDER: writes FOLDER/REPORT.md; exit status 2 on a folder it cannot
    read (missing, damaged, from another tool or another schema)."""
    from contract import results
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(USAGE)
        return 0 if len(argv) == 2 else 2
    try:
        write_report(argv[1])
    except results.ResultsError as e:
        print(f"tvp: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        from report import full_disk
        if not full_disk.is_full(e):
            raise
        full_disk.stop(argv[1], e)
    print(os.path.join(argv[1], "REPORT.md"))
    return 0


USAGE = """write_report.py - turns a results folder into data files, figures and REPORT.md.

    write_report.py RESULTS_FOLDER

Reads benchmarks.json (Google Benchmark JSON, names of schema 2), writes data/*.dat for
gnuplot, runs plots/*.gp for PNG and SVG figures, and writes REPORT.md: every number in
it is computed from the repetitions in the JSON, every verdict by claims.RULES. The
implementation's speed targets go to TARGETS.md beside it; what could not run, the
noisy benchmarks and the machine's state to SKIPPED.md, NOISE.md and MACHINE.md, linked
from the report's end."""
