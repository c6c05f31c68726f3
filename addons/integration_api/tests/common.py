import json
from contextlib import ExitStack
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, new_test_user

from odoo.addons.integration_core.exceptions import BusinessRuleError, UnmappedCodeError

from ..tools.request import ApiError, ApiResult
from ..tools.routes import ApiRoute

ECHO_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["sku", "qty"],
                "properties": {
                    "sku": {"type": "string"},
                    "qty": {"type": "number", "exclusiveMinimum": 0},
                },
            },
        },
    },
}


# Test-only handlers, patched onto integration.api.router for one test class.
def _api_test_echo(self, api_request):
    """Creates a partner: lets the tests count side effects."""
    partner = self.env["res.partner"].sudo().create({"name": api_request.body["name"]})
    return ApiResult(
        201,
        {"id": partner.id, "name": partner.name, "user": self.env.user.login},
        records=partner,
    )


def _api_test_fail(self, api_request):
    raise ValueError("boom: internal detail that must not leak")


def _api_test_business(self, api_request):
    raise BusinessRuleError("Credit limit exceeded", pointer="/name")


def _api_test_forbidden(self, api_request):
    raise ApiError(409, "Conflict", "Order already shipped", problem_type="conflict")


def _api_test_unmapped(self, api_request):
    """Needs a partner whose ref is the body's sku: a 'mapping' a person can add."""
    sku = api_request.body["sku"]
    partner = self.env["res.partner"].sudo().search([("ref", "=", sku)], limit=1)
    if not partner:
        raise UnmappedCodeError("sku", sku, pointer="/sku")
    return ApiResult(201, {"partner_id": partner.id}, records=partner)


TEST_HANDLERS = {
    "_api_test_echo": _api_test_echo,
    "_api_test_fail": _api_test_fail,
    "_api_test_business": _api_test_business,
    "_api_test_forbidden": _api_test_forbidden,
    "_api_test_unmapped": _api_test_unmapped,
}

ROUTER = "integration.api.router"
TEST_ROUTES = [
    ApiRoute(
        "POST",
        "/test/echo",
        "orders:write",
        f"{ROUTER}._api_test_echo",
        request_schema=ECHO_SCHEMA,
        success_status=201,
        idempotent=True,
        summary="Test: echo",
    ),
    ApiRoute(
        "POST",
        "/test/fail",
        "orders:write",
        f"{ROUTER}._api_test_fail",
        idempotent=True,
    ),
    ApiRoute(
        "POST",
        "/test/business",
        "orders:write",
        f"{ROUTER}._api_test_business",
        idempotent=True,
    ),
    ApiRoute(
        "POST",
        "/test/conflict",
        "orders:write",
        f"{ROUTER}._api_test_forbidden",
        idempotent=True,
    ),
    ApiRoute(
        "POST",
        "/test/unmapped",
        "orders:write",
        f"{ROUTER}._api_test_unmapped",
        request_schema={
            "type": "object",
            "required": ["sku"],
            "properties": {"sku": {"type": "string"}},
        },
        success_status=201,
        idempotent=True,
        keep_message=True,
    ),
    ApiRoute(
        "POST",
        "/test/strict",
        "orders:write",
        f"{ROUTER}._api_test_echo",
        request_schema=ECHO_SCHEMA,
        idempotent=True,
        idempotency_required=True,
    ),
]


def issue_token(env, system, scopes, name="test key"):
    """A key of ``system`` with the scopes ``scopes`` (codes); its token."""
    scope_records = env["integration.api.scope"].search([("code", "in", list(scopes))])
    key = env["integration.api.key"].create(
        {
            "name": name,
            "system_id": system.id,
            "scope_ids": [fields.Command.set(scope_records.ids)],
        }
    )
    return key._issue_secret()


class ApiHttpCase(HttpCase):
    """A partner system with a technical user and a key, plus test routes.

    Test routes are added by patching ``_api_routes`` (and test handlers onto
    the router class) for the duration of the class: nothing test-only ships
    in the module, and the patch goes through the same registry contract
    other modules use.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = ExitStack()
        cls.addClassCleanup(stack.close)
        router_cls = type(cls.env[ROUTER])
        original = router_cls._api_routes
        stack.enter_context(
            patch.object(
                router_cls, "_api_routes", lambda self: original(self) + TEST_ROUTES
            )
        )
        for name, handler in TEST_HANDLERS.items():
            stack.enter_context(patch.object(router_cls, name, handler, create=True))
        cls.env.registry.clear_cache()
        cls.addClassCleanup(cls.env.registry.clear_cache)

        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.tech_user = new_test_user(
            cls.env, login="api_shop_bot", groups="base.group_user"
        )
        cls.system = cls.env["integration.system"].create(
            {
                "name": "API shop",
                "code": "api_shop",
                "kind": "web_shop",
                "state": "active",
                "user_id": cls.tech_user.id,
            }
        )
        cls.key, cls.token = cls.make_key(["orders:write", "events:read"])

    @classmethod
    def make_key(cls, scopes, system=None, **vals):
        scope_records = cls.env["integration.api.scope"].search(
            [("code", "in", scopes)]
        )
        key = cls.env["integration.api.key"].create(
            {
                "name": "test key",
                "system_id": (system or cls.system).id,
                "scope_ids": [fields.Command.set(scope_records.ids)],
                **vals,
            }
        )
        return key, key._issue_secret()

    def call(
        self,
        method,
        path,
        body=None,
        token=None,
        headers=None,
        raw=None,
        content_type="application/json",
    ):
        """A real HTTP request to the test server; ``token=False`` sends none."""
        all_headers = {}
        if token is not False:
            all_headers["X-Api-Key"] = token or self.token
        if body is not None or raw is not None:
            all_headers["Content-Type"] = content_type
        all_headers.update(headers or {})
        data = (
            raw if raw is not None else (json.dumps(body) if body is not None else None)
        )
        return self.opener.request(
            method,
            self.base_url() + "/api/v1" + path,
            data=data,
            headers=all_headers,
            timeout=30,
        )

    def assertProblem(self, response, status, slug=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/problem+json")
        problem = response.json()
        self.assertEqual(problem["status"], status)
        self.assertTrue(problem["title"])
        self.assertIn("instance", problem)
        self.assertTrue(problem["type"].startswith("http"))
        if slug:
            self.assertTrue(
                problem["type"].endswith(f"/api/v1/problems/{slug}"), problem["type"]
            )
        self.assertEqual(problem["request_id"], response.headers["X-Request-Id"])
        return problem

    def last_log(self):
        return self.env["integration.api.request.log"].search(
            [], limit=1, order="id desc"
        )
