"""``/api/v1/returns`` over real HTTP into Odoo, and what a received return
sends to a real receiver on 127.0.0.1."""

from odoo.tests import tagged

from .common import AftersalesHttpCase


@tagged("post_install", "-at_install")
class TestReturnsApi(AftersalesHttpCase):
    def rma(self, ref="RMA-1", lines=None, order_ref="RET-1", **values):
        return {
            "rma_ref": ref,
            "order_ref": order_ref,
            "lines": lines
            or [
                {
                    "sku": "SKU-DESK",
                    "quantity": 1,
                    "reason": "DMG",
                    "disposition": "inspect",
                }
            ],
            **values,
        }

    def receive(self, rma, quantities=None):
        """The warehouse receives the return picking(s) as Odoo's UI does."""
        for picking in rma.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ):
            for move in picking.move_ids:
                move.quantity = (quantities or {}).get(
                    move.product_id, move.product_uom_qty
                )
            picking.move_ids.picked = True
            picking.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=picking.ids
            ).button_validate()
        self.env.flush_all()

    def test_return_creates_odoo_return_picking_once_per_rma(self):
        response = self.api("POST", "/returns", self.rma(note="Box crushed"))
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertEqual(body["status"], "announced")
        self.assertEqual(response.headers["Location"], "/api/v1/returns/RMA-1")
        rma = self.env["integration.return"].browse(body["id"])
        self.assertEqual(rma.system_id, self.shop)
        self.assertEqual(rma.order_id, self.order)
        [picking] = rma.picking_ids
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(
            picking.return_id,
            self.order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            ),
        )
        self.assertEqual(picking.move_ids.product_id, self.desk)
        self.assertEqual(picking.move_ids.product_uom_qty, 1)
        self.assertTrue(picking.move_ids.to_refund)
        self.assertEqual(rma.line_ids.reason_id, self.damaged)
        self.assertEqual(rma.line_ids.disposition, "inspect")
        self.assertEqual(
            body["lines"],
            [
                {
                    "sku": "SKU-DESK",
                    "product": self.desk.display_name,
                    "quantity": 1,
                    "received_quantity": 0,
                    "uom": self.desk.uom_id.name,
                    "reason": "DMG",
                    "disposition": "inspect",
                }
            ],
        )
        again = self.api("POST", "/returns", self.rma())
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["id"], rma.id)
        self.assertEqual(
            self.env["stock.picking"].search_count(
                [("integration_return_id", "=", rma.id)]
            ),
            1,
        )
        read = self.api("GET", "/returns/RMA-1")
        self.assertEqual(read.status_code, 200, read.text)
        self.assertEqual(read.json()["pickings"][0]["name"], picking.name)

    def test_a_return_beyond_what_was_delivered_is_refused(self):
        beyond = self.api(
            "POST",
            "/returns",
            self.rma(lines=[{"sku": "SKU-DESK", "quantity": 3, "reason": "DMG"}]),
        )
        problem = self.assertProblem(beyond, 422, "/lines/0/quantity")
        self.assertIn("3 asked, 2 delivered", problem["errors"][0]["detail"])
        first = self.api(
            "POST",
            "/returns",
            self.rma("RMA-A", [{"sku": "SKU-DESK", "quantity": 1, "reason": "DMG"}]),
        )
        self.assertEqual(first.status_code, 201, first.text)
        # the announced return counts: one desk is left, not two
        second = self.api(
            "POST",
            "/returns",
            self.rma(
                "RMA-B",
                [
                    {"sku": "SKU-CHAIR", "quantity": 3, "reason": "DMG"},
                    {"sku": "SKU-DESK", "quantity": 1, "reason": "DMG"},
                    {"sku": "SKU-DESK", "quantity": 1, "reason": "DMG"},
                ],
            ),
        )
        problem = self.assertProblem(second, 422, "/lines/2/quantity")
        self.assertEqual(
            [e["pointer"] for e in problem["errors"]], ["/lines/2/quantity"]
        )
        self.assertFalse(
            self.env["integration.return"].search([("name", "in", ("RMA-1", "RMA-B"))])
        )

    def test_sku_not_on_the_order_and_an_order_of_another_system_are_refused(self):
        self.env["integration.mapping"].create(
            {
                "system_id": self.shop.id,
                "kind": "product",
                "external_code": "SKU-LAMP",
                "res_id": self.lamp.id,
            }
        )
        lamp = self.api(
            "POST",
            "/returns",
            self.rma(lines=[{"sku": "SKU-LAMP", "quantity": 1, "reason": "DMG"}]),
        )
        self.assertProblem(lamp, 422, "/lines/0/sku")
        other = self.make_delivered_order(self.stranger, "OTHER-1", [(self.desk, 1)])
        foreign = self.api("POST", "/returns", self.rma(order_ref=other.name))
        self.assertProblem(foreign, 422, "/order_ref")
        missing = self.api("POST", "/returns", {"rma_ref": "X", "lines": []})
        self.assertProblem(missing, 422)

    def test_an_unmapped_reason_is_kept_and_reprocessed_once_mapped(self):
        body = self.rma(
            "RMA-WAIT", [{"sku": "SKU-DESK", "quantity": 2, "reason": "TOO_BIG"}]
        )
        response = self.api("POST", "/returns", body)
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertEqual(message.reference, "RMA-WAIT")
        exception = self.env["integration.exception"].search(
            [("source_model", "=", message._name), ("source_id", "=", message.id)]
        )
        self.assertEqual(exception.kind, "unmapped_code")
        self.assertIn("TOO_BIG", exception.name)
        self.assertFalse(
            self.env["integration.return"].search([("name", "=", "RMA-WAIT")])
        )
        too_big = self.env["integration.return.reason"].create(
            {"code": "test_too_big", "name": "Too big"}
        )
        self.env["integration.mapping"].create(
            {
                "system_id": self.shop.id,
                "kind": "return_reason",
                "external_code": "TOO_BIG",
                "res_id": too_big.id,
            }
        )
        exception.action_reprocess()
        self.assertEqual(exception.state, "resolved")
        rma = self.env["integration.return"].search([("name", "=", "RMA-WAIT")])
        self.assertEqual(rma.line_ids.reason_id, too_big)
        self.assertEqual(rma.picking_ids.move_ids.product_uom_qty, 2)
        self.assertEqual(message.state, "done")

    def test_a_second_systems_key_gets_404(self):
        self.assertEqual(self.api("POST", "/returns", self.rma()).status_code, 201)
        self.assertProblem(
            self.api("GET", "/returns/RMA-1", token=self.stranger_token), 404
        )
        self.assertProblem(self.api("GET", "/returns/NOPE"), 404)
        # the other system may use the same reference for a return of its own
        other = self.make_delivered_order(self.stranger, "OTHER-2", [(self.desk, 1)])
        theirs = self.api(
            "POST",
            "/returns",
            self.rma(order_ref="OTHER-2"),
            token=self.stranger_token,
        )
        # the stranger has no mapping for DMG: kept until it maps it
        self.assertEqual(theirs.status_code, 202, theirs.text)
        self.assertTrue(other)

    def test_received_return_sends_return_received_and_a_posted_credit_note(self):
        self.shop.return_refund_policy = "posted"
        self.order._create_invoices().action_post()
        ours = self.subscribe(self.shop, "return.received", "invoice.posted")
        theirs = self.subscribe(self.stranger, "return.received", "invoice.posted")
        response = self.api(
            "POST",
            "/returns",
            self.rma(
                lines=[
                    {
                        "sku": "SKU-DESK",
                        "quantity": 2,
                        "reason": "DMG",
                        "disposition": "scrap",
                    },
                    {"sku": "SKU-CHAIR", "quantity": 1, "reason": "DMG"},
                ]
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        rma = self.env["integration.return"].browse(response.json()["id"])
        self.receive(rma, {self.desk: 1, self.chair: 1})
        self.assertEqual(rma.state, "received")
        [refund] = rma.refund_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(
            sorted(
                (line.product_id, line.quantity) for line in refund.invoice_line_ids
            ),
            sorted([(self.desk, 1.0), (self.chair, 1.0)]),
        )
        self.assertAlmostEqual(refund.amount_total, (100 + 40) * 1.21)
        self.assertEqual(
            self.order.order_line.filtered(
                lambda line: line.product_id == self.desk
            ).qty_delivered,
            1,
        )
        self.drain(ours)
        self.drain(theirs)
        [event] = self.received("return.received")
        self.assertEqual(event["subject"], "returns/RMA-1")
        data = event["data"]
        self.assertEqual(data["status"], "received")
        self.assertEqual(
            [
                (
                    line["product"]["partner_sku"],
                    line["quantity"],
                    line["received_quantity"],
                    line["reason"],
                    line["disposition"],
                )
                for line in data["lines"]
            ],
            [("SKU-DESK", 2, 1, "DMG", "scrap"), ("SKU-CHAIR", 1, 1, "DMG", "restock")],
        )
        self.assertEqual(data["credit_notes"][0]["number"], refund.name)
        [posted] = self.received("invoice.posted")
        self.assertEqual(posted["data"]["number"], refund.name)
        self.assertEqual(posted["data"]["kind"], "credit_note")
        self.assertFalse(theirs.delivery_ids, "another system hears nothing of it")
        view = self.api("GET", "/returns/RMA-1").json()
        self.assertEqual([line["received_quantity"] for line in view["lines"]], [1, 1])
        # a second return of what is left of the desk credits what is left
        more = self.api(
            "POST",
            "/returns",
            self.rma("RMA-2", [{"sku": "SKU-DESK", "quantity": 1, "reason": "DMG"}]),
        )
        self.assertEqual(more.status_code, 201, more.text)

    def test_refund_policy_none_and_draft(self):
        self.order._create_invoices().action_post()
        response = self.api("POST", "/returns", self.rma("RMA-NONE"))
        rma = self.env["integration.return"].browse(response.json()["id"])
        self.receive(rma)
        self.assertEqual(rma.state, "received")
        self.assertFalse(rma.refund_ids)
        self.shop.return_refund_policy = "draft"
        response = self.api(
            "POST",
            "/returns",
            self.rma(
                "RMA-DRAFT", [{"sku": "SKU-CHAIR", "quantity": 2, "reason": "DMG"}]
            ),
        )
        rma = self.env["integration.return"].browse(response.json()["id"])
        self.receive(rma)
        self.assertEqual(rma.refund_ids.state, "draft")
        self.assertEqual(rma.refund_ids.invoice_line_ids.quantity, 2)
        view = self.api("GET", "/returns/RMA-DRAFT").json()
        self.assertEqual(view["credit_notes"][0]["state"], "draft")
        self.assertIsNone(view["credit_notes"][0]["number"])

    def test_goods_never_invoiced_are_not_credited(self):
        self.shop.return_refund_policy = "posted"
        response = self.api("POST", "/returns", self.rma("RMA-FREE"))
        rma = self.env["integration.return"].browse(response.json()["id"])
        self.receive(rma)
        self.assertEqual(rma.state, "received")
        self.assertFalse(rma.refund_ids)

    def test_a_partial_receipt_leaves_a_backorder_with_the_return(self):
        subscription = self.subscribe(self.shop, "return.received")
        response = self.api(
            "POST",
            "/returns",
            self.rma(
                "RMA-PART",
                [{"sku": "SKU-DESK", "quantity": 2, "reason": "DMG"}],
            ),
        )
        rma = self.env["integration.return"].browse(response.json()["id"])
        [picking] = rma.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        # the backorder wizard answered "create a backorder"
        picking.with_context(skip_backorder=True).button_validate()
        self.env.flush_all()
        self.assertEqual(rma.state, "partially_received")
        backorder = rma.picking_ids - picking
        self.assertEqual(backorder.backorder_id, picking)
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.receive(rma)
        self.assertEqual(rma.state, "received")
        self.drain(subscription)
        events = self.received("return.received")
        self.assertEqual(
            sorted(
                (
                    e["data"]["picking_ref"],
                    e["data"]["status"],
                    e["data"]["lines"][0]["received_quantity"],
                    e["data"]["lines"][0]["received_total"],
                )
                for e in events
            ),
            [
                (picking.name, "partially_received", 1, 1),
                (backorder.name, "received", 1, 2),
            ],
        )

    def test_goods_from_two_deliveries_come_back_on_two_return_pickings(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "integration_system_id": self.shop.id,
                "integration_external_ref": "RET-SPLIT",
                "order_line": [
                    (0, 0, {"product_id": self.desk.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        first = order.picking_ids
        first.move_ids.quantity = 1
        first.move_ids.picked = True
        first.with_context(skip_backorder=True).button_validate()
        second = order.picking_ids - first
        second.move_ids.quantity = 2
        second.move_ids.picked = True
        second.button_validate()
        self.assertEqual(order.order_line.qty_delivered, 3)
        body = self.rma(
            "RMA-SPLIT",
            [{"sku": "SKU-DESK", "quantity": 3, "reason": "DMG"}],
            order_ref="RET-SPLIT",
        )
        headers = {"Idempotency-Key": "9b2c3c5e-rma-split"}
        response = self.api("POST", "/returns", body, headers=headers)
        self.assertEqual(response.status_code, 201, response.text)
        rma = self.env["integration.return"].browse(response.json()["id"])
        self.assertEqual(
            sorted(
                (p.return_id.name, p.move_ids.product_uom_qty) for p in rma.picking_ids
            ),
            sorted([(first.name, 1.0), (second.name, 2.0)]),
        )
        replay = self.api("POST", "/returns", body, headers=headers)
        self.assertEqual(replay.status_code, 201, replay.text)
        self.assertEqual(replay.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(replay.json()["id"], rma.id)
        self.assertEqual(len(rma.picking_ids), 2)
        self.receive(rma)
        self.assertEqual(rma.state, "received")
        self.assertEqual(order.order_line.qty_delivered, 0)
