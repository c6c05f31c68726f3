"""``/api/v1/orders`` over real HTTP into Odoo's test server."""

import json

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


class OrdersApiCase(HttpCase):
    """A web shop system with its bot user, mappings and keys; HTTP helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.bot = new_test_user(
            cls.env,
            login="shop_bot",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        cls.system = cls.env["integration.system"].create(
            {
                "name": "Orders API shop",
                "code": "orders_api_shop",
                "kind": "web_shop",
                "state": "active",
                "user_id": cls.bot.id,
            }
        )
        cls.other_system = cls.env["integration.system"].create(
            {"name": "Other", "code": "orders_api_other", "state": "active"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "API Retail"})
        cls.desk = cls.env["product.product"].create(
            {"name": "API desk", "default_code": "API-DESK", "type": "consu"}
        )
        Mapping = cls.env["integration.mapping"]
        Mapping.create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": "customer",
                    "external_code": "C-1",
                    "res_id": cls.customer.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "product",
                    "external_code": "SKU-DESK",
                    "res_id": cls.desk.id,
                },
            ]
        )
        cls.token = cls.make_token(["orders:write", "orders:read"])
        cls.read_token = cls.make_token(["orders:read"])

    @classmethod
    def make_token(cls, scopes, system=None):
        scope_records = cls.env["integration.api.scope"].search(
            [("code", "in", scopes)]
        )
        key = cls.env["integration.api.key"].create(
            {
                "name": "orders test key",
                "system_id": (system or cls.system).id,
                "scope_ids": [fields.Command.set(scope_records.ids)],
            }
        )
        return key._issue_secret()

    def call(self, method, path, body=None, token=None, headers=None):
        all_headers = {"X-Api-Key": token or self.token, **(headers or {})}
        data = None
        if body is not None:
            all_headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return self.opener.request(
            method,
            self.base_url() + "/api/v1" + path,
            data=data,
            headers=all_headers,
            timeout=30,
        )

    def order_body(self, **overrides):
        body = {
            "external_ref": "WEB-500",
            "customer": {"code": "C-1"},
            "lines": [{"sku": "SKU-DESK", "qty": 3, "price_unit": 99.5}],
        }
        body.update(overrides)
        return body


@tagged("post_install", "-at_install")
class TestOrdersApi(OrdersApiCase):
    def test_create_then_resend_returns_the_same_order(self):
        response = self.call("POST", "/orders", self.order_body())
        self.assertEqual(response.status_code, 201, response.text)
        created = response.json()
        self.assertEqual(created["external_ref"], "WEB-500")
        self.assertIn(created["status"], ("accepted", "reserved"))
        self.assertEqual(created["lines"][0]["sku"], "SKU-DESK")
        self.assertTrue(response.headers["Location"].endswith(created["order_ref"]))
        order = self.env["sale.order"].browse(created["id"])
        self.assertEqual(order.integration_system_id, self.system)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.price_unit, 99.5)
        event = self.env["integration.event"].search(
            [("type", "=", "order.accepted"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.correlation_id, response.headers["X-Request-Id"])
        # resend without Idempotency-Key: the existing order, 200, nothing new
        again = self.call("POST", "/orders", self.order_body())
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["id"], created["id"])
        self.assertEqual(
            self.env["sale.order"].search_count(
                [
                    ("integration_system_id", "=", self.system.id),
                    ("integration_external_ref", "=", "WEB-500"),
                ]
            ),
            1,
        )

    def test_invalid_body_is_422_with_pointers(self):
        response = self.call(
            "POST", "/orders", self.order_body(lines=[{"sku": "SKU-DESK", "qty": 0}])
        )
        self.assertEqual(response.status_code, 422, response.text)
        pointers = [error["pointer"] for error in response.json()["errors"]]
        self.assertIn("/lines/0/qty", pointers)

    def test_unmapped_sku_is_kept_then_reprocessed(self):
        body = self.order_body(
            external_ref="WEB-501", lines=[{"sku": "SKU-NEW", "qty": 1}]
        )
        response = self.call("POST", "/orders", body)
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        self.assertEqual(answer["status"], "needs_fix")
        exception = self.env["integration.exception"].browse(answer["exception_id"])
        self.assertEqual(exception.kind, "unmapped_code")
        self.assertIn("/lines/0/sku", exception.detail)
        self.assertFalse(
            self.env["sale.order"].search(
                [("integration_external_ref", "=", "WEB-501")]
            )
        )
        # warehouse staff map the code and reprocess from the exception
        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_code": "SKU-NEW",
                "res_id": self.desk.id,
            }
        )
        exception.action_reprocess()
        self.assertEqual(exception.state, "resolved")
        order = self.env["sale.order"].search(
            [("integration_external_ref", "=", "WEB-501")]
        )
        self.assertEqual(order.state, "sale")
        status = self.call("GET", f"/messages/{answer['message_id']}").json()
        self.assertEqual(status["status"], "done")
        self.assertEqual(status["result"]["id"], order.id)

    def test_get_order_by_external_ref_or_number(self):
        created = self.call("POST", "/orders", self.order_body()).json()
        for ref in ("WEB-500", created["order_ref"]):
            response = self.call("GET", f"/orders/{ref}", token=self.read_token)
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["id"], created["id"])
        self.assertEqual(self.call("GET", "/orders/NOPE").status_code, 404)
        # another system does not see it
        other_token = self.make_token(["orders:read"], system=self.other_system)
        self.assertEqual(
            self.call("GET", "/orders/WEB-500", token=other_token).status_code, 404
        )

    def test_cancel_until_shipped(self):
        created = self.call("POST", "/orders", self.order_body()).json()
        response = self.call("POST", "/orders/WEB-500/cancel")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["status"], "cancelled")
        # a shipped order cannot be cancelled: 409
        second = self.call(
            "POST", "/orders", self.order_body(external_ref="WEB-502")
        ).json()
        order = self.env["sale.order"].browse(second["id"])
        for move in order.picking_ids.move_ids:
            move.quantity = move.product_uom_qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        response = self.call("POST", "/orders/WEB-502/cancel")
        self.assertEqual(response.status_code, 409, response.text)
        self.assertEqual(self.env["sale.order"].browse(created["id"]).state, "cancel")

    def test_scopes(self):
        response = self.call(
            "POST", "/orders", self.order_body(), token=self.read_token
        )
        self.assertEqual(response.status_code, 403, response.text)

    def test_openapi_documents_the_order_routes(self):
        document = self.call("GET", "/openapi.json").json()
        for path in ("/orders", "/orders/{ref}", "/orders/{ref}/cancel"):
            self.assertIn(f"/api/v1{path}", document["paths"])
        create = document["paths"]["/api/v1/orders"]["post"]
        self.assertIn("requestBody", create)
        webhooks = json.dumps(document.get("webhooks", {}))
        self.assertIn("order.accepted", webhooks)
        self.assertIn("shipment.dispatched", webhooks)
