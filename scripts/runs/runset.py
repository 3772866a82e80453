"""runset.py - a set of results folders, each a distinct tvp run of this schema.

compare.py and catalogue.py read many runs at once. Both check every folder before
they write anything: a folder that is not a tvp run, one of another schema (the message
names the tvp version that wrote it, from results.read_json), and a run given twice (the
same folder under two spellings, or a copy: two benchmarks.json byte for byte the same)
would make a comparison of a run against itself, or count a run twice."""
import hashlib
import os

from contract import results


class Checked:
    """One folder that passed: its path, its JSON (results.read_json) and its
    benchmarks.json's digest."""
    __slots__ = ("folder", "doc", "digest")

    def __init__(self, folder, doc, digest):
        self.folder, self.doc, self.digest = folder, doc, digest

    @property
    def ctx(self):
        return self.doc["context"]


def digest(folder):
    h = hashlib.sha256()
    with open(os.path.join(folder, "benchmarks.json"), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check(folders, skip=None):
    """[Checked] of the folders, in their order. A folder that is not a run of this
    schema, or a run already in the list, raises ResultsError; with skip(folder, why)
    given, it is passed there and left out instead."""
    out, where, by_digest = [], {}, {}
    for folder in folders:
        try:
            doc = results.read_json(folder)
            real = os.path.realpath(folder)
            if real in where:
                raise results.ResultsError(f"{folder} is given twice (as {where[real]} too)")
            d = digest(folder)
            if d in by_digest:
                raise results.ResultsError(
                    f"{folder} holds the same run as {by_digest[d]} (their benchmarks.json "
                    "are identical)")
        except (results.ResultsError, OSError) as e:
            why = str(e) if isinstance(e, results.ResultsError) else \
                f"{folder}: cannot read ({e.strerror})"
            if skip is None:
                raise results.ResultsError(why)
            skip(folder, why)
            continue
        where[real], by_digest[d] = folder, folder
        out.append(Checked(folder, doc, d))
    return out
