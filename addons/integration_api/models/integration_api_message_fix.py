import base64
import json

from odoo import fields, models

from ..tools.editable import expand_pointers, pointer_label, set_pointer


class IntegrationApiMessage(models.Model):
    """What the exception dashboard does with a kept message.

    * correct the fields its route declares ``editable``, the original body
      kept and every change in the audit trail (``integration.edit.log``);
    * reprocess it in bulk without losing what a failed attempt found out
      (the next unmapped code of the same order);
    * a message superseded by a later one about the same reference that
      succeeded (the partner sent the order again) resolves by itself.
    """

    _inherit = "integration.api.message"

    body_original_raw = fields.Binary(
        string="Body (original)",
        attachment=False,
        readonly=True,
        help="The body as the partner sent it, kept when a person corrected it.",
    )
    edit_log_ids = fields.One2many(
        "integration.edit.log",
        "source_id",
        domain=[("source_model", "=", "integration.api.message")],
        string="Corrections",
        readonly=True,
    )
    superseded_by_id = fields.Many2one(
        "integration.api.message", readonly=True, ondelete="set null"
    )

    def _api_route(self):
        self.ensure_one()
        return self.env["integration.api.router"]._api_route_table().get(self.route)

    def _integration_editable_fields(self):
        self.ensure_one()
        route = self._api_route()
        if not route or not route.editable or self.state not in ("needs_fix", "failed"):
            return []
        body = json.loads(self._raw_body() or b"null")
        return [
            {"pointer": pointer, "label": pointer_label(pointer), "value": value}
            for pointer, value in expand_pointers(body, route.editable)
        ]

    def _integration_apply_edits(self, changes):
        """Write the corrected values into the kept body (the original bytes
        stay in ``body_original_raw``); only declared pointers."""
        self.ensure_one()
        allowed = {item["pointer"] for item in self._integration_editable_fields()}
        refused = set(changes) - allowed
        if refused:
            raise ValueError(f"not editable: {sorted(refused)}")
        raw = self._raw_body()
        body = json.loads(raw)
        applied = []
        for pointer, text in changes.items():
            before = set_pointer(body, pointer, text)
            applied.append((pointer, before, _get(body, pointer)))
        vals = {
            "body": body,
            "body_raw": base64.b64encode(json.dumps(body, ensure_ascii=False).encode()),
        }
        if not self.body_original_raw:
            vals["body_original_raw"] = base64.b64encode(raw)
        self.sudo().write(vals)
        return applied

    def _integration_try_reprocess(self, exception):
        """Run the handler again on this message and on every other one that
        waits for the same exception (repeats of one problem share it); each
        outcome is recorded on its message whatever it is (a new exception
        for the next unmapped code is kept, not rolled back).

        :return: ``(solved, note)``: solved when none of them waits for
            ``exception`` any more (done, or waiting for something else)
        """
        self.ensure_one()
        messages = self.sudo() | self.sudo().search(
            [
                ("exception_id", "=", exception.id),
                ("state", "in", ("needs_fix", "failed")),
            ],
            order="id",
        )
        runner = self.env["integration.api.runner"].sudo()
        failure = None
        for message in messages:
            route = message._api_route()
            if route is None:
                failure = self.env._(
                    "The route %(route)s no longer exists.", route=message.route
                )
                continue
            if message.state not in ("needs_fix", "failed", "queued", "received"):
                continue
            message.attempt_count += 1
            outcome = runner._api_run_message(message, route)
            if message.state != "done" and message.exception_id == exception:
                failure = getattr(outcome, "message", None) or str(outcome)
        if failure:
            return False, failure
        moved = messages.filtered(lambda m: m.state == "needs_fix").exception_id
        if moved:
            return True, self.env._(
                "Fixed; %(count)s message(s) now wait for: %(next)s",
                count=len(messages.filtered(lambda m: m.state == "needs_fix")),
                next=", ".join(moved.mapped("name")),
            )
        return True, self.env._(
            "Reprocessed %(count)s message(s).", count=len(messages)
        )

    def _supersede_duplicates(self):
        """Older messages of the same route and reference still waiting for
        a fix are duplicates of this success: superseded, their exceptions
        resolved without a person (routes declared ``supersedes`` only)."""
        for message in self.filtered("reference"):
            route = message._api_route()
            if not (route and route.supersedes):
                continue
            older = self.sudo().search(
                [
                    ("system_id", "=", message.system_id.id),
                    ("route", "=", message.route),
                    ("reference", "=", message.reference),
                    ("state", "in", ("needs_fix", "failed")),
                    ("id", "<", message.id),
                ]
            )
            if not older:
                continue
            older.write({"state": "superseded", "superseded_by_id": message.id})
            exceptions = (
                self.env["integration.exception"]
                .sudo()
                .search(
                    [
                        ("source_model", "=", older._name),
                        ("source_id", "in", older.ids),
                        ("state", "in", ("new", "in_progress")),
                    ]
                )
            )
            exceptions._auto_resolve(
                self.env._(
                    "Duplicate: the same %(ref)s was processed by %(message)s.",
                    ref=message.reference,
                    message=message.name,
                )
            )


def _get(document, pointer):
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
