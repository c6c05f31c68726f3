from odoo import models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _integration_values(self, system=None, codes=None):
        """Plain values of this warehouse for an event payload, ``None`` if empty.

        :param codes: the system's ``CodeTable``, read once for many records
        """
        if not self:
            return None
        self.ensure_one()
        partner_code = None
        if system:
            if codes is None:
                codes = self.env["integration.mapping"].code_table(system, self)
            partner_code = codes.get(self, "warehouse")
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "partner_code": partner_code,
        }
