#!/usr/bin/python3
"""handout.py - the command; its code is scripts/report/handout.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("report.handout", run_name="__main__", alter_sys=True)
