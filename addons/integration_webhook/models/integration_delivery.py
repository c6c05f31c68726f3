import functools
import time
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tools import SQL

from odoo.addons.integration_core.models.integration_exception import OPEN_STATES
from odoo.addons.integration_core.tools import pg, trace_context
from odoo.addons.integration_core.tools.params import config_param
from odoo.addons.integration_core.tools.trace_context import (
    is_trace_id,
    make,
    span_id_for,
)

from ..tools import outcome as outcome_tools
from ..tools import retry as retry_tools
from ..tools import sender
from ..tools.pretty import pretty_json
from ..tools.request_builder import build_body, build_request

# the attempt's columns that recording writes, in the order of its tuples,
# with their SQL types (each column goes to the database as one array)
_ATTEMPT_COLUMNS = (
    ("delivery_id", "int4"),
    ("number", "int4"),
    ("status_code", "int4"),
    ("duration_ms", "int4"),
    ("outcome", "varchar"),
    ("error", "varchar"),
    ("response_excerpt", "text"),
    ("trace_id", "varchar"),
    ("span_id", "varchar"),
)


class RecordingRow(NamedTuple):
    """What sending and recording need of a delivery (``_recording_rows``)."""

    id: int
    attempt_count: int
    replay_count: int
    is_test: bool
    retry_schedule: str
    event_id: int
    event_uuid: str
    event_trace_id: str

    def next_trace(self):
        """``(trace id, span id)`` of the delivery's next attempt."""
        return attempt_trace(
            self.event_trace_id,
            self.event_uuid,
            self.event_id,
            self.id,
            self.replay_count,
            self.attempt_count + 1,
        )

    def next_traceparent(self):
        """The ``traceparent`` header of the delivery's next attempt."""
        # attempt_trace made both ids valid
        return trace_context.compose(*self.next_trace())


@functools.lru_cache(maxsize=10000)
def attempt_trace(event_trace_id, event_uuid, event_id, delivery_id, replay, attempt):
    """``(trace id, span id)`` of a delivery's attempt number ``attempt``.

    The trace is the one of the request that caused the event, else the
    event's own (its UUID's 32 hex digits: stable across retries). The span
    id is derived from the delivery, its replay and the attempt, so the
    header sent and the attempt recorded agree. Cached: a drain computes it
    for the header it sends, then recording for the attempt it stores.
    """
    trace_id = event_trace_id
    if not is_trace_id(trace_id):
        trace_id = (event_uuid or "").replace("-", "").lower()
    if not is_trace_id(trace_id):  # an event id that is not a UUID
        trace_id = span_id_for("event", event_id) * 2
    return trace_id, span_id_for("delivery", delivery_id, replay, attempt)


# what ``create`` does that ``_insert`` does not repeat; a module that
# overrides one of them on deliveries (a base_automation rule patches
# ``create``) gets ``create``
_CREATE_STEPS = ("create", "_create", "_prepare_create_values")
# columns ``create`` sets itself, whatever the values say
_MAGIC_COLUMNS = frozenset(("id", "parent_path", *LOG_ACCESS_COLUMNS))


class IntegrationDelivery(models.Model):
    """One event for one subscription: what was (or will be) sent, and how it went.

    The ``webhook-id`` is the event id, so it is identical on every retry and
    replay and receivers can deduplicate.
    """

    _name = "integration.delivery"
    _description = "Webhook Delivery"
    _inherit = ["integration.reprocess.mixin"]
    _order = "id desc"

    event_id = fields.Many2one(
        "integration.event",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    subscription_id = fields.Many2one(
        "integration.subscription",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    # computed before the insert (not by an UPDATE at the next flush): the
    # subscription is in the cache when a delivery is created
    system_id = fields.Many2one(
        related="subscription_id.system_id", store=True, precompute=True
    )
    event_type = fields.Char(related="event_id.type", string="Event type")
    subject = fields.Char(related="event_id.subject")
    trace_id = fields.Char(related="event_id.trace_id")
    message_id = fields.Char(
        string="webhook-id", compute="_compute_message_id", help="Identical on retries."
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("delivered", "Delivered"),
            ("dead", "Dead"),
            ("cancelled", "Cancelled"),
            ("shadow", "Shadow (not sent)"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    is_test = fields.Boolean(readonly=True)
    attempt_count = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True)
    delivered_at = fields.Datetime(readonly=True)
    last_status_code = fields.Integer(string="Last HTTP status", readonly=True)
    last_error = fields.Char(readonly=True)
    replay_count = fields.Integer(readonly=True)
    attempt_ids = fields.One2many(
        "integration.delivery.attempt", "delivery_id", readonly=True
    )
    payload_preview = fields.Text(
        compute="_compute_payload_preview", help="The body exactly as it is sent."
    )
    payload_text = fields.Text(string="Payload", compute="_compute_payload_preview")
    dead_exception_id = fields.Many2one(
        "integration.exception",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The exception this delivery was reported dead in: it is resolved "
        "when all its deliveries have been delivered.",
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS integration_delivery_due_idx
                ON integration_delivery (subscription_id, next_attempt_at, id)
             WHERE state = 'pending'
            """
        )

    @api.depends("event_id.uuid")
    def _compute_message_id(self):
        for delivery in self:
            delivery.message_id = f"msg_{delivery.event_id.uuid}"

    @api.depends("event_id", "subscription_id.payload_style")
    def _compute_payload_preview(self):
        for delivery in self:
            _content_type, body = delivery._body()
            delivery.payload_preview = body.decode()
            delivery.payload_text = pretty_json(delivery.payload_preview)

    @api.depends("event_type", "subscription_id")
    def _compute_display_name(self):
        for delivery in self:
            delivery.display_name = (
                f"{delivery.event_type} → {delivery.subscription_id.name}"
            )

    # ------------------------------------------------------------------
    # Creation by the fan-out
    # ------------------------------------------------------------------
    @api.model
    def _insert(self, vals_list):
        """Create deliveries as ``create`` does, with less work per record:
        the fan-out's deliveries, in the user's transaction.

        What ``create`` computes for each record but is the same for every
        delivery of one fan-out is computed once: the defaults (they depend
        on the context and ``ir.default``, not on the values). The rest is
        the ORM's own code: the magic columns, the precomputed fields
        (``system_id``), and ``_create``: one ``INSERT ... RETURNING id`` (per
        ``INSERT_BATCH_SIZE`` rows), the cache, the subscriptions'
        ``delivery_ids`` when cached, the stored fields computed from
        deliveries marked to compute (e.g. ``integration_inventory``'s), the
        constraints, the access check.

        Falls back to ``create`` where that would differ: a module overrides
        a step of ``create`` on deliveries (``_CREATE_STEPS``), or the values
        are not plain columns, all with the same keys.

        :param vals_list: the values of the deliveries, as for ``create``
        :return: the deliveries, in the order of ``vals_list``
        """
        if not vals_list:
            return self.browse()
        defaults = self._insert_defaults(vals_list)
        if defaults is None:
            return self.create(vals_list)
        self.check_access("create")
        magic = {}
        if self._log_access:
            now, uid = self.env.cr.now(), self.env.uid
            magic = {
                "create_uid": uid,
                "create_date": now,
                "write_uid": uid,
                "write_date": now,
            }
        full_list = [{**defaults, **vals, **magic} for vals in vals_list]
        related = self._insert_related(full_list)
        self._add_precomputed_values(full_list)  # the other precomputed ones
        data_list = []
        for vals in full_list:
            precomputed = {*vals.pop("__precomputed__", ()), *related}
            data_list.append(
                {
                    "stored": vals,
                    "inversed": {},
                    "inherited": {},
                    # as create: never recompute what was just precomputed
                    "protected": {
                        protected
                        for field in precomputed
                        for protected in self.pool.field_computed.get(field, [field])
                    },
                }
            )
        records = self._create(data_list)
        if self._check_company_auto:
            records._check_company()
        return records

    @api.model
    def _insert_related(self, vals_list):
        """Set in ``vals_list`` the precomputed related fields that start
        with a many2one of the values (``system_id``): the value ``create``
        would compute on a new record per delivery, read from the records
        the many2one points to (in the cache after ``_listening``).

        :return: the fields set
        """
        names = vals_list[0].keys()
        related = [
            field
            for field in self._fields.values()
            if field.precompute
            and field.related
            and field.name not in names
            and self._fields[field.related.split(".")[0]].type == "many2one"
            and field.related.split(".")[0] in names
        ]
        for field in related:
            start, *path = field.related.split(".")
            comodel = self.env[self._fields[start].comodel_name]
            if field.compute_sudo:
                comodel = comodel.sudo()
            for vals in vals_list:
                record = comodel.browse(vals[start])
                for name in path[:-1]:
                    record = record[name][:1]
                vals[field.name] = field.convert_to_write(record[path[-1]], self)
        return related

    @api.model
    def _insert_defaults(self, vals_list):
        """The default values that complete every values of ``vals_list``,
        or ``None`` when :meth:`_insert` would not do what ``create`` does."""
        cls = type(self)
        if (
            any(
                getattr(cls, step) is not getattr(models.BaseModel, step)
                for step in _CREATE_STEPS
            )
            or self._inherits
            or self._parent_store
            or self.env.context.get("_import_current_module")
        ):
            return None
        names = vals_list[0].keys()
        if any(vals.keys() != names for vals in vals_list):
            return None
        # as create, which drops them: the magic columns and the readonly
        # precomputed fields (computed, whatever the context says)
        dropped = _MAGIC_COLUMNS.union(
            name
            for name, field in self._fields.items()
            if field.precompute and field.readonly
        )
        defaults = {
            name: value
            for name, value in self._add_missing_default_values(
                dict(vals_list[0])
            ).items()
            if name not in names and name not in dropped
        }
        for name in (*names, *defaults):
            field = self._fields[name]
            if (
                name in _MAGIC_COLUMNS
                or not field.store
                or not field.column_type
                or field.compute
                or field.inverse
                or field.type == "properties"
            ):
                return None
        return defaults

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _body(self):
        content_type, body, _headers = build_body(
            self.event_id.to_cloudevent(), self.subscription_id.payload_style
        )
        return content_type, body

    def _signed_request(self, signing, extra):
        """``(headers, body)`` of this delivery, signed now."""
        self.ensure_one()
        hmac_secrets, ed_keys = signing
        return build_request(
            self.event_id.to_cloudevent(),
            self.subscription_id.payload_style,
            self.message_id,
            int(time.time()),
            hmac_secrets,
            ed_keys,
            {**(extra or {}), "traceparent": self._traceparent()},
        )

    def _trace(self):
        """``(trace id, span id)`` of the next attempt (see :func:`attempt_trace`)."""
        event = self.event_id
        return attempt_trace(
            event.trace_id,
            event.uuid,
            event.id,
            self.id,
            self.replay_count,
            self.attempt_count + 1,
        )

    def _traceparent(self):
        return make(*self._trace())

    def _send_now(self):
        """Send this one delivery synchronously (test button, manual send)."""
        self.ensure_one()
        subscription = self.subscription_id.sudo()
        addresses = subscription._check_url_safe()
        headers, body = self._signed_request(
            self.env["integration.subscription.secret"]._signing_material(subscription),
            subscription._extra_headers(),
        )
        connection = sender.new_connection(subscription.target_url, addresses)
        try:
            result = sender.post(
                connection, subscription.target_url, headers, body, subscription.timeout
            )
        finally:
            connection.close()
        self._record_results([(self, result)])
        return result

    def _fail_unsent(self, error):
        """Count an attempt that could not even be made (retried later).

        :return: 0, the number of requests sent
        """
        failed = sender.SendResult("retry", error=error)
        self._record_results([(delivery, failed) for delivery in self])
        return 0

    @api.model
    def _record_results(self, outcomes, rows=None):
        """Store the attempts and update the deliveries after sending.

        :param outcomes: list of ``(delivery, SendResult)``
        :param rows: what :meth:`_recording_rows` returned for these
            deliveries before they were sent (a drain reads it once for its
            batch); read now when not given

        The drain's hot path, so plain SQL in one round trip: one ``INSERT``
        stores every attempt and one ``UPDATE`` per distinct change (most
        successes of a batch share one) updates the deliveries; the ORM then
        learns what changed (cache, stored fields that depend on these, e.g.
        inventory freshness). Dead deliveries and delivered replays then go
        through the ORM: they are few and raise or resolve exceptions.
        """
        if not outcomes:
            return
        now_ts = time.time()
        now = fields.Datetime.now()
        ids = [delivery.id for delivery, _result in outcomes]
        self.flush_model()
        self.env["integration.delivery.attempt"].flush_model()
        if rows is None:
            rows = self._recording_rows(ids)
        schedules = {}
        attempts = []
        updates = defaultdict(list)
        dead_ids, replayed_ids = [], []
        for delivery_id, (_delivery, result) in zip(ids, outcomes, strict=True):
            row = rows[delivery_id]
            if row.retry_schedule not in schedules:
                schedules[row.retry_schedule] = retry_tools.parse_schedule(
                    row.retry_schedule
                )
            number = row.attempt_count + 1
            change = outcome_tools.changes(
                result,
                number,
                row.is_test,
                schedules[row.retry_schedule],
                now,
                now_ts,
            )
            trace_id, span_id = row.next_trace()
            state = change.get("state")
            if state == "dead":
                dead_ids.append(delivery_id)
            elif state == "delivered" and row.replay_count:
                replayed_ids.append(delivery_id)
            attempts.append(
                (
                    delivery_id,
                    number,
                    result.status,
                    result.duration_ms,
                    outcome_tools.attempt_outcome(
                        result, final=state in outcome_tools.ENDED
                    ),
                    result.error or None,
                    result.excerpt or None,
                    trace_id,
                    span_id,
                )
            )
            change["last_status_code"] = result.status
            change["last_error"] = result.error[:500] if result.error else None
            updates[tuple(sorted(change.items()))].append(delivery_id)
        changed = self._write_recorded(attempts, updates)
        deliveries = self.browse(ids)
        deliveries.invalidate_recordset([*changed, "attempt_count", "attempt_ids"])
        deliveries.modified([*changed, "attempt_count"])
        for delivery in self.browse(dead_ids):
            delivery._report_dead()
        if replayed_ids:
            replayed = self.browse(replayed_ids)
            self.env["integration.exception"].resolve_for(replayed)
            replayed._resolve_dead_exceptions()

    def _recording_rows(self, ids):
        """What recording an outcome needs of each delivery, in one query:
        ``{id: RecordingRow}``."""
        self.flush_model(["attempt_count", "replay_count", "is_test"])
        self.env["integration.event"].flush_model(["uuid", "trace_id"])
        self.env["integration.subscription"].flush_model(["retry_schedule"])
        self.env.cr.execute(
            """
            SELECT d.id, COALESCE(d.attempt_count, 0), COALESCE(d.replay_count, 0),
                   COALESCE(d.is_test, FALSE),
                   s.retry_schedule, e.id, e.uuid, e.trace_id
              FROM integration_delivery d
              JOIN integration_subscription s ON s.id = d.subscription_id
              JOIN integration_event e ON e.id = d.event_id
             WHERE d.id = ANY(%s::int4[]) AND d.id BETWEEN %s AND %s
            """,
            pg.ids_and_range(ids),
        )
        return {row[0]: RecordingRow(*row) for row in self.env.cr.fetchall()}

    def _write_recorded(self, attempts, updates):
        """The attempts' ``INSERT`` (tuples in ``_ATTEMPT_COLUMNS`` order) and
        one ``UPDATE`` of the deliveries per distinct change, sent to the
        database as one statement list: one round trip.

        :return: the delivery field names written
        """
        cr = self.env.cr
        uid = self.env.uid
        # one array parameter per column, unnested by the database, passed
        # as text: the client composes nine strings, not an SQL object or a
        # psycopg2 adapter per value
        columns = list(zip(*attempts, strict=True))
        statements = [
            SQL(
                """
                INSERT INTO integration_delivery_attempt
                       (%s, create_uid, write_uid, create_date, write_date)
                SELECT attempt.*, %s, %s, now() at time zone 'UTC',
                       now() at time zone 'UTC'
                  FROM unnest(%s) AS attempt
                """,
                SQL(", ").join(
                    SQL.identifier(name) for name, _type in _ATTEMPT_COLUMNS
                ),
                uid,
                uid,
                SQL(", ").join(
                    SQL(f"%s::{sql_type}[]", pg.array_literal(values))
                    for (_name, sql_type), values in zip(
                        _ATTEMPT_COLUMNS, columns, strict=True
                    )
                ),
            )
        ]
        written = set()
        for items, delivery_ids in updates.items():
            change = dict(items)
            written.update(change)
            statements.append(
                SQL(
                    """
                    UPDATE integration_delivery
                       SET %s, attempt_count = COALESCE(attempt_count, 0) + 1,
                           write_uid = %s, write_date = now() at time zone 'UTC'
                     WHERE id = ANY(%s)
                    """,
                    SQL(", ").join(
                        SQL("%s = %s", SQL.identifier(name), value)
                        for name, value in change.items()
                    ),
                    uid,
                    SQL("%s::int4[]", pg.array_literal(delivery_ids)),
                )
            )
        cr.execute(SQL(";").join(statements))
        return written

    def _resolve_dead_exceptions(self):
        """Resolve the dead-delivery exceptions of these (delivered)
        deliveries whose deliveries have all been delivered now."""
        exceptions = self.dead_exception_id.filtered(lambda e: e.state in OPEN_STATES)
        if not exceptions:
            return
        self.flush_model(["state", "dead_exception_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT dead_exception_id FROM integration_delivery
             WHERE dead_exception_id IN %s AND state != 'delivered'
            """,
            (tuple(exceptions.ids),),
        )
        waiting = {row[0] for row in self.env.cr.fetchall()}
        exceptions.filtered(lambda e: e.id not in waiting).action_resolve(
            self.env._("Every delivery it was about has been delivered.")
        )

    def _report_dead(self):
        self.ensure_one()
        subscription = self.subscription_id
        self.dead_exception_id = self.env["integration.exception"].report(
            kind="dead_delivery",
            title=self.env._(
                "Webhooks to %(name)s could not be delivered", name=subscription.name
            ),
            detail=self.env._(
                "Last delivery: %(event)s, %(attempts)s attempts. Last error: %(error)s",
                event=self.display_name,
                attempts=self.attempt_count,
                error=self.last_error or "-",
            ),
            fingerprint=f"dead-deliveries:{subscription.id}",
            system=subscription.system_id or None,
            source=subscription,
            record=self.event_id._linked_record(),
            severity="high",
            suggested_fix=self.env._(
                "Check the endpoint with the partner; Reprocess replays every dead "
                "delivery of this subscription."
            ),
        )

    # ------------------------------------------------------------------
    # Replay
    # ------------------------------------------------------------------
    def _check_can_replay(self):
        if not self.env.user.has_group("integration_core.group_integration_user"):
            raise AccessError(
                self.env._("Only integration users can replay deliveries.")
            )
        self.check_access("read")

    def action_replay(self):
        """Send again, same ``webhook-id``, with a fresh attempt budget."""
        self._check_can_replay()
        deliveries = self.sudo().filtered(lambda d: d.state != "pending")
        for delivery in deliveries:
            delivery.write(
                {
                    "state": "pending",
                    "attempt_count": 0,
                    "next_attempt_at": fields.Datetime.now(),
                    "replay_count": delivery.replay_count + 1,
                }
            )
        self.env["integration.delivery.queue"]._enqueue(self.sudo().subscription_id)
        return True

    def _integration_reprocess(self):
        """Replay; only queued, so the problem is gone only if already delivered."""
        self.action_replay()
        return all(delivery.state == "delivered" for delivery in self)

    @api.model
    def _cron_purge_delivered(self, batch_size=10000):
        """Retention: delete old delivered, cancelled and shadow deliveries."""
        days = config_param(
            self.env, "integration_webhook.delivery_retention_days", 30, minimum=0
        )
        if days <= 0:
            return 0
        limit = fields.Datetime.now() - timedelta(days=days)
        old = self.sudo().search(
            [
                ("state", "in", ("delivered", "cancelled", "shadow")),
                ("create_date", "<", limit),
            ],
            limit=batch_size,
        )
        count = len(old)
        old.unlink()
        return count
