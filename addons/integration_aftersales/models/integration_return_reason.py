from odoo import fields, models


class IntegrationReturnReason(models.Model):
    """Why a customer sends goods back, in Odoo's words.

    Partners send their own reason codes; the ``return_reason`` mappings of
    each system translate them to these (and back in ``return.received``).
    """

    _name = "integration.return.reason"
    _description = "Return reason"
    _order = "sequence, id"

    code = fields.Char(required=True, help="Sent to partners without a mapping.")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A return reason code must be unique."),
    ]
