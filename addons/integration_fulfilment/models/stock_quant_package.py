from odoo import models
from odoo.tools.sql import create_index

SSCC_INDEX = "integration_stock_quant_package_name_btree_index"


class StockQuantPackage(models.Model):
    _inherit = "stock.quant.package"

    def init(self):
        """A b-tree on the package name, beside Odoo's trigram index:
        ship-confirm finds the packages of a message by their exact SSCC
        (``name IN (...)``), which the trigram index answers slowly (7 to
        11 ms, against 0.1 ms). Not ``index=True`` on the field: that would
        replace the trigram index that the package search by part of a name
        uses."""
        create_index(self.env.cr, SSCC_INDEX, self._table, ["name"], method="btree")
