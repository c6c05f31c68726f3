import socket
from contextlib import closing

from odoo.tools import config

from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.integration_subscription import ALLOWED_NETWORKS_OPTION
from .receiver import WebhookReceiver


def closed_port():
    """A local port nobody listens on (connection refused)."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def set_up_local_receiver(cls):
    """On a test class: a live receiver on 127.0.0.1 that subscriptions may
    call (``cls.receiver``), the ping event type (``cls.ping``), and no other
    subscription active."""
    # tests decide what is allowed, whatever the configuration file says
    saved = config.get(ALLOWED_NETWORKS_OPTION)
    config[ALLOWED_NETWORKS_OPTION] = ""
    cls.addClassCleanup(config.__setitem__, ALLOWED_NETWORKS_OPTION, saved)
    cls.env["ir.config_parameter"].sudo().set_param(
        "integration_webhook.allowed_networks", "127.0.0.1/32"
    )
    # subscriptions already in the database (demo, earlier runs) stay out
    cls.env["integration.subscription"].search([]).write({"state": "disabled"})
    cls.receiver = WebhookReceiver().start()
    cls.addClassCleanup(cls.receiver.stop)
    cls.ping = cls.env.ref("integration_core.event_type_integration_ping")


class DeliveryCaseMixin:
    """Emit ping events, drain a subscription and make deliveries due: what
    every transport's test case does (webhooks here, the broker's too)."""

    def emit(self, message="hello", **kwargs):
        return self.env["integration.event"]._emit(
            "integration.ping", {"message": message}, **kwargs
        )

    def drain(self, subscription):
        """Run the drain job the way the runner would (returns its summary)."""
        with trap_jobs():
            return subscription._drain()

    def make_due(self, deliveries):
        """Pretend the retry delay has passed."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_delivery SET next_attempt_at = now() at time zone 'utc' "
            "- interval '1 hour' WHERE id IN %s",
            (tuple(deliveries.ids),),
        )
        deliveries.invalidate_recordset()


class WebhookCase(DeliveryCaseMixin, IntegrationCase):
    """A live receiver on 127.0.0.1 and helpers to emit and drain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_local_receiver(cls)

    def setUp(self):
        super().setUp()
        self.receiver.server.received.clear()
        self.receiver.server.script.clear()
        self.receiver.set_default(200)

    def subscribe(self, **values):
        vals = {
            "name": "Test endpoint",
            "target_url": self.receiver.url,
            "event_type_ids": [(6, 0, self.ping.ids)],
            "system_id": self.system.id,
            "retry_schedule": "1,1",
        }
        vals.update(values)
        return self.env["integration.subscription"].create(vals)
