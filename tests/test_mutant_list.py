"""test_mutant_list.py - tests/mutant_list.py itself (split from tests/test_behaviours.py):
every test a break names exists, so `make mutants FAST=1` cannot count a break caught by
unittest's error on a name that is no test.

Tier: fast (tests/tiers)."""
import unittest

from scripts_kit import *  # noqa: F401,F403


class MutantList(unittest.TestCase):
    """tests/mutant_list.py names, for each break, the tests that must catch it; a name
    that is no test (a class since renamed or lost) makes `make mutants FAST=1` count
    the break caught by unittest's own error. Every name is a test that exists."""

    def test_every_named_test_exists(self):
        sys.path.insert(0, os.path.join(ROOT, "tests"))
        import mutants
        from mutant_list import MUTANTS
        self.assertEqual({m["id"]: mutants.unknown_tests(m) for m in MUTANTS
                          if mutants.unknown_tests(m)}, {})
        self.assertEqual(len({m["id"] for m in MUTANTS}), len(MUTANTS), "an id used twice")
        # A break naming none runs the whole of make test under --fast (minutes each).
        self.assertEqual([m["id"] for m in MUTANTS if not m.get("tests")], [])


if __name__ == "__main__":
    unittest.main()
