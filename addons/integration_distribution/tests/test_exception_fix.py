"""Fixing what partners sent, over real HTTP: a mapping created from ranked
candidates reprocesses every order waiting for the code, a declared field
corrected with an audit trail, a resent order supersedes the kept one, and
routing by warehouse."""

import base64
import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_api_orders import OrdersApiCase


class ExceptionFixCase(OrdersApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {
                "name": "Reading lamp",
                "default_code": "LAMP-7",
                "barcode": "5400000000777",
                "type": "consu",
            }
        )
        cls.desk_xl = Product.create(
            {"name": "API desk XL", "default_code": "API-DESK-XL", "type": "consu"}
        )

    def send(self, ref, lines):
        response = self.call(
            "POST", "/orders", self.order_body(external_ref=ref, lines=lines)
        )
        self.assertEqual(response.status_code, 202, response.text)
        return self.env["integration.api.message"].browse(response.json()["message_id"])

    def orders(self, *refs):
        return self.env["sale.order"].search(
            [
                ("integration_system_id", "=", self.system.id),
                ("integration_external_ref", "in", refs),
            ]
        )


@tagged("post_install", "-at_install")
class TestMappingFromTheException(ExceptionFixCase):
    def test_candidates_are_ranked_and_the_mapping_frees_every_waiting_order(self):
        messages = [
            self.send(f"WAIT-{n}", [{"sku": "lamp 7", "qty": n}]) for n in (1, 2, 3)
        ]
        # one problem, counted three times, all three orders wait for it
        exception = messages[0].exception_id
        self.assertEqual({m.exception_id for m in messages}, {exception})
        self.assertEqual(exception.count, 3)
        self.assertEqual(exception.mapping_code, "lamp 7")
        self.assertEqual(exception.audience, "business")
        # a fourth order waits for the same code and another one after it
        both = self.send(
            "WAIT-4", [{"sku": "lamp 7", "qty": 1}, {"sku": "CHAIR-??", "qty": 1}]
        )
        self.assertEqual(both.exception_id, exception)

        action = exception.action_open_map_wizard()
        wizard = self.env["integration.exception.map"].browse(action["res_id"])
        self.assertEqual(wizard.waiting_count, 1)
        best = wizard.candidate_ids[0]
        self.assertEqual(best.res_id, self.lamp.id)
        self.assertEqual(best.reason, "code")
        self.assertEqual(best.record_name, self.lamp.display_name)
        self.assertNotIn(self.desk_xl.id, wizard.candidate_ids.mapped("res_id"))

        result = best.action_choose()
        self.assertIn("1 of 1 waiting exceptions solved", result["params"]["message"])
        mapping = self.env["integration.mapping"].search(
            [("system_id", "=", self.system.id), ("external_code", "=", "lamp 7")]
        )
        self.assertEqual(mapping.res_id, self.lamp.id)
        self.assertEqual(exception.state, "resolved")
        self.assertTrue(exception.auto_resolved)
        self.assertEqual(len(self.orders("WAIT-1", "WAIT-2", "WAIT-3")), 3)
        self.assertEqual(
            self.orders("WAIT-3").order_line.product_uom_qty, 3.0, "its own body"
        )
        self.assertEqual({m.state for m in messages}, {"done"})
        # the fourth moved on to its next problem, kept with a new exception
        self.assertEqual(both.state, "needs_fix")
        self.assertNotEqual(both.exception_id, exception)
        self.assertEqual(both.exception_id.mapping_code, "CHAIR-??")
        self.assertFalse(self.orders("WAIT-4"))

    def test_saving_a_mapping_anywhere_reprocesses_the_waiting_orders(self):
        first = self.send("LATER-1", [{"sku": "SKU-LATER", "qty": 1}])
        second = self.send("LATER-2", [{"sku": "SKU-LATER", "qty": 2}])
        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_code": "SKU-LATER",
                "res_id": self.desk.id,
            }
        )
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertEqual(first.exception_id.state, "resolved")
        self.assertEqual(len(self.orders("LATER-1", "LATER-2")), 2)
        # the partner's GET shows it
        status = self.call("GET", f"/messages/{second.id}").json()
        self.assertEqual(status["status"], "done")

    def test_another_systems_mapping_frees_nothing(self):
        message = self.send("ISOLATED-1", [{"sku": "SKU-ISO", "qty": 1}])
        self.env["integration.mapping"].create(
            {
                "system_id": self.other_system.id,
                "kind": "product",
                "external_code": "SKU-ISO",
                "res_id": self.desk.id,
            }
        )
        self.assertEqual(message.state, "needs_fix")
        self.assertEqual(message.exception_id.state, "new")


@tagged("post_install", "-at_install")
class TestCorrectADeclaredField(ExceptionFixCase):
    def test_a_clerk_corrects_the_sku_with_an_audit_trail(self):
        message = self.send(
            "TYPO-1", [{"sku": "SKU-DSEK", "qty": 2, "price_unit": 10.0}]
        )
        original = base64.b64decode(message.body_raw)
        exception = message.exception_id
        self.assertTrue(exception.can_edit)
        action = exception.action_open_edit_wizard()
        wizard = self.env["integration.exception.edit"].browse(action["res_id"])
        lines = {line.pointer: line for line in wizard.line_ids}
        self.assertEqual(
            sorted(lines), ["/customer/code", "/lines/0/qty", "/lines/0/sku"]
        )
        self.assertNotIn("/lines/0/price_unit", lines, "not declared editable")
        self.assertEqual(lines["/lines/0/sku"].label, "Line 1 sku")
        with self.assertRaises(UserError):
            wizard.action_apply()  # nothing changed
        lines["/lines/0/sku"].new_value = "SKU-DESK"
        lines["/lines/0/qty"].new_value = "5"
        result = wizard.action_apply()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(message.state, "done")
        self.assertEqual(exception.state, "resolved")
        order = self.orders("TYPO-1")
        self.assertEqual(order.order_line.product_id, self.desk)
        self.assertEqual(order.order_line.product_uom_qty, 5.0)
        log = message.edit_log_ids.sorted("pointer")
        self.assertEqual(log.mapped("pointer"), ["/lines/0/qty", "/lines/0/sku"])
        self.assertEqual(log.mapped("before"), ["2", "SKU-DSEK"])
        self.assertEqual(log.mapped("after"), ["5", "SKU-DESK"])
        self.assertEqual(set(log.mapped("user_id")), {self.env.user})
        self.assertEqual(exception.edit_log_ids, log)
        # the original bytes are kept beside the corrected body
        self.assertEqual(base64.b64decode(message.body_original_raw), original)
        corrected = json.loads(base64.b64decode(message.body_raw))
        self.assertEqual(
            corrected["lines"][0], {"sku": "SKU-DESK", "qty": 5, "price_unit": 10.0}
        )

    def test_only_declared_fields_and_well_typed_values(self):
        message = self.send("TYPO-2", [{"sku": "SKU-DSEK", "qty": 2}])
        with self.assertRaises(ValueError):
            message._integration_apply_edits({"/lines/0/price_unit": "0"})
        wizard = self.env["integration.exception.edit"].browse(
            message.exception_id.action_open_edit_wizard()["res_id"]
        )
        qty = wizard.line_ids.filtered(lambda line: line.pointer == "/lines/0/qty")
        qty.new_value = "two"
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertFalse(message.edit_log_ids)
        self.assertFalse(message.body_original_raw)


@tagged("post_install", "-at_install")
class TestDuplicatesAndRouting(ExceptionFixCase):
    def test_a_resent_order_supersedes_the_kept_one(self):
        kept = self.send("RESENT-1", [{"sku": "SKU-OLD", "qty": 1}])
        exception = kept.exception_id
        response = self.call(
            "POST",
            "/orders",
            self.order_body(
                external_ref="RESENT-1", lines=[{"sku": "SKU-DESK", "qty": 1}]
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(kept.state, "superseded")
        self.assertEqual(kept.superseded_by_id.reference, "RESENT-1")
        self.assertEqual(kept.superseded_by_id.state, "done")
        self.assertEqual(
            kept.superseded_by_id.res_ids, str(response.json()["id"]), "the new order"
        )
        self.assertEqual(exception.state, "resolved")
        self.assertTrue(exception.auto_resolved)
        self.assertEqual(len(self.orders("RESENT-1")), 1)

    def test_routing_by_warehouse(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        team = self.env["integration.exception.team"].create({"name": "Dock 1"})
        self.env["integration.exception.rule"].create(
            [
                {
                    "name": "Elsewhere",
                    "sequence": 1,
                    "warehouse_id": self.env["stock.warehouse"]
                    .create({"name": "Far away", "code": "FAR"})
                    .id,
                    "team_id": self.env["integration.exception.team"]
                    .create({"name": "Far desk"})
                    .id,
                },
                {
                    "name": "Dock 1 problems",
                    "sequence": 2,
                    "warehouse_id": warehouse.id,
                    "team_id": team.id,
                },
            ]
        )
        response = self.call("POST", "/orders", self.order_body(external_ref="WH-1"))
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.warehouse_id, warehouse)
        exception = self.env["integration.exception"].report(
            kind="business_rule",
            title="Cannot ship",
            fingerprint="wh-test",
            system=self.system,
            record=order,
        )
        self.assertEqual(exception.warehouse_id, warehouse)
        self.assertEqual(exception.team_id, team)
        unrelated = self.env["integration.exception"].report(
            kind="business_rule", title="No record", fingerprint="wh-none"
        )
        self.assertFalse(unrelated.team_id)
