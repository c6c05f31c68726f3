from odoo import api, fields, models

from odoo.addons.integration_core.tools.mapping_codes import FallbackRule

# Kind -> the Odoo model its codes stand for.
DISTRIBUTION_KINDS = {
    "product": "product.product",
    "uom": "uom.uom",
    "customer": "res.partner",
    "ship_to": "res.partner",
    "warehouse": "stock.warehouse",
    "location": "stock.location",
    "carrier": "delivery.carrier",
    "payment_term": "account.payment.term",
    "pricelist": "product.pricelist",
}


class IntegrationMapping(models.Model):
    """The mapping kinds of sales and stock, and their fallbacks.

    ``integration_core`` holds the mechanism; this module declares the kinds
    whose records it knows. Uninstalling it deletes their mapping rows
    (``ondelete``): their records' models go with it.
    """

    _inherit = "integration.mapping"

    kind = fields.Selection(
        selection_add=[
            ("product", "Product"),
            ("uom", "Unit of measure"),
            ("customer", "Customer"),
            ("ship_to", "Ship-to address"),
            ("warehouse", "Warehouse"),
            ("location", "Location"),
            ("carrier", "Carrier"),
            ("payment_term", "Payment term"),
            ("pricelist", "Pricelist"),
            ("status",),
        ],
        ondelete=dict.fromkeys(DISTRIBUTION_KINDS, "cascade"),
    )

    @api.model
    def _kind_models(self):
        kinds = super()._kind_models()
        kinds.update(DISTRIBUTION_KINDS)
        return kinds

    @api.model
    def _candidate_fields(self):
        """Ranked candidates for an unknown code: products by internal
        reference, barcode and name; partners by reference and name."""
        fields_by_model = super()._candidate_fields()
        fields_by_model.update(
            {
                "product.product": ("default_code", "barcode", "name"),
                "res.partner": ("ref", None, "name"),
                "stock.warehouse": ("code", None, "name"),
                "uom.uom": (None, None, "name"),
            }
        )
        return fields_by_model

    @api.model
    def _fallback_rules(self):
        """Products by internal reference then barcode, customers by
        reference, units by name (any case), warehouses by short name; each
        switched per system (``integration_system_mapping.py``)."""
        rules = super()._fallback_rules()
        rules.update(
            product=[
                FallbackRule(
                    "mapping_fallback_product_code", "product.product", "default_code"
                ),
                FallbackRule(
                    "mapping_fallback_product_barcode", "product.product", "barcode"
                ),
            ],
            customer=[
                FallbackRule("mapping_fallback_customer_ref", "res.partner", "ref")
            ],
            uom=[
                FallbackRule("mapping_fallback_uom_name", "uom.uom", "name", ilike=True)
            ],
            warehouse=[
                FallbackRule(
                    "mapping_fallback_warehouse_code", "stock.warehouse", "code"
                )
            ],
        )
        return rules

    @api.model
    def _outbound_fallback_fields(self):
        """Without a mapping, a product is sent as its internal reference, a
        contact as its reference, a warehouse as its short name."""
        fallback_fields = super()._outbound_fallback_fields()
        fallback_fields.update(
            {
                "product.product": "default_code",
                "res.partner": "ref",
                "stock.warehouse": "code",
            }
        )
        return fallback_fields
