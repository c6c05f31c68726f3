from odoo import api, fields, models


class IntegrationMapping(models.Model):
    """The partner's code of a carrier's service level (``EXPRESS``,
    ``ECONOMY``): in Odoo a delivery method is a carrier and a service, so
    this kind maps the same ``delivery.carrier`` records as *Carrier*."""

    _inherit = "integration.mapping"

    kind = fields.Selection(
        # before the value kind, which stays last
        selection_add=[("carrier_service", "Carrier service"), ("status",)],
        ondelete={"carrier_service": "cascade"},
    )

    @api.model
    def _kind_models(self):
        kinds = super()._kind_models()
        kinds["carrier_service"] = "delivery.carrier"
        return kinds
