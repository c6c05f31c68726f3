from odoo import api, models

QUANT_FIELDS = frozenset({"quantity", "reserved_quantity", "location_id", "product_id"})


class StockQuant(models.Model):
    """On hand and reserved quantities change here: mark them dirty."""

    _inherit = "stock.quant"

    @api.model_create_multi
    def create(self, vals_list):
        quants = super().create(vals_list)
        quants._integration_mark_dirty()
        return quants

    def write(self, vals):
        if not QUANT_FIELDS.intersection(vals):
            return super().write(vals)
        self._integration_mark_dirty()  # the old location, if it moves
        result = super().write(vals)
        self._integration_mark_dirty()
        return result

    def _integration_mark_dirty(self):
        self.env["integration.availability.dirty"]._mark(
            (quant.product_id.id, quant.location_id.warehouse_id.id) for quant in self
        )
