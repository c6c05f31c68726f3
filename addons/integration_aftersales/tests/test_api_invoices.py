"""``invoice.posted`` into a real receiver, ``GET /api/v1/invoices/{ref}``
and its PDF over real HTTP."""

import base64
from unittest.mock import patch

from odoo.tests import tagged

from .common import AftersalesHttpCase

# the smallest PDF a reader opens: what Odoo keeps once an invoice was sent
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@tagged("post_install", "-at_install")
class TestInvoicesApi(AftersalesHttpCase):
    def post_invoice(self):
        invoice = self.order._create_invoices()
        invoice.action_post()
        self.env.flush_all()
        return invoice

    def test_invoice_posted_goes_to_the_orders_system_only(self):
        ours = self.subscribe(self.shop, "invoice.posted")
        theirs = self.subscribe(self.stranger, "invoice.posted")
        invoice = self.post_invoice()
        events = self.env["integration.event"].search(
            [("type", "=", "invoice.posted"), ("res_id", "=", invoice.id)]
        )
        self.assertEqual(len(events), 1)
        self.assertEqual(events.system_id, self.shop)
        self.assertFalse(theirs.delivery_ids)
        self.drain(ours)
        [payload] = self.received("invoice.posted")
        data = payload["data"]
        self.assertEqual(payload["subject"], f"invoices/{invoice.name}")
        self.assertEqual(data["number"], invoice.name)
        self.assertEqual(data["kind"], "invoice")
        self.assertEqual(data["currency"], invoice.currency_id.name)
        self.assertEqual(data["due_date"], str(invoice.invoice_date_due))
        self.assertAlmostEqual(data["amount_untaxed"], 2 * 100 + 3 * 40)
        self.assertAlmostEqual(data["amount_tax"], 320 * 0.21)
        self.assertAlmostEqual(data["amount_total"], 320 * 1.21)
        self.assertEqual(
            sorted(
                (line["product"]["partner_sku"], line["quantity"])
                for line in data["lines"]
            ),
            [("SKU-CHAIR", 3), ("SKU-DESK", 2)],
        )
        self.assertEqual(
            [(tax["name"], round(tax["amount"], 2)) for tax in data["taxes"]],
            [("Test VAT 21%", 67.2)],
        )
        self.assertEqual(
            data["orders"],
            [
                {
                    "order_ref": self.order.name,
                    "external_ref": "RET-1",
                    "client_order_ref": None,
                }
            ],
        )
        self.assertEqual(
            [shipment["name"] for shipment in data["shipments"]],
            self.order.picking_ids.mapped("name"),
        )
        self.assertEqual(data["customer"]["vat"], "BE0477472701")

    def test_an_invoice_of_odoos_own_sale_sends_nothing(self):
        self.order.integration_system_id = False
        invoice = self.post_invoice()
        self.assertFalse(
            self.env["integration.event"].search(
                [("type", "=", "invoice.posted"), ("res_id", "=", invoice.id)]
            )
        )

    def test_get_invoice_and_a_second_systems_key_gets_404(self):
        invoice = self.post_invoice()
        self.assertIn("/", invoice.name)
        response = self.api("GET", f"/invoices/{invoice.name.replace('/', '_')}")
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["number"], invoice.name)
        self.assertEqual(body["pdf_url"], f"/api/v1/invoices/{invoice.id}/pdf")
        self.assertEqual(
            self.api("GET", f"/invoices/{invoice.id}").json()["id"], invoice.id
        )
        self.assertProblem(
            self.api("GET", f"/invoices/{invoice.id}", token=self.stranger_token), 404
        )
        self.assertProblem(
            self.api("GET", f"/invoices/{invoice.id}/pdf", token=self.stranger_token),
            404,
        )
        draft = invoice._reverse_moves()
        self.assertProblem(self.api("GET", f"/invoices/{draft.id}"), 404)

    def test_pdf_kept_by_odoo_is_served(self):
        invoice = self.post_invoice()
        invoice.invoice_pdf_report_file = base64.b64encode(TINY_PDF)
        response = self.api("GET", f"/invoices/{invoice.id}/pdf")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.content, TINY_PDF)
        self.assertIn(".pdf", response.headers["Content-Disposition"])

    def test_pdf_503_when_the_server_cannot_render(self):
        invoice = self.post_invoice()
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "get_wkhtmltopdf_state", lambda _self: "install"):
            response = self.api("GET", f"/invoices/{invoice.id}/pdf")
        problem = self.assertProblem(response, 503)
        self.assertTrue(problem["type"].endswith("/problems/unavailable"))
        self.assertEqual(response.headers["Retry-After"], "3600")
        self.assertIn("wkhtmltopdf", problem["detail"])

    def test_pdf_rendered_with_odoos_invoice_report(self):
        """The rendering the route falls back on, called outside a request:
        inside one, on this test server, wkhtmltopdf's own requests for the
        report's assets would wait for the test cursor that the request
        holds (a started server answers them from another worker)."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest("wkhtmltopdf is not installed (.ci/run installs it)")
        invoice = self.post_invoice()
        content, filename = invoice._integration_pdf()
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(filename, f"{invoice.name.replace('/', '_')}.pdf")

    def test_openapi_documents_the_routes_and_events(self):
        document = self.url_open("/api/v1/openapi.json").json()
        for path in (
            "/returns",
            "/returns/{ref}",
            "/invoices/{ref}",
            "/invoices/{ref}/pdf",
        ):
            self.assertIn(f"/api/v1{path}", document["paths"])
        create = document["paths"]["/api/v1/returns"]["post"]
        self.assertIn("202", create["responses"])
        self.assertIn("requestBody", create)
        self.assertIn("return.received", document["webhooks"])
        self.assertIn("invoice.posted", document["webhooks"])

    def test_a_credit_note_reversing_an_invoice_is_sent_with_what_it_credits(self):
        ours = self.subscribe(self.shop, "invoice.posted")
        invoice = self.post_invoice()
        refund = invoice._reverse_moves()
        refund.action_post()
        self.env.flush_all()
        self.drain(ours)
        by_number = {
            p["data"]["number"]: p["data"] for p in self.received("invoice.posted")
        }
        self.assertEqual(set(by_number), {invoice.name, refund.name})
        credit = by_number[refund.name]
        self.assertEqual(credit["kind"], "credit_note")
        self.assertEqual(credit["credits"], invoice.name)
        self.assertAlmostEqual(credit["amount_total"], invoice.amount_total)
        self.assertEqual(credit["orders"][0]["external_ref"], "RET-1")
