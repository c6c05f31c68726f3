import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.sql import escape_psql

from ..exceptions import UnmappedCodeError
from ..tools.mapping_codes import CodeTable, normalize_code, pointer_for, unique_codes

XMLID_RE = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")


class IntegrationMapping(models.Model):
    """A partner's code translated to an Odoo record (or an internal value).

    One row per (system, kind, external code). Inbound handlers call
    :meth:`resolve` / :meth:`resolve_many`; outbound payload builders call
    :meth:`code_for` / :meth:`codes_for` to send the partner its own codes.

    ``integration_core`` knows nothing of products or warehouses and holds
    the mechanism only: the target is a ``res_model`` (derived from the kind
    through :meth:`_kind_models`) and a ``res_id``. Kinds without a model
    (status words) map to ``internal_value`` instead. The only kind core
    declares is such a value kind: ``status``, which needs no model of any
    module. The modules that know the records add their kinds (products,
    units, customers, warehouses... come from ``integration_distribution``)
    with ``selection_add`` on ``kind`` and ``super()`` overrides of the
    hooks :meth:`_kind_models`, :meth:`_fallback_rules` (or
    :meth:`_resolve_fallback`) and :meth:`_outbound_fallback_fields`.
    """

    _name = "integration.mapping"
    _description = "Integration Code Mapping"
    _order = "system_id, kind, sequence, external_code, id"
    _rec_name = "external_code"

    system_id = fields.Many2one(
        "integration.system", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="system_id.company_id", store=True, index=True, string="Company"
    )
    kind = fields.Selection([("status", "Status word")], required=True, index=True)
    external_code = fields.Char(
        string="Partner code",
        required=True,
        help="The code as the partner system writes it (case-sensitive; "
        "surrounding blanks are removed).",
    )
    sequence = fields.Integer(
        default=10,
        help="When several partner codes map to the same record, the first "
        "one is the code sent to the partner.",
    )
    res_model = fields.Char(
        string="Record model",
        compute="_compute_res_model",
        store=True,
        precompute=True,
        readonly=True,
        index=True,
    )
    res_id = fields.Many2oneReference(
        string="Odoo record", model_field="res_model", index=True
    )
    record_name = fields.Char(
        string="Odoo record name",
        compute="_compute_record_name",
        inverse="_inverse_record_name",
        search="_search_record_name",
        help="Name, internal reference or external id of the Odoo record; "
        "convenient for CSV imports (e.g. columns system, kind, "
        "external_code, record_name).",
    )
    internal_value = fields.Char(
        help="For kinds without an Odoo record (status words): the value Odoo "
        "uses, e.g. delivered.",
    )
    active = fields.Boolean(default=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "system_kind_code_uniq",
            "unique(system_id, kind, external_code)",
            "A partner code is mapped once per system and kind.",
        )
    ]

    # ------------------------------------------------------------------
    # Kinds
    # ------------------------------------------------------------------
    @api.model
    def _kind_models(self):
        """Kind -> Odoo model. ``None`` marks a value kind (``internal_value``).

        Override (``super()`` then update the dict) to add kinds; the models
        need not be installed: a kind whose model is missing cannot be used.
        """
        return {"status": None}

    @api.model
    def _is_value_kind(self, kind):
        return not self._kind_models().get(kind)

    @api.depends("kind")
    def _compute_res_model(self):
        models_by_kind = self._kind_models()
        for mapping in self:
            mapping.res_model = models_by_kind.get(mapping.kind) or False

    @api.onchange("kind")
    def _onchange_kind(self):
        self.res_id = False

    def _record(self):
        """The mapped Odoo record (in the caller's environment) or ``None``."""
        self.ensure_one()
        if not (self.res_model and self.res_id) or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    @api.depends("res_model", "res_id", "internal_value")
    def _compute_record_name(self):
        for mapping in self:
            if mapping._is_value_kind(mapping.kind):
                mapping.record_name = mapping.internal_value
                continue
            record = mapping.sudo()._record()
            mapping.record_name = record.display_name if record else False

    def _inverse_record_name(self):
        for mapping in self:
            mapping.write(
                mapping._target_vals_from_name(
                    mapping.kind, mapping.system_id, mapping.record_name
                )
            )

    @api.model
    def _target_vals_from_name(self, kind, system, name):
        """``res_id`` / ``internal_value`` values for a record name (imports)."""
        if self._is_value_kind(kind):
            return {"internal_value": name or False}
        if not name:
            return {"res_id": False}
        model_name = self._kind_models().get(kind)
        record = self._find_record_by_name(model_name, name, system.company_id)
        return {"res_id": record.id}

    @api.model
    def _find_record_by_name(self, model_name, name, company):
        """The one record of ``model_name`` known by ``name``.

        Tries an external id (``module.name``), then an exact name search
        (products match their internal reference and barcode too), then a
        case-insensitive one; records of other companies are not candidates.

        :raise ValidationError: when nothing or more than one record matches
        """
        if not model_name or model_name not in self.env:
            raise ValidationError(
                self.env._(
                    "The model %(model)s of this mapping kind is not installed.",
                    model=model_name,
                )
            )
        name = name.strip()
        Model = self.env[model_name]
        if XMLID_RE.match(name):
            record = self.env.ref(name, raise_if_not_found=False)
            if record is not None and record._name == model_name:
                return record
        domain = self._company_domain(Model, company)
        for operator in ("=", "=ilike"):
            value = name if operator == "=" else escape_psql(name)
            found = Model.name_search(value, domain, operator=operator, limit=2)
            if len(found) == 1:
                return Model.browse(found[0][0])
            if len(found) > 1:
                exact = [rid for rid, label in found if label == name]
                if len(exact) == 1:
                    return Model.browse(exact[0])
                raise ValidationError(
                    self.env._(
                        "Several %(model)s records are named %(name)r: pick the "
                        "record in the form, or use its external id.",
                        model=Model._description,
                        name=name,
                    )
                )
        raise ValidationError(
            self.env._(
                "No %(model)s named %(name)r.", model=Model._description, name=name
            )
        )

    def _search_record_name(self, operator, value):
        domains = []
        for kind, model_name in self._kind_models().items():
            if not model_name:
                domains.append(
                    [("kind", "=", kind), ("internal_value", operator, value)]
                )
            elif model_name in self.env:
                ids = self.env[model_name]._search([("display_name", operator, value)])
                domains.append([("res_model", "=", model_name), ("res_id", "in", ids)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.model
    def _company_domain(self, Model, company):
        if "company_id" in Model._fields and company:
            return [("company_id", "in", [False, company.id])]
        return []

    # ------------------------------------------------------------------
    # CRUD and checks
    # ------------------------------------------------------------------
    @api.depends("system_id", "kind", "external_code")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for mapping in self:
            mapping.display_name = (
                f"{mapping.system_id.code or ''} {labels.get(mapping.kind, '')}: "
                f"{mapping.external_code or ''}"
            ).strip()

    @api.model
    def _normalize_vals(self, vals):
        if "external_code" in vals:
            vals = dict(vals, external_code=normalize_code(vals["external_code"]))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._normalize_vals(vals) for vals in vals_list]
        for vals in vals_list:
            # Resolve the name before the insert: constraints run before inverses.
            if "record_name" in vals and vals.get("kind") and vals.get("system_id"):
                system = self.env["integration.system"].browse(vals["system_id"])
                vals.update(
                    self._target_vals_from_name(
                        vals["kind"], system, vals.pop("record_name")
                    )
                )
        mappings = super().create(vals_list)
        mappings._reprocess_waiting_exceptions()
        return mappings

    def write(self, vals):
        result = super().write(self._normalize_vals(vals))
        if {"external_code", "res_id", "internal_value", "active"} & set(vals):
            self._reprocess_waiting_exceptions()
        return result

    def _reprocess_waiting_exceptions(self):
        """Every exception waiting for one of these codes is reprocessed
        (and resolved when that works), not one by one by a clerk.

        Skipped with the context key ``integration_no_reprocess`` (imports
        of many mappings that should not each run the messages).
        """
        if self.env.context.get("integration_no_reprocess"):
            return self.env["integration.exception"]
        Exception_ = self.env["integration.exception"]
        waiting = Exception_._waiting_for_mappings(self.filtered("active"))
        if not waiting:
            return waiting
        return Exception_._reprocess_waiting(waiting)

    @api.model
    def _candidate_fields(self):
        """Model -> ``(code field, barcode field, name field)`` compared with
        an unknown partner code to rank the records it may mean. A field
        may be ``None``. Override (``super()`` then update) per model."""
        return {}

    @api.model
    def _candidate_rows(self, system, kind, code, limit=300):
        """``(id, code, barcode, name)`` of records of ``kind``'s model that
        share something with ``code`` (see ``tools/candidates.py``)."""
        model_name = self._kind_models().get(kind)
        if not model_name or model_name not in self.env:
            return []
        Model = self.env[model_name]
        code_field, barcode_field, name_field = self._candidate_fields().get(
            model_name, (None, None, Model._rec_name)
        )
        words = [w for w in re.split(r"[^0-9A-Za-z]+", code or "") if len(w) >= 2]
        terms = [code] + words
        domain = []
        for term in terms:
            for field_name in (code_field, barcode_field, name_field):
                if field_name:
                    domain = (
                        (["|"] if domain else [])
                        + domain
                        + [(field_name, "ilike", term)]
                    )
        if not domain:
            return []
        domain = expression.AND(
            [self._company_domain(Model, system.company_id), domain]
        )
        records = Model.search(domain, limit=limit)
        return [
            (
                record.id,
                code_field and record[code_field],
                barcode_field and record[barcode_field],
                record[name_field] if name_field else record.display_name,
            )
            for record in records
        ]

    @api.constrains("kind", "res_model", "res_id", "internal_value", "system_id")
    def _check_target(self):
        for mapping in self:
            if mapping._is_value_kind(mapping.kind):
                if not mapping.internal_value:
                    raise ValidationError(
                        self.env._(
                            "The %(kind)s mapping %(code)r needs an internal value.",
                            kind=mapping.kind,
                            code=mapping.external_code,
                        )
                    )
                continue
            if mapping.res_model not in self.env:
                raise ValidationError(
                    self.env._(
                        "Mappings of kind %(kind)s need the model %(model)s, "
                        "which is not installed.",
                        kind=mapping.kind,
                        model=mapping.res_model,
                    )
                )
            record = mapping.sudo()._record()
            if record is None:
                raise ValidationError(
                    self.env._(
                        "The mapping %(code)r points at no existing %(model)s.",
                        code=mapping.external_code,
                        model=mapping.res_model,
                    )
                )
            company = mapping.system_id.company_id
            if (
                "company_id" in record._fields
                and record.company_id
                and company
                and record.company_id != company
            ):
                raise ValidationError(
                    self.env._(
                        "%(record)s belongs to %(other)s, but the system %(system)s "
                        "works for %(company)s.",
                        record=record.display_name,
                        other=record.company_id.name,
                        system=mapping.system_id.name,
                        company=company.name,
                    )
                )

    # ------------------------------------------------------------------
    # Inbound: partner code -> Odoo
    # ------------------------------------------------------------------
    @api.model
    def resolve(self, system, kind, code, pointer=None):
        """The Odoo record (or internal value) the partner means by ``code``.

        :param system: the ``integration.system`` that sent the code
        :param kind: mapping kind, e.g. ``"product"``
        :param pointer: JSON pointer of the code in the message, carried by the
            error so the partner and the dashboard see where it is
        :return: a record of the kind's model in the caller's environment, or
            a string for value kinds
        :raise UnmappedCodeError: when no mapping and no fallback matches
        """
        normalized = normalize_code(code)
        if normalized is None:
            raise UnmappedCodeError(kind, code, pointer=pointer, system=system)
        pointers = {normalized: pointer} if pointer else None
        return self.resolve_many(system, kind, [code], pointers=pointers)[normalized]

    @api.model
    def resolve_many(self, system, kind, codes, pointers=None, raise_if_missing=True):
        """Resolve many codes of one kind with one mapping query.

        :param codes: the partner codes, in document order
        :param pointers: ``{code: pointer}`` or a template such as
            ``"/lines/{index}/sku"`` (``index`` is the position in ``codes``)
        :param raise_if_missing: when false, unmapped codes are left out of
            the result instead of raising
        :return: ``{normalized code: record or value}``
        :raise UnmappedCodeError: for the first unmapped code, with its pointer
        """
        wanted = unique_codes(codes)
        found = self._lookup_mapped(system, kind, wanted)
        missing = [code for code in wanted if code not in found]
        if missing:
            found.update(self._resolve_fallback(system, kind, missing))
            missing = [code for code in wanted if code not in found]
        if missing and raise_if_missing:
            code = missing[0]
            raise UnmappedCodeError(
                kind, code, pointer=pointer_for(codes, code, pointers), system=system
            )
        return found

    @api.model
    def _lookup_mapped(self, system, kind, codes):
        """``{code: record or value}`` from the mapping table alone.

        Mappings are read as superuser (the system's technical user needs no
        access to the table) but only for ``system``; the records come back
        in the caller's environment. A mapping whose record was deleted
        counts as missing.
        """
        if not codes:
            return {}
        mappings = self.sudo().search_fetch(
            [
                ("system_id", "=", system.id),
                ("kind", "=", kind),
                ("external_code", "in", codes),
            ],
            ["external_code", "res_model", "res_id", "internal_value"],
        )
        if self._is_value_kind(kind):
            return {m.external_code: m.internal_value for m in mappings}
        model_name = self._kind_models()[kind]
        if model_name not in self.env:
            return {}
        existing = set(
            self.env[model_name].browse(mappings.mapped("res_id")).sudo().exists().ids
        )
        Model = self.env[model_name]
        return {
            m.external_code: Model.browse(m.res_id)
            for m in mappings
            if m.res_id in existing
        }

    @api.model
    def _fallback_rules(self):
        """Kind -> the :class:`~..tools.mapping_codes.FallbackRule` list tried,
        in order, for codes the mapping table lacks.

        Core declares none. Override (``super()`` then set your kinds'
        entries) to add lookups such as "a product code is an internal
        reference"; each rule has a switch field on ``integration.system``.
        """
        return {}

    @api.model
    def _resolve_fallback(self, system, kind, codes):
        """Codes the mapping table lacks, resolved by the kind's fallback rules.

        Applies :meth:`_fallback_rules` in order to the codes still missing,
        each rule only when its switch is on for ``system``. Override (with
        ``super()``) for a fallback that is not a field lookup.

        :return: ``{code: record}`` for the codes that matched exactly one record
        """
        found = {}
        for rule in self._fallback_rules().get(kind, ()):
            rest = [code for code in codes if code not in found]
            if not rest:
                break
            if rule.switch and not system[rule.switch]:
                continue
            found.update(
                self._fallback_by_field(
                    system, rule.model, rule.field, rest, ilike=rule.ilike
                )
            )
        return found

    @api.model
    def _fallback_by_field(self, system, model_name, field_name, codes, ilike=False):
        """``{code: record}`` where ``field_name`` equals the code for exactly
        one record of the system's company; ambiguous codes are left out, so a
        person maps them instead of Odoo guessing."""
        if model_name not in self.env or not codes:
            return {}
        Model = self.env[model_name]
        company_domain = self._company_domain(Model, system.company_id)
        if ilike:
            code_domain = expression.OR(
                [[(field_name, "=ilike", escape_psql(code))] for code in codes]
            )
        else:
            code_domain = [(field_name, "in", codes)]
        records = Model.search_fetch(
            expression.AND([company_domain, code_domain]), [field_name]
        )
        matches = {}
        for record in records:
            value = record[field_name]
            key = next(
                (
                    c
                    for c in codes
                    if (c.lower() == value.lower() if ilike else c == value)
                ),
                None,
            )
            if key is not None:
                matches.setdefault(key, []).append(record)
        return {code: found[0] for code, found in matches.items() if len(found) == 1}

    # ------------------------------------------------------------------
    # Outbound: Odoo record -> partner code
    # ------------------------------------------------------------------
    @api.model
    def _outbound_fallback_fields(self):
        """Model -> field sent when a record has no mapping for the system.

        Core declares none; override (``super()`` then update the dict) for
        the models whose records carry a code of their own.
        """
        return {}

    @api.model
    def code_for(self, system, record, kind=None, fallback=True):
        """The partner's code for ``record``, or ``None``.

        :param kind: restrict to one kind (``customer`` vs ``ship_to`` share
            ``res.partner``); by default any kind of the record's model
        :param fallback: without mapping, send the record's own code (the
            field :meth:`_outbound_fallback_fields` names for its model, e.g.
            a product's internal reference)
        """
        if not record:
            return None
        record.ensure_one()
        return self.codes_for(system, record, kind=kind, fallback=fallback).get(
            record.id
        )

    @api.model
    def code_table(self, system, *recordsets):
        """The system's codes of every record of ``recordsets`` (any models),
        with one query: a :class:`~..tools.mapping_codes.CodeTable`.

        For payload builders that need the codes of many records of several
        models (an order's customer, ship-to, warehouse, products, units);
        no fallback to the records' own codes.
        """
        ids_by_model = {}
        for records in recordsets:
            if records:
                ids_by_model.setdefault(records._name, set()).update(records.ids)
        if not system or not ids_by_model:
            return CodeTable()
        domain = expression.AND(
            [
                [("system_id", "=", system.id)],
                expression.OR(
                    [
                        [("res_model", "=", model), ("res_id", "in", sorted(ids))]
                        for model, ids in ids_by_model.items()
                    ]
                ),
            ]
        )
        mappings = self.sudo().search_fetch(
            domain, ["res_model", "res_id", "kind", "external_code"]
        )
        return CodeTable(
            (mapping.res_model, mapping.res_id, mapping.kind, mapping.external_code)
            for mapping in mappings
        )

    @api.model
    def codes_for(self, system, records, kind=None, fallback=True):
        """``{record id: partner code}`` for many records, with one query.

        Records without a code are left out. With several mappings for one
        record, the lowest ``sequence`` wins.
        """
        if not records or not system:
            return {}
        domain = [
            ("system_id", "=", system.id),
            ("res_model", "=", records._name),
            ("res_id", "in", records.ids),
        ]
        if kind:
            domain.append(("kind", "=", kind))
        codes = {}
        for mapping in self.sudo().search_fetch(domain, ["res_id", "external_code"]):
            codes.setdefault(mapping.res_id, mapping.external_code)
        field_name = fallback and self._outbound_fallback_fields().get(records._name)
        if field_name:
            for record in records.sudo():
                if record.id not in codes and record[field_name]:
                    codes[record.id] = record[field_name]
        return codes

    def action_save_notify(self):
        """The mapping dialog's Save (the form saved it): say what is mapped now."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mapping saved"),
                "message": self.env._(
                    "%(mapping)s now maps to %(target)s; the exceptions that "
                    "waited for it were reprocessed.",
                    mapping=self.display_name,
                    target=self.record_name or "-",
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
