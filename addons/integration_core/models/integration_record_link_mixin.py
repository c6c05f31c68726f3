from odoo import api, fields, models


class IntegrationRecordLinkMixin(models.AbstractModel):
    """A link from an integration record to the Odoo record it concerns.

    Messages, exceptions, events and deliveries keep the record they are about
    as a model name and an id; this shows it as a clickable reference with the
    record's name (``S00042``, ``WH/OUT/00007``) and opens it with one button.
    Models say where their record is by overriding :meth:`_record_link_target`.
    """

    _name = "integration.record.link.mixin"
    _description = "Link to the concerned Odoo record"

    record_ref = fields.Reference(
        selection="_selection_record_ref_model",
        string="Document",
        compute="_compute_record_ref",
        help="The Odoo record this is about (sale order, picking, ...).",
    )
    record_model_name = fields.Char(
        string="Document type", compute="_compute_record_ref"
    )

    @api.model
    def _selection_record_ref_model(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    def _record_link_target(self):
        """``(model name, id)`` of the concerned record, or ``(False, False)``."""
        self.ensure_one()
        return self.res_model, self.res_id

    def _record_link_record(self):
        """The concerned record if it still exists, else ``None``."""
        self.ensure_one()
        model, res_id = self._record_link_target()
        if not (model and res_id) or model not in self.env:
            return None
        return self.env[model].browse(res_id).exists() or None

    def _compute_record_ref(self):
        """One existence check per model for the whole recordset (list views)."""
        targets = {item: item._record_link_target() for item in self}
        wanted = {}
        for model, res_id in targets.values():
            if model and res_id and model in self.env:
                wanted.setdefault(model, set()).add(res_id)
        # Only records the user may read: the form shows their names.
        existing = {
            model: set(
                self.env[model].browse(ids).exists()._filtered_access("read").ids
            )
            for model, ids in wanted.items()
        }
        labels = {model: self.env["ir.model"]._get(model).name for model in existing}
        for item, (model, res_id) in targets.items():
            found = res_id in existing.get(model, ())
            item.record_ref = f"{model},{res_id}" if found else False
            item.record_model_name = labels[model] if found else False

    def action_open_document(self):
        """Open the concerned record in its own form."""
        self.ensure_one()
        record = self._record_link_record()
        if record is None:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }
