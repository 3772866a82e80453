#!/usr/bin/python3
"""write_report.py RESULTS_FOLDER - writes the folder's REPORT.md (and data/, figures/,
TARGETS.md). The work is done by the package report/ beside this file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the package scripts/report/)

if __name__ == "__main__":
    sys.exit(report.main(sys.argv))
