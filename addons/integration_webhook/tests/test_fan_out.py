from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase


@tagged("post_install", "-at_install")
class TestFanOut(WebhookCase):
    def test_one_delivery_per_matching_subscription_and_one_job_per_endpoint(self):
        first = self.subscribe(name="A")
        second = self.subscribe(name="B")
        paused = self.subscribe(name="Paused", state="paused")
        other_type = self.env["integration.event.type"].create(
            {"code": "test.other", "version": 1, "name": "Other"}
        )
        self.subscribe(name="Other type", event_type_ids=[(6, 0, other_type.ids)])
        with trap_jobs() as trap:
            event = self.emit()
            self.emit("again")
        deliveries = self.env["integration.delivery"].search(
            [("event_id", "=", event.id)]
        )
        self.assertEqual(deliveries.subscription_id, first | second | paused)
        self.assertEqual(set(deliveries.mapped("state")), {"pending"})
        # one drain job per active endpoint for the whole transaction
        trap.assert_jobs_count(2)
        self.assertEqual({job.recordset for job in trap.enqueued_jobs}, {first, second})

    def test_shadow_mode_records_without_sending(self):
        shadow = self.subscribe(shadow_mode=True)
        with trap_jobs() as trap:
            event = self.emit()
        delivery = shadow.delivery_ids
        self.assertEqual(delivery.event_id, event)
        self.assertEqual(delivery.state, "shadow")
        self.assertIn('"message":"hello"', delivery.payload_preview)
        trap.assert_jobs_count(0)

    def test_rolled_back_transaction_writes_and_sends_nothing(self):
        self.subscribe()
        events = self.env["integration.event"].search_count([])
        deliveries = self.env["integration.delivery"].search_count([])
        jobs = self.env["queue.job"].search_count([])
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.emit()
            raise ZeroDivisionError("the business write fails after the event")
        self.assertEqual(self.env["integration.event"].search_count([]), events)
        self.assertEqual(self.env["integration.delivery"].search_count([]), deliveries)
        self.assertEqual(self.env["queue.job"].search_count([]), jobs)
        self.assertEqual(self.receiver.received, [])

    def test_filter_domain_on_the_source_record(self):
        system_type = self.env["integration.event.type"].create(
            {
                "code": "test.system.changed",
                "version": 1,
                "name": "System changed",
                "res_model": "integration.system",
                "schema_file": "integration_core/schemas/integration.ping.v1.json",
            }
        )
        wms = self.env["integration.system"].create(
            {"name": "WMS", "code": "wms", "kind": "wms"}
        )
        only_wms = self.subscribe(
            event_type_ids=[(6, 0, system_type.ids)],
            filter_domain="[('kind', '=', 'wms')]",
        )
        with trap_jobs():
            kept, dropped = self.env["integration.event"]._emit_many(
                [
                    {
                        "type": "test.system.changed",
                        "data": {"message": "x"},
                        "record": wms,
                    },
                    {
                        "type": "test.system.changed",
                        "data": {"message": "y"},
                        "record": self.system,
                    },
                ]
            )
        self.assertEqual(only_wms.delivery_ids.event_id, kept)
        self.assertNotIn(dropped, only_wms.delivery_ids.event_id)

    def test_other_company_subscription_gets_nothing(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        elsewhere = self.subscribe(company_id=other.id)
        with trap_jobs():
            self.emit()
        self.assertFalse(elsewhere.delivery_ids)

    def test_a_partner_subscription_hears_its_own_system_only(self):
        other_system = self.env["integration.system"].create(
            {"name": "Other shop", "code": "other_shop_fan_out", "kind": "web_shop"}
        )
        own = self.subscribe()
        internal = self.subscribe(name="Internal consumer", system_id=False)
        with trap_jobs():
            mine = self.emit("mine", system=self.system)
            theirs = self.emit("theirs", system=other_system)
            nobodys = self.emit("nobody's")
        self.assertEqual(own.delivery_ids.event_id, mine | nobodys)
        self.assertEqual(internal.delivery_ids.event_id, mine | theirs | nobodys)
