from odoo import fields, models


class IntegrationEditLog(models.Model):
    """Who changed which value of a kept message, before and after.

    Written when a person corrects a declared field from an exception; the
    message keeps its original bytes beside the corrected ones.
    """

    _name = "integration.edit.log"
    _description = "Integration Edit Audit Trail"
    _order = "id desc"

    exception_id = fields.Many2one(
        "integration.exception", index=True, ondelete="set null", readonly=True
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    source_model = fields.Char(required=True, readonly=True, index=True)
    source_id = fields.Many2oneReference(
        model_field="source_model", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda s: s.env.user
    )
    pointer = fields.Char(string="Field", required=True, readonly=True)
    label = fields.Char(readonly=True)
    before = fields.Text(readonly=True)
    after = fields.Text(readonly=True)
