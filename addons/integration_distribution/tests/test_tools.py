"""The module's pure tools, without a database (their doctests)."""

import doctest

from odoo.tests import BaseCase, tagged

from ..tools import batch_memo, customers, order_changes, order_intake


@tagged("-at_install", "post_install")
class TestDoctests(BaseCase):
    def test_batch_memo_doctests(self):
        result = doctest.testmod(batch_memo)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 0)

    def test_customers_doctests(self):
        result = doctest.testmod(customers)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 0)

    def test_order_changes_doctests(self):
        result = doctest.testmod(order_changes)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 0)

    def test_order_intake_doctests(self):
        """Statuses and lifecycle of ``GET /api/v1/orders/{ref}``."""
        result = doctest.testmod(order_intake)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 0)
