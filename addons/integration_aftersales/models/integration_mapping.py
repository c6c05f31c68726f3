from odoo import api, fields, models

AFTERSALES_KINDS = {"return_reason": "integration.return.reason"}


class IntegrationMapping(models.Model):
    """The partner's return reason codes (``POST /api/v1/returns``)."""

    _inherit = "integration.mapping"

    kind = fields.Selection(
        selection_add=[("return_reason", "Return reason"), ("status",)],
        ondelete={"return_reason": "cascade"},
    )

    @api.model
    def _kind_models(self):
        kinds = super()._kind_models()
        kinds.update(AFTERSALES_KINDS)
        return kinds

    @api.model
    def _outbound_fallback_fields(self):
        """Without a mapping, a reason is sent as its own code."""
        fallback_fields = super()._outbound_fallback_fields()
        fallback_fields["integration.return.reason"] = "code"
        return fallback_fields
