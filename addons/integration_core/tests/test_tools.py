"""The pure tools, without a database (plus their doctests)."""

import base64
import doctest
import time
from datetime import UTC, datetime

import standardwebhooks

from odoo.tests import BaseCase, tagged

from ..tools import (
    candidates,
    canonical_json,
    exception_policy,
    json_schema,
    secret_box,
    signing,
    system_code,
    url_safety,
)


@tagged("-at_install", "post_install")
class TestDoctests(BaseCase):
    def test_doctests(self):
        for module in (
            candidates,
            canonical_json,
            exception_policy,
            json_schema,
            secret_box,
            signing,
            system_code,
            url_safety,
        ):
            result = doctest.testmod(module)
            self.assertEqual(result.failed, 0, f"doctest failures in {module.__name__}")
            self.assertGreater(result.attempted, 0, module.__name__)


@tagged("-at_install", "post_install")
class TestSigning(BaseCase):
    def setUp(self):
        super().setUp()
        self.body = b'{"type":"order.accepted","data":{"ref":"S0001"}}'
        self.timestamp = int(time.time())

    def test_v1_verifies_with_reference_library(self):
        secret = signing.generate_hmac_secret()
        headers = signing.build_headers("msg_1", self.timestamp, self.body, [secret])
        payload = standardwebhooks.Webhook(secret).verify(self.body, headers)
        self.assertEqual(payload["data"]["ref"], "S0001")

    def test_secret_has_24_random_bytes_at_least(self):
        secret = signing.generate_hmac_secret()
        self.assertTrue(secret.startswith("whsec_"))
        self.assertGreaterEqual(len(base64.b64decode(secret[6:])), 24)
        self.assertNotEqual(secret, signing.generate_hmac_secret())

    def test_rotation_both_secrets_verify(self):
        old, new = signing.generate_hmac_secret(), signing.generate_hmac_secret()
        headers = signing.build_headers("msg_2", self.timestamp, self.body, [new, old])
        self.assertEqual(len(headers["webhook-signature"].split()), 2)
        for secret in (old, new):
            standardwebhooks.Webhook(secret).verify(self.body, headers)
        stranger = signing.generate_hmac_secret()
        with self.assertRaises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(stranger).verify(self.body, headers)

    def test_reference_library_signature_matches_ours(self):
        secret = signing.generate_hmac_secret()
        ours = signing.sign_v1(secret, "msg_3", self.timestamp, self.body)
        theirs = standardwebhooks.Webhook(secret).sign(
            "msg_3",
            datetime.fromtimestamp(self.timestamp, tz=UTC),
            self.body.decode(),
        )
        self.assertEqual(ours, theirs)

    def test_v1a_ed25519(self):
        private, public = signing.generate_ed25519_keypair()
        self.assertTrue(private.startswith("whsk_") and public.startswith("whpk_"))
        self.assertEqual(signing.public_key_of(private), public)
        headers = signing.build_headers(
            "msg_4", self.timestamp, self.body, ed25519_keys=[private]
        )
        self.assertTrue(headers["webhook-signature"].startswith("v1a,"))
        scheme = signing.verify_signatures(headers, self.body, public_keys=[public])
        self.assertEqual(scheme, "v1a")
        _other_private, other_public = signing.generate_ed25519_keypair()
        with self.assertRaises(signing.SignatureError):
            signing.verify_signatures(headers, self.body, public_keys=[other_public])

    def test_verify_rejects_tampering_staleness_and_missing_headers(self):
        secret = signing.generate_hmac_secret()
        headers = signing.build_headers("msg_5", self.timestamp, self.body, [secret])
        self.assertEqual(
            signing.verify_signatures(headers, self.body, hmac_secrets=[secret]), "v1"
        )
        with self.assertRaises(signing.SignatureError):
            signing.verify_signatures(headers, self.body + b" ", hmac_secrets=[secret])
        with self.assertRaises(signing.SignatureError):
            signing.verify_signatures(
                headers, self.body, hmac_secrets=[secret], now=self.timestamp + 301
            )
        with self.assertRaises(signing.SignatureError):
            signing.verify_signatures(
                {"webhook-id": "msg_5"}, self.body, hmac_secrets=[secret]
            )

    def test_no_secret_no_signature(self):
        with self.assertRaises(ValueError):
            signing.build_headers("msg_6", self.timestamp, self.body)


@tagged("-at_install", "post_install")
class TestUrlSafety(BaseCase):
    def check(self, url, addresses, allowed=None):
        url_safety.check_target_url(url, allowed, resolver=lambda host: addresses)

    def assertRefused(self, url, addresses, fragment, allowed=None):
        with self.assertRaises(url_safety.UnsafeTargetError) as caught:
            self.check(url, addresses, allowed)
        self.assertIn(fragment, str(caught.exception))

    def test_public_accepted(self):
        self.check("https://hooks.example.com/odoo", ["93.184.216.34"])
        self.check("https://hooks.example.com/odoo", ["2606:2800:220:1::1"])

    def test_non_public_refused(self):
        self.assertRefused("http://localhost/", ["127.0.0.1"], "loopback")
        self.assertRefused("http://[::1]/", ["::1"], "loopback")
        self.assertRefused("http://x/", ["::ffff:127.0.0.1"], "loopback")
        self.assertRefused("http://x/", ["10.1.2.3"], "private")
        self.assertRefused("http://x/", ["192.168.1.1"], "private")
        self.assertRefused("http://x/", ["100.64.0.1"], "private")
        self.assertRefused("http://x/", ["169.254.169.254"], "link-local")
        self.assertRefused("http://x/", ["0.0.0.0"], "unspecified")
        # one bad address among good ones is enough to refuse (DNS tricks)
        self.assertRefused("http://x/", ["93.184.216.34", "10.0.0.1"], "private")

    def test_bad_urls_refused(self):
        self.assertRefused("ftp://example.com/", ["93.184.216.34"], "http")
        self.assertRefused("https:///nohost", [], "no host")
        self.assertRefused("https://u:p@example.com/", ["93.184.216.34"], "credentials")
        self.assertRefused("https://example.com:99999/", ["93.184.216.34"], "invalid")

    def test_allowed_networks(self):
        self.check("http://127.0.0.1:8000/", ["127.0.0.1"], "127.0.0.1/32")
        self.check("http://10.0.0.5/", ["10.0.0.5"], ["10.0.0.0/8"])
        self.assertRefused("http://10.0.0.5/", ["10.0.0.5"], "private", "127.0.0.1/32")
        with self.assertRaises(url_safety.UnsafeTargetError):
            url_safety.parse_networks("not-a-network")

    def test_unresolvable_is_its_own_error(self):
        def no_dns(host):
            raise OSError("Name or service not known")

        with self.assertRaises(url_safety.UnresolvableHostError):
            url_safety.check_target_url("https://nowhere.invalid/", resolver=no_dns)

    def test_real_resolver(self):
        with self.assertRaises(url_safety.UnsafeTargetError):
            url_safety.check_target_url("http://localhost:8069/")


@tagged("-at_install", "post_install")
class TestSecretBoxAndSchema(BaseCase):
    def test_key_rotation_decrypts_old_tokens(self):
        old, new = secret_box.generate_key(), secret_box.generate_key()
        token = secret_box.encrypt(old, "whsec_x")
        self.assertEqual(secret_box.decrypt(f"{new},{old}", token), "whsec_x")
        self.assertEqual(
            secret_box.decrypt(new, secret_box.encrypt(f"{new},{old}", "y")), "y"
        )

    def test_no_or_bad_key(self):
        with self.assertRaises(secret_box.SecretBoxError):
            secret_box.encrypt("", "x")
        with self.assertRaises(secret_box.SecretBoxError):
            secret_box.encrypt("not-a-key", "x")

    def test_pointers_are_escaped(self):
        schema = {"type": "object", "properties": {"a/b": {"type": "integer"}}}
        errors = json_schema.validation_errors(schema, {"a/b": "x"})
        self.assertEqual(errors[0]["pointer"], "/a~1b")

    def test_nested_array_pointer(self):
        schema = {
            "type": "object",
            "properties": {
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"qty": {"type": "number", "minimum": 1}},
                    },
                }
            },
        }
        errors = json_schema.validation_errors(
            schema, {"lines": [{"qty": 1}, {"qty": 0}]}
        )
        self.assertEqual([e["pointer"] for e in errors], ["/lines/1/qty"])
