from odoo import _, fields, models
from odoo.exceptions import UserError

from .integration_api_count_resource import ROUTE as COUNT_ROUTE


class IntegrationApiMessage(models.Model):
    """Counts held for approval: a person approves (apply) or rejects them."""

    _inherit = "integration.api.message"

    count_approved_by_id = fields.Many2one(
        "res.users", string="Count approved by", readonly=True, copy=False
    )
    count_approved_at = fields.Datetime(readonly=True, copy=False)
    is_count = fields.Boolean(compute="_compute_is_count")

    def _compute_is_count(self):
        for message in self:
            message.is_count = message.route == COUNT_ROUTE

    def _check_count_waiting(self):
        for message in self:
            if message.route != COUNT_ROUTE or message.state != "needs_fix":
                raise UserError(
                    _("Only a count waiting for a fix can be approved or rejected.")
                )

    def action_approve_count(self):
        """Apply the count as it is, differences beyond the threshold included."""
        self._check_count_waiting()
        self.sudo().write(
            {
                "count_approved_by_id": self.env.uid,
                "count_approved_at": fields.Datetime.now(),
            }
        )
        self._integration_reprocess()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Count applied: the inventory adjustments are done."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_reject_count(self):
        """Leave the books as they are: the message is rejected, its exception
        closed with who rejected it."""
        self._check_count_waiting()
        for message in self.sudo():
            message.write(
                {
                    "state": "rejected",
                    "error": _("Count rejected by %s", self.env.user.name),
                }
            )
            exception = message.exception_id
            if exception and exception.state in ("new", "in_progress"):
                exception.write(
                    {
                        "state": "ignored",
                        "resolution_note": _(
                            "Count rejected by %s: not applied.", self.env.user.name
                        ),
                    }
                )
        return True
