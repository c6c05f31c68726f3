"""The availability arithmetic, without a database (plus its doctests)."""

import doctest
from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools import availability
from ..tools.availability import allocate, promise


@tagged("-at_install", "post_install")
class TestAvailabilityTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(availability)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 10)

    def test_allocation_rounds_down_to_the_unit(self):
        self.assertEqual(allocate(10, "percent", 15, rounding=1.0), 8.0)  # 8.5 -> 8
        self.assertEqual(allocate(10, "percent", 15, rounding=0.01), 8.5)
        self.assertEqual(allocate(10, "absolute", 0, cap=0), 10.0)  # cap 0: none

    def test_lines_compete_for_the_same_stock_and_receipts(self):
        day1, day2 = date(2027, 1, 4), date(2027, 1, 9)
        result = promise(
            [
                {"product": 1, "quantity": 4, "warehouses": ["A"]},
                {"product": 1, "quantity": 4, "warehouses": ["A"], "date": day1},
                {"product": 1, "quantity": 4, "warehouses": ["A"], "date": day2},
            ],
            available={(1, "A"): 5},
            incoming={(1, "A"): [(day1, 3), (day2, 10)]},
        )
        self.assertEqual(
            [
                (r["promisable_now"], r["rest"], r["rest_date"], r["can_promise"])
                for r in result
            ],
            [(4.0, 0.0, None, True), (1.0, 3.0, day1, True), (0.0, 4.0, day2, True)],
        )

    def test_no_receipt_leaves_the_rest_short(self):
        [line] = promise(
            [{"product": 1, "quantity": 7, "warehouses": ["A", "B"]}],
            available={(1, "A"): 2, (1, "B"): 3},
            incoming={},
        )
        self.assertEqual(line["warehouse"], "B")  # the one with most
        self.assertEqual((line["promisable_now"], line["short"]), (3.0, 4.0))
        self.assertFalse(line["can_promise"])
        self.assertIsNone(line["rest_date"])

    def test_nothing_anywhere_takes_the_earliest_receipt(self):
        [line] = promise(
            [{"product": 1, "quantity": 2, "warehouses": ["A", "B"]}],
            available={},
            incoming={
                (1, "A"): [(date(2027, 2, 1), 5)],
                (1, "B"): [(date(2027, 1, 15), 5)],
            },
        )
        self.assertEqual(
            (line["warehouse"], line["rest_date"]), ("B", date(2027, 1, 15))
        )
