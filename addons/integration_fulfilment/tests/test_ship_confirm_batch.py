"""Ship-confirm's validation of a batch, in process: what is done for the
whole batch at once (the backorders copied in one create, their notes,
the kept push rules and quants) leaves what Odoo leaves delivery by
delivery."""

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.sql import index_exists

from odoo.addons.integration_distribution.tools.batch_memo import BatchMemo

from ..models.stock_quant import CHANGED_QUANTS
from ..models.stock_quant_package import SSCC_INDEX
from ..tools.ship_confirm import QUANT_MEMO


@tagged("post_install", "-at_install")
class TestShipConfirmBatch(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        bot = new_test_user(
            cls.env, login="batch_wms_bot", groups="stock.group_stock_user"
        )
        cls.wms = cls.env["integration.system"].create(
            {
                "name": "Batch 3PL",
                "code": "scb_3pl",
                "kind": "wms",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        Product = cls.env["product.product"]
        cls.desk = Product.create(
            {"name": "Batch desk", "default_code": "SCB-DESK", "is_storable": True}
        )
        cls.lamp = Product.create(
            {"name": "Batch lamp", "default_code": "SCB-LAMP", "is_storable": True}
        )
        stock = cls.warehouse.lot_stock_id
        for product in (cls.desk, cls.lamp):
            cls.env["stock.quant"]._update_available_quantity(product, stock, 100)
            cls.env["integration.mapping"].create(
                {
                    "system_id": cls.wms.id,
                    "kind": "product",
                    "external_code": product.default_code,
                    "res_id": product.id,
                }
            )
        cls.customer = cls.env["res.partner"].create({"name": "Batch customer"})

    def make_picking(self, desk=2, lamp=3):
        stock = self.warehouse.lot_stock_id
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer.id,
                "origin": f"SCB-{self.env['stock.picking'].search_count([])}",
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        },
                    )
                    for product, qty in ((self.desk, desk), (self.lamp, lamp))
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        return picking

    def prepare(self, picking, lamps):
        picking._integration_ship_confirm_prepare(
            self.wms,
            {
                "shipment_id": f"SCB-{picking.id}",
                "lines": [
                    {"sku": "SCB-DESK", "quantity": 2},
                    {"sku": "SCB-LAMP", "quantity": lamps},
                ],
            },
        )

    def confirm(self, pickings, lamps):
        """Prepare each delivery with its lamps shipped, then validate them
        together, as the queued drain does."""
        for picking, lamp in zip(pickings, lamps, strict=True):
            self.prepare(picking, lamp)
        self.env["stock.picking"].browse(
            [p.id for p in pickings]
        )._integration_ship_confirm_validate(self.wms, {})

    def notes(self, picking):
        return [
            (message.message_type, message.subtype_id, message.body)
            for message in picking.message_ids.sorted("id")
            if not message.tracking_value_ids
        ]

    def test_sscc_lookup_has_a_btree_index(self):
        self.assertTrue(index_exists(self.env.cr, SSCC_INDEX))
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [SSCC_INDEX]
        )
        self.assertIn("USING btree (name)", self.env.cr.fetchone()[0])
        # Odoo's trigram index (search by part of a name) stays
        self.assertTrue(index_exists(self.env.cr, "stock_quant_package__name_index"))

    def test_a_batch_with_several_backorders(self):
        """Three deliveries validated together, two short of lamps: each of
        the two gets its own backorder with its own rest, reserved, noted
        on the delivery as Odoo notes it; the third none. A delivery
        validated by Odoo's own ``button_validate`` is the reference."""
        alone = self.make_picking()
        self.prepare(alone, 1)
        alone.with_context(skip_backorder=True, skip_sms=True).button_validate()
        reference = alone.backorder_ids
        self.assertEqual(len(reference), 1)

        pickings = [self.make_picking(lamp=3) for _ in range(3)]
        self.confirm(pickings, [1, 3, 1])
        self.assertEqual([p.state for p in pickings], ["done"] * 3)
        self.assertFalse(pickings[1].backorder_ids)
        backorders = pickings[0].backorder_ids | pickings[2].backorder_ids
        self.assertEqual(len(backorders), 2)
        self.assertEqual(len(set(backorders.mapped("name")) | {reference.name}), 3)
        for picking in (pickings[0], pickings[2]):
            backorder = picking.backorder_ids
            self.assertEqual(len(backorder), 1)
            self.assertEqual(backorder.backorder_id, picking)
            self.assertEqual(backorder.state, "assigned")
            self.assertEqual(backorder.move_ids.product_id, self.lamp)
            self.assertEqual(backorder.move_ids.product_uom_qty, 2)
            self.assertEqual(backorder.move_ids.quantity, 2)
            self.assertEqual(backorder.move_line_ids.picking_id, backorder)
            self.assertFalse(backorder.move_ids.picked)
            self.assertFalse(backorder.user_id)
            for field in ("partner_id", "origin", "picking_type_id", "location_id"):
                self.assertEqual(backorder[field], picking[field], field)
            self.assertEqual(
                picking.move_ids.filtered(lambda m: m.product_id == self.lamp).quantity,
                1,
            )
            # the delivery's note names its backorder, as Odoo's does
            link = f'data-oe-id="{reference.id}">{reference.name}<'
            own_link = f'data-oe-id="{backorder.id}">{backorder.name}<'
            self.assertEqual(
                [str(body) for _type, _subtype, body in self.notes(picking)],
                [
                    str(body).replace(link, own_link)
                    for _type, _subtype, body in self.notes(alone)
                ],
            )
            self.assertEqual(
                [(t, s) for t, s, _body in self.notes(picking)],
                [(t, s) for t, s, _body in self.notes(alone)],
            )
            self.assertEqual(
                [(t, s, str(b)) for t, s, b in self.notes(backorder)],
                [(t, s, str(b)) for t, s, b in self.notes(reference)],
            )
            self.assertEqual(
                backorder.message_partner_ids, reference.message_partner_ids
            )

    def test_a_follower_of_notes_is_notified_as_by_odoo(self):
        """Notes logged together notify nobody: a delivery a colleague
        follows with the note subtype gets its notes posted as Odoo posts
        them (and the colleague notified)."""
        pickings = [self.make_picking(lamp=3) for _ in range(2)]
        watcher = new_test_user(
            self.env, login="note_watcher", groups="stock.group_stock_user"
        ).partner_id
        note = self.env.ref("mail.mt_note")
        pickings[0].message_subscribe(watcher.ids, note.ids)
        self.confirm(pickings, [1, 1])
        for picking, notified in ((pickings[0], True), (pickings[1], False)):
            created = picking.message_ids.filtered(
                lambda m, p=picking: p.backorder_ids.name in str(m.body)
            )
            self.assertEqual(len(created), 1)
            self.assertEqual(created.subtype_id, note)
            self.assertEqual(watcher in created.notified_partner_ids, notified)

    def test_kept_quants_are_forgotten_when_a_quant_is_created(self):
        """The backorders' reservation reads the quants of a product under
        a location once; a quant created meanwhile is found again."""
        memo = BatchMemo()
        Quant = self.env["stock.quant"].with_context(**{QUANT_MEMO: memo})
        stock = self.warehouse.lot_stock_id
        before = Quant._gather(self.desk, stock)
        self.assertEqual(len(memo), 1)
        self.assertEqual(Quant._gather(self.desk, stock), before)
        self.assertEqual(len(memo), 1)
        # strict searches (a quant may be created right after) are not kept
        Quant._gather(self.desk, stock, strict=True)
        self.assertEqual(len(memo), 1)
        shelf = self.env["stock.location"].create(
            {"name": "Batch shelf", "location_id": stock.id}
        )
        Quant._update_available_quantity(self.desk, shelf, 5)
        self.assertEqual(len(memo), 0)
        after = Quant._gather(self.desk, stock)
        self.assertEqual(after - before, Quant.search([("location_id", "=", shelf.id)]))

    def test_a_backorder_takes_what_its_delivery_left_among_equals(self):
        """Between free units FIFO cannot tell apart (the same in_date), the
        backorder reserves the one its delivery left in its bin (a quant
        the validation holds already), not another bin's; an older unit
        still goes first."""
        stock = self.warehouse.lot_stock_id
        cup = self.env["product.product"].create(
            {"name": "Batch cup", "default_code": "SCB-CUP", "is_storable": True}
        )
        self.env["integration.mapping"].create(
            {
                "system_id": self.wms.id,
                "kind": "product",
                "external_code": "SCB-CUP",
                "res_id": cup.id,
            }
        )
        Quant = self.env["stock.quant"]
        same_day = fields.Datetime.to_datetime("2024-05-01 08:00:00")
        bins = self.env["stock.location"].create(
            [{"name": f"Batch cup bin {n}", "location_id": stock.id} for n in range(3)]
        )
        Quant._update_available_quantity(cup, bins[0], 1, in_date=same_day)
        Quant._update_available_quantity(cup, bins[1], 2, in_date=same_day)

        def delivery(quantity):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": self.warehouse.out_type_id.id,
                    "location_id": stock.id,
                    "location_dest_id": self.env.ref(
                        "stock.stock_location_customers"
                    ).id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": cup.name,
                                "product_id": cup.id,
                                "product_uom_qty": quantity,
                                "location_id": stock.id,
                                "location_dest_id": self.env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            },
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            return picking

        def ship_one(picking):
            # what came before was other transactions' (a commit forgets
            # which quants this one changed)
            self.env.flush_all()
            self.env.cr.precommit.data.pop(CHANGED_QUANTS, None)
            picking._integration_ship_confirm_prepare(
                self.wms,
                {
                    "shipment_id": f"SCB-CUP-{picking.id}",
                    "lines": [{"sku": "SCB-CUP", "quantity": 1}],
                },
            )
            picking._integration_ship_confirm_validate(self.wms, {})
            return picking.backorder_ids

        # the first bin's unit is free, the delivery reserved the second's two
        other = delivery(1)
        picking = delivery(2)
        other.do_unreserve()
        self.assertEqual(picking.move_line_ids.location_id, bins[1])
        backorder = ship_one(picking)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(backorder.move_line_ids.location_id, bins[1])
        # an older unit elsewhere is still taken first
        Quant._update_available_quantity(
            cup, bins[2], 2, in_date=fields.Datetime.to_datetime("2024-06-01")
        )
        other = delivery(1)
        later = delivery(2)
        other.do_unreserve()
        self.assertEqual(later.move_line_ids.location_id, bins[2])
        self.assertEqual(ship_one(later).move_line_ids.location_id, bins[0])
