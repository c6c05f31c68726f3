"""Business SLAs measured from constructed timelines, and their breaches."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..tools.sla import day_floor, hour_floor
from .common import CockpitCase


@tagged("post_install", "-at_install")
class TestSlaMeasure(CockpitCase):
    def _acceptance_timeline(self):
        """Three orders received at H+10 min: accepted after 5 min, after
        40 min, not yet (its 15 minutes long gone); a fourth received 5
        minutes before the measure, still inside its target. (Partner
        acknowledgement is left out: these deliveries were created at the
        real time, which is not on the constructed timeline.)"""
        self.system.sla_partner_ack_seconds = 0
        hour = hour_floor(self.now) - timedelta(hours=1)
        origin = hour + timedelta(minutes=10)
        orders = [self.confirmed_order() for _ in range(4)]
        deliveries = [self.deliveries_of(order, "order.accepted") for order in orders]
        self.assertEqual([len(d) for d in deliveries], [1, 1, 1, 1])
        for order in orders[:3]:
            self.set_times("sale_order", order, create_date=origin)
        self.set_times(
            "sale_order", orders[3], create_date=self.now - timedelta(minutes=5)
        )
        self.deliver(deliveries[0], origin + timedelta(minutes=5))
        self.deliver(deliveries[1], origin + timedelta(minutes=40))
        return hour, orders, deliveries

    def test_order_acceptance_lag_per_hour_of_receipt(self):
        hour, _orders, _deliveries = self._acceptance_timeline()
        self.Measure._cron_measure(now=self.now)
        bucket = self.bucket("order_acceptance", hour)
        self.assertEqual(
            (bucket.samples, bucket.within, bucket.missed),
            (3, 1, 2),
            "pending past its target counts as missed, the undecided one not at all",
        )
        self.assertAlmostEqual(bucket.attainment, 33.33)
        self.assertEqual(bucket.value_count, 2)
        self.assertAlmostEqual(bucket.value_avg, (300 + 2400) / 2)
        self.assertAlmostEqual(bucket.value_max, 2400)
        self.assertEqual(bucket.target_seconds, 15 * 60)
        self.assertFalse(self.bucket("order_acceptance", hour_floor(self.now)))
        day = self.bucket("order_acceptance", day_floor(hour), granularity="day")
        self.assertEqual((day.samples, day.within), (3, 1))

    def test_kept_message_starts_the_clock(self):
        """An order that came through a kept message (fixed later) is late
        from the message's arrival, not from the order's creation."""
        hour, orders, deliveries = self._acceptance_timeline()
        self.env["integration.api.message"].sudo().create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": "POST /orders",
                "res_model": "sale.order",
                "res_ids": str(orders[0].id),
            }
        )
        message = self.env["integration.api.message"].search(
            [("res_ids", "=", str(orders[0].id))]
        )
        self.set_times(
            "integration_api_message", message, create_date=hour - timedelta(hours=2)
        )
        self.Measure._cron_measure(now=self.now)
        self.assertEqual(self.bucket("order_acceptance", hour).samples, 2)
        early = self.bucket("order_acceptance", hour - timedelta(hours=2))
        self.assertEqual((early.samples, early.within), (1, 0))

    def test_breach_is_one_exception_per_system_and_measure(self):
        hour, _orders, deliveries = self._acceptance_timeline()
        self.Measure._cron_measure(now=self.now)
        fingerprint = f"sla:{self.system.id}:order_acceptance"
        breach = self.Exception.search([("fingerprint", "=", fingerprint)])
        self.assertEqual(len(breach), 1)
        self.assertEqual(breach.kind, "sla_breach")
        self.assertEqual(breach.system_id, self.system)
        self.assertIn("1 of 3 within 15.0 min", breach.detail)
        # three misses, one exception; an hour later still one (counted again)
        self.Measure._cron_measure(now=self.now + timedelta(hours=1))
        breach_again = self.Exception.search([("fingerprint", "=", fingerprint)])
        self.assertEqual(breach_again, breach)
        self.assertEqual(breach.count, 2)
        self.assertEqual(
            self.Exception.search_count(
                [("kind", "=", "sla_breach"), ("system_id", "=", self.system.id)]
            ),
            1,
            "the other measures have no samples",
        )
        # the late ones turn out to have been answered in time: met again
        origin = hour + timedelta(minutes=10)
        self.deliver(deliveries[1], origin + timedelta(minutes=2))
        self.deliver(deliveries[2], origin + timedelta(minutes=3))
        # (the fourth, undecided an hour ago, is decided by now: answer it too)
        self.deliver(deliveries[3], self.now)
        self.Measure._cron_measure(now=self.now + timedelta(hours=1))
        self.assertEqual(breach.state, "resolved")
        self.assertIn("Target met again", breach.resolution_note)

    def test_too_few_samples_decide_nothing(self):
        self._acceptance_timeline()
        self.system.sla_min_samples = 4
        self.Measure._cron_measure(now=self.now)
        self.assertFalse(self.Exception.search([("kind", "=", "sla_breach")]))

    def test_zero_target_is_not_measured(self):
        hour, _orders, _deliveries = self._acceptance_timeline()
        self.system.sla_order_acceptance_minutes = 0
        self.Measure._cron_measure(now=self.now)
        self.assertFalse(self.bucket("order_acceptance", hour))

    def test_series_survives_the_purge_of_the_deliveries(self):
        hour, _orders, deliveries = self._acceptance_timeline()
        self.Measure._cron_measure(now=self.now)
        before = self.bucket("order_acceptance", hour).read(["samples", "within"])
        for delivery in deliveries:
            delivery.sudo().unlink()
        self.Measure._cron_measure(now=self.now + timedelta(days=3))
        self.assertEqual(
            self.bucket("order_acceptance", hour).read(["samples", "within"]), before
        )

    def test_shipment_confirmation_from_picking_done(self):
        order = self.confirmed_order()
        picking = order.picking_ids
        self.ship_all(picking)
        delivery = self.deliveries_of(picking, "shipment.dispatched")
        self.assertEqual(len(delivery), 1)
        hour = hour_floor(self.now) - timedelta(hours=2)
        self.set_times("stock_picking", picking, date_done=hour + timedelta(minutes=5))
        self.deliver(delivery, hour + timedelta(minutes=20))
        self.Measure._cron_measure(now=self.now)
        bucket = self.bucket("shipment_confirmation", hour)
        self.assertEqual((bucket.samples, bucket.within), (1, 1))
        self.assertAlmostEqual(bucket.value_avg, 15 * 60)

    def test_partner_acknowledgement_over_real_http(self):
        """One ping answered 200 by the receiver at once, one answered 500
        for ten minutes: half acknowledged within the minute."""
        Event = self.env["integration.event"]
        answered = Event._emit(
            "integration.ping", {"message": "ack"}, system=self.system
        )
        self.env.flush_all()
        with trap_jobs():
            self.subscription._drain()
        self.assertEqual(len(self.receiver.server.received), 1)
        self.receiver.set_default(500)
        refused = Event._emit("integration.ping", {"message": "no"}, system=self.system)
        self.env.flush_all()
        with trap_jobs():
            self.subscription._drain()
        self.assertEqual(len(self.receiver.server.received), 2)
        late = self.env["integration.delivery"].search([("event_id", "=", refused.id)])
        self.assertEqual(late.state, "pending")
        self.set_times(
            "integration_delivery",
            late,
            create_date=fields.Datetime.now() - timedelta(minutes=10),
        )
        ok = self.env["integration.delivery"].search([("event_id", "=", answered.id)])
        self.assertEqual(ok.state, "delivered")
        now = fields.Datetime.now() + timedelta(minutes=1)
        self.Measure._cron_measure(now=now)
        groups = self.Measure._read_group(
            [
                ("system_id", "=", self.system.id),
                ("measure", "=", "partner_ack"),
                ("granularity", "=", "hour"),
            ],
            [],
            ["samples:sum", "within:sum"],
        )
        self.assertEqual(groups[0], (2, 1))

    def test_exception_backlog_by_age(self):
        report = self.Exception.report
        old = report(
            "unmapped_code", "Unknown SKU OLD", fingerprint="c:old", system=self.system
        )
        new = report(
            "unmapped_code", "Unknown SKU NEW", fingerprint="c:new", system=self.system
        )
        self.set_times(
            "integration_exception", old, first_seen=self.now - timedelta(days=2)
        )
        self.set_times(
            "integration_exception", new, first_seen=self.now - timedelta(hours=1)
        )
        self.Measure._cron_measure(now=self.now)
        bucket = self.bucket("exception_backlog", hour_floor(self.now))
        self.assertEqual((bucket.samples, bucket.within), (2, 1))
        self.assertAlmostEqual(bucket.value_max, 2 * 86400)
        fingerprint = f"sla:{self.system.id}:exception_backlog"
        breach = self.Exception.search([("fingerprint", "=", fingerprint)])
        self.assertEqual(breach.kind, "sla_breach")
        old.action_resolve("mapped")
        self.Measure._cron_measure(now=self.now + timedelta(minutes=10))
        self.assertEqual(breach.state, "resolved")
        bucket = self.bucket("exception_backlog", hour_floor(self.now))
        self.assertEqual(
            (bucket.samples, bucket.within), (1, 1), "the snapshot is redone"
        )

    def test_suspended_systems_are_not_measured(self):
        hour, _orders, _deliveries = self._acceptance_timeline()
        self.system.action_suspend()
        self.Measure._cron_measure(now=self.now)
        self.assertFalse(self.bucket("order_acceptance", hour))

    def test_warehouse_release_acknowledged_in_its_window(self):
        """Releases answered within the system's window, late, never (the
        window long gone) and not yet (still inside it)."""
        self.system.release_ack_window = 30
        hour = hour_floor(self.now) - timedelta(hours=2)
        Release = self.env["integration.shipment.release"].sudo()
        pickings = [self.confirmed_order().picking_ids[:1] for _ in range(4)]
        Release.search([("picking_id", "in", [p.id for p in pickings])]).unlink()
        answers = [
            (hour + timedelta(minutes=5), timedelta(minutes=10)),
            (hour + timedelta(minutes=5), timedelta(minutes=50)),
            (hour + timedelta(minutes=5), None),
            (self.now - timedelta(minutes=10), None),
        ]
        for picking, (released_at, answered_after) in zip(
            pickings, answers, strict=True
        ):
            Release.create(
                {
                    "picking_id": picking.id,
                    "system_id": self.system.id,
                    "release_number": 1,
                    "released_at": released_at,
                    "ack_due_at": released_at + timedelta(minutes=30),
                    "state": "accepted" if answered_after else "pending",
                    "acknowledged_at": released_at + answered_after
                    if answered_after
                    else False,
                }
            )
        self.Measure._cron_measure(now=self.now)
        bucket = self.bucket("release_ack", hour)
        self.assertEqual((bucket.samples, bucket.within, bucket.missed), (3, 1, 2))
        self.assertEqual(bucket.target_seconds, 30 * 60)
        self.assertAlmostEqual(bucket.value_max, 50 * 60)
        self.assertFalse(self.bucket("release_ack", hour_floor(self.now)))
