"""wanted.py - the keys the report and the rules ask for, so a test can tie them to the
names C registers.

names_run() makes a Run from names alone (`tvp-bench --benchmark_list_tests` and
`py_bench.py --describe`, read through contract.py), every benchmark with the same few
made-up samples and any counter it is asked for; wanted_keys() walks the whole report
and every rule over it and returns what they looked up by key (results.Run records every
lookup). A wanted key the run does not have is a name the two sides disagree on."""
import tempfile

from contract import contract
from contract import results
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
        k = contract.parse_name(name)
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
