#!/usr/bin/python3
"""run.py - the command; its code is scripts/running/run.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("running.run", run_name="__main__", alter_sys=True)
