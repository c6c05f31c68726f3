from odoo.tests import HttpCase, tagged

from odoo.addons.integration_core.tools import signing
from odoo.addons.queue_job.tests.common import trap_jobs

from .receiver import WebhookReceiver


@tagged("post_install", "-at_install")
class TestPublicKeys(HttpCase):
    def test_v1a_verifies_with_the_published_key(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "integration_webhook.allowed_networks", "127.0.0.1/32"
        )
        ping = self.env.ref("integration_core.event_type_integration_ping")
        with WebhookReceiver() as receiver:
            subscription = self.env["integration.subscription"].create(
                {
                    "name": "Asymmetric",
                    "target_url": receiver.url,
                    "event_type_ids": [(6, 0, ping.ids)],
                    "signing_scheme": "v1a",
                }
            )
            with trap_jobs():
                self.env["integration.event"]._emit(
                    "integration.ping", {"message": "ed"}
                )
            with trap_jobs():
                subscription._drain()
            [request] = receiver.received
        response = self.url_open(f"/integration/webhooks/{subscription.uuid}/keys.json")
        self.assertEqual(response.status_code, 200)
        keys = response.json()["keys"]
        self.assertEqual(len(keys), 1)
        self.assertEqual(keys[0]["alg"], "Ed25519")
        self.assertTrue(request.headers["webhook-signature"].startswith("v1a,"))
        scheme = signing.verify_signatures(
            request.headers, request.body, public_keys=[key["key"] for key in keys]
        )
        self.assertEqual(scheme, "v1a")
        self.assertEqual(
            self.url_open("/integration/webhooks/nope/keys.json").status_code, 404
        )
