"""An intake batch asks Odoo's repeated questions once (``BatchMemo``), and
the orders come out as Odoo's own confirmation makes them."""

import re
from collections import Counter
from unittest.mock import patch

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tests import tagged

from ..tools.batch_memo import BATCH_MEMO
from .common import DistributionCase

# the tables of the questions a batch asks once
MEMO_TABLES = (
    "account_analytic_distribution_model",
    "stock_rule",
    "stock_warehouse_orderpoint",
)


@tagged("post_install", "-at_install")
class TestIntakeBatch(DistributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.SaleOrder = cls.env["sale.order"]
        cls.second_warehouse = cls.env["stock.warehouse"].create(
            {"name": "Second depot", "code": "WH2"}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Lamp Works"})
        cls.lamp = cls.env["product.product"].create(
            {
                "name": "Test lamp",
                "default_code": "LAMP-1",
                "is_storable": True,
                "list_price": 30.0,
                "route_ids": [
                    Command.set(cls.env.ref("purchase_stock.route_warehouse0_buy").ids)
                ],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 12.0})
                ],
            }
        )
        cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": cls.lamp.id,
                "warehouse_id": cls.warehouse.id,
                "location_id": cls.warehouse.lot_stock_id.id,
                "trigger": "auto",
                "product_min_qty": 5,
                "product_max_qty": 10,
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Channels"})
        cls.retail_account = cls.env["account.analytic.account"].create(
            {"name": "Retail", "plan_id": plan.id}
        )
        cls.env["account.analytic.distribution.model"].create(
            {
                "product_id": cls.desk.id,
                "partner_id": cls.customer.id,
                "analytic_distribution": {str(cls.retail_account.id): 100},
            }
        )
        for kind, code, record in (
            ("customer", "CUST-9", cls.customer),
            ("customer", "CUST-OTHER", cls.ship_to),
            ("product", "SHOP-DESK", cls.desk),
            ("product", "SHOP-CHAIR", cls.chair),
            ("product", "SHOP-LAMP", cls.lamp),
            ("warehouse", "MAIN", cls.warehouse),
            ("warehouse", "SECOND", cls.second_warehouse),
        ):
            cls.Mapping.create(
                {
                    "system_id": cls.system.id,
                    "kind": kind,
                    "external_code": code,
                    "res_id": record.id,
                }
            )

    def payload(
        self, ref, customer="CUST-9", skus=("SHOP-DESK", "SHOP-CHAIR"), **extra
    ):
        return {
            "external_ref": ref,
            "customer": {"code": customer},
            "lines": [{"sku": sku, "qty": 3} for sku in skus],
            **extra,
        }

    def intake(self, payloads):
        outcomes = self.SaleOrder._integration_create_many_from_channel(
            self.system, payloads
        )
        return [outcome[0] for outcome in outcomes]

    def queried_tables(self, payloads):
        """How often a batch of ``payloads`` reads each of :data:`MEMO_TABLES`."""
        seen = Counter()
        execute = Cursor.execute

        def record(cr, query, params=None, log_exceptions=True):
            sql = str(getattr(query, "code", query))
            for table in MEMO_TABLES:
                if re.search(rf'\bFROM "?{table}"?', sql):
                    seen[table] += 1
            return execute(cr, query, params, log_exceptions)

        self.env.invalidate_all()  # both batches start from a cold cache
        with patch.object(Cursor, "execute", record):
            self.intake(payloads)
            self.env.flush_all()
        return seen

    def test_each_question_is_asked_once_per_batch(self):
        two = self.queried_tables([self.payload(f"Q2-{n}") for n in range(2)])
        six = self.queried_tables([self.payload(f"Q6-{n}") for n in range(6)])
        self.assertEqual(set(two), set(MEMO_TABLES), "each question was asked")
        self.assertEqual(six, two, "three times the orders, not one question more")

    def test_orders_come_back_without_the_batch_memo(self):
        (batched,) = self.intake([self.payload("MEMO-1")])
        single, _created = self.SaleOrder._integration_create_from_channel(
            self.system, self.payload("MEMO-2")
        )
        again, created = self.SaleOrder._integration_create_from_channel(
            self.system, self.payload("MEMO-2")
        )
        self.assertFalse(created)
        self.assertEqual(again, single)
        for order in (batched, single, again):
            # what is done with them later asks Odoo afresh
            self.assertNotIn(BATCH_MEMO, order.env.context)
            self.assertEqual(order.state, "sale")

    def test_analytic_distribution_per_product_and_customer(self):
        mine, other = self.intake(
            [self.payload("AN-1"), self.payload("AN-2", customer="CUST-OTHER")]
        )
        expected = {str(self.retail_account.id): 100}
        by_product = {
            line.product_id: line.analytic_distribution for line in mine.order_line
        }
        self.assertEqual(by_product[self.desk], expected)
        self.assertFalse(by_product[self.chair])
        # the model is for one customer: another customer's desk is not booked
        self.assertFalse(any(other.order_line.mapped("analytic_distribution")))
        # what Odoo computes for the same line outside a batch
        plain = self.make_order()
        self.assertEqual(plain.order_line[0].analytic_distribution, expected)

    def test_each_order_ships_from_its_own_warehouse(self):
        main, second, default = self.intake(
            [
                self.payload("WH-1", warehouse="MAIN"),
                self.payload("WH-2", warehouse="SECOND"),
                self.payload("WH-3"),
            ]
        )
        self.assertEqual(main.picking_ids.picking_type_id.warehouse_id, self.warehouse)
        self.assertEqual(
            second.picking_ids.picking_type_id.warehouse_id, self.second_warehouse
        )
        self.assertEqual(
            second.picking_ids.location_id, self.second_warehouse.lot_stock_id
        )
        self.assertEqual(default.warehouse_id, self.make_order().warehouse_id)
        self.assertEqual(
            default.picking_ids.picking_type_id.warehouse_id, default.warehouse_id
        )

    def test_replenishment_is_triggered_for_the_products_that_have_a_rule(self):
        self.intake(
            [
                self.payload("RP-1", skus=("SHOP-LAMP", "SHOP-CHAIR")),
                self.payload("RP-2", skus=("SHOP-DESK",)),
            ]
        )
        purchase_lines = self.env["purchase.order.line"].search(
            [("partner_id", "=", self.vendor.id)]
        )
        self.assertEqual(purchase_lines.product_id, self.lamp)
        # 3 ordered, nothing on hand, up to the maximum of 10
        self.assertEqual(purchase_lines.product_qty, 13)
        self.assertEqual(purchase_lines.order_id.state, "draft")

    def test_deliveries_chatter_reads_as_odoos_own(self):
        # the test classes switch the chatter off; the notes are the point here
        intake = self.SaleOrder.with_context(tracking_disable=False)
        first, second = (
            outcome[0]
            for outcome in intake._integration_create_many_from_channel(
                self.system, [self.payload("NOTE-1"), self.payload("NOTE-2")]
            )
        )
        plain = self.make_order().with_context(tracking_disable=False)
        plain.action_confirm()
        # (Odoo also logs "Transfer created", which the intake leaves out)
        odoo_note = plain.picking_ids.message_ids.filtered(
            lambda m: plain.name in m.body
        )
        self.assertEqual(len(odoo_note), 1)

        def neutral(note, order):
            return (
                str(note.body)
                .replace(order.name, "ORDER")
                .replace(f'data-oe-id="{order.id}"', 'data-oe-id="ID"')
            )

        # Odoo's delivery is followed by its delivery address: so are the batch's
        self.assertIn(
            plain.picking_ids.partner_id, plain.picking_ids.message_partner_ids
        )
        for order in (first, second):
            self.assertEqual(
                order.picking_ids.message_partner_ids, order.partner_shipping_id
            )
            (note,) = order.picking_ids.message_ids
            self.assertIn(order.name, note.body)
            self.assertEqual(neutral(note, order), neutral(odoo_note, plain))
            self.assertEqual(
                (note.message_type, note.subtype_id, note.author_id, note.model),
                (
                    odoo_note.message_type,
                    odoo_note.subtype_id,
                    odoo_note.author_id,
                    "stock.picking",
                ),
            )
