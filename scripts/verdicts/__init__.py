"""verdicts - the verdicts: statistics, the rule engine, the rule tables (scripts/, by
part: docs/hacking.md)."""
