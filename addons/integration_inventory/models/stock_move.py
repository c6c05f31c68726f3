from odoo import api, models

# what changes Odoo's incoming and outgoing quantities (and the forecast)
MOVE_FIELDS = frozenset(
    {
        "state",
        "product_uom_qty",
        "product_id",
        "location_id",
        "location_dest_id",
        "date",
    }
)


class StockMove(models.Model):
    """Incoming and outgoing quantities change with moves: mark them dirty."""

    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves._integration_mark_dirty()
        return moves

    def write(self, vals):
        if not MOVE_FIELDS.intersection(vals):
            return super().write(vals)
        self._integration_mark_dirty()
        result = super().write(vals)
        self._integration_mark_dirty()
        return result

    def _integration_mark_dirty(self):
        pairs = set()
        for move in self:
            product = move.product_id.id
            pairs.add((product, move.location_id.warehouse_id.id))
            pairs.add((product, move.location_dest_id.warehouse_id.id))
        self.env["integration.availability.dirty"]._mark(pairs)
