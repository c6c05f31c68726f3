"""A real RabbitMQ for the tests (127.0.0.1:5672, guest/guest by default,
``INTEGRATION_TEST_AMQP_URL`` to change it): uniquely named exchanges and
queues, deleted afterwards, and a separate consumer that reads what Odoo
published."""

import os
import uuid

import pika

AMQP_URL = os.environ.get(
    "INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"
)


class Rabbit:
    """Declares and removes what one test class uses, on its own connection."""

    def __init__(self, url=AMQP_URL):
        self.url = url
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        self.exchanges, self.queues = [], []

    def unique(self, prefix):
        return f"odoo-test.{prefix}.{uuid.uuid4().hex[:10]}"

    def exchange(self, kind="topic"):
        name = self.unique("ex")
        self.channel.exchange_declare(name, kind, durable=False)
        self.exchanges.append(name)
        return name

    def queue(self, exchange=None, binding="#"):
        name = self.unique("q")
        self.channel.queue_declare(name, durable=False)
        self.queues.append(name)
        if exchange:
            self.channel.queue_bind(name, exchange, binding)
        return name

    def bind(self, queue, exchange, binding="#"):
        self.channel.queue_bind(queue, exchange, binding)

    def count(self, queue):
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def take(self, queue, limit=10000):
        """Read (and acknowledge) everything waiting: ``[(properties, body)]``."""
        messages = []
        while len(messages) < limit:
            method, properties, body = self.channel.basic_get(queue, auto_ack=True)
            if method is None:
                break
            messages.append((properties, body))
        return messages

    def publish(self, queue, body, message_id=None, headers=None):
        self.channel.basic_publish(
            "",
            queue,
            body,
            properties=pika.BasicProperties(
                message_id=message_id, headers=headers, delivery_mode=2
            ),
        )

    def close(self):
        for queue in self.queues:
            self.channel.queue_delete(queue)
        for exchange in self.exchanges:
            self.channel.exchange_delete(exchange)
        self.connection.close()
