from odoo import api, fields, models


class IntegrationExceptionIgnore(models.TransientModel):
    """Ignore exceptions with a reason: the only way to the Ignored column.

    Opened by the Ignore button and by dropping a kanban card on Ignored.
    """

    _name = "integration.exception.ignore"
    _description = "Ignore integration exceptions"

    exception_ids = fields.Many2many(
        "integration.exception", string="Exceptions", required=True, readonly=True
    )
    reason = fields.Text(
        required=True, help="Why nobody needs to act; kept in the chatter."
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "integration.exception" and ids:
            exceptions = self.env["integration.exception"].browse(ids)
            values["exception_ids"] = [fields.Command.set(exceptions.ids)]
            if "reason" in fields_list and len(exceptions) == 1:
                values["reason"] = exceptions.resolution_note or False
        return values

    def action_ignore(self):
        self.ensure_one()
        self.exception_ids.action_ignore(self.reason)
        return {"type": "ir.actions.act_window_close"}
