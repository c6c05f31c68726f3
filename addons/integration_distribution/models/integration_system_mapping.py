from odoo import fields, models


class IntegrationSystem(models.Model):
    """The per-system switches of the fallbacks of the distribution mapping
    kinds (``integration_mapping.py``): what an unmapped partner code is
    looked up as before it is reported as unmapped.

    The fields were ``integration_core``'s before; their columns and values
    stay as they were across the module update (Odoo only moves the fields'
    external ids to this module).
    """

    _inherit = "integration.system"  # pylint: disable=consider-merging-classes-inherited

    mapping_fallback_product_code = fields.Boolean(
        string="Products by internal reference",
        default=True,
        help="An unmapped product code is looked up as the internal reference "
        "(default code) of a product.",
    )
    mapping_fallback_product_barcode = fields.Boolean(
        string="Products by barcode (GTIN)",
        default=True,
        help="An unmapped product code is looked up as a product barcode.",
    )
    mapping_fallback_customer_ref = fields.Boolean(
        string="Customers by reference",
        default=True,
        help="An unmapped customer code is looked up as a contact's reference.",
    )
    mapping_fallback_uom_name = fields.Boolean(
        string="Units by name",
        default=True,
        help="An unmapped unit code is looked up as a unit name (any case).",
    )
    mapping_fallback_warehouse_code = fields.Boolean(
        string="Warehouses by short name",
        default=True,
        help="An unmapped warehouse code is looked up as a warehouse short name.",
    )
