from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.integration_api.tools.request import ApiError, ApiResult

PDF_UNAVAILABLE_RETRY = "3600"


class IntegrationApiInvoiceResource(models.AbstractModel):
    """``/api/v1/invoices/{ref}``: a posted invoice or credit note of the
    system's orders, as JSON and as Odoo's PDF."""

    _name = "integration.api.invoice.resource"
    _description = "API resource: invoices"

    @api.model
    def _api_get(self, api_request):
        invoice = self._find(api_request)
        return ApiResult(
            200,
            invoice._integration_invoice_data(api_request.system),
            records=invoice,
        )

    @api.model
    def _api_get_pdf(self, api_request):
        """The PDF Odoo keeps, or Odoo's invoice report rendered now; ``503``
        when this server cannot render PDFs (no wkhtmltopdf) and none is kept."""
        invoice = self._find(api_request)
        Report = self.env["ir.actions.report"].sudo()
        if (
            not invoice.sudo().invoice_pdf_report_id
            and Report.get_wkhtmltopdf_state() != "ok"
        ):
            raise self._pdf_unavailable(
                "This server cannot render PDFs (wkhtmltopdf is not installed) "
                "and no PDF of this invoice is kept yet."
            )
        try:
            content, filename = invoice._integration_pdf()
        except UserError as error:
            raise self._pdf_unavailable(str(error.args[0])) from None
        return ApiResult(
            200,
            content,
            headers={
                "Content-Type": "application/pdf",
                "Content-Disposition": f'inline; filename="{filename}"',
            },
            records=invoice,
        )

    @api.model
    def _pdf_unavailable(self, detail):
        return ApiError(
            503,
            "Service Unavailable",
            detail,
            problem_type="unavailable",
            headers={"Retry-After": PDF_UNAVAILABLE_RETRY},
        )

    @api.model
    def _find(self, api_request):
        ref = api_request.path_params["ref"]
        invoice = self.env["account.move"]._integration_find_for_channel(
            api_request.system, ref
        )
        if not invoice:
            raise ApiError(
                404,
                "Not Found",
                f"No invoice {ref} of this system.",
                problem_type="not-found",
            )
        return invoice
