"""shipment.released and ``POST /api/v1/shipments/{ref}/ack`` over real HTTP,
the events into a real receiver, the acknowledgement window's cron on
constructed times."""

import json
from datetime import timedelta

import standardwebhooks

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.integration_api.tests.common import issue_token
from odoo.addons.integration_webhook.tests.common import set_up_local_receiver
from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestRelease(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        set_up_local_receiver(cls)
        bot = new_test_user(
            cls.env, login="release_bot", groups="stock.group_stock_user"
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        System = cls.env["integration.system"]
        cls.shop = System.create(
            {"name": "Release shop", "code": "rel_shop", "state": "active"}
        )
        cls.wms = System.create(
            {
                "name": "Release 3PL",
                "code": "rel_3pl",
                "kind": "wms",
                "state": "active",
                "user_id": bot.id,
                "release_ack_window": 30,
            }
        )
        cls.stranger = System.create(
            {
                "name": "Release stranger",
                "code": "rel_stranger",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Release customer",
                "street": "1 Dock Rd",
                "city": "Ghent",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Released desk", "default_code": "DESK-1", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Release Express",
                "delivery_type": "fixed",
                "product_id": cls.env["product.product"]
                .create({"name": "Shipping", "type": "service"})
                .id,
            }
        )
        Mapping = cls.env["integration.mapping"]
        for kind, code, record in (
            ("warehouse", "GENT", cls.warehouse),
            ("product", "3PL-DESK", cls.product),
            ("carrier", "DHL", cls.carrier),
            ("carrier_service", "EXP", cls.carrier),
        ):
            Mapping.create(
                {
                    "system_id": cls.wms.id,
                    "kind": kind,
                    "external_code": code,
                    "res_id": record.id,
                }
            )
        released = cls.env.ref("integration_fulfilment.event_type_shipment_released")
        Subscription = cls.env["integration.subscription"]
        cls.wms_subscription = Subscription.create(
            {
                "name": "3PL releases",
                "target_url": cls.receiver.url,
                "system_id": cls.wms.id,
                "event_type_ids": [(6, 0, released.ids)],
                "retry_schedule": "1,1",
            }
        )
        cls.internal_subscription = Subscription.create(
            {
                "name": "Planning releases",
                "target_url": cls.receiver.url,
                "event_type_ids": [(6, 0, released.ids)],
                "retry_schedule": "1,1",
            }
        )
        cls.token = cls.make_token(cls.wms)
        cls.stranger_token = cls.make_token(cls.stranger)

    @classmethod
    def make_token(cls, system):
        return issue_token(cls.env, system, ("shipments:write",), name="rel")

    def setUp(self):
        super().setUp()
        self.receiver.server.received.clear()
        self.receiver.set_default(200)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def confirm_order(self, quantity=2, ref="REL-1"):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "integration_system_id": self.shop.id,
                "integration_external_ref": ref,
                "carrier_id": self.carrier.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": quantity})
                ],
            }
        )
        order.action_confirm()
        return order, order.picking_ids

    def released(self, picking):
        return self.env["integration.event"].search(
            [
                ("type", "=", "shipment.released"),
                ("res_model", "=", "stock.picking"),
                ("res_id", "=", picking.id),
            ],
            order="id",
        )

    def ack(self, picking, body, token=None, ref=None):
        return self.opener.post(
            f"{self.base_url()}/api/v1/shipments/{ref or picking.id}/ack",
            data=json.dumps(body),
            headers={
                "X-Api-Key": token or self.token,
                "Content-Type": "application/json",
            },
            timeout=30,
        )

    def exceptions(self, picking, kind):
        return self.env["integration.exception"].search(
            [
                ("res_model", "=", "stock.picking"),
                ("res_id", "=", picking.id),
                ("kind", "=", kind),
            ]
        )

    # ------------------------------------------------------------------
    # shipment.released
    # ------------------------------------------------------------------
    def test_ready_delivery_is_released_once_per_system_in_its_codes(self):
        _order, picking = self.confirm_order()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(self.released(picking), "written at commit time")
        self.env.cr.flush()  # what the commit runs first
        events = self.released(picking)
        self.assertEqual(len(events), 2, "one for the 3PL, one in Odoo's codes")
        own = events.filtered(lambda e: e.system_id == self.wms)
        internal = events - own
        self.assertEqual(own.state, "published", own.data)
        self.assertEqual(internal.state, "published", internal.data)
        self.assertEqual(own.subject, f"shipments/{picking.name}")
        data = own.data
        self.assertEqual(data["release"], 1)
        self.assertEqual(data["external_ref"], "REL-1")
        self.assertEqual(data["source_system"], "rel_shop")
        self.assertEqual(data["warehouse"]["partner_code"], "GENT")
        self.assertEqual(
            (data["carrier"]["partner_code"], data["carrier"]["service_code"]),
            ("DHL", "EXP"),
        )
        self.assertEqual(data["ship_to"]["city"], "Ghent")
        [line] = data["lines"]
        self.assertEqual((line["sku"], line["quantity"]), ("3PL-DESK", 2.0))
        self.assertEqual(line["reserved"], 2.0)
        self.assertTrue(data["requested_date"])
        released_at = fields.Datetime.to_datetime(
            data["released_at"].rstrip("Z").replace("T", " ")
        )
        self.assertEqual(
            data["ack_due_at"],
            (released_at + timedelta(minutes=30)).isoformat() + "Z",
        )
        self.assertEqual(internal.data["lines"][0]["sku"], "DESK-1")
        self.assertIsNone(internal.data["carrier"]["partner_code"])
        self.assertIsNone(internal.data["ack_due_at"])
        # each audience hears its own release
        self.assertEqual(self.wms_subscription.delivery_ids.event_id, own)
        self.assertEqual(self.internal_subscription.delivery_ids.event_id, internal)
        [row] = picking.integration_release_ids
        self.assertEqual((row.system_id, row.state), (self.wms, "pending"))
        self.assertEqual(picking.integration_ack_state, "pending")
        # the 3PL's endpoint receives it signed
        with trap_jobs():
            self.wms_subscription._drain()
        [received] = self.receiver.received
        payload = standardwebhooks.Webhook(
            self.wms_subscription.secret_ids._plaintext()
        ).verify(received.body, received.headers)
        self.assertEqual(payload["type"], "shipment.released")
        self.assertEqual(payload["data"]["lines"][0]["sku"], "3PL-DESK")
        # unreserved and reserved again: still the one release
        picking.do_unreserve()
        picking.action_assign()
        self.env.cr.flush()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(self.released(picking), events)
        self.assertEqual(picking.integration_release_count, 1)

    def test_delivery_not_ready_is_not_released(self):
        _order, picking = self.confirm_order(quantity=1000)  # 100 in stock
        self.assertEqual(picking.state, "assigned", "partially available: ready")
        picking.do_unreserve()
        self.env.cr.flush()
        self.assertNotEqual(picking.state, "assigned")
        self.assertFalse(self.released(picking))
        response = self.ack(picking, {"status": "accepted"})
        self.assertEqual(response.status_code, 409, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/problem+json")

    def test_nobody_subscribed_releases_nothing(self):
        (self.wms_subscription | self.internal_subscription).write(
            {"state": "disabled"}
        )
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        self.assertFalse(self.released(picking))
        self.assertFalse(picking.integration_ack_state)

    # ------------------------------------------------------------------
    # POST /shipments/{ref}/ack
    # ------------------------------------------------------------------
    def test_accept_is_idempotent_and_other_systems_get_404(self):
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        body = {"status": "accepted", "warehouse_reference": "3PL-7781"}
        response = self.ack(picking, body)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(
            (answer["status"], answer["duplicate"], answer["ack_state"]),
            ("accepted", False, "accepted"),
        )
        self.assertFalse(answer["late"])
        picking.invalidate_recordset()
        self.assertEqual(picking.integration_ack_state, "accepted")
        self.assertEqual(picking.integration_warehouse_ref, "3PL-7781")
        again = self.ack(picking, body)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertTrue(again.json()["duplicate"])
        keyed = self.opener.post(
            f"{self.base_url()}/api/v1/shipments/{picking.id}/ack",
            data=json.dumps(body),
            headers={
                "X-Api-Key": self.token,
                "Content-Type": "application/json",
                "Idempotency-Key": "6f1c0e52-ack-1",
            },
            timeout=30,
        )
        replayed = self.opener.post(
            keyed.request.url,
            data=keyed.request.body,
            headers=dict(keyed.request.headers),
            timeout=30,
        )
        self.assertEqual(replayed.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(replayed.json(), keyed.json())
        self.assertEqual(again.json()["acknowledged_at"], answer["acknowledged_at"])
        stranger = self.ack(picking, body, token=self.stranger_token)
        self.assertEqual(stranger.status_code, 404, stranger.text)
        self.assertEqual(len(picking.integration_release_ids), 1)

    def test_bad_answers_are_problems_with_pointers(self):
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        no_reason = self.ack(picking, {"status": "rejected"})
        self.assertEqual(no_reason.status_code, 422, no_reason.text)
        self.assertIn("/reason", [e["pointer"] for e in no_reason.json()["errors"]])
        wrong = self.ack(picking, {"status": "maybe"})
        self.assertEqual(wrong.status_code, 422, wrong.text)
        self.assertIn("/status", [e["pointer"] for e in wrong.json()["errors"]])
        stale = self.ack(picking, {"status": "accepted", "release": 2})
        self.assertEqual(stale.status_code, 409, stale.text)
        self.assertEqual(stale.json()["errors"][0]["pointer"], "/release")
        picking.invalidate_recordset()
        self.assertEqual(picking.integration_ack_state, "pending")

    def test_rejection_opens_an_exception_resolved_by_releasing_again(self):
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        response = self.ack(
            picking, {"status": "rejected", "reason": "No street number"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["ack_state"], "rejected")
        picking.invalidate_recordset()
        self.assertEqual(picking.integration_ack_state, "rejected")
        [exception] = self.exceptions(picking, "business_rule")
        self.assertEqual(exception.state, "new")
        self.assertEqual(exception.system_id, self.wms)
        self.assertIn("No street number", exception.detail)
        # the clerk fixes the address and releases again
        self.customer.street = "1 Dock Rd 12"
        picking.action_integration_release_again()
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(picking.integration_release_count, 2)
        self.assertEqual(picking.integration_ack_state, "pending")
        own = self.released(picking).filtered(lambda e: e.system_id == self.wms)
        self.assertEqual(own.mapped(lambda e: e.data["release"]), [1, 2])
        self.assertEqual(own[-1].data["ship_to"]["street"], "1 Dock Rd 12")
        superseded = self.ack(picking, {"status": "accepted", "release": 1})
        self.assertEqual(superseded.status_code, 409, superseded.text)
        accepted = self.ack(picking, {"status": "accepted", "release": 2})
        self.assertEqual(accepted.status_code, 200, accepted.text)
        self.assertEqual(accepted.json()["ack_state"], "accepted")
        self.assertEqual(
            picking.integration_release_ids.filtered("current").state, "accepted"
        )

    # ------------------------------------------------------------------
    # The acknowledgement window
    # ------------------------------------------------------------------
    def test_unanswered_release_is_one_sla_breach_resolved_by_a_late_answer(self):
        _order, picking = self.confirm_order()
        _order2, other = self.confirm_order(ref="REL-2")
        self.env.cr.flush()
        [row] = picking.integration_release_ids
        Release = self.env["integration.shipment.release"]
        due = row.ack_due_at
        self.assertEqual(due, row.released_at + timedelta(minutes=30))
        self.assertFalse(
            Release._cron_check_ack_windows(now=due - timedelta(minutes=1))
        )
        self.assertFalse(self.exceptions(picking, "sla_breach"))
        late = Release._cron_check_ack_windows(now=due + timedelta(minutes=1))
        self.assertEqual(
            late, picking.integration_release_ids | other.integration_release_ids
        )
        [breach] = self.exceptions(picking, "sla_breach")
        self.assertEqual(breach.system_id, self.wms)
        self.assertEqual(
            len(self.exceptions(other, "sla_breach")), 1, "one per picking"
        )
        self.assertEqual(picking.integration_ack_state, "overdue")
        # the next runs do not pile up
        self.assertFalse(Release._cron_check_ack_windows(now=due + timedelta(hours=2)))
        self.assertEqual(breach.count, 1)
        response = self.ack(picking, {"status": "accepted"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.json()["late"])
        self.assertEqual(breach.state, "resolved")
        picking.invalidate_recordset()
        self.assertEqual(picking.integration_ack_state, "accepted")
        self.assertEqual(self.exceptions(other, "sla_breach").state, "new")

    def test_the_scheduled_action_checks_the_windows(self):
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        row = picking.integration_release_ids
        row.write(
            {
                "released_at": fields.Datetime.now() - timedelta(hours=1),
                "ack_due_at": fields.Datetime.now() - timedelta(minutes=30),
            }
        )
        self.env.ref(
            "integration_fulfilment.ir_cron_integration_release_ack_windows"
        ).method_direct_trigger()
        self.assertTrue(row.breached)
        self.assertEqual(len(self.exceptions(picking, "sla_breach")), 1)

    def test_no_window_no_breach(self):
        self.wms.release_ack_window = 0
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        [row] = picking.integration_release_ids
        self.assertFalse(row.ack_due_at)
        Release = self.env["integration.shipment.release"]
        self.assertFalse(
            Release._cron_check_ack_windows(now=row.released_at + timedelta(days=30))
        )
        self.assertEqual(picking.integration_ack_state, "pending")

    def test_releases_of_another_company_stay_hidden(self):
        _order, picking = self.confirm_order()
        self.env.cr.flush()
        other = self.env["res.company"].create({"name": "Release other company"})
        clerk = new_test_user(
            self.env,
            login="release_other_clerk",
            groups="stock.group_stock_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        Release = self.env["integration.shipment.release"]
        self.assertIn(
            picking.integration_release_ids,
            Release.with_user(self.wms.user_id).search([]),
        )
        self.assertFalse(
            Release.with_user(clerk).search([("picking_id", "=", picking.id)])
        )

    # ------------------------------------------------------------------
    # The contract
    # ------------------------------------------------------------------
    def test_openapi_document_has_the_route_and_the_event(self):
        response = self.opener.get(f"{self.base_url()}/api/v1/openapi.json", timeout=30)
        self.assertEqual(response.status_code, 200, response.text)
        document = response.json()
        self.assertIn("post", document["paths"]["/api/v1/shipments/{ref}/ack"])
        self.assertIn("shipment.released", json.dumps(document["webhooks"]))
