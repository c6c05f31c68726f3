from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _integration_values(self, partner_skus=None):
        """Plain values of this product for an event payload.

        :param partner_skus: ``{product id: partner SKU}`` from
            ``integration.mapping.codes_for``, read once for all lines
        """
        self.ensure_one()
        return {
            "id": self.id,
            "default_code": self.default_code,
            "barcode": self.barcode,
            "name": self.name,
            "partner_sku": (partner_skus or {}).get(self.id),
        }
