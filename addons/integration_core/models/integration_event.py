import json
import logging
import uuid

from odoo import api, fields, models

from ..tools import cloudevent, pg
from ..tools.canonical_json import canonical_dumps
from ..tools.json_schema import validation_errors
from ..tools.params import config_param
from ..tools.pg import LOCK_EVENT_SUBJECT, subject_lock_key

_logger = logging.getLogger(__name__)


class IntegrationEvent(models.Model):
    """The transactional outbox: one row per business fact.

    Rows are written in the transaction of the change that caused them, so an
    event exists if and only if its change was committed. Consumers (webhook
    subscriptions, the pull feed) read from here.
    """

    _name = "integration.event"
    _inherit = ["integration.reprocess.mixin"]
    _description = "Integration Event"
    _order = "id desc"
    _rec_name = "uuid"

    uuid = fields.Char(
        string="Event ID",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        default=lambda self: str(uuid.uuid4()),
    )
    event_type_id = fields.Many2one(
        "integration.event.type",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    type = fields.Char(
        related="event_type_id.code", store=True, index=True, string="Type"
    )
    version = fields.Integer(related="event_type_id.version", store=True)
    state = fields.Selection(
        [("published", "Published"), ("invalid", "Invalid")],
        required=True,
        default="published",
        readonly=True,
        help="Invalid events failed their schema: they are kept, not sent, and "
        "an exception tells the administrator.",
    )
    source = fields.Char(required=True, readonly=True)
    subject = fields.Char(readonly=True, index=True)
    time = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    data = fields.Json(readonly=True)
    data_text = fields.Text(string="Data (JSON)", compute="_compute_data_text")
    sequence = fields.Integer(
        readonly=True,
        help="Monotonic per subject: consumers drop an update older than one "
        "they already applied.",
    )
    correlation_id = fields.Char(readonly=True, index=True)
    trace_id = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="W3C trace id of the request that caused this event: deliveries "
        "send a traceparent continuing it.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    system_id = fields.Many2one(
        "integration.system",
        readonly=True,
        index=True,
        help="The partner system whose request caused this event, if any.",
    )
    res_model = fields.Char(string="Record model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", readonly=True
    )

    _sql_constraints = [("uuid_uniq", "unique(uuid)", "Event ids are unique.")]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS integration_event_subject_sequence_idx "
            "ON integration_event (subject, sequence)"
        )

    @api.depends("type", "subject")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.type} {event.subject or ''}".strip()

    @api.depends("data")
    def _compute_data_text(self):
        for event in self:
            event.data_text = json.dumps(event.data, indent=2, ensure_ascii=False)

    # ------------------------------------------------------------------
    # Emit API for producers
    # ------------------------------------------------------------------
    @api.model
    def _emit(
        self,
        type_code,
        data,
        record=None,
        subject=None,
        correlation_id=None,
        version=None,
        system=None,
    ):
        """Write one event to the outbox, in the current transaction.

        Private on purpose: a public method could be called over RPC by any
        user to forge events that Odoo then signs and sends to partners.

        :param type_code: event type code, e.g. ``"order.accepted"``
        :param data: the event's ``data`` (JSON-serialisable), validated
            against the type's schema
        :param record: the Odoo record the event is about (sets the company,
            the link and the default subject)
        :param subject: the CloudEvents subject, e.g. ``"sale.order/42"``
        :return: the ``integration.event`` record
        """
        return self._emit_many(
            [
                {
                    "type": type_code,
                    "data": data,
                    "record": record,
                    "subject": subject,
                    "correlation_id": correlation_id,
                    "version": version,
                    "system": system,
                }
            ]
        )

    @api.model
    def _emit_many(self, items):
        """Emit several events at once; see :meth:`_emit` for the item keys."""
        source = self._event_source()
        vals_list = []
        invalid = []
        subjects = [self._subject_of(item) for item in items]
        sequences = self._last_sequences(subjects)
        for item, subject in zip(items, subjects, strict=True):
            event_type = (
                self.env["integration.event.type"]
                .sudo()
                ._get_by_code(item["type"], item.get("version"))
            )
            record = item.get("record")
            # Normalise through canonical JSON so what is stored is what is sent.
            data = json.loads(canonical_dumps(item.get("data") or {}))
            errors = validation_errors(event_type._get_schema(), data)
            company = self._company_of(record)
            vals = {
                "event_type_id": event_type.id,
                "data": data,
                "source": source,
                "subject": subject,
                "sequence": self._next_sequence(subject, sequences),
                "correlation_id": item.get("correlation_id")
                or self.env.context.get("integration_correlation_id"),
                "trace_id": item.get("trace_id")
                or self.env.context.get("integration_trace_id"),
                "company_id": company.id if company else False,
                "system_id": item.get("system") and item["system"].id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "state": "invalid" if errors else "published",
            }
            vals_list.append(vals)
            invalid.append(errors)
        events = self.sudo().create(vals_list)
        for event, errors in zip(events, invalid, strict=True):
            if errors:
                event._report_invalid(errors)
        published = events.filtered(lambda e: e.state == "published")
        if published:
            published._after_publish()
        return events

    def _after_publish(self):
        """Hook for consumers: called in the emitting transaction.

        ``integration_webhook`` creates the deliveries and their jobs here.
        """
        return True

    @api.model
    def _company_of(self, record):
        if record and "company_id" in record._fields and record.company_id:
            return record.company_id[:1]
        return self.env.company

    @api.model
    def _event_source(self):
        """The CloudEvents ``source``: the stored setting.

        Fixed at installation (``_init_event_source``) because ``web.base.url``
        follows the host name the last admin logged in with: consumers would
        see one system as two. The base URL is only the fallback of a
        database where the setting was removed by hand.
        """
        params = self.env["ir.config_parameter"].sudo()
        return (
            params.get_param("integration.event_source") or self._default_event_source()
        )

    @api.model
    def _default_event_source(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return f"{(base_url or 'odoo://localhost').rstrip('/')}/integration"

    @api.model
    def _init_event_source(self):
        """Store the event source once, if none is (install and every update)."""
        params = self.env["ir.config_parameter"].sudo()
        if not params.get_param("integration.event_source"):
            params.set_param("integration.event_source", self._default_event_source())

    @api.model
    def _subject_of(self, item):
        """The item's subject, else ``model/id`` of its record, else ``None``."""
        record = item.get("record")
        return item.get("subject") or (
            f"{record._name}/{record.id}" if record else None
        )

    @api.model
    def _last_sequences(self, subjects):
        """``{subject: last number}`` for ``subjects``, serialised per subject
        until commit: one lock statement and one query for a whole batch.

        The locks are taken in key order, so two batches that share subjects
        cannot deadlock.
        """
        wanted = sorted({subject for subject in subjects if subject})
        if not wanted:
            return {}
        keys = sorted({subject_lock_key(subject) for subject in wanted})
        cr = self.env.cr
        cr.execute(
            "SELECT pg_advisory_xact_lock(%s, key) "
            "FROM (SELECT unnest(%s::int[]) AS key ORDER BY 1) AS ordered",
            (LOCK_EVENT_SUBJECT, keys),
        )
        cr.execute(
            "SELECT subject, MAX(sequence) FROM integration_event "
            "WHERE subject = ANY(%s) GROUP BY subject",
            (wanted,),
        )
        last = dict(cr.fetchall())
        return {subject: last.get(subject, 0) for subject in wanted}

    @api.model
    def _next_sequence(self, subject, sequences):
        """Next number for ``subject``.

        :param sequences: ``{subject: last number}`` from
            :meth:`_last_sequences`, updated
        """
        if not subject:
            return 0
        sequences[subject] += 1
        return sequences[subject]

    def _report_invalid(self, errors):
        self.ensure_one()
        details = "\n".join(f"{e['pointer'] or '/'}: {e['detail']}" for e in errors)
        _logger.warning(
            "integration event %s (%s) does not match its schema; kept as invalid",
            self.uuid,
            self.type,
        )
        self.env["integration.exception"].report(
            kind="invalid_payload",
            title=self.env._(
                "Event %(type)s does not match its schema", type=self.type
            ),
            detail=details,
            fingerprint=f"invalid-event:{self.type}:{errors[0]['pointer']}",
            source=self,
            record=self._linked_record(),
            severity="high",
            suggested_fix=self.env._(
                "Fix the producer or the schema, then use Publish again on the event."
            ),
        )

    def _linked_record(self):
        self.ensure_one()
        if self.res_model and self.res_id and self.res_model in self.env:
            return self.env[self.res_model].browse(self.res_id).exists()
        return None

    # ------------------------------------------------------------------
    # Envelope
    # ------------------------------------------------------------------
    def to_cloudevent(self, base_url=None):
        """The CloudEvents 1.0 structured envelope (a dict) of this event.

        :param base_url: the server's base URL, when the caller builds many
            envelopes (reading it costs more than the rest of the envelope)
        """
        self.ensure_one()
        return cloudevent.envelope(
            self.uuid,
            self.source,
            self.type,
            self.time,
            self.data,
            self.sequence,
            self.version,
            self.subject,
            self.correlation_id,
            base_url or self.get_base_url(),
        )

    def _cloudevents(self, base_url=None):
        """``{event id: envelope}`` of these events in one query, without
        field access per event: what the relays build a window with."""
        if not self:
            return {}
        self.flush_recordset()
        base_url = base_url or self[:1].get_base_url()
        self.env.cr.execute(
            """
            SELECT id, uuid, source, type, time, data, sequence, version,
                   subject, correlation_id
              FROM integration_event
             WHERE id = ANY(%s::int4[]) AND id BETWEEN %s AND %s
            """,
            pg.ids_and_range(self.ids),
        )
        return {
            row[0]: cloudevent.envelope(*row[1:], base_url)
            for row in self.env.cr.fetchall()
        }

    def _integration_reprocess(self):
        self.action_publish_again()
        return all(event.state == "published" for event in self)

    def action_publish_again(self):
        """Re-validate invalid events against the current schema and publish."""
        for event in self.filtered(lambda e: e.state == "invalid"):
            errors = validation_errors(event.event_type_id._get_schema(), event.data)
            if not errors:
                event.sudo().state = "published"
                event._after_publish()
                self.env["integration.exception"].search(
                    [
                        ("source_model", "=", self._name),
                        ("source_id", "=", event.id),
                        ("state", "in", ("new", "in_progress")),
                    ]
                ).action_resolve()
        return True

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    @api.model
    def _cron_purge_old_events(self, batch_size=5000):
        """Delete events past the retention period that nothing still needs."""
        days = config_param(self.env, "integration.event_retention_days", 90)
        if days <= 0:
            return 0
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        old = self.sudo().search([("time", "<", limit)], limit=batch_size)
        purgeable = old._filter_purgeable()
        count = len(purgeable)
        purgeable.unlink()
        return count

    def _filter_purgeable(self):
        """Hook: consumers drop the events they still need."""
        return self
