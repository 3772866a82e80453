"""mutant_list.py - the deliberate breaks tests/mutants.py applies, one at a time.

Each is one exact replacement in one file: id, the file, what the break does, the text
it replaces (exactly once in that file) and its replacement. A break that `make test`
does not catch is a gap in the tests."""
MUTANTS = []
