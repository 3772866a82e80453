"""contract_doc.py - writes docs/contract.md: every benchmark family both programs
register, the tables their names are made of and the profiles, from `tvp-bench
--describe` and `py_bench.py --describe` (through contract.py), so the document cannot
drift from the names. Values are left out: how many workers or PUs a sweep reaches
depends on the machine; `--describe` on the machine says them.

    contract_doc.py [--bench PATH] [OUT]     (default: build/tvp-bench, docs/contract.md)"""
import argparse
import os
import sys

from contract import contract

ROOT = contract.ROOT


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(head, rows):
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
        ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows] + [""]


def yes(flag):
    return "yes" if flag else "no"


def document(c_side, py_side):
    out = ["# The benchmark-name contract", "",
           "Written by `scripts/contract_doc.py` from `tvp-bench --describe` and "
           "`py_bench.py --describe` (quick profile), read through `scripts/contract/contract.py`; "
           "`make contract-doc` writes it again and a test fails when it is out of date. "
           "[Hacking](hacking.md#the-benchmark-name-contract) says who builds and who reads "
           "these names.", "",
           "A name is `SCENARIO/VARIANT/MODE/measure:MEASURE[/KEY:VALUE]...`, then Google "
           "Benchmark's `/iterations:N`, `/repeats:N` and `/manual_time` or `/real_time`. "
           "Every field but MODE (`thread` or `process`) is an identifier (`[a-z0-9_]+`), "
           "a value an integer or an identifier; (scenario, measure) is a family. The "
           "values each family sweeps depend on the machine (its PUs): `--describe` on the "
           "machine lists them.", "",
           "## Profiles", "",
           "From `bench/profiles.def`, the one place they are written (C compiles it in, "
           "`scripts/contract/contract.py` reads it, `tvp-bench --describe` publishes it):", ""]
    out += table(["profile", "repetitions", "seconds per repetition (C)",
                  "seconds of work per repetition (Python)", "a GIL worker's work alone, s"],
                 [[p["name"], p["repetitions"], f"{p['min_time']:g}", f"{p['py_min_time']:g}",
                   f"{p['py_work_s']:g}"] for p in c_side.get("profiles", [])])
    out += ["## The tables names are made of", "", "### Worker kinds (C)", ""]
    out += table(["name", "mode", "label", "execs the helper"],
                 [[k["name"], k["mode"], k["label"], yes(k["exec"])]
                  for k in c_side["worker_kinds"]])
    out += ["### Transports", "",
            "*Kernel*: every send and receive is a system call (the report groups the "
            "transports by it).", ""]
    out += table(["name", "between processes", "kernel", "what"],
                 [[t["name"], yes(t["processes"]), yes(t.get("kernel")), t["desc"]]
                  for t in c_side["transports"]])
    for title, key in (("Scale workloads", "scale_workloads"), ("Pool failures", "pool_failures"),
                       ("Placement policies", "pin_policies"), ("Parent memory layouts",
                                                                "layouts")):
        out += [f"### {title}", ""]
        out += table(["name", "what"], [[r["name"], r["desc"]] for r in c_side.get(key, [])])
    out += ["### Python's constructs (the python scenario's variants)", ""]
    out += table(["name", "mode", "what"],
                 [[k["name"], k["mode"], k["label"]] for k in py_side.get("python_kinds", [])])
    out += ["## Families", ""]
    for s in contract.merged(c_side, py_side)["scenarios"]:
        out += [f"### {s['name']}", "", s["desc"] + (" Its repetitions run in a row."
                                                     if s.get("in_a_row") else ""), ""]
        out += table(["measure", "what", "variants", "keys"],
                     [[f"`{f['measure']}`", f.get("desc", ""), ", ".join(f["variants"]),
                       ", ".join(f["args"]) or "–"] for f in s.get("families", [])])
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "tvp-bench"))
    ap.add_argument("out", nargs="?", default=os.path.join(ROOT, "docs", "contract.md"))
    args = ap.parse_args(argv)
    try:
        text = document(contract.c_describe(args.bench), contract.py_describe())
    except contract.ContractError as e:
        print(f"contract_doc: {e}", file=sys.stderr)
        return 2
    with open(args.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
