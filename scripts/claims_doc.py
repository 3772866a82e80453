#!/usr/bin/python3
"""claims_doc.py - the command; its code is scripts/report/claims_doc.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("report.claims_doc", run_name="__main__", alter_sys=True)
