from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class IntegrationSystem(models.Model):
    """How long a warehouse system has to acknowledge a release."""

    _inherit = "integration.system"

    release_ack_window = fields.Integer(
        string="Acknowledge releases within (minutes)",
        default=0,
        help="A delivery released to this system (shipment.released) that it has "
        "not acknowledged (POST /api/v1/shipments/{ref}/ack) within this many "
        "minutes opens an SLA breach exception, resolved when the answer comes. "
        "0: no window, nobody waits for its answer.",
    )

    @api.constrains("release_ack_window")
    def _check_release_ack_window(self):
        if any(system.release_ack_window < 0 for system in self):
            raise ValidationError(
                _("An acknowledgement window is 0 (none) or a number of minutes.")
            )
