#!/usr/bin/python3
"""gbench_debug.py - the command; its code is scripts/running/gbench_debug.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("running.gbench_debug", run_name="__main__", alter_sys=True)
