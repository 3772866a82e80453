"""running - taking a run: the driver, its cost model, the machine's state and limits,
make claim, make reference, make why (scripts/, by part: docs/hacking.md)."""
