"""A request Odoo runs again after a serialization failure keeps its body."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import ROUTER, ApiHttpCase, _api_test_echo


@tagged("-at_install", "post_install")
class TestRetriedRequest(ApiHttpCase):
    def test_body_is_read_again_on_the_retry(self):
        """Odoo's ``retrying`` rolls back and runs the whole request again
        when PostgreSQL reports a serialization failure (two partners
        confirming at once). The request stream was read by the first try:
        the body must come from werkzeug's cache, or the retry sees an empty
        body and answers a wrong 4xx."""
        tries = []

        def fails_once(router, api_request):
            tries.append(api_request.body)
            if len(tries) == 1:
                # A real one, raised by PostgreSQL with SQLSTATE 40001.
                router.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update'"
                    " USING ERRCODE = 'serialization_failure'; END $$",
                    log_exceptions=False,
                )
            return _api_test_echo(router, api_request)

        router_cls = type(self.env[ROUTER])
        with patch.object(router_cls, "_api_test_echo", fails_once):
            response = self.call("POST", "/test/echo", {"name": "Retried Shop"})

        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["name"], "Retried Shop")
        self.assertEqual(tries, [{"name": "Retried Shop"}] * 2)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", "Retried Shop")]), 1
        )
