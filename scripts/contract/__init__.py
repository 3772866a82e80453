"""contract - the benchmark-name contract: the grammar, names read by fields, the tables
of --describe (scripts/, by part: docs/hacking.md)."""
