from odoo import fields, models

from .integration_availability_dirty import DEFAULT_WINDOW, WINDOW_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    integration_availability_window = fields.Integer(
        string="Coalescing window (seconds)",
        config_parameter=WINDOW_PARAM,
        default=DEFAULT_WINDOW,
        help="Stock changes of one product and warehouse within this window give "
        "one availability.changed event with the latest figures.",
    )
