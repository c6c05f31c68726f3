from odoo import models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _integration_values(self, system=None):
        """Plain values of this warehouse for an event payload, ``None`` if empty."""
        if not self:
            return None
        self.ensure_one()
        partner_code = None
        if system:
            partner_code = self.env["integration.mapping"].code_for(
                system, self, kind="warehouse", fallback=False
            )
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "partner_code": partner_code,
        }
