from datetime import timedelta

from odoo import fields

from odoo.addons.integration_distribution.tests.common import DistributionCase
from odoo.addons.integration_webhook.tests.common import set_up_local_receiver


class CockpitCase(DistributionCase):
    """An active web shop subscribed (on a live local receiver) to
    ``order.accepted``, ``shipment.dispatched`` and ``integration.ping``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_local_receiver(cls)
        cls.Measure = cls.env["integration.sla.measure"]
        cls.Exception = cls.env["integration.exception"]
        cls.system.write(
            {
                "state": "active",
                "sla_order_acceptance_minutes": 15,
                "sla_shipment_confirmation_minutes": 30,
                "sla_partner_ack_seconds": 60,
                "sla_exception_age_hours": 24,
                "sla_attainment_target": 95.0,
                "sla_min_samples": 1,
            }
        )
        cls.subscription = cls.env["integration.subscription"].create(
            {
                "name": "Shop endpoint",
                "system_id": cls.system.id,
                "target_url": cls.receiver.url,
                "retry_schedule": "1,1",
                "event_type_ids": [
                    fields.Command.set(
                        (
                            cls.env.ref(
                                "integration_distribution.event_type_order_accepted"
                            )
                            | cls.env.ref(
                                "integration_distribution.event_type_shipment_dispatched"
                            )
                            | cls.ping
                        ).ids
                    )
                ],
            }
        )
        # a measuring time on an hour boundary plus 30 min, in the past so that
        # every constructed origin is before it
        cls.now = fields.Datetime.now().replace(
            minute=30, second=0, microsecond=0
        ) - timedelta(hours=1)

    def setUp(self):
        super().setUp()
        self.receiver.server.received.clear()
        self.receiver.set_default(200)

    def confirmed_order(self):
        order = self.make_order(integration_system_id=self.system.id)
        order.action_confirm()
        self.env.flush_all()
        return order

    def deliveries_of(self, records, type_code):
        return self.env["integration.delivery"].search(
            [
                ("event_id", "in", self.events(type_code, records).ids),
                ("subscription_id", "=", self.subscription.id),
            ]
        )

    def set_times(self, table, record, **values):
        """Put a record at a constructed time (the timeline under test)."""
        self.env.flush_all()
        assignments = ", ".join(f"{column} = %s" for column in values)
        self.env.cr.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [*values.values(), record.id],
        )
        self.env.invalidate_all()

    def deliver(self, delivery, at):
        """The partner answered 2xx at ``at``."""
        self.set_times(
            "integration_delivery",
            delivery,
            state="delivered",
            delivered_at=at,
            last_status_code=200,
        )

    def bucket(self, measure, start, granularity="hour", system=None):
        return self.Measure.search(
            [
                ("system_id", "=", (system or self.system).id),
                ("measure", "=", measure),
                ("granularity", "=", granularity),
                ("bucket_start", "=", start),
            ]
        )
