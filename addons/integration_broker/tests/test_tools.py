import doctest
import unittest

from ..cli import consume
from ..models import integration_broker_consumer
from ..tools import amqp_message, publisher, tls


class TestTools(unittest.TestCase):
    def test_doctests(self):
        for module in (
            amqp_message,
            publisher,
            tls,
            integration_broker_consumer,
        ):
            with self.subTest(module=module.__name__):
                self.assertEqual(doctest.testmod(module).failed, 0)
                self.assertGreater(doctest.testmod(module).attempted, 0)

    def test_bytes_headers_become_text(self):
        class Props:
            headers = {"ref": b"WH/OUT/1", "n": 3}

        self.assertEqual(consume._headers(Props), {"ref": "WH/OUT/1", "n": 3})

    def test_binary_mode_keeps_every_attribute(self):
        envelope = {
            "specversion": "1.0",
            "id": "e1",
            "source": "/odoo",
            "type": "t",
            "dataversion": "1",
            "data": {"x": 1},
        }
        _body, properties = amqp_message.build_message(envelope, "cloudevents_binary")
        self.assertEqual(
            set(properties["headers"]),
            {
                "cloudEvents:specversion",
                "cloudEvents:id",
                "cloudEvents:source",
                "cloudEvents:type",
                "cloudEvents:dataversion",
            },
        )
        with self.assertRaises(ValueError):
            amqp_message.build_message(envelope, "xml")
