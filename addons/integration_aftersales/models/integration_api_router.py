from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_aftersales/schemas/api"
RETURNS = "integration.api.return.resource"
INVOICES = "integration.api.invoice.resource"


class IntegrationApiRouter(models.AbstractModel):
    _inherit = "integration.api.router"

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "POST",
                "/returns",
                "returns:write",
                f"{RETURNS}._api_create",
                summary="Announce a return (RMA)",
                description="Lines of a delivered order with quantity, your reason "
                "code (translated by your return-reason mappings) and the expected "
                "disposition. Checked against what was delivered and is not returned "
                "or announced yet: more is a 422 whose errors point at the line. "
                "Odoo creates its return picking(s), one per delivery the goods came "
                "from; when they are received you get return.received and, per your "
                "system's policy, a credit note (invoice.posted once posted). The "
                "same rma_ref again answers 200 with the return and changes nothing. "
                "An unknown SKU or reason code is kept and answered 202 until it is "
                "mapped.",
                request_schema=f"{SCHEMAS}/return.create.json",
                response_schema=f"{SCHEMAS}/return.view.json",
                success_status=201,
                idempotent=True,
                keep_message=True,
                reference="/rma_ref",
                tags=("returns",),
            ),
            ApiRoute(
                "GET",
                "/returns/{ref}",
                "returns:write",
                f"{RETURNS}._api_get",
                summary="A return: what was announced, what was received, credit notes",
                response_schema=f"{SCHEMAS}/return.view.json",
                tags=("returns",),
            ),
            ApiRoute(
                "GET",
                "/invoices/{ref}",
                "invoices:read",
                f"{INVOICES}._api_get",
                summary="A posted invoice or credit note of your orders",
                description="{ref} is the invoice number (or its id). Lines in your "
                "codes, taxes, totals, currency, due date, the orders and shipments "
                "it covers. Only invoices of your own orders: another's is 404.",
                response_schema=f"{SCHEMAS}/invoice.view.json",
                tags=("invoices",),
            ),
            ApiRoute(
                "GET",
                "/invoices/{ref}/pdf",
                "invoices:read",
                f"{INVOICES}._api_get_pdf",
                summary="The invoice as PDF (application/pdf)",
                description="The PDF Odoo keeps of the invoice (sent or printed), "
                "else Odoo's invoice report rendered now. 503 with Retry-After when "
                "the server cannot render PDFs (no wkhtmltopdf) and none is kept.",
                tags=("invoices",),
            ),
        ]
