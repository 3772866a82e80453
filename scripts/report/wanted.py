"""wanted.py - the keys the report and the rules ask for, so a test can tie them to the
names C registers.

names_run() makes a Run from names alone (`tvp-bench --benchmark_list_tests`), every
benchmark with the same few made-up samples and any counter it is asked for;
wanted_keys() walks the whole report and every rule over it and returns what they
looked up by key (results.Run records every lookup). A wanted key the run does not
have is a name the two sides disagree on."""
import tempfile

import results
from report import kit

SAMPLES = [1.0, 2.0, 3.0, 4.0, 5.0]


class AnyCounters(dict):
    """Every counter a section reads exists, with the made-up samples."""

    def __missing__(self, name):
        return list(SAMPLES)

    def get(self, name, default=None):
        return self[name]

    def __contains__(self, name):
        return True


def names_run(names, describe, ctx):
    """A Run of the tvp names among names (suffixes allowed), each with made-up samples."""
    benches = {}
    for name in names:
        k = results.parse_name(name)
        if k is not None:
            benches[k] = results.Bench(k, str(k), list(SAMPLES), AnyCounters())
    return results.Run(ctx, describe, benches)


def wanted_keys(run):
    """The set of keys (results.Key) the report's sections and the claim rules ask for on
    this run. Writes the report into a scratch folder, without figures."""
    from report import document
    drew, kit.DRAW = kit.DRAW, False
    try:
        with tempfile.TemporaryDirectory() as folder:
            document.build(run, folder)
    finally:
        kit.DRAW = drew
    return set(run.requested)


def family_names(describe, scenario):
    """Every name the families of a scenario allow (each variant with every combination
    of values), in each mode: for a side with no list of tests, so the report finds its
    rows. More names than were registered; off_family() says which keys fit."""
    names = []
    for scen, fam in describe.families():
        if scen != scenario:
            continue
        combos = [[]]
        for arg in fam.get("args", []):
            combos = [c + [f"{arg}:{v}"] for c in combos
                      for v in fam.get("values", {}).get(arg, [])]
        for variant in fam.get("variants", []):
            mode = describe.mode_of(variant)
            for mode in [mode] if mode else describe.obj.get("modes", ["thread", "process"]):
                names += ["/".join([scen, variant, mode, f"measure:{fam['measure']}"] + c)
                          for c in combos]
    return names


def off_family(keys, describe):
    """The keys whose family the describe object does not register with that variant,
    those args and those values: for names no list of tests gives (the Python side)."""
    out = set()
    for k in keys:
        fam = describe.family(k.scenario, k.measure)
        if fam is None or k.variant not in fam.get("variants", []) or \
                set(k.args) - set(fam.get("args", [])) or \
                any(v not in fam.get("values", {}).get(a, []) for a, v in k.args.items()):
            out.add(k)
    return out
