"""The SLA arithmetic, without a database (plus its doctests)."""

import doctest
from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools import sla


@tagged("post_install", "-at_install")
class TestSlaTools(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(sla)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 12)

    def test_breach_at_the_target_is_not_a_breach(self):
        self.assertFalse(sla.is_breach(20, 19, 95))
        self.assertTrue(sla.is_breach(20, 18, 95))

    def test_merged_days_equal_the_sum_of_their_hours(self):
        hours = [(10, 9, 9, 30.0, 50.0), (0, 0, 0, 0.0, 0.0), (5, 5, 5, 60.0, 90.0)]
        samples, within, counted, avg, worst = sla.merge_buckets(hours)
        self.assertEqual((samples, within, counted, worst), (15, 14, 14, 90.0))
        self.assertAlmostEqual(avg, (9 * 30 + 5 * 60) / 14)

    def test_hours_across_midnight(self):
        hours = sla.hours_between(
            datetime(2026, 3, 1, 23, 59), datetime(2026, 3, 2, 0, 1)
        )
        self.assertEqual(hours, [datetime(2026, 3, 1, 23), datetime(2026, 3, 2, 0)])
