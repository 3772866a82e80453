"""describe.py - what a run says it ran: C's tables, read from the JSON context.

tvp-bench publishes its tables (worker kinds with their mode, transports, scale
workloads, pool failures, placement policies, memory layouts) and every benchmark
family it registered, as the context key "tvp_describe" (`tvp-bench --describe` prints
the same object). The report loops over these lists, in their order, and keeps no copy
of them: a worker kind added to C's table reaches every table of the report.
scripts/contract/contract.py says where the descriptions come from and what a name is."""
import json


class DescribeError(ValueError):
    """A tvp_describe that is not the object the contract promises."""


def _names(rows):
    return [r["name"] for r in rows if isinstance(r, dict) and "name" in r]


class Describe:
    """The parsed tvp_describe object: table names in table order, and lookups."""

    def __init__(self, obj):
        if not isinstance(obj, dict):
            raise DescribeError("tvp_describe is not a JSON object")
        self.obj = obj
        # Python's constructs come with a mode too; a kind is anything with a mode, and
        # where a construct and a worker kind share a name, the worker kind's row wins.
        self._kinds = {r["name"]: r for r in obj.get("python_kinds", []) + obj.get(
            "worker_kinds", []) if isinstance(r, dict) and "name" in r}
        self.kinds = _names(obj.get("worker_kinds", []))
        self.transports = _names(obj.get("transports", []))
        self.workloads = _names(obj.get("scale_workloads", []))
        self.failures = _names(obj.get("pool_failures", []))
        self.pins = _names(obj.get("pin_policies", []))
        self.layouts = _names(obj.get("layouts", []))
        self.scenarios = [s for s in obj.get("scenarios", []) if isinstance(s, dict)]

    @classmethod
    def from_text(cls, text):
        try:
            return cls(json.loads(text))
        except (TypeError, json.JSONDecodeError) as e:
            raise DescribeError(f"tvp_describe is not valid JSON ({e})")

    def mode_of(self, kind):
        """The mode ("thread" or "process") of a worker kind, or None if unknown."""
        row = self._kinds.get(kind)
        return row.get("mode") if row else None

    def label(self, kind):
        """How the report writes a kind: its label, or its name."""
        row = self._kinds.get(kind)
        return (row.get("label") or kind) if row else kind

    def desc(self, table, name):
        """The desc of one row of a table ("layouts", "transports", ...), or the name."""
        for row in self.obj.get(table, []):
            if isinstance(row, dict) and row.get("name") == name:
                return row.get("desc") or row.get("unit") or name
        return name

    def row(self, table, name):
        """The row called name of a table ("transports", "worker_kinds", ...), or None."""
        for row in self.obj.get(table, []):
            if isinstance(row, dict) and row.get("name") == name:
                return row
        return None

    def family(self, scenario, measure):
        """The registered family {measure, variants, args, values}, or None."""
        for s in self.scenarios:
            if s.get("name") == scenario:
                for f in s.get("families", []):
                    if f.get("measure") == measure:
                        return f
        return None

    def families(self):
        """[(scenario, family)] of every family the run registered."""
        return [(s.get("name"), f) for s in self.scenarios for f in s.get("families", [])]


def in_table_order(table, present):
    """The names of present in the order of table (a list of names); a name the table
    lacks goes last, sorted, so a row never disappears and nothing needs the table to
    be complete."""
    present = set(present)
    known = [n for n in table if n in present]
    return known + sorted(n for n in present if n not in table)
