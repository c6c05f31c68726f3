import json

from odoo import fields, models
from odoo.exceptions import UserError


class IntegrationExceptionEdit(models.TransientModel):
    """Correct the fields a message kind declares editable, then reprocess.

    Every change is written to the audit trail (``integration.edit.log``:
    who, before, after); the message keeps its original as received.
    """

    _name = "integration.exception.edit"
    _description = "Correct a kept message from an exception"

    exception_id = fields.Many2one(
        "integration.exception", required=True, readonly=True
    )
    line_ids = fields.One2many("integration.exception.edit.line", "wizard_id")

    def _fill_lines(self):
        self.ensure_one()
        source = self.exception_id._source()
        editable = source._integration_editable_fields() if source else []
        if not editable:
            raise UserError(self.env._("Nothing of this message is declared editable."))
        self.line_ids = [
            fields.Command.create(
                {
                    "pointer": item["pointer"],
                    "label": item.get("label") or item["pointer"],
                    "old_value": _text(item.get("value")),
                    "new_value": _text(item.get("value")),
                }
            )
            for item in editable
        ]

    def action_apply(self):
        """Apply the changed values, log them, reprocess the message."""
        self.ensure_one()
        exception = self.exception_id
        source = exception._source()
        if source is None:
            raise UserError(self.env._("The message no longer exists."))
        changes = {
            line.pointer: line.new_value or ""
            for line in self.line_ids
            if (line.new_value or "") != (line.old_value or "")
        }
        if not changes:
            raise UserError(self.env._("Nothing was changed."))
        try:
            applied = source._integration_apply_edits(changes)
        except (KeyError, ValueError) as error:
            raise UserError(str(error)) from error
        labels = {line.pointer: line.label for line in self.line_ids}
        self.env["integration.edit.log"].sudo().create(
            [
                {
                    "exception_id": exception.id,
                    "company_id": exception.company_id.id,
                    "source_model": source._name,
                    "source_id": source.id,
                    "user_id": self.env.user.id,
                    "pointer": pointer,
                    "label": labels.get(pointer),
                    "before": _text(before),
                    "after": _text(after),
                }
                for pointer, before, after in applied
            ]
        )
        exception.message_post(
            body=self.env._(
                "Message corrected by %(user)s: %(fields)s",
                user=self.env.user.name,
                fields=", ".join(
                    f"{labels.get(p) or p}: {_text(b)} → {_text(a)}"
                    for p, b, a in applied
                ),
            )
        )
        done, detail = exception._try_reprocess()
        if done and exception.state in ("new", "in_progress"):
            exception.action_resolve(
                self.env._(
                    "Corrected and reprocessed by %(user)s", user=self.env.user.name
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Corrected and reprocessed")
                if done
                else self.env._("Corrected, still open"),
                "message": detail or exception.name,
                "type": "success" if done else "warning",
                "sticky": not done,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


def _text(value):
    """A value as the form shows it (JSON for what is not a string)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class IntegrationExceptionEditLine(models.TransientModel):
    _name = "integration.exception.edit.line"
    _description = "A declared editable field of a kept message"
    _order = "id"

    wizard_id = fields.Many2one(
        "integration.exception.edit", required=True, ondelete="cascade"
    )
    pointer = fields.Char(required=True, readonly=True)
    label = fields.Char(string="Field", readonly=True)
    old_value = fields.Char(string="As received", readonly=True)
    new_value = fields.Char(string="Corrected value")
