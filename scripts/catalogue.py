#!/usr/bin/python3
"""catalogue.py - the command; its code is scripts/runs/catalogue.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("runs.catalogue", run_name="__main__", alter_sys=True)
