"""``/api/v1/availability`` over real HTTP into Odoo's test server."""

import csv
import hashlib
import io
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAvailabilityApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.bot = new_test_user(
            cls.env, login="avail_bot", groups="sales_team.group_sale_salesman"
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.wh2 = cls.env["stock.warehouse"].create(
            {"name": "API second", "code": "APIW2"}
        )
        cls.system = cls.env["integration.system"].create(
            {
                "name": "Availability shop",
                "code": "avail_shop",
                "state": "active",
                "user_id": cls.bot.id,
                "availability_warehouse_ids": [
                    fields.Command.set([cls.warehouse.id, cls.wh2.id])
                ],
                "availability_buffer_kind": "absolute",
                "availability_buffer": 1,
            }
        )
        cls.other = cls.env["integration.system"].create(
            {
                "name": "Other shop",
                "code": "avail_other",
                "state": "active",
                "user_id": cls.bot.id,
            }
        )
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {"name": "API lamp", "default_code": "API-LAMP", "is_storable": True}
        )
        cls.sofa = Product.create(
            {"name": "API sofa", "default_code": "API-SOFA", "is_storable": True}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.lamp, cls.warehouse.lot_stock_id, 10)
        Quant._update_available_quantity(cls.lamp, cls.wh2.lot_stock_id, 4)
        Quant._update_available_quantity(cls.sofa, cls.wh2.lot_stock_id, 2)
        cls.receipt_day = fields.Date.today() + timedelta(days=5)
        supplier = cls.env.ref("stock.stock_location_suppliers")
        receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.in_type_id.id,
                "location_id": supplier.id,
                "location_dest_id": cls.warehouse.lot_stock_id.id,
                "scheduled_date": fields.Datetime.to_datetime(cls.receipt_day),
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": "sofa in",
                            "product_id": cls.sofa.id,
                            "product_uom_qty": 6,
                            "product_uom": cls.sofa.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": cls.warehouse.lot_stock_id.id,
                            "date": fields.Datetime.to_datetime(cls.receipt_day),
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        Mapping = cls.env["integration.mapping"]
        Mapping.create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": "product",
                    "external_code": "SKU-LAMP",
                    "res_id": cls.lamp.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "warehouse",
                    "external_code": "EAST",
                    "res_id": cls.wh2.id,
                },
            ]
        )
        cls.token = cls.make_token(["availability:read"])
        cls.other_token = cls.make_token(["availability:read"], cls.other)
        cls.orders_token = cls.make_token(["orders:read"])

    @classmethod
    def make_token(cls, scopes, system=None):
        key = cls.env["integration.api.key"].create(
            {
                "name": "availability test key",
                "system_id": (system or cls.system).id,
                "scope_ids": [
                    fields.Command.set(
                        cls.env["integration.api.scope"]
                        .search([("code", "in", scopes)])
                        .ids
                    )
                ],
            }
        )
        return key._issue_secret()

    def call(self, method, path, body=None, token=None):
        headers = {"X-Api-Key": token or self.token}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return self.opener.request(
            method,
            self.base_url() + "/api/v1" + path,
            data=data,
            headers=headers,
            timeout=30,
        )

    def line(self, items, sku, warehouse):
        return next(
            i for i in items if i.get("sku") == sku and i.get("warehouse") == warehouse
        )

    def test_figures_per_sku_and_warehouse_in_the_callers_codes(self):
        response = self.call("GET", "/availability?sku=SKU-LAMP,API-SOFA,NOPE")
        self.assertEqual(response.status_code, 200, response.text)
        items = response.json()["items"]
        lamp_main = self.line(items, "SKU-LAMP", self.warehouse.code)
        self.assertEqual(
            (
                lamp_main["on_hand"],
                lamp_main["available"],
                lamp_main["available_to_sell"],
            ),
            (10.0, 10.0, 9.0),
        )
        self.assertEqual(self.line(items, "SKU-LAMP", "EAST")["available_to_sell"], 3.0)
        sofa_main = self.line(
            items, "API-SOFA", self.warehouse.code
        )  # fallback: internal reference
        self.assertEqual(sofa_main["incoming"], 6.0)
        self.assertEqual(
            sofa_main["next_incoming"], {"quantity": 6.0, "date": str(self.receipt_day)}
        )
        [unknown] = [i for i in items if "error" in i]
        self.assertEqual(unknown["sku"], "NOPE")
        self.assertEqual(unknown["error"]["code"], "unmapped_code")
        self.assertEqual(unknown["error"]["pointer"], "/sku/2")

    def test_unknown_warehouse_is_a_line_not_a_failure(self):
        response = self.call("GET", "/availability?sku=SKU-LAMP&warehouse=EAST,MOON")
        self.assertEqual(response.status_code, 200, response.text)
        items = response.json()["items"]
        self.assertEqual([i["warehouse"] for i in items if "error" not in i], ["EAST"])
        self.assertEqual([i["warehouse"] for i in items if "error" in i], ["MOON"])

    def test_cursor_pages_through_every_stocked_product(self):
        seen, cursor, pages = [], None, 0
        while True:
            path = "/availability?limit=1&warehouse=EAST" + (
                f"&cursor={cursor}" if cursor else ""
            )
            response = self.call("GET", path)
            self.assertEqual(response.status_code, 200, response.text)
            body = response.json()
            seen += [i["product_id"] for i in body["items"]]
            pages += 1
            cursor = body["next"]
            if not cursor or pages > 500:
                break
        self.assertIn(self.lamp.id, seen)
        self.assertIn(self.sofa.id, seen)
        self.assertEqual(len(seen), len(set(seen)))

    def test_bad_input_is_a_problem_document(self):
        for path, status in (
            ("/availability?cursor=garbage", 400),
            ("/availability?limit=0", 422),
            ("/availability?color=red", 422),
            ("/availability?sku=" + ",".join(f"S{i}" for i in range(501)), 422),
        ):
            response = self.call("GET", path)
            self.assertEqual(response.status_code, status, path)
            self.assertEqual(
                response.headers["Content-Type"], "application/problem+json"
            )
        response = self.call(
            "POST", "/availability/check", {"lines": [{"sku": "X", "quantity": -1}]}
        )
        self.assertEqual(response.status_code, 422, response.text)
        self.assertEqual(response.json()["errors"][0]["pointer"], "/lines/0/quantity")
        self.assertEqual(
            self.call("GET", "/availability", token=self.orders_token).status_code, 403
        )

    def test_check_promises_now_and_schedules_the_rest(self):
        wanted = str(self.receipt_day + timedelta(days=1))
        response = self.call(
            "POST",
            "/availability/check",
            {
                "lines": [
                    {"sku": "SKU-LAMP", "quantity": 12},
                    {"sku": "API-SOFA", "quantity": 5, "date": wanted},
                    {"sku": "API-SOFA", "quantity": 1, "warehouse": "MOON"},
                    {"sku": "NOPE", "quantity": 1},
                ]
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        lamp, sofa, moon, nope = response.json()["lines"]
        # WH offers 9 (10 less buffer 1), EAST 3: WH has most, 3 more are not coming
        self.assertEqual(
            (lamp["warehouse"], lamp["promisable_now"], lamp["short"]),
            (self.warehouse.code, 9.0, 3.0),
        )
        self.assertFalse(lamp["can_promise"])
        # the sofa: EAST offers 1 now (2 less the buffer), WH none; the rest is
        # scheduled where the line ships from, and nothing comes into EAST
        self.assertEqual(
            (sofa["warehouse"], sofa["promisable_now"], sofa["rest"], sofa["short"]),
            ("EAST", 1.0, 4.0, 4.0),
        )
        self.assertFalse(sofa["can_promise"])
        self.assertEqual(moon["error"]["pointer"], "/lines/2/warehouse")
        self.assertEqual(nope["error"]["pointer"], "/lines/3/sku")

    def test_check_rest_date_from_the_receipt(self):
        wanted = str(self.receipt_day + timedelta(days=1))
        response = self.call(
            "POST",
            "/availability/check",
            {
                "lines": [
                    {
                        "sku": "API-SOFA",
                        "quantity": 4,
                        "warehouse": self.warehouse.code,
                        "date": wanted,
                    }
                ]
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        [sofa] = response.json()["lines"]
        self.assertEqual((sofa["promisable_now"], sofa["rest"]), (0.0, 4.0))
        self.assertEqual(sofa["rest_date"], str(self.receipt_day))
        self.assertTrue(sofa["can_promise"])

    def test_another_system_sees_only_its_own_codes(self):
        response = self.call(
            "GET", "/availability?sku=SKU-LAMP", token=self.other_token
        )
        self.assertEqual(response.status_code, 200, response.text)
        [line] = response.json()["items"]
        self.assertEqual(line["error"]["code"], "unmapped_code")

    def test_snapshot_is_announced_and_downloadable_by_its_system_only(self):
        self.system.write({"snapshot_enabled": True, "snapshot_hour": 0})
        Snapshot = self.env["integration.inventory.snapshot"]
        snapshots = Snapshot._cron_take_due()
        snapshot = snapshots.filtered(lambda s: s.system_id == self.system)
        self.assertEqual(len(snapshot), 1)
        self.assertNotIn(self.system, Snapshot._cron_take_due().system_id, "one a day")
        event = snapshot.event_id
        self.assertEqual(event.state, "published", event.data)
        self.assertEqual(event.type, "inventory.snapshot")
        files = {f["format"]: f for f in event.data["files"]}
        # a receiver: download each file, check bytes and count
        jsonl = self.call("GET", f"/snapshots/{snapshot.id}?format=jsonl")
        self.assertEqual(jsonl.status_code, 200, jsonl.text)
        self.assertEqual(
            hashlib.sha256(jsonl.content).hexdigest(), files["jsonl"]["sha256"]
        )
        lines = [json.loads(line) for line in jsonl.content.decode().splitlines()]
        self.assertEqual(len(lines), event.data["record_count"])
        self.assertEqual(int(jsonl.headers["X-Record-Count"]), len(lines))
        self.assertIn(self.lamp.id, {line["product_id"] for line in lines})
        csv_file = self.call("GET", f"/snapshots/{snapshot.id}?format=csv")
        self.assertEqual(
            hashlib.sha256(csv_file.content).hexdigest(), files["csv"]["sha256"]
        )
        rows = list(csv.DictReader(io.StringIO(csv_file.content.decode())))
        self.assertEqual(len(rows), event.data["record_count"])
        # another system's key: not found, not forbidden
        other = self.call("GET", f"/snapshots/{snapshot.id}", token=self.other_token)
        self.assertEqual(other.status_code, 404)
        self.assertEqual(other.headers["Content-Type"], "application/problem+json")
        self.assertEqual(self.call("GET", "/snapshots/99999999").status_code, 404)
        self.assertEqual(
            self.call("GET", f"/snapshots/{snapshot.id}?format=xml").status_code, 422
        )
        # expired: purged with its files
        snapshot.expires_at = "2000-01-01 00:00:00"
        attachments = snapshot.jsonl_attachment_id | snapshot.csv_attachment_id
        Snapshot._cron_purge_expired()
        self.assertFalse(snapshot.exists())
        self.assertFalse(attachments.exists())
