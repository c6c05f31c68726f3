"""Queued order intake: ``POST /api/v1/orders`` answers 202 at once and the
queue job creates and confirms the orders in batches."""

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.integration_api.models.integration_api_queue import LOCK_DRAIN
from odoo.addons.queue_job.tests.common import trap_jobs

from .test_api_orders import OrdersApiCase


@tagged("post_install", "-at_install")
class TestQueuedOrdersApi(OrdersApiCase):
    def set_queued(self):
        self.system.order_intake_mode = "queued"

    def drain(self):
        """Run the job the way the runner would; its summary."""
        with trap_jobs():
            return self.env["integration.api.queue"]._drain(self.system.id)

    def messages(self, ref):
        return self.env["integration.api.message"].search(
            [("system_id", "=", self.system.id), ("reference", "=", ref)], order="id"
        )

    def orders(self, ref):
        return self.env["sale.order"].search(
            [
                ("integration_system_id", "=", self.system.id),
                ("integration_external_ref", "=", ref),
            ]
        )

    def test_queued_answer_status_then_processed(self):
        self.set_queued()
        response = self.call("POST", "/orders", self.order_body(external_ref="Q-1"))
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        message = self.env["integration.api.message"].browse(answer["message_id"])
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.reference, "Q-1")
        self.assertEqual(answer["status"], "queued")
        self.assertEqual(answer["status_url"], f"/api/v1/messages/{message.id}")
        self.assertEqual(response.headers["Location"], "/api/v1/orders/Q-1")
        self.assertEqual(response.headers["Preference-Applied"], "respond-async")
        self.assertFalse(self.orders("Q-1"))
        jobs = self.env["queue.job"].search(
            [("identity_key", "=like", f"integration_api.queue-{self.system.id}-%")]
        )
        self.assertEqual(len(jobs), 1, "the request enqueued the drain job")
        self.assertEqual(jobs.channel, "root.integration_api")

        # the partner follows the links before the job ran
        status = self.call("GET", "/orders/Q-1").json()
        self.assertEqual(status["status"], "received")
        self.assertEqual(status["message_id"], message.id)
        self.assertIsNone(status["order_ref"])
        message_status = self.call("GET", f"/messages/{message.id}").json()
        self.assertEqual(message_status["status"], "queued")
        self.assertEqual(message_status["reference"], "Q-1")
        cancel = self.call("POST", "/orders/Q-1/cancel")
        self.assertEqual(cancel.status_code, 409, cancel.text)

        self.assertEqual(self.drain(), "1 processed")
        order = self.orders("Q-1")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.price_unit, 99.5)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.result_status, 201)
        self.assertEqual(message.result_body["order_ref"], order.name)
        self.assertEqual(message.res_ids, str(order.id))
        event = self.env["integration.event"].search(
            [("type", "=", "order.accepted"), ("res_id", "=", order.id)]
        )
        self.assertEqual(event.correlation_id, response.headers["X-Request-Id"])
        status = self.call("GET", "/orders/Q-1").json()
        self.assertEqual(status["order_ref"], order.name)
        self.assertIn(status["status"], ("accepted", "reserved"))
        self.assertEqual(
            self.call("GET", f"/messages/{message.id}").json()["status"], "done"
        )
        self.assertEqual(self.drain(), "0 processed")

    def test_resend_while_queued_points_to_the_first_message(self):
        self.set_queued()
        first = self.call("POST", "/orders", self.order_body(external_ref="Q-2")).json()
        again = self.call("POST", "/orders", self.order_body(external_ref="Q-2"))
        self.assertEqual(again.status_code, 202, again.text)
        self.assertEqual(again.json()["message_id"], first["message_id"])
        self.assertEqual(self.messages("Q-2").mapped("state"), ["queued", "done"])
        self.drain()
        self.assertEqual(len(self.orders("Q-2")), 1)
        # once created, a resend answers the order itself
        after = self.call("POST", "/orders", self.order_body(external_ref="Q-2"))
        self.assertEqual(after.status_code, 200, after.text)
        self.assertEqual(after.json()["id"], self.orders("Q-2").id)

    def test_prefer_respond_async_on_an_immediate_system(self):
        self.assertEqual(self.system.order_intake_mode, "immediate")
        queued = self.call(
            "POST",
            "/orders",
            self.order_body(external_ref="Q-3"),
            headers={"Prefer": "respond-async, wait=5"},
        )
        self.assertEqual(queued.status_code, 202, queued.text)
        self.assertEqual(queued.headers["Preference-Applied"], "respond-async")
        plain = self.call("POST", "/orders", self.order_body(external_ref="Q-4"))
        self.assertEqual(plain.status_code, 201, plain.text)
        self.assertNotIn("Preference-Applied", plain.headers)

    def test_batch_keeps_going_past_an_unmapped_code(self):
        """Good orders of the batch are created; the unmapped one waits for a
        person, and is created once the mapping exists."""
        self.set_queued()
        bodies = [
            self.order_body(external_ref="B-1"),
            self.order_body(external_ref="B-2", lines=[{"sku": "SKU-NEW", "qty": 1}]),
            self.order_body(external_ref="B-3"),
            self.order_body(external_ref="B-1", client_order_ref="sent twice"),
        ]
        for body in bodies:
            self.assertEqual(self.call("POST", "/orders", body).status_code, 202)
        # the resend of B-1 points to the first message: three queued
        self.assertEqual(
            self.env["integration.api.message"].search_count(
                [("system_id", "=", self.system.id), ("state", "=", "queued")]
            ),
            3,
        )
        self.assertEqual(self.drain(), "3 processed")
        self.assertEqual(self.orders("B-1").state, "sale")
        self.assertEqual(self.orders("B-3").state, "sale")
        self.assertFalse(self.orders("B-2"))
        waiting = self.messages("B-2")
        self.assertEqual(waiting.state, "needs_fix")
        self.assertEqual(waiting.exception_id.kind, "unmapped_code")
        status = self.call("GET", "/orders/B-2").json()
        self.assertEqual(status["status"], "on_hold")
        self.assertIn("SKU-NEW", status["detail"])

        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_code": "SKU-NEW",
                "res_id": self.desk.id,
            }
        )
        waiting.exception_id.action_reprocess()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(waiting.exception_id.state, "resolved")
        self.assertEqual(self.orders("B-2").state, "sale")

    def test_a_crashing_message_does_not_block_the_batch(self):
        """The batch falls back to one message at a time: the broken one is
        kept as failed with an exception, the others are created."""
        self.set_queued()
        self.call("POST", "/orders", self.order_body(external_ref="C-1-OK"))
        route = "POST /orders"
        broken = self.env["integration.api.message"].create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": route,
                "path": "/api/v1/orders",
                "body": {"external_ref": "C-2-BROKEN"},  # no lines: the handler crashes
                "state": "queued",
                "reference": "C-2-BROKEN",
            }
        )
        self.call("POST", "/orders", self.order_body(external_ref="C-3-OK"))
        with mute_logger(
            "odoo.addons.integration_api.models.integration_api_queue",
            "odoo.addons.integration_api.models.integration_api_message",
            "odoo.addons.integration_api.models.integration_api_runner",
        ):
            self.assertEqual(self.drain(), "3 processed")
        self.assertEqual(self.orders("C-1-OK").state, "sale")
        self.assertEqual(self.orders("C-3-OK").state, "sale")
        self.assertEqual(broken.state, "failed")
        self.assertEqual(broken.exception_id.severity, "high")

    def test_cron_enqueues_a_drain_for_messages_left_queued(self):
        self.set_queued()
        answer = self.call(
            "POST", "/orders", self.order_body(external_ref="S-1")
        ).json()
        message = self.env["integration.api.message"].browse(answer["message_id"])
        job = self.env["queue.job"].search(
            [("identity_key", "=like", f"integration_api.queue-{self.system.id}-%")]
        )
        job.state = "enqueued"  # and stuck there: its runner died
        Queue = self.env["integration.api.queue"]
        with trap_jobs() as trap:
            Queue._cron_enqueue_stuck()
            trap.assert_jobs_count(0)  # too recent: its own job may still come
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_api_message SET create_date = %s WHERE id = %s",
            (fields.Datetime.subtract(fields.Datetime.now(), minutes=5), message.id),
        )
        with trap_jobs() as trap:
            Queue._cron_enqueue_stuck()
            trap.assert_jobs_count(1, only=Queue._drain)
            trap.perform_enqueued_jobs()
        self.assertEqual(message.state, "done")
        self.assertEqual(self.orders("S-1").state, "sale")

    def test_a_drain_claims_its_share_of_the_queue_oldest_first(self):
        self.set_queued()
        for n in range(16):
            body = self.order_body(external_ref=f"G-{n:02d}")
            self.assertEqual(self.call("POST", "/orders", body).status_code, 202)
        Queue = self.env["integration.api.queue"]
        first_slot = Queue._drain_slot_range(self.system.id)[0]
        cr = self.env.cr
        # two drains of the system at work, as PostgreSQL sees it
        held = (first_slot, first_slot + 1)
        for key in held:
            cr.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_DRAIN, key))
        try:
            claimed = Queue._claim(self.system.id, 50)
        finally:
            for key in held:
                cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_DRAIN, key))
        self.assertEqual(claimed.mapped("reference"), [f"G-{n:02d}" for n in range(8)])
        self.assertEqual(set(claimed.mapped("state")), {"queued"})

    def test_openapi_documents_the_queued_answer(self):
        document = self.url_open("/api/v1/openapi.json").json()
        responses = document["paths"]["/api/v1/orders"]["post"]["responses"]
        self.assertIn("202", responses)
        accepted = document["components"]["schemas"]["MessageAccepted"]
        self.assertIn("queued", accepted["properties"]["status"]["enum"])
