import doctest
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import release
from ..tools.release import ack_due_at, ack_state, is_overdue


@tagged("-at_install", "post_install")
class TestReleaseTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(release)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 10)

    def test_due_then_overdue_only_after_the_window(self):
        released = datetime(2026, 12, 1, 23, 45)
        due = ack_due_at(released, 20)
        self.assertEqual(due, datetime(2026, 12, 2, 0, 5))
        self.assertFalse(is_overdue("pending", due, due))
        self.assertTrue(is_overdue("pending", due, due + timedelta(seconds=1)))
        self.assertFalse(is_overdue("rejected", due, due + timedelta(days=1)))

    def test_a_rejection_outweighs_any_other_answer(self):
        for other in ("pending", "accepted"):
            for breached in (False, True):
                rows = [
                    {"state": other, "due": True, "breached": breached},
                    {"state": "rejected", "due": True, "breached": False},
                ]
                self.assertEqual(ack_state(rows), "rejected")
                self.assertEqual(ack_state(rows[::-1]), "rejected")
