from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.queue_job.tests.common import trap_jobs

from .rabbit import AMQP_URL, Rabbit


def closed_port_url():
    import socket
    from contextlib import closing

    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"amqp://guest:guest@127.0.0.1:{port}/%2F"


class BrokerCase(IntegrationCase):
    """A real RabbitMQ: a fresh topic exchange with a queue bound to it per
    class, a broker connection and helpers to subscribe, emit and drain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rabbit = Rabbit()
        cls.addClassCleanup(cls.rabbit.close)
        cls.env["integration.subscription"].search([]).write({"state": "disabled"})
        cls.ping = cls.env.ref("integration_core.event_type_integration_ping")
        cls.connection = cls.env["integration.broker.connection"].create(
            {"name": "Test broker", "url": AMQP_URL, "timeout": 5}
        )

    def setUp(self):
        super().setUp()
        self.exchange = self.rabbit.exchange()
        self.queue = self.rabbit.queue(self.exchange, "integration.#")

    def subscribe(self, **values):
        vals = {
            "name": "Test relay",
            "transport": "rabbitmq",
            "broker_connection_id": self.connection.id,
            "broker_exchange": self.exchange,
            "payload_style": "cloudevents_binary",
            "event_type_ids": [(6, 0, self.ping.ids)],
            "system_id": self.system.id,
            "retry_schedule": "1,1",
        }
        vals.update(values)
        return self.env["integration.subscription"].create(vals)

    def emit(self, message="hello", **kwargs):
        return self.env["integration.event"]._emit(
            "integration.ping", {"message": message}, **kwargs
        )

    def drain(self, subscription):
        with trap_jobs():
            return subscription._drain()

    def make_due(self, deliveries):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_delivery SET next_attempt_at = now() at time zone 'utc' "
            "- interval '1 hour' WHERE id IN %s",
            (tuple(deliveries.ids),),
        )
        deliveries.invalidate_recordset()
