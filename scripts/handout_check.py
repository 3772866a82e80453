#!/usr/bin/python3
"""handout_check.py - the command; its code is scripts/report/handout_check.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("report.handout_check", run_name="__main__", alter_sys=True)
