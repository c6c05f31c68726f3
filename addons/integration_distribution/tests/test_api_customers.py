"""``PUT`` / ``GET /api/v1/customers/{ref}`` over real HTTP into Odoo."""

import json
import uuid
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_api_orders import OrdersApiCase


@tagged("post_install", "-at_install")
class TestCustomersApi(OrdersApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_token = cls.make_token(["customers:write", "customers:read"])
        cls.pricelist = cls.env["product.pricelist"].create({"name": "B2B list"})
        cls.net30 = cls.env["account.payment.term"].create({"name": "Net 30 (API)"})
        cls.env["integration.mapping"].create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": "pricelist",
                    "external_code": "B2B",
                    "res_id": cls.pricelist.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "payment_term",
                    "external_code": "NET30",
                    "res_id": cls.net30.id,
                },
            ]
        )
        cls.env.ref("base.lang_fr_BE").active = True
        # the groups of the customers scopes ("Create technical user" gives them)
        groups = "sales_team.group_sale_salesman,base.group_partner_manager"
        cls.bot.groups_id |= cls.env.ref("base.group_partner_manager")
        cls.other_system.user_id = new_test_user(
            cls.env, login="other_shop_bot", groups=groups
        )

    def put(self, ref, body, token=None, **headers):
        return self.call(
            "PUT",
            f"/customers/{ref}",
            body,
            token=token or self.customer_token,
            headers=headers,
        )

    def body(self, **overrides):
        body = {
            "name": "Deco Retail NV",
            "vat": "BE0477472701",
            "lang": "fr_BE",
            "email": "orders@deco.example",
            "address": {
                "street": "1 Dock Road",
                "zip": "2000",
                "city": "Antwerp",
                "country_code": "BE",
            },
            "billing_address": {
                "name": "Deco accounts",
                "street": "5 Quay",
                "city": "Antwerp",
                "country_code": "BE",
                "email": "ap@deco.example",
            },
            "shipping_addresses": [
                {
                    "code": "DECO-GHENT",
                    "name": "Deco depot Ghent",
                    "street": "9 Harbour St",
                    "zip": "9000",
                    "city": "Ghent",
                    "country_code": "BE",
                },
                {"name": "Deco shop Leuven", "city": "Leuven", "country_code": "BE"},
            ],
            "contacts": [
                {"name": "An Peeters", "email": "an@deco.example", "function": "Buyer"}
            ],
            "pricelist": "B2B",
            "payment_term": "NET30",
        }
        body.update(overrides)
        return body

    def test_put_creates_then_updates_and_get_reads_it(self):
        response = self.put("C-DECO", self.body())
        self.assertEqual(response.status_code, 201, response.text)
        view = response.json()
        self.assertTrue(response.headers["Location"].endswith("/customers/C-DECO"))
        partner = self.env["res.partner"].browse(view["id"])
        self.assertEqual(partner.name, "Deco Retail NV")
        self.assertEqual(partner.vat, "BE0477472701")
        self.assertEqual(partner.lang, "fr_BE")
        self.assertEqual(partner.country_id, self.env.ref("base.be"))
        self.assertEqual(partner.company_id, self.system.company_id)
        company_partner = partner.with_company(self.system.company_id)
        self.assertEqual(company_partner.property_product_pricelist, self.pricelist)
        self.assertEqual(company_partner.property_payment_term_id, self.net30)
        by_type = {child.type: child for child in partner.child_ids}
        self.assertEqual(by_type["invoice"].email, "ap@deco.example")
        self.assertEqual(
            sorted(
                partner.child_ids.filtered(lambda c: c.type == "delivery").mapped(
                    "city"
                )
            ),
            ["Ghent", "Leuven"],
        )
        self.assertEqual(by_type["contact"].function, "Buyer")
        # the code is this system's customer mapping, the ship-to its own
        Mapping = self.env["integration.mapping"]
        self.assertEqual(Mapping.resolve(self.system, "customer", "C-DECO"), partner)
        ghent = Mapping.resolve(self.system, "ship_to", "DECO-GHENT")
        self.assertEqual(ghent.parent_id, partner)
        self.assertEqual(view["ref"], "C-DECO")
        self.assertEqual(view["pricelist"], "B2B")
        self.assertEqual(view["payment_term"], "NET30")
        codes = {a["name"]: a["code"] for a in view["shipping_addresses"]}
        self.assertEqual(codes["Deco depot Ghent"], "DECO-GHENT")

        # the same body again: 200, nothing new, nothing written
        write_date = partner.write_date
        children = partner.child_ids
        again = self.put("C-DECO", self.body())
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json(), view)
        partner.invalidate_recordset()
        self.assertEqual(partner.child_ids, children)
        self.assertEqual(partner.write_date, write_date)

        # an update: the company fields replaced, addresses matched and updated
        body = self.body(name="Deco Retail SA", vat=None)
        body["shipping_addresses"][0]["street"] = "11 Harbour St"
        body["contacts"][0]["phone"] = "+32 3 000 00 00"
        updated = self.put("C-DECO", body)
        self.assertEqual(updated.status_code, 200, updated.text)
        partner.invalidate_recordset()
        self.assertEqual(partner.name, "Deco Retail SA")
        self.assertFalse(partner.vat)
        self.assertEqual(partner.child_ids, children)
        ghent.invalidate_recordset()
        self.assertEqual(ghent.street, "11 Harbour St")
        self.assertEqual(by_type["contact"].phone, "+32 3 000 00 00")

        got = self.call("GET", "/customers/C-DECO", token=self.customer_token)
        self.assertEqual(got.status_code, 200, got.text)
        self.assertEqual(got.json(), updated.json())

    def test_orders_of_the_customer_use_its_terms_and_addresses(self):
        partner_id = self.put("C-TERMS", self.body()).json()["id"]
        response = self.call(
            "POST",
            "/orders",
            self.order_body(
                external_ref="WEB-CUST-1",
                customer={"code": "C-TERMS"},
                ship_to={"code": "DECO-GHENT"},
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.partner_id.id, partner_id)
        self.assertEqual(order.partner_shipping_id.city, "Ghent")
        self.assertEqual(order.pricelist_id, self.pricelist)
        self.assertEqual(order.payment_term_id, self.net30)

    def test_idempotency_key_replays_the_first_answer(self):
        key = str(uuid.uuid4())
        first = self.put("C-IDEM", self.body(), **{"Idempotency-Key": key})
        self.assertEqual(first.status_code, 201, first.text)
        second = self.put("C-IDEM", self.body(), **{"Idempotency-Key": key})
        self.assertEqual(second.status_code, 201, second.text)
        self.assertEqual(second.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(second.json()["id"], first.json()["id"])

    def test_unknown_pricelist_is_kept_then_reprocessed(self):
        response = self.put("C-LATER", self.body(pricelist="VIP"))
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        exception = self.env["integration.exception"].browse(answer["exception_id"])
        self.assertEqual(exception.kind, "unmapped_code")
        self.assertIn("/pricelist", exception.detail)
        self.assertFalse(
            self.env["res.partner"]._integration_find_customer(self.system, "C-LATER")
        )
        message = self.env["integration.api.message"].browse(answer["message_id"])
        self.assertEqual(message.reference, "C-LATER")
        vip = self.env["product.pricelist"].create({"name": "VIP list"})
        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "pricelist",
                "external_code": "VIP",
                "res_id": vip.id,
            }
        )
        exception.action_reprocess()
        self.assertEqual(exception.state, "resolved")
        partner = self.env["res.partner"]._integration_find_customer(
            self.system, "C-LATER"
        )
        self.assertEqual(
            partner.with_company(self.system.company_id).property_product_pricelist, vip
        )
        got = self.call("GET", "/customers/C-LATER", token=self.customer_token)
        self.assertEqual(got.json()["pricelist"], "VIP")

    def test_unknown_payment_term_and_country_wait_for_a_person(self):
        response = self.put("C-TERM", self.body(payment_term="NET90"))
        self.assertEqual(response.status_code, 202, response.text)
        exception = self.env["integration.exception"].browse(
            response.json()["exception_id"]
        )
        self.assertIn("/payment_term", exception.detail)
        body = self.body()
        body["address"]["country_code"] = "QQ"
        response = self.put("C-LAND", body)
        self.assertEqual(response.status_code, 202, response.text)
        exception = self.env["integration.exception"].browse(
            response.json()["exception_id"]
        )
        self.assertEqual(exception.kind, "business_rule")
        self.assertIn("/address/country_code", exception.detail)

    def test_invalid_body_is_a_problem_with_pointers(self):
        response = self.put(
            "C-BAD",
            {"name": "", "shipping_addresses": [{"city": 3}], "colour": "red"},
        )
        self.assertEqual(response.status_code, 422, response.text)
        self.assertEqual(
            response.headers["Content-Type"].split(";")[0], "application/problem+json"
        )
        pointers = {error["pointer"] for error in response.json()["errors"]}
        self.assertIn("/name", pointers)
        self.assertIn("/shipping_addresses/0/city", pointers)

    def test_another_system_gets_404_and_keeps_its_own_customers(self):
        created = self.put("C-OWN", self.body()).json()
        other = self.make_token(
            ["customers:write", "customers:read"], system=self.other_system
        )
        self.assertEqual(
            self.call("GET", "/customers/C-OWN", token=other).status_code, 404
        )
        self.assertEqual(
            self.call(
                "GET", "/customers/C-NONE", token=self.customer_token
            ).status_code,
            404,
        )
        # the same code from another system is another customer of its own
        body = self.body(pricelist=None, payment_term=None, name="Other's C-OWN")
        body["shipping_addresses"] = []
        response = self.put("C-OWN", body, token=other)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertNotEqual(response.json()["id"], created["id"])
        self.assertEqual(
            self.env["res.partner"].browse(created["id"]).name, "Deco Retail NV"
        )
        # ...and a ship-to code of the first system is no address of the second
        body["shipping_addresses"] = [{"code": "DECO-GHENT", "city": "Ghent"}]
        response = self.put("C-OWN", body, token=other)
        self.assertEqual(response.status_code, 200, response.text)
        ghent = self.env["integration.mapping"].resolve(
            self.system, "ship_to", "DECO-GHENT"
        )
        self.assertEqual(ghent.parent_id.id, created["id"])

    def test_same_customer_created_twice_at_once_is_a_409(self):
        """The second of two requests creating one customer at the same
        instant did not see the first one's mapping: the unique mapping
        refuses it, and the partner is told to retry."""
        self.assertEqual(self.put("C-RACE", self.body()).status_code, 201)
        Partner = type(self.env["res.partner"])
        with (
            patch.object(
                Partner,
                "_integration_find_customer",
                lambda self, system, ref: self.browse(),
            ),
            mute_logger("odoo.sql_db"),
        ):
            response = self.put("C-RACE", self.body(name="Deco twin"))
        self.assertEqual(response.status_code, 409, response.text)
        self.assertEqual(response.headers["Retry-After"], "1")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Deco twin")]))
        self.assertEqual(self.put("C-RACE", self.body()).status_code, 200)

    def test_scopes_and_openapi(self):
        read_only = self.make_token(["customers:read"])
        self.assertEqual(
            self.put("C-RO", self.body(), token=read_only).status_code, 403
        )
        document = self.call("GET", "/openapi.json").json()
        path = document["paths"]["/api/v1/customers/{ref}"]
        self.assertIn("put", path)
        self.assertIn("get", path)
        webhooks = json.dumps(document.get("webhooks", {}))
        self.assertIn("order.changed", webhooks)
        self.assertIn("order.cancelled", webhooks)
