import doctest

from odoo.tests import BaseCase, tagged

from ..tools import milestones, ship_confirm
from ..tools.milestones import next_status


@tagged("-at_install", "post_install")
class TestMilestoneTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(milestones)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 10)

    def test_any_arrival_order_ends_on_the_newest_forward_status(self):
        import itertools

        scans = [
            ("pre_transit", 1),
            ("in_transit", 2),
            ("out_for_delivery", 3),
            ("delivered", 4),
        ]
        for order in itertools.permutations(scans):
            current = None
            for scan in order:
                current = next_status(current, scan)
            self.assertEqual(current, ("delivered", 4), order)


@tagged("-at_install", "post_install")
class TestShipConfirmTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(ship_confirm)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 10)

    def test_every_single_digit_error_is_caught(self):
        """Mod 10 with weights 3 and 1 catches any one wrong digit."""
        valid = "106141411234567897"
        self.assertIsNone(ship_confirm.sscc_error(valid))
        for position in range(18):
            for digit in "0123456789":
                if digit == valid[position]:
                    continue
                wrong = valid[:position] + digit + valid[position + 1 :]
                self.assertIsNotNone(ship_confirm.sscc_error(wrong), wrong)

    def test_allocation_never_exceeds_demand(self):
        parts, over = ship_confirm.allocate(
            [(0, "A", 2), (1, "A", 2), (2, "A", 2)], {"A": [("m1", 3), ("m2", 2)]}
        )
        by_move = {}
        for _index, move, quantity in parts:
            by_move[move] = by_move.get(move, 0) + quantity
        self.assertEqual(by_move, {"m1": 3, "m2": 2})
        self.assertEqual(over, {2: 1})
