from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.integration_webhook.tests.common import DeliveryCaseMixin, closed_port

from .rabbit import AMQP_URL, Rabbit


def closed_port_url():
    return f"amqp://guest:guest@127.0.0.1:{closed_port()}/%2F"


class BrokerCase(DeliveryCaseMixin, IntegrationCase):
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
