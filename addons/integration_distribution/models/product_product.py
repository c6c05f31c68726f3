from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _integration_values(self, codes=None):
        """Plain values of this product for an event payload.

        :param codes: the system's ``CodeTable`` (``integration.mapping.
            code_table``), read once for all lines; without it no partner SKU
        """
        self.ensure_one()
        return {
            "id": self.id,
            "default_code": self.default_code,
            "barcode": self.barcode,
            "name": self.name,
            "partner_sku": codes.get(self, "product") if codes is not None else None,
        }
