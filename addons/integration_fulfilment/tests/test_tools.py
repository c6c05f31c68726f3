import doctest

from odoo.tests import BaseCase, tagged

from ..tools import milestones
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
