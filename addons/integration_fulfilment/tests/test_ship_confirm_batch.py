"""Ship-confirm's validation of a batch, in process: what Odoo does for
the batch at once must leave what it did delivery by delivery."""

from odoo.tests import TransactionCase, tagged
from odoo.tools.sql import index_exists

from ..models.stock_quant_package import SSCC_INDEX


@tagged("post_install", "-at_install")
class TestShipConfirmBatch(TransactionCase):
    def test_sscc_lookup_has_a_btree_index(self):
        self.assertTrue(index_exists(self.env.cr, SSCC_INDEX))
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [SSCC_INDEX]
        )
        self.assertIn("USING btree (name)", self.env.cr.fetchone()[0])
        # Odoo's trigram index (search by part of a name) stays
        self.assertTrue(index_exists(self.env.cr, "stock_quant_package__name_index"))
