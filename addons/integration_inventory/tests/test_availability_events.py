"""availability.changed: marked in the stock change's transaction,
coalesced per subject, compare-and-set chain, allocation applied."""

from odoo import fields
from odoo.tests import tagged

from ..models.integration_availability_dirty import DRAIN_IDENTITY
from .common import InventoryCase


@tagged("-at_install", "post_install")
class TestAvailabilityEvents(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dirty = cls.env["integration.availability.dirty"]
        cls.State = cls.env["integration.availability.state"]
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Burst {i}",
                    "default_code": f"BURST-{i}",
                    "is_storable": True,
                }
                for i in range(20)
            ]
        )
        cls.map(cls, "product", "SHOP-LAMP", cls.lamp)
        cls.map(cls, "warehouse", "MAIN", cls.warehouse)

    def commit_like(self):
        """What the commit runs first: the precommit hooks write the dirty set."""
        self.env.cr.flush()

    def drain(self):
        self.commit_like()
        before = self.Event.search([("type", "=", "availability.changed")])
        self.Dirty._drain()
        return self.Event.search([("type", "=", "availability.changed")]) - before

    def events_of(self, events, product, warehouse=None):
        return events.filtered(
            lambda e: (
                e.res_id == product.id
                and (warehouse is None or e.data["warehouse"]["id"] == warehouse.id)
            )
        ).sorted("sequence")

    def test_change_is_marked_at_commit_with_a_drain_one_window_later(self):
        self.Dirty.search([]).unlink()
        self.env["queue.job"].search([("identity_key", "=", DRAIN_IDENTITY)]).unlink()
        self.put_in_stock(self.lamp, 4)
        self.assertFalse(self.Dirty.search([]), "written at commit, not before")
        self.commit_like()
        dirty = self.Dirty.search([("product_id", "=", self.lamp.id)])
        self.assertEqual(dirty.warehouse_id, self.warehouse)
        jobs = self.env["queue.job"].search([("identity_key", "=", DRAIN_IDENTITY)])
        self.assertEqual(len(jobs), 1)
        self.assertGreater(jobs.eta, fields.Datetime.now())
        # more changes before the drain runs: no second job, no second row
        self.put_in_stock(self.lamp, 1)
        self.put_in_stock(self.lamp, 2, warehouse=self.wh2)
        self.commit_like()
        self.assertEqual(
            len(self.env["queue.job"].search([("identity_key", "=", DRAIN_IDENTITY)])),
            1,
        )
        self.assertEqual(len(self.Dirty.search([("product_id", "=", self.lamp.id)])), 2)

    def test_event_in_the_channels_codes_after_its_allocation(self):
        self.system.write(
            {"availability_buffer_kind": "absolute", "availability_buffer": 2}
        )
        self.put_in_stock(self.lamp, 10)
        self.picking("outgoing", self.lamp, 3)
        events = self.drain()
        [event] = self.events_of(events, self.lamp, self.warehouse)
        self.assertEqual(event.state, "published", event.data)
        self.assertEqual(event.system_id, self.system)
        self.assertEqual(
            event.subject,
            f"availability/test_shop/{self.warehouse.code}/{self.lamp.id}",
        )
        data = event.data
        self.assertEqual(data["sku"], "SHOP-LAMP")
        self.assertEqual(data["warehouse"]["partner_code"], "MAIN")
        self.assertIsNone(data["previous"])
        self.assertEqual(
            {
                k: data["figures"][k]
                for k in (
                    "on_hand",
                    "reserved",
                    "available",
                    "outgoing",
                    "available_to_sell",
                )
            },
            {
                "on_hand": 10.0,
                "reserved": 3.0,
                "available": 7.0,
                "outgoing": 3.0,
                "available_to_sell": 5.0,
            },
        )
        self.assertTrue(data["changed_at"].endswith("Z"))

    def test_compare_and_set_chain(self):
        rounds = [5, 3, -2, 7]
        emitted = self.env["integration.event"]
        for quantity in rounds:
            self.put_in_stock(self.lamp, quantity)
            emitted |= self.drain()
        chain = self.events_of(emitted, self.lamp, self.warehouse)
        self.assertEqual(len(chain), len(rounds))
        self.assertIsNone(chain[0].data["previous"])
        for before, after in zip(chain, chain[1:], strict=False):
            self.assertEqual(after.data["previous"], before.data["figures"])
            self.assertGreater(after.sequence, before.sequence)
        self.assertEqual(chain[-1].data["figures"]["on_hand"], 13.0)
        state = self.State.search(
            [
                ("system_id", "=", self.system.id),
                ("product_id", "=", self.lamp.id),
                ("warehouse_id", "=", self.warehouse.id),
            ]
        )
        self.assertEqual(state.figures, chain[-1].data["figures"])
        self.assertEqual(state.event_id, chain[-1])

    def test_no_event_when_the_figures_come_back(self):
        self.put_in_stock(self.lamp, 5)
        self.drain()
        self.put_in_stock(self.lamp, 2)
        self.put_in_stock(self.lamp, -2)
        self.assertFalse(self.events_of(self.drain(), self.lamp))

    def test_burst_of_1000_moves_on_20_products_gives_one_event_per_subject(self):
        supplier = self.env.ref("stock.stock_location_suppliers")
        stock = self.warehouse.lot_stock_id
        moves = self.env["stock.move"].create(
            [
                {
                    "name": product.name,
                    "product_id": product.id,
                    "product_uom_qty": 1 + i % 3,
                    "product_uom": product.uom_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": stock.id,
                }
                for i in range(50)
                for product in self.products
            ]
        )
        self.assertEqual(len(moves), 1000)
        moves._action_confirm()
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        self.commit_like()
        dirty = self.Dirty.search([("product_id", "in", self.products.ids)])
        self.assertEqual(len(dirty), 20, "one dirty row per product and warehouse")
        events = self.drain()
        per_subject = {}
        for event in events.filtered(lambda e: e.res_id in self.products.ids):
            per_subject.setdefault(event.subject, []).append(event)
        self.assertEqual(len(per_subject), 20)
        self.assertTrue(all(len(v) == 1 for v in per_subject.values()))
        for product in self.products:
            [event] = per_subject[
                f"availability/test_shop/{self.warehouse.code}/{product.id}"
            ]
            self.assertEqual(
                event.data["figures"]["on_hand"],
                product.with_context(warehouse_id=self.warehouse.id).qty_available,
            )
            self.assertEqual(
                event.data["figures"]["on_hand"], sum(1 + i % 3 for i in range(50))
            )
        self.assertFalse(self.Dirty.search([("product_id", "in", self.products.ids)]))

    def test_channels_that_do_not_publish_or_not_fed_get_nothing(self):
        other = self.env["integration.system"].create(
            {
                "name": "Quiet",
                "code": "quiet",
                "state": "active",
                "availability_warehouse_ids": [fields.Command.set(self.wh2.ids)],
            }
        )
        self.put_in_stock(self.lamp, 3)
        events = self.drain()
        self.assertFalse(events.filtered(lambda e: e.system_id == other))
        other.availability_publish = True
        self.put_in_stock(self.lamp, 3)  # WH only: not a warehouse that feeds 'quiet'
        events = self.drain()
        self.assertFalse(events.filtered(lambda e: e.system_id == other))
        self.assertTrue(events.filtered(lambda e: e.system_id == self.system))
