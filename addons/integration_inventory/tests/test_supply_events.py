"""inventory.adjusted, purchase.confirmed, receipt.validated: built for each
subscribing system in its codes, written in the change's transaction."""

from odoo.tests import tagged

from odoo.addons.integration_webhook.tests.common import set_up_local_receiver

from .common import InventoryCase


@tagged("post_install", "-at_install")
class TestSupplyEvents(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_local_receiver(cls)
        types = cls.env["integration.event.type"].search(
            [
                (
                    "code",
                    "in",
                    ("inventory.adjusted", "purchase.confirmed", "receipt.validated"),
                )
            ]
        )
        Subscription = cls.env["integration.subscription"]
        cls.shop_subscription = Subscription.create(
            {
                "name": "Shop supply",
                "target_url": cls.receiver.url,
                "system_id": cls.system.id,
                "event_type_ids": [(6, 0, types.ids)],
            }
        )
        cls.internal_subscription = Subscription.create(
            {
                "name": "Planning",
                "target_url": cls.receiver.url,
                "event_type_ids": [(6, 0, types.ids)],
            }
        )
        cls.map(cls, "product", "SHOP-LAMP", cls.lamp)
        cls.map(cls, "customer", "SUP-1", cls.supplier)

    def of_type(self, type_code, records):
        return self.events(type_code, records)

    def test_applied_count_is_announced_with_difference_and_reason(self):
        self.put_in_stock(self.lamp, 10)
        quant = self.Quant.search(
            [
                ("product_id", "=", self.lamp.id),
                ("location_id", "=", self.stock_location.id),
            ]
        )
        quant.inventory_quantity = 7
        quant.with_context(inventory_name="Cycle count 12")._apply_inventory()
        events = self.of_type("inventory.adjusted", self.lamp)
        self.assertEqual(len(events), 2, "one per subscribing audience")
        shop = events.filtered(lambda e: e.system_id == self.system)
        internal = events - shop
        self.assertEqual(shop.state, "published", shop.data)
        data = shop.data
        self.assertEqual(
            (data["quantity_before"], data["counted"], data["difference"]),
            (10.0, 7.0, -3.0),
        )
        self.assertEqual(data["reason"], "Cycle count 12")
        self.assertEqual(data["product"]["partner_sku"], "SHOP-LAMP")
        self.assertIsNone(internal.data["product"]["partner_sku"])
        self.assertEqual(self.shop_subscription.delivery_ids.event_id & events, shop)
        self.assertEqual(
            self.internal_subscription.delivery_ids.event_id & events, internal
        )

    def test_purchase_then_receipt(self):
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.supplier.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.lamp.id,
                            "product_qty": 12,
                            "price_unit": 9,
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        [shop] = self.of_type("purchase.confirmed", order).filtered(
            lambda e: e.system_id == self.system
        )
        self.assertEqual(shop.state, "published", shop.data)
        self.assertEqual(shop.subject, f"purchases/{order.name}")
        self.assertEqual(shop.data["supplier"]["code"], "SUP-1")
        self.assertEqual(shop.data["lines"][0]["quantity"], 12.0)
        self.assertEqual(shop.data["lines"][0]["product"]["partner_sku"], "SHOP-LAMP")
        receipt = order.picking_ids
        receipt.move_ids.quantity = 10
        receipt.move_ids.picked = True
        receipt.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=receipt.ids
        ).button_validate()
        not_yet = self.Event.search(
            [("type", "=", "receipt.validated"), ("res_id", "=", receipt.id)]
        )
        self.assertFalse(not_yet, "written at commit time")
        self.env.cr.flush()
        events = self.of_type("receipt.validated", receipt)
        self.assertEqual(len(events), 2)
        shop_receipt = events.filtered(lambda e: e.system_id == self.system)
        self.assertEqual(shop_receipt.state, "published", shop_receipt.data)
        self.assertEqual(shop_receipt.data["purchase_ref"], order.name)
        line = shop_receipt.data["lines"][0]
        self.assertEqual((line["quantity"], line["expected"]), (10.0, 12.0))

    def test_nobody_subscribed_builds_nothing(self):
        (self.shop_subscription | self.internal_subscription).write(
            {"state": "disabled"}
        )
        self.put_in_stock(self.lamp, 2)
        quant = self.Quant.search(
            [
                ("product_id", "=", self.lamp.id),
                ("location_id", "=", self.stock_location.id),
            ]
        )
        quant.inventory_quantity = 1
        quant._apply_inventory()
        self.assertFalse(self.of_type("inventory.adjusted", self.lamp))
