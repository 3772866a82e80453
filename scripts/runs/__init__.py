"""runs - many runs: samples.csv, the catalogue, comparisons (scripts/, by part:
docs/hacking.md)."""
