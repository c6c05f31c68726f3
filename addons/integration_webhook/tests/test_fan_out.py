from datetime import timedelta
from unittest.mock import patch

from odoo import api, fields
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job
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

    def test_drain_jobs_are_stored_as_queue_job_stores_them(self):
        """Without trap_jobs(): the jobs written in bulk are queue_job's own
        (it loads them, runs them, dedupes them by identity key)."""
        first = self.subscribe(name="A")
        second = self.subscribe(name="B")
        jobs = self.env["queue.job"]
        before = jobs.search([])
        self.emit()
        self.emit("again")  # same transaction: the same two jobs
        created = jobs.search([]) - before
        self.assertEqual(len(created), 2)
        self.assertEqual(set(created.mapped("records")), {first, second})
        self.env.cr.execute("SELECT txid_current()")
        txid = self.env.cr.fetchone()[0]
        for job in created:
            subscription = job.records
            self.assertEqual(
                job.identity_key,
                f"integration_webhook.drain-{subscription.id}-tx-{txid}",
            )
            self.assertEqual(
                (job.state, job.channel, job.method_name, job.model_name),
                ("pending", "root.integration_webhook", "_drain", subscription._name),
            )
            self.assertEqual(job.name, f"Webhooks to {subscription.name}")
            self.assertEqual((job.max_retries, job.priority, job.eta), (0, 10, False))
            self.assertEqual(
                job.job_function_id.name, "<integration.subscription>._drain"
            )
            self.assertEqual(job.user_id, self.env.user)
            self.assertEqual(job.company_id, self.env.company)
            self.assertEqual(
                job.dependencies, {"depends_on": [], "reverse_depends_on": []}
            )
        # the runner's side: queue_job loads the row into the job it runs
        # (running it here would open a cursor of its own: allow_commit)
        loaded = Job.load(self.env, created[0].uuid)
        self.assertEqual(loaded.recordset, created[0].records)
        self.assertEqual(
            (loaded.method_name, loaded.args, loaded.kwargs), ("_drain", (), {})
        )
        self.assertEqual(loaded.identity_key, created[0].identity_key)
        self.assertTrue(loaded.job_config.allow_commit)

    def test_a_job_rolled_back_in_a_savepoint_is_enqueued_again(self):
        """The identity keys are read from the database, not remembered: a
        job undone with its savepoint does not leave the next delivery
        without its drain."""
        subscription = self.subscribe()
        jobs = self.env["queue.job"]
        before = jobs.search([])
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.emit()
            self.assertEqual(len(jobs.search([]) - before), 1)
            raise ZeroDivisionError
        self.assertFalse(jobs.search([]) - before)
        self.emit("kept")
        self.assertEqual((jobs.search([]) - before).records, subscription)

    # ------------------------------------------------------------------
    # What the fan-out costs the emitting transaction
    # ------------------------------------------------------------------
    def _new_event(self, index):
        """An event as ``_emit`` leaves it, its fan-out not run yet."""
        return self.env["integration.event"].create(
            {
                "event_type_id": self.ping.id,
                "source": "test",
                "subject": f"test/{index}",
                "data": {"message": "x"},
                "company_id": self.env.company.id,
            }
        )

    def _fan_out_queries(self, event):
        """Queries of the fan-out of ``event`` as in a new transaction (no
        subscription cached), and of the flush after it."""
        cr = self.env.cr
        self.env.flush_all()
        self.env["integration.subscription"].invalidate_model()
        self.env["integration.delivery"].invalidate_model()
        before = cr.sql_log_count
        deliveries = event._fan_out()
        during = cr.sql_log_count - before
        self.env.flush_all()
        return deliveries, during, cr.sql_log_count - before - during

    def test_the_fan_out_makes_the_same_queries_for_one_or_ten_subscriptions(self):
        """One query finds the subscriptions with what is read of them, one
        inserts the deliveries, one the drain jobs; the flush after it has
        nothing of theirs left to write (``system_id`` is precomputed)."""
        jobs = self.env["queue.job"]
        before = jobs.search([])
        subscriptions = first = self.subscribe(name="S0")
        # the registry's caches (ir.default, the job function) warm, as in a
        # server that already ran one fan-out
        self._fan_out_queries(self._new_event("warm-up"))
        one = self._fan_out_queries(self._new_event(0))
        subscriptions |= self.env["integration.subscription"].create(
            [
                {
                    "name": f"S{n}",
                    "target_url": self.receiver.url,
                    "event_type_ids": [(6, 0, self.ping.ids)],
                    "system_id": self.system.id,
                }
                for n in range(1, 10)
            ]
        )
        ten = self._fan_out_queries(self._new_event(1))
        self.assertEqual(one[0].subscription_id, first)
        self.assertEqual(ten[0].subscription_id, subscriptions)
        self.assertEqual(one[1], 3)
        self.assertEqual(ten[1], 3)
        self.assertEqual(one[2], ten[2])
        self.assertEqual(
            ten[0].mapped("system_id"), self.system, "precomputed in the insert"
        )
        stored = jobs.search([]) - before
        self.assertEqual(set(stored.mapped("records")), set(subscriptions))

    def test_inserted_deliveries_read_as_created_ones(self):
        """``_insert`` gives the rows and the cache ``create`` gives: every
        stored field, the company, the related system, the defaults (the
        field's and the context's), the magic columns, the subscription's
        cached ``delivery_ids``."""
        subscription = self.subscribe()
        first, second = self._new_event(0), self._new_event(1)
        deliveries = (
            self.env["integration.delivery"]
            .sudo()
            .with_context(default_last_error="from the context", default_is_test=True)
        )
        # cached: the insert must add to it
        self.assertFalse(subscription.delivery_ids)
        vals = [first._delivery_vals(subscription)]
        del vals[0]["state"]  # its default then
        inserted = deliveries._insert(vals)
        created = deliveries.create([dict(vals[0], event_id=second.id)])
        self.assertEqual(subscription.delivery_ids, inserted | created)
        names = [
            name
            for name, field in inserted._fields.items()
            if field.store and name not in ("id", "event_id")
        ]

        def values(delivery):
            return {name: delivery[name] for name in names}

        in_cache = values(inserted)
        self.assertEqual(in_cache, values(created))
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(values(inserted), in_cache)
        self.assertEqual(values(created), in_cache)
        self.assertEqual(
            (in_cache["state"], in_cache["last_error"], in_cache["is_test"]),
            ("pending", "from the context", True),
        )
        self.assertEqual(in_cache["company_id"], subscription.company_id)
        self.assertEqual(in_cache["system_id"], self.system)
        self.assertEqual(in_cache["create_uid"], self.env.user)
        self.assertTrue(in_cache["create_date"])

    def test_insert_falls_back_to_create_for_values_it_does_not_handle(self):
        """Values of different keys, or of a non-column field, go through
        ``create``: the same deliveries."""
        subscription = self.subscribe()
        first, second = self._new_event(0), self._new_event(1)
        deliveries = self.env["integration.delivery"].sudo()
        vals = [first._delivery_vals(subscription), second._delivery_vals(subscription)]
        del vals[1]["next_attempt_at"]
        self.assertIsNone(deliveries._insert_defaults(vals))
        self.assertIsNone(deliveries._insert_defaults([dict(vals[0], attempt_ids=[])]))
        inserted = deliveries._insert(vals)
        self.assertEqual(inserted.event_id, first | second)
        self.assertEqual(set(inserted.mapped("state")), {"pending"})

    def test_an_override_of_create_still_sees_the_fan_out_deliveries(self):
        """A rule of base_automation on deliveries replaces ``create`` on the
        registry's class of the model (``patch`` in ``_register_hook``): the
        fan-out then creates its deliveries through it."""
        subscription = self.subscribe()
        model_class = type(self.env["integration.delivery"])
        origin = model_class.create
        seen = []

        @api.model_create_multi
        def create(records, vals_list):
            seen.append([vals["subscription_id"] for vals in vals_list])
            return origin(records, vals_list)

        with patch.object(model_class, "create", create), trap_jobs():
            event = self.emit()
        self.assertEqual(seen, [[subscription.id]])
        self.assertEqual(subscription.delivery_ids.event_id, event)

    def test_a_drain_job_already_waiting_is_not_stored_twice(self):
        """The identity check of the bulk insert: a job still to run with the
        key (stored by queue_job itself, ``with_delay``) keeps the
        subscription from a second one; a job that ran does not."""
        subscription = self.subscribe()
        queue = self.env["integration.delivery.queue"]
        jobs = self.env["queue.job"]
        eta = fields.Datetime.now() + timedelta(hours=1)
        key = f"integration_webhook.drain-{subscription.id}-eta-{int(eta.timestamp())}"
        before = jobs.search([])
        subscription.with_delay(
            **queue._drain_job_options(subscription, eta, None, key)
        )._drain()
        queue._enqueue(subscription, eta=eta)
        queue._enqueue(subscription, eta=eta)
        waiting = jobs.search([]) - before
        self.assertEqual(waiting.mapped("identity_key"), [key])
        waiting.state = "done"
        queue._enqueue(subscription, eta=eta)
        queue._enqueue(subscription, eta=eta)
        stored = jobs.search([]) - before - waiting
        self.assertEqual(stored.mapped("identity_key"), [key])
        self.assertEqual(stored.eta, eta)
        # this transaction's key: one job for any number of asks
        queue._enqueue(subscription)
        queue._enqueue(subscription)
        self.assertEqual(len(jobs.search([]) - before - waiting - stored), 1)
