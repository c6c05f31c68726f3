"""``/api/v1/shipments/{ref}/confirm`` over real HTTP into Odoo, and the
``shipment.dispatched`` it causes into a real receiver."""

import json
import uuid
from unittest.mock import patch

import standardwebhooks

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.integration_api.tests.common import issue_token
from odoo.addons.integration_core.tools.json_schema import validation_errors
from odoo.addons.integration_webhook.tests.common import set_up_local_receiver
from odoo.addons.queue_job.tests.common import trap_jobs

SSCC_A = "106141411234567897"
SSCC_B = "106141411234567880"
ROUTE = "POST /shipments/{ref}/confirm"
# one package per delivery of a batch
SSCC_BATCH = ["106141411234567903", "106141411234567910", "106141411234567927"]


@tagged("post_install", "-at_install")
class TestShipConfirmApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        set_up_local_receiver(cls)
        bot = new_test_user(cls.env, login="wms_bot", groups="stock.group_stock_user")
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        System = cls.env["integration.system"]
        cls.shop = System.create(
            {
                "name": "Confirm shop",
                "code": "sc_shop",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.wms = System.create(
            {
                "name": "Confirm 3PL",
                "code": "sc_3pl",
                "kind": "wms",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.stranger = System.create(
            {
                "name": "Stranger",
                "code": "sc_stranger",
                "state": "active",
                "user_id": bot.id,
            }
        )
        Product = cls.env["product.product"]
        cls.desk = Product.create(
            {"name": "Confirm desk", "default_code": "SC-DESK", "is_storable": True}
        )
        cls.glue = Product.create(
            {
                "name": "Confirm glue",
                "default_code": "SC-GLUE",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.lamp = Product.create(
            {"name": "Confirm lamp", "default_code": "SC-LAMP", "is_storable": True}
        )
        stock = cls.warehouse.lot_stock_id
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.desk, stock, 50)
        Quant._update_available_quantity(cls.lamp, stock, 50)
        Lot = cls.env["stock.lot"]
        cls.lot_a = Lot.create({"name": "GLUE-A", "product_id": cls.glue.id})
        cls.lot_b = Lot.create({"name": "GLUE-B", "product_id": cls.glue.id})
        Quant._update_available_quantity(cls.glue, stock, 30, lot_id=cls.lot_a)
        Quant._update_available_quantity(cls.glue, stock, 30, lot_id=cls.lot_b)
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Confirm express",
                "product_id": Product.create(
                    {"name": "Confirm shipping", "type": "service"}
                ).id,
            }
        )
        Mapping = cls.env["integration.mapping"]
        for kind, code, record in (
            ("warehouse", "WH-3PL", cls.warehouse),
            ("product", "3PL-DESK", cls.desk),
            ("product", "3PL-GLUE", cls.glue),
            ("product", "3PL-LAMP", cls.lamp),
            ("carrier", "DHL/EXP", cls.carrier),
        ):
            Mapping.create(
                {
                    "system_id": cls.wms.id,
                    "kind": kind,
                    "external_code": code,
                    "res_id": record.id,
                }
            )
        cls.customer = cls.env["res.partner"].create({"name": "Confirm customer"})
        cls.token = cls.make_token(cls.wms)
        cls.stranger_token = cls.make_token(cls.stranger)

    @classmethod
    def make_token(cls, system):
        return issue_token(cls.env, system, ("shipments:write",), name="sc")

    def make_picking(self, desk=4, glue=10, lamp=2):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "integration_system_id": self.shop.id,
                "integration_external_ref": f"SC-{uuid.uuid4().hex[:6]}",
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in (
                        (self.desk, desk),
                        (self.glue, glue),
                        (self.lamp, lamp),
                    )
                    if qty
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.state, "assigned")
        return order.picking_ids

    def post(self, picking, body, token=None, key=None, headers=None):
        headers = {
            "X-Api-Key": token or self.token,
            "Content-Type": "application/json",
            **(headers or {}),
        }
        if key:
            headers["Idempotency-Key"] = key
        return self.opener.post(
            f"{self.base_url()}/api/v1/shipments/{picking.id}/confirm",
            data=json.dumps(body),
            headers=headers,
            timeout=60,
        )

    def full_body(self, shipment_id=None):
        return {
            "shipment_id": shipment_id or f"SHP-{uuid.uuid4().hex[:8]}",
            "ship_date": "2026-12-01T16:40:00+01:00",
            "carrier": "DHL",
            "service": "EXP",
            "tracking_numbers": ["JD014600003SE"],
            "packages": [
                {"sscc": SSCC_A, "weight": 12.5},
                {"sscc": SSCC_B, "weight": 3.25, "tracking_number": "JD014600004SE"},
            ],
            "lines": [
                {"sku": "3PL-DESK", "quantity": 4, "package": SSCC_A},
                {"sku": "3PL-GLUE", "quantity": 6, "lot": "GLUE-A", "package": SSCC_B},
                {"sku": "3PL-GLUE", "quantity": 4, "lot": "GLUE-B", "package": SSCC_B},
                {"sku": "3PL-LAMP", "quantity": 2, "package": SSCC_A},
            ],
        }

    def message(self):
        return self.env["integration.api.message"].search(
            [("system_id", "=", self.wms.id), ("route", "=", ROUTE)],
            order="id desc",
            limit=1,
        )

    def dispatched(self, picking):
        return self.env["integration.event"].search(
            [("type", "=", "shipment.dispatched"), ("res_id", "=", picking.id)]
        )

    def test_full_confirm_validates_with_lots_packages_and_tracking(self):
        subscription = self.env["integration.subscription"].create(
            {
                "name": "Shop ASN",
                "target_url": self.receiver.url,
                "event_type_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "integration_distribution.event_type_shipment_dispatched"
                        ).ids,
                    )
                ],
                "system_id": self.shop.id,
            }
        )
        picking = self.make_picking()
        body = self.full_body()
        key = str(uuid.uuid4())
        response = self.post(picking, body, key=key)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(picking.state, "done")
        self.assertFalse(response.json()["backorder"])
        self.assertEqual(picking.integration_shipment_id, body["shipment_id"])
        self.assertEqual(picking.integration_shipped_by_id, self.wms)
        self.assertEqual(picking.carrier_id, self.carrier)
        self.assertEqual(picking.carrier_tracking_ref, "JD014600003SE,JD014600004SE")
        self.assertEqual(
            picking.date_done, fields.Datetime.to_datetime("2026-12-01 15:40:00")
        )
        glue_lines = picking.move_line_ids.filtered(
            lambda ml: ml.product_id == self.glue
        )
        self.assertEqual(
            sorted((ml.lot_id.name, ml.quantity) for ml in glue_lines),
            [("GLUE-A", 6.0), ("GLUE-B", 4.0)],
        )
        packages = picking.move_line_ids.result_package_id
        self.assertEqual(sorted(packages.mapped("name")), sorted([SSCC_A, SSCC_B]))
        package_a = packages.filtered(lambda p: p.name == SSCC_A)
        self.assertEqual(package_a.shipping_weight, 12.5)
        self.assertEqual(
            package_a.quant_ids.location_id,
            self.env.ref("stock.stock_location_customers"),
        )
        self.assertEqual(self.glue.with_context(lot_id=self.lot_a.id).qty_available, 24)

        [event] = self.dispatched(picking)
        self.assertEqual(
            validation_errors(event.event_type_id._get_schema(), event.data), []
        )
        self.assertEqual(
            event.data["tracking_refs"], ["JD014600003SE", "JD014600004SE"]
        )
        by_sscc = {p["sscc"]: p for p in event.data["packages"]}
        self.assertEqual(by_sscc[SSCC_B]["weight"], 3.25)
        self.assertEqual(
            sorted((ln["lot"], ln["quantity"]) for ln in by_sscc[SSCC_B]["lines"]),
            [("GLUE-A", 6.0), ("GLUE-B", 4.0)],
        )
        with trap_jobs():
            subscription._drain()
        [request] = self.receiver.received
        payload = standardwebhooks.Webhook(subscription.secret_ids._plaintext()).verify(
            request.body, request.headers
        )
        self.assertEqual(payload["type"], "shipment.dispatched")
        self.assertEqual(
            {p["sscc"] for p in payload["data"]["packages"]}, {SSCC_A, SSCC_B}
        )

        # the same shipment again: 200, nothing changes, no second event
        again = self.post(picking, body)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertTrue(again.json()["duplicate"])
        replay = self.post(picking, body, key=key)
        self.assertEqual(replay.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(replay.status_code, 201)
        self.assertEqual(len(self.dispatched(picking)), 1)
        # another shipment of a done delivery: a conflict, not a second validation
        other = self.post(picking, self.full_body())
        self.assertEqual(other.status_code, 409, other.text)

    def test_partial_confirm_leaves_a_backorder(self):
        picking = self.make_picking(desk=4, glue=10, lamp=2)
        body = {
            "shipment_id": "SHP-PART-1",
            "lines": [
                {"sku": "3PL-DESK", "quantity": 3},
                {"sku": "3PL-GLUE", "quantity": 10, "lot": "GLUE-A"},
            ],
        }
        response = self.post(picking, body)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(picking.state, "done")
        backorder = picking.backorder_ids
        self.assertEqual(response.json()["backorder"]["id"], backorder.id)
        self.assertEqual(
            sorted(
                (m.product_id.default_code, m.product_uom_qty)
                for m in backorder.move_ids
            ),
            [("SC-DESK", 1.0), ("SC-LAMP", 2.0)],
        )
        self.assertEqual(backorder.state, "assigned")
        # the backorder is confirmed on its own
        rest = self.post(
            backorder,
            {
                "shipment_id": "SHP-PART-2",
                "lines": [
                    {"sku": "3PL-DESK", "quantity": 1},
                    {"sku": "3PL-LAMP", "quantity": 2},
                ],
            },
        )
        self.assertEqual(rest.status_code, 201, rest.text)
        self.assertEqual(backorder.state, "done")
        self.assertEqual(picking.sale_id.order_line.mapped("qty_delivered"), [4, 10, 2])

    def assert_reservations_consistent(self, products):
        """What the quants hold reserved is what open move lines reserve."""
        for product in products:
            quants = self.env["stock.quant"].search(
                [
                    ("product_id", "=", product.id),
                    ("location_id.usage", "=", "internal"),
                ]
            )
            lines = self.env["stock.move.line"].search(
                [
                    ("product_id", "=", product.id),
                    ("state", "not in", ("done", "cancel")),
                ]
            )
            self.assertEqual(
                sum(quants.mapped("reserved_quantity")),
                sum(lines.mapped("quantity_product_uom")),
                product.display_name,
            )

    def test_reserved_move_lines_take_what_was_shipped(self):
        picking = self.make_picking(desk=4, glue=10, lamp=2)
        reserved = {ml.product_id: ml for ml in picking.move_line_ids}
        self.assertEqual(len(reserved), 3)  # one line each, as Odoo reserved
        other_lot = (self.lot_a | self.lot_b) - reserved[self.glue].lot_id
        response = self.post(
            picking,
            {
                "shipment_id": "SHP-RESERVED",
                "packages": [{"sscc": SSCC_A}],
                "lines": [
                    {"sku": "3PL-DESK", "quantity": 4, "package": SSCC_A},
                    # not the lot Odoo reserved: that reservation goes
                    {"sku": "3PL-GLUE", "quantity": 10, "lot": other_lot.name},
                    {"sku": "3PL-LAMP", "quantity": 1, "package": SSCC_A},
                ],
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(picking.state, "done")
        # the desk and the lamp shipped on the lines Odoo reserved
        desk, lamp = reserved[self.desk], reserved[self.lamp]
        self.assertEqual(desk.move_id.state, "done")
        self.assertEqual((desk.quantity, desk.result_package_id.name), (4, SSCC_A))
        self.assertEqual((lamp.quantity, lamp.result_package_id.name), (1, SSCC_A))
        self.assertFalse(reserved[self.glue].exists())
        glue = picking.move_line_ids.filtered(lambda ml: ml.product_id == self.glue)
        self.assertEqual((glue.lot_id, glue.quantity), (other_lot, 10))
        self.assertEqual(self.glue.with_context(lot_id=other_lot.id).qty_available, 20)
        self.assertEqual(picking.backorder_ids.move_ids.product_uom_qty, 1)
        self.assert_reservations_consistent(self.desk | self.glue | self.lamp)

    def test_partial_confirm_cancels_the_rest_per_policy(self):
        self.wms.shipment_partial_policy = "cancel"
        picking = self.make_picking(desk=4, glue=0, lamp=2)
        response = self.post(
            picking,
            {"shipment_id": "SHP-CXL", "lines": [{"sku": "3PL-DESK", "quantity": 3}]},
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertTrue(response.json()["rest_cancelled"])
        self.assertFalse(picking.backorder_ids)
        self.assertEqual(picking.state, "done")
        lamp_move = picking.move_ids.filtered(lambda m: m.product_id == self.lamp)
        self.assertEqual(lamp_move.state, "cancel")
        desk_line = picking.sale_id.order_line.filtered(
            lambda ln: ln.product_id == self.desk
        )
        self.assertEqual(desk_line.qty_delivered, 3)

    def test_wrong_sscc_and_bad_input_are_422_with_pointers(self):
        picking = self.make_picking()
        body = self.full_body()
        body["packages"][1]["sscc"] = SSCC_B[:-1] + "1"
        body["lines"][0]["package"] = "000000000000000000"
        response = self.post(picking, body)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/problem+json")
        pointers = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
        self.assertIn("check digit", pointers["/packages/1/sscc"])
        self.assertIn("/lines/0/package", pointers)
        self.assertEqual(picking.state, "assigned")
        for bad, pointer in (
            ({"shipment_id": "X", "lines": []}, "/lines"),
            (
                {"shipment_id": "X", "lines": [{"sku": "3PL-DESK", "quantity": -1}]},
                "/lines/0/quantity",
            ),
            (
                {
                    "shipment_id": "X",
                    "packages": [{"sscc": "12345"}],
                    "lines": [{"sku": "3PL-DESK", "quantity": 1}],
                },
                "/packages/0/sscc",
            ),
            (
                {
                    "shipment_id": "X",
                    "ship_date": "2026-12-01T10:00:00",
                    "lines": [{"sku": "3PL-DESK", "quantity": 1}],
                },
                "/ship_date",
            ),
        ):
            response = self.post(picking, bad)
            self.assertEqual(response.status_code, 422, (bad, response.text))
            self.assertIn(
                pointer, json.dumps(response.json().get("errors")), response.text
            )
        self.assertEqual(picking.state, "assigned")

    def test_access(self):
        picking = self.make_picking()
        response = self.post(picking, self.full_body(), token=self.stranger_token)
        self.assertEqual(response.status_code, 404, response.text)
        self.assertEqual(picking.state, "assigned")

    def assert_kept(self, response, picking, pointer, kind="business_rule"):
        self.assertEqual(response.status_code, 202, response.text)
        message = self.message()
        self.assertEqual(message.exception_id.kind, kind)
        self.assertEqual(response.json()["exception_id"], message.exception_id.id)
        self.assertIn(pointer, message.exception_id.detail)
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.move_line_ids.result_package_id)
        return message

    def test_over_shipment_is_kept_and_reprocessed_after_the_fix(self):
        picking = self.make_picking(desk=4, glue=0, lamp=0)
        body = {
            "shipment_id": "SHP-OVER",
            "packages": [{"sscc": SSCC_A}],
            "lines": [{"sku": "3PL-DESK", "quantity": 5, "package": SSCC_A}],
        }
        message = self.assert_kept(
            self.post(picking, body), picking, "/lines/0/quantity"
        )
        # the customer keeps the extra desk: the order asks for 5
        picking.sale_id.order_line.product_uom_qty = 5
        message._integration_reprocess()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.quantity, 5)
        self.assertEqual(picking.move_line_ids.result_package_id.name, SSCC_A)

    def test_unknown_lot_is_kept_and_reprocessed_after_the_fix(self):
        picking = self.make_picking(desk=0, glue=3, lamp=0)
        body = {
            "shipment_id": "SHP-LOT",
            "lines": [{"sku": "3PL-GLUE", "quantity": 3, "lot": "GLUE-NEW"}],
        }
        message = self.assert_kept(self.post(picking, body), picking, "/lines/0/lot")
        lot = self.env["stock.lot"].create(
            {"name": "GLUE-NEW", "product_id": self.glue.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.glue, self.warehouse.lot_stock_id, 3, lot_id=lot
        )
        message._integration_reprocess()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id, lot)

    def test_sku_not_on_the_picking_is_kept_and_reprocessed_after_the_fix(self):
        picking = self.make_picking(desk=1, glue=0, lamp=0)
        body = {
            "shipment_id": "SHP-SKU",
            "lines": [
                {"sku": "3PL-DESK", "quantity": 1},
                {"sku": "3PL-LAMP", "quantity": 1},
            ],
        }
        message = self.assert_kept(self.post(picking, body), picking, "/lines/1/sku")
        # the lamp was ordered after all: a new order line adds it to the delivery
        picking.sale_id.order_line = [
            (0, 0, {"product_id": self.lamp.id, "product_uom_qty": 1})
        ]
        self.assertIn(self.lamp, picking.move_ids.product_id)
        message._integration_reprocess()
        self.assertEqual(picking.state, "done")

    def test_unmapped_sku_waits_for_its_mapping(self):
        picking = self.make_picking(desk=2, glue=0, lamp=0)
        body = {"shipment_id": "SHP-MAP", "lines": [{"sku": "DESK-X", "quantity": 2}]}
        message = self.assert_kept(
            self.post(picking, body), picking, "/lines/0/sku", kind="unmapped_code"
        )
        self.env["integration.mapping"].create(
            {
                "system_id": self.wms.id,
                "kind": "product",
                "external_code": "DESK-X",
                "res_id": self.desk.id,
            }
        )
        message._integration_reprocess()
        self.assertEqual(picking.state, "done")

    def test_queued_confirmations_are_validated_together(self):
        self.wms.shipment_confirm_intake = "queued"
        pickings = [self.make_picking(desk=2, glue=0, lamp=1) for _ in range(3)]
        bodies = [
            {"shipment_id": "SHP-Q0", "lines": [{"sku": "3PL-DESK", "quantity": 2}]},
            {
                "shipment_id": "SHP-Q1",
                "lines": [
                    {"sku": "3PL-DESK", "quantity": 2},
                    {"sku": "3PL-LAMP", "quantity": 1},
                ],
            },
            # waits for a person: the lamp is not on this delivery twice over
            {"shipment_id": "SHP-Q2", "lines": [{"sku": "3PL-LAMP", "quantity": 2}]},
        ]
        for picking, body in zip(pickings, bodies, strict=True):
            response = self.post(picking, body)
            self.assertEqual(response.status_code, 202, response.text)
            self.assertEqual(response.json()["status"], "queued")
            self.assertEqual(picking.state, "assigned")
        with trap_jobs():
            result = self.env["integration.api.queue"]._drain(self.wms.id)
        self.assertEqual(result, "3 processed")
        self.assertEqual([p.state for p in pickings], ["done", "done", "assigned"])
        self.assertEqual(pickings[0].backorder_ids.move_ids.product_id, self.lamp)
        self.assertFalse(pickings[1].backorder_ids)
        message = self.message()
        self.assertEqual(message.state, "needs_fix")
        self.assertIn("/lines/0/quantity", message.exception_id.detail)
        # a repeat of a confirmed one answers at once, queued or not
        again = self.post(pickings[1], bodies[1])
        self.assertEqual(again.status_code, 200, again.text)

    def test_confirmations_validated_together_keep_their_own_traces(self):
        self.wms.shipment_confirm_intake = "queued"
        traces = [
            "0af7651916cd43dd8448eb211c80319c",
            "4bf92f3577b34da6a3ce929d0e0e4736",
        ]
        pickings = [self.make_picking(desk=2, glue=0, lamp=0) for _ in traces]
        for index, (picking, trace) in enumerate(zip(pickings, traces, strict=True)):
            response = self.post(
                picking,
                {
                    "shipment_id": f"SHP-TRACE-{index}",
                    "lines": [{"sku": "3PL-DESK", "quantity": 2}],
                },
                headers={"traceparent": f"00-{trace}-b7ad6b7169203331-01"},
            )
            self.assertEqual(response.status_code, 202, response.text)
        with trap_jobs():
            self.env["integration.api.queue"]._drain(self.wms.id)
        self.env.cr.flush()  # what the commit runs first: the precommit hooks
        events = self.env["integration.event"].search(
            [
                ("type", "=", "shipment.dispatched"),
                ("res_model", "=", "stock.picking"),
                ("res_id", "in", [picking.id for picking in pickings]),
            ]
        )
        self.assertEqual(
            {event.res_id: event.trace_id for event in events},
            {
                picking.id: trace
                for picking, trace in zip(pickings, traces, strict=True)
            },
        )

    def queue_three(self, ssccs=None):
        """Three queued confirmations of three deliveries (desk 2, lamp 1,
        the lamp left for a backorder), packed in ``ssccs``; the deliveries
        and their messages."""
        ssccs = ssccs or SSCC_BATCH
        self.wms.shipment_confirm_intake = "queued"
        pickings = [self.make_picking(desk=2, glue=0, lamp=1) for _ in range(3)]
        messages = []
        for index, picking in enumerate(pickings):
            response = self.post(
                picking,
                {
                    "shipment_id": f"SHP-B{index}",
                    "packages": [{"sscc": ssccs[index]}],
                    "lines": [
                        {
                            "sku": "3PL-DESK",
                            "quantity": 2,
                            "package": ssccs[index],
                        }
                    ],
                },
            )
            self.assertEqual(response.status_code, 202, response.text)
            messages.append(self.message())
        return pickings, messages

    def test_batch_validation_failing_on_one_delivery_validates_the_others(self):
        """Odoo refusing one delivery of a batch fails the batch's single
        validation: each confirmation is then processed alone, the refused
        one kept with its exception and its payload, the others validated."""
        pickings, messages = self.queue_three()
        Picking = type(self.env["stock.picking"])
        action_done = Picking._action_done
        refused = pickings[1]

        def refuse_one(records):
            if refused in records:
                raise UserError(self.env._("%s: the dock is closed.", refused.name))
            return action_done(records)

        with patch.object(Picking, "_action_done", refuse_one), trap_jobs():
            result = self.env["integration.api.queue"]._drain(self.wms.id)
        self.assertEqual(result, "3 processed")
        self.assertEqual([p.state for p in pickings], ["done", "assigned", "done"])
        self.assertEqual([m.state for m in messages], ["done", "needs_fix", "done"])
        self.assertIn(
            "the dock is closed",
            messages[1].exception_id.display_name
            + (messages[1].exception_id.detail or ""),
        )
        self.assertEqual(messages[1].body["shipment_id"], "SHP-B1")
        self.assertEqual(json.loads(messages[1]._raw_body())["shipment_id"], "SHP-B1")
        # nothing of the refused confirmation stays on its delivery
        self.assertFalse(refused.integration_shipment_id)
        self.assertFalse(refused.move_line_ids.result_package_id)
        for index in (0, 2):
            picking = pickings[index]
            self.assertEqual(
                picking.move_line_ids.result_package_id.name, SSCC_BATCH[index]
            )
            self.assertEqual(picking.backorder_ids.move_ids.product_id, self.lamp)
        # the person's fix: reprocessed, it goes through
        messages[1]._integration_reprocess()
        self.assertEqual(refused.state, "done")
        self.assertEqual(refused.move_line_ids.result_package_id.name, SSCC_BATCH[1])

    def test_one_sscc_in_two_confirmations_of_a_batch(self):
        """The package of an SSCC holds no goods until its delivery is
        validated, which in a queued batch happens after every confirmation
        is prepared: a second delivery giving the same SSCC is refused, not
        packed into the first's package."""
        ssccs = [SSCC_BATCH[0], SSCC_BATCH[0], SSCC_BATCH[2]]
        pickings, messages = self.queue_three(ssccs)
        with trap_jobs():
            self.env["integration.api.queue"]._drain(self.wms.id)
        self.assertEqual([p.state for p in pickings], ["done", "assigned", "done"])
        self.assertEqual([m.state for m in messages], ["done", "needs_fix", "done"])
        exception = messages[1].exception_id
        self.assertIn(
            pickings[0].name, exception.display_name + (exception.detail or "")
        )
        self.assertEqual(
            pickings[0].move_line_ids.result_package_id.name, SSCC_BATCH[0]
        )
        self.assertFalse(pickings[1].move_line_ids.result_package_id)
        package = pickings[0].move_line_ids.result_package_id
        self.assertEqual(package.quant_ids.product_id, self.desk)
