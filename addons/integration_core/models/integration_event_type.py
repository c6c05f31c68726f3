import json

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.misc import file_open

from ..tools.json_schema import validator_for


class IntegrationEventType(models.Model):
    """The event catalog: one row per event type and version.

    Modules declare their types in XML data with a JSON Schema file; the
    schema validates every event's ``data`` before it enters the outbox and
    feeds the OpenAPI ``webhooks`` section.
    """

    _name = "integration.event.type"
    _description = "Integration Event Type"
    _order = "code, version desc"
    _rec_names_search = ["code", "name"]

    code = fields.Char(
        required=True, index=True, help="Dotted name, e.g. order.accepted."
    )
    version = fields.Integer(required=True, default=1)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    res_model = fields.Char(
        string="Source model",
        help="Technical name of the Odoo model the events are about; "
        "subscriptions filter on it.",
    )
    schema_file = fields.Char(
        help="Path of the JSON Schema inside the addons path, e.g. "
        "integration_distribution/schemas/order.accepted.v1.json",
    )
    schema_text = fields.Text(string="JSON Schema", compute="_compute_schema_text")
    sample_text = fields.Text(string="Sample data", compute="_compute_schema_text")
    active = fields.Boolean(default=True)
    event_count = fields.Integer(compute="_compute_event_count")

    _sql_constraints = [
        (
            "code_version_uniq",
            "unique(code, version)",
            "An event type exists once per version.",
        )
    ]

    @api.depends("code", "version")
    def _compute_display_name(self):
        for event_type in self:
            event_type.display_name = f"{event_type.code} v{event_type.version}"

    @api.depends("schema_file")
    def _compute_schema_text(self):
        for event_type in self:
            schema = event_type._get_schema()
            event_type.schema_text = json.dumps(schema, indent=2) if schema else False
            sample = event_type._get_sample()
            event_type.sample_text = json.dumps(sample, indent=2) if sample else False

    def _compute_event_count(self):
        groups = self.env["integration.event"]._read_group(
            [("event_type_id", "in", self.ids)], ["event_type_id"], ["__count"]
        )
        counts = {event_type.id: count for event_type, count in groups}
        for event_type in self:
            event_type.event_count = counts.get(event_type.id, 0)

    @api.constrains("schema_file")
    def _check_schema_file(self):
        for event_type in self.filtered("schema_file"):
            try:
                validator_for(event_type._load_schema_file(event_type.schema_file))
            except (OSError, ValueError) as exc:
                raise ValidationError(
                    self.env._(
                        "The schema %(file)s of %(type)s cannot be used: %(error)s",
                        file=event_type.schema_file,
                        type=event_type.display_name,
                        error=exc,
                    )
                ) from None
            except Exception as exc:  # jsonschema.SchemaError and friends
                raise ValidationError(
                    self.env._("Invalid JSON Schema: %(error)s", error=exc)
                ) from None

    @api.model
    @tools.ormcache("path")
    def _load_schema_file(self, path):
        with file_open(path, "r", filter_ext=(".json",)) as handle:
            return json.load(handle)

    def _get_schema(self):
        """The JSON Schema (dict) of this type, or ``{}`` when it has none."""
        self.ensure_one()
        if not self.schema_file:
            return {}
        return self._load_schema_file(self.schema_file)

    def _get_sample(self):
        """A sample ``data`` value: the schema's first ``examples`` entry."""
        self.ensure_one()
        examples = self._get_schema().get("examples") or [{}]
        return examples[0]

    @api.model
    @tools.ormcache("code", "version")
    def _id_for(self, code, version=None):
        domain = [("code", "=", code), ("active", "=", True)]
        if version:
            domain.append(("version", "=", version))
        return self.sudo().search(domain, order="version desc", limit=1).id

    @api.model
    def _get_by_code(self, code, version=None):
        """The active type for ``code`` (latest version unless one is asked)."""
        type_id = self._id_for(code, version)
        if not type_id:
            raise ValidationError(self.env._("Unknown event type %(code)s.", code=code))
        return self.browse(type_id)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if {"code", "version", "active", "schema_file"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_event_action"
        )
        action["domain"] = [("event_type_id", "=", self.id)]
        return action
