"""``integration.api.order.resource`` called directly, without HTTP: the
request in, ``sale.order``'s business methods, the answer out."""

from odoo.tests import new_test_user, tagged

from odoo.addons.integration_api.tools.request import ApiError, ApiRequest, ApiResult
from odoo.addons.integration_core.exceptions import UnmappedCodeError

from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestOrderResource(DistributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bot = new_test_user(
            cls.env,
            login="resource_bot",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.system.write({"user_id": cls.bot.id, "state": "active"})
        cls.env["integration.mapping"].create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": kind,
                    "external_code": code,
                    "res_id": record.id,
                }
                for kind, code, record in (
                    ("customer", "C-1", cls.customer),
                    ("product", "SKU-DESK", cls.desk),
                )
            ]
        )
        cls.runner = cls.env["integration.api.runner"]
        table = cls.env["integration.api.router"]._api_route_table()
        cls.create_route = table.get("POST /orders")
        cls.get_route = table.get("GET /orders/{ref}")
        cls.cancel_route = table.get("POST /orders/{ref}/cancel")

    def body(self, ref="RES-1", sku="SKU-DESK"):
        return {
            "external_ref": ref,
            "customer": {"code": "C-1"},
            "lines": [{"sku": sku, "qty": 2}],
        }

    def request(
        self,
        route,
        body=None,
        ref=None,
        message=None,
        can_defer=False,
        prefer=frozenset(),
    ):
        return ApiRequest(
            system=self.system,
            api_key=self.env["integration.api.key"],
            method=route.method,
            path=route.path,
            path_params={"ref": ref} if ref else {},
            query={},
            body=body,
            raw_body=b"",
            headers={},
            correlation_id="resource-test",
            route=route,
            message=message,
            can_defer=can_defer,
            prefer=prefer,
        )

    def call(self, route, **kwargs):
        return self.runner._api_call(route, self.request(route, **kwargs))

    def message(self, ref, state):
        return self.env["integration.api.message"].create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": self.create_route.key,
                "path": "/api/v1/orders",
                "body": self.body(ref),
                "state": state,
                "reference": ref,
                "error": "Unknown product code 'SKU-X'"
                if state == "needs_fix"
                else False,
            }
        )

    def test_create_then_resend(self):
        result = self.call(self.create_route, body=self.body())
        self.assertIsInstance(result, ApiResult)
        order = result.records
        self.assertEqual(result.status, 201)
        self.assertEqual(result.headers["Location"], f"/api/v1/orders/{order.name}")
        self.assertEqual(result.body["external_ref"], "RES-1")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.create_uid, self.bot, "as the system's technical user")
        again = self.call(self.create_route, body=self.body())
        self.assertEqual((again.status, again.records), (200, order))

    def test_create_queues_for_a_queued_system(self):
        self.system.order_intake_mode = "queued"
        message = self.message("RES-Q", "received")
        result = self.call(
            self.create_route, body=self.body("RES-Q"), message=message, can_defer=True
        )
        self.assertEqual(result.status, 202)
        self.assertTrue(result.defer)
        self.assertEqual(result.reference, "RES-Q")
        self.assertEqual(result.body["message_id"], message.id)
        self.assertEqual(result.headers["Location"], "/api/v1/orders/RES-Q")
        self.assertEqual(result.headers["Preference-Applied"], "respond-async")
        self.assertFalse(
            self.env["sale.order"]._integration_find_for_channel(self.system, "RES-Q")
        )
        # processed later (can_defer False), the same handler creates it
        later = self.call(self.create_route, body=self.body("RES-Q"), message=message)
        self.assertEqual(later.status, 201)

    def test_prefer_respond_async_queues_on_an_immediate_system(self):
        message = self.message("RES-P", "received")
        result = self.call(
            self.create_route,
            body=self.body("RES-P"),
            message=message,
            can_defer=True,
            prefer=frozenset({"respond-async"}),
        )
        self.assertEqual((result.status, result.defer), (202, True))

    def test_batch_answers_per_request(self):
        create = self.create_route
        outcomes = self.runner._api_call_batch(
            create,
            [
                self.request(create, body=self.body("RES-B1")),
                self.request(create, body=self.body("RES-B2", sku="SKU-NOBODY")),
                self.request(create, body=self.body("RES-B1")),
            ],
        )
        first, unmapped, resent = outcomes
        self.assertEqual(first.status, 201)
        self.assertEqual(
            first.body["order_url"], f"/api/v1/orders/{first.records.name}"
        )
        self.assertEqual(first.body["external_ref"], "RES-B1")
        self.assertIsInstance(unmapped, UnmappedCodeError)
        self.assertEqual(unmapped.pointer, "/lines/0/sku")
        self.assertEqual((resent.status, resent.records), (200, first.records))

    def test_get_and_cancel(self):
        order, _created = self.env["sale.order"]._integration_create_from_channel(
            self.system, self.body("RES-G")
        )
        for ref in ("RES-G", order.name):
            result = self.call(self.get_route, ref=ref)
            self.assertEqual((result.status, result.records), (200, order))
            self.assertEqual(result.body["order_ref"], order.name)
        cancelled = self.call(self.cancel_route, ref="RES-G")
        self.assertEqual(cancelled.body["status"], "cancelled")
        self.assertEqual(order.state, "cancel")

    def test_unknown_order_is_not_found(self):
        for route in (self.get_route, self.cancel_route):
            with self.assertRaises(ApiError) as caught:
                self.call(route, ref="NO-SUCH")
            self.assertEqual(
                (caught.exception.status, caught.exception.problem_type),
                (404, "not-found"),
            )

    def test_an_order_waiting_in_a_message(self):
        message = self.message("RES-W", "needs_fix")
        result = self.call(self.get_route, ref="RES-W")
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body["status"], "on_hold")
        self.assertEqual(result.body["message_id"], message.id)
        self.assertEqual(result.body["detail"], "Unknown product code 'SKU-X'")
        with self.assertRaises(ApiError) as caught:
            self.call(self.cancel_route, ref="RES-W")
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(caught.exception.headers, {"Retry-After": "5"})

    def test_a_shipped_order_cannot_be_cancelled(self):
        order, _created = self.env["sale.order"]._integration_create_from_channel(
            self.system, self.body("RES-S")
        )
        self.ship_all(order.picking_ids)
        with self.assertRaises(ApiError) as caught:
            self.call(self.cancel_route, ref="RES-S")
        self.assertEqual(
            (caught.exception.status, caught.exception.problem_type), (409, "conflict")
        )
        self.assertEqual(order.state, "sale")

    def test_sale_order_speaks_no_http(self):
        """The business model has business methods only: no handlers."""
        handlers = [
            name
            for name in dir(type(self.env["sale.order"]))
            if name.startswith("_api_")
        ]
        self.assertEqual(handlers, [])
