import doctest

from odoo.tests import BaseCase, tagged

from ..tools import returns
from ..tools.returns import allocate, over_returns


@tagged("-at_install", "post_install")
class TestReturnTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(returns)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 8)

    def test_allocation_never_gives_more_than_each_has_nor_more_than_asked(self):
        available = [("a", 1.0), ("b", 2.5), ("c", 0.5)]
        for asked in (0.1, 1.0, 2.0, 3.5, 4.0, 9.0):
            taken, rest = allocate(asked, available)
            given = dict(taken)
            for key, qty in available:
                self.assertLessEqual(given.get(key, 0), qty)
            self.assertAlmostEqual(sum(given.values()) + rest, asked)
            self.assertGreaterEqual(rest, 0)

    def test_every_line_beyond_is_named_once(self):
        beyond = over_returns(
            [(0, "desk", 2), (1, "desk", 1), (2, "chair", 5)],
            {"desk": 2, "chair": 4},
        )
        self.assertEqual(beyond, [(1, 1, 0), (2, 5, 4)])
