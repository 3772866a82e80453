#!/usr/bin/python3
"""contract_doc.py - the command; its code is scripts/contract/contract_doc.py
(scripts/, by part: docs/hacking.md)."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
runpy.run_module("contract.contract_doc", run_name="__main__", alter_sys=True)
