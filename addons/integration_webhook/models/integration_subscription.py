import logging
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, config, ormcache
from odoo.tools.safe_eval import safe_eval

from odoo.addons.integration_core.models.integration_exception import OPEN_STATES
from odoo.addons.integration_core.tools.url_safety import (
    UnresolvableHostError,
    UnsafeTargetError,
    check_target_url,
)

from ..tools import retry as retry_tools

_logger = logging.getLogger(__name__)

ALLOWED_NETWORKS_PARAM = "integration_webhook.allowed_networks"
ALLOWED_NETWORKS_OPTION = "integration_webhook_allowed_networks"
# what the fan-out reads of a subscription besides its event types
# (``_matching``, ``_delivery_vals``, the drain job's name and state)
FAN_OUT_FIELDS = (
    "name",
    "state",
    "company_id",
    "system_id",
    "filter_domain",
    "shadow_mode",
)


class IntegrationSubscription(models.Model):
    """A partner endpoint subscribed to some event types.

    Deliveries are drained in batches by queue_job jobs, over one keep-alive
    connection per job: one job per subscription and emitting transaction,
    not one per delivery.
    """

    _name = "integration.subscription"
    _description = "Webhook Subscription"
    _inherit = [
        "mail.thread",
        "integration.encryption.mixin",
        "integration.reprocess.mixin",
    ]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    uuid = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: str(uuid.uuid4()),
        help="Public identifier, used in the URL of the published signing keys.",
    )
    system_id = fields.Many2one(
        "integration.system", string="Partner system", tracking=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    transport = fields.Selection(
        [("webhook", "HTTP webhook")],
        required=True,
        default="webhook",
        tracking=True,
        help="How deliveries leave Odoo; other modules add transports (e.g. a "
        "message broker). Retries, circuit breaker, dead deliveries and replay "
        "are the same for all.",
    )
    target_url = fields.Char(string="Endpoint URL", tracking=True)
    event_type_ids = fields.Many2many(
        "integration.event.type",
        string="Event types",
        required=True,
        help="The events this endpoint receives.",
    )
    filter_model = fields.Char(compute="_compute_filter_model")
    filter_domain = fields.Char(
        string="Only records matching",
        help="Optional filter on the record the event is about, e.g. only orders "
        "of one warehouse.",
    )
    payload_style = fields.Selection(
        [
            ("cloudevents", "CloudEvents, structured JSON"),
            ("cloudevents_binary", "CloudEvents, binary (ce-* headers)"),
            ("standard", "Standard Webhooks JSON (type, timestamp, data)"),
        ],
        required=True,
        default="cloudevents",
    )
    signing_scheme = fields.Selection(
        [("v1", "HMAC-SHA256 shared secret (v1)"), ("v1a", "Ed25519 key pair (v1a)")],
        required=True,
        default="v1",
        help="v1: the receiver holds the same secret. v1a: Odoo signs with its "
        "private key and publishes the public key, the receiver needs no secret.",
    )
    secret_ids = fields.One2many(
        "integration.subscription.secret", "subscription_id", string="Signing secrets"
    )
    header_ids = fields.One2many(
        "integration.subscription.header", "subscription_id", string="Extra headers"
    )
    public_keys_url = fields.Char(compute="_compute_public_keys_url")
    secret_to_show = fields.Boolean(
        compute="_compute_secret_to_show",
        help="Technical: a v1 secret not shown yet, or a v1a public key (always).",
    )
    timeout = fields.Integer(
        string="Timeout (s)", default=15, help="How long to wait for the answer."
    )
    retry_schedule = fields.Char(
        default=retry_tools.DEFAULT_SCHEDULE,
        required=True,
        help="Seconds to wait before each retry, comma separated. The default "
        "makes 8 attempts over about 27 hours.",
    )
    rate_limit = fields.Integer(
        string="Rate limit (per second)",
        default=0,
        help="At most this many requests per second to this endpoint; 0 = no limit.",
    )
    batch_size = fields.Integer(default=200, help="Deliveries sent per job.")
    max_in_flight = fields.Integer(
        string="Parallel requests",
        default=4,
        help="Requests sent to this endpoint at the same time. 1 sends one "
        "after the other (in event order); webhooks guarantee no order anyway, "
        "receivers use the sequence number.",
    )
    state = fields.Selection(
        [("active", "Active"), ("paused", "Paused"), ("disabled", "Disabled")],
        required=True,
        default="active",
        tracking=True,
    )
    disabled_reason = fields.Char(readonly=True, tracking=True)
    shadow_mode = fields.Boolean(
        tracking=True,
        help="Record what would be sent, send nothing: for a dual run while "
        "migrating from another integration.",
    )
    failure_threshold = fields.Integer(
        default=5, help="Consecutive failures that open the circuit."
    )
    cooldown = fields.Integer(
        string="Cool-down (s)",
        default=60,
        help="How long the circuit stays open before one delivery probes the "
        "endpoint again; doubles after each failed probe (up to an hour).",
    )
    disable_after_days = fields.Integer(
        default=5,
        help="Days of nothing but failures after which the subscription is "
        "disabled and the managers are told.",
    )
    circuit_state = fields.Selection(
        [("closed", "Closed"), ("open", "Open"), ("half_open", "Probing")],
        default="closed",
        readonly=True,
        copy=False,
    )
    consecutive_failures = fields.Integer(readonly=True, copy=False)
    circuit_open_until = fields.Datetime(readonly=True, copy=False)
    circuit_cooldown = fields.Integer(readonly=True, copy=False)
    failing_since = fields.Datetime(readonly=True, copy=False)
    last_success_at = fields.Datetime(readonly=True, copy=False)
    delivery_ids = fields.One2many("integration.delivery", "subscription_id")
    pending_count = fields.Integer(compute="_compute_delivery_counts")
    dead_count = fields.Integer(compute="_compute_delivery_counts")
    delivered_count = fields.Integer(compute="_compute_delivery_counts")

    @api.depends("event_type_ids.res_model")
    def _compute_filter_model(self):
        for subscription in self:
            models_ = set(subscription.event_type_ids.mapped("res_model"))
            subscription.filter_model = models_.pop() if len(models_) == 1 else False

    @api.depends("uuid")
    def _compute_public_keys_url(self):
        base_url = self.get_base_url() if self else ""
        for subscription in self:
            subscription.public_keys_url = (
                f"{base_url}/integration/webhooks/{subscription.uuid}/keys.json"
            )

    @api.depends("signing_scheme", "secret_ids.revealed")
    def _compute_secret_to_show(self):
        for subscription in self:
            subscription.secret_to_show = subscription.signing_scheme == "v1a" or any(
                not secret.revealed for secret in subscription.secret_ids
            )

    def _compute_delivery_counts(self):
        groups = self.env["integration.delivery"]._read_group(
            [("subscription_id", "in", self.ids)],
            ["subscription_id", "state"],
            ["__count"],
        )
        counts = {(sub.id, state): count for sub, state, count in groups}
        for subscription in self:
            subscription.pending_count = counts.get((subscription.id, "pending"), 0)
            subscription.dead_count = counts.get((subscription.id, "dead"), 0)
            subscription.delivered_count = counts.get((subscription.id, "delivered"), 0)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.model
    def _allowed_networks(self):
        """Networks exempt from the SSRF guard: config file and settings."""
        from_config = config.get(ALLOWED_NETWORKS_OPTION) or ""
        from_settings = (
            self.env["ir.config_parameter"].sudo().get_param(ALLOWED_NETWORKS_PARAM)
            or ""
        )
        return ",".join(filter(None, [from_config, from_settings]))

    def _check_url_safe(self):
        """Raise UnsafeTargetError if the endpoint may not be called.

        :return: the vetted addresses of its host: connect to these only
        """
        self.ensure_one()
        return check_target_url(self.target_url, self._allowed_networks())

    @api.constrains("target_url", "transport")
    def _check_target_url(self):
        """Refuse what resolves to a non-public address. A host that does not
        resolve yet may be saved: it is checked again before every send."""
        for subscription in self:
            if subscription.transport != "webhook":
                continue
            if not subscription.target_url:
                raise ValidationError(self.env._("A webhook needs an endpoint URL."))
            try:
                subscription._check_url_safe()
            except UnresolvableHostError:
                continue
            except UnsafeTargetError as exc:
                raise ValidationError(
                    self.env._(
                        "The endpoint URL %(url)s cannot be used: %(reason)s. "
                        "Administrators can allow internal networks in Settings.",
                        url=subscription.target_url,
                        reason=exc,
                    )
                ) from None

    @api.constrains(
        "retry_schedule", "timeout", "batch_size", "rate_limit", "max_in_flight"
    )
    def _check_delivery_policy(self):
        for subscription in self:
            try:
                retry_tools.parse_schedule(subscription.retry_schedule)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            if not 1 <= subscription.timeout <= 120:
                raise ValidationError(self.env._("The timeout is 1 to 120 seconds."))
            if subscription.batch_size < 1 or subscription.rate_limit < 0:
                raise ValidationError(
                    self.env._("Batch size must be positive, rate limit not negative.")
                )
            if not 1 <= subscription.max_in_flight <= 32:
                raise ValidationError(self.env._("Parallel requests: 1 to 32."))

    @api.constrains("filter_domain", "event_type_ids")
    def _check_filter_domain(self):
        for subscription in self.filtered("filter_domain"):
            if not subscription.filter_model:
                raise ValidationError(
                    self.env._(
                        "A record filter needs event types that are all about the "
                        "same kind of record."
                    )
                )
            try:
                domain = safe_eval(subscription.filter_domain)
                self.env[subscription.filter_model].search_count(domain, limit=1)
            except Exception as exc:
                raise ValidationError(
                    self.env._("Invalid record filter: %(error)s", error=exc)
                ) from None

    # ------------------------------------------------------------------
    # Secrets
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        if not self._encryption_keys().strip():
            # the form shows why; a secret is created by Rotate secret later
            _logger.warning(
                "no integration_encryption_key: subscriptions created without secret"
            )
            return subscriptions
        for subscription in subscriptions:
            if not subscription.secret_ids:
                subscription.sudo()._add_secret()
        return subscriptions

    def _add_secret(self):
        """Create a new signing secret and return its plaintext (shown once)."""
        self.ensure_one()
        return self.env["integration.subscription.secret"]._generate(self)

    def action_rotate_secret(self):
        """New secret; the old ones stay valid for a grace period (both sign)."""
        self.ensure_one()
        self.check_access("write")
        secrets = self.env["integration.subscription.secret"].sudo()
        current = secrets.search(
            [("subscription_id", "=", self.id), ("expires_at", "=", False)]
        )
        current.write(
            {
                "expires_at": fields.Datetime.now()
                + timedelta(hours=current._grace_hours())
            }
        )
        return self.sudo()._add_secret()._reveal_action()

    def action_reveal_new_secret(self):
        """What to give the partner: the new v1 secret once, or the v1a public key."""
        self.ensure_one()
        self.check_access("write")
        domain = [("subscription_id", "=", self.id)]
        if self.signing_scheme == "v1":
            domain.append(("revealed", "=", False))
        else:
            domain.append(("expires_at", "=", False))
        secret = (
            self.env["integration.subscription.secret"]
            .sudo()
            .search(domain, order="id desc", limit=1)
        )
        if not secret and not self.sudo().secret_ids:
            raise UserError(
                self.env._(
                    "This subscription has no signing key yet (no encryption key was "
                    "configured when it was created): use Rotate secret to create one."
                )
            )
        if not secret:
            raise UserError(
                self.env._(
                    "The secret was already shown and cannot be read again: "
                    "use Rotate secret to get a new one."
                )
            )
        return secret._reveal_action()

    def _extra_headers(self):
        self.ensure_one()
        return {header.name: header._plaintext() for header in self.sudo().header_ids}

    # ------------------------------------------------------------------
    # Sending: see integration.delivery.queue
    # ------------------------------------------------------------------
    def _drain(self):
        """The queue_job job that sends this subscription's due deliveries.

        Enqueued by ``integration.delivery.queue._enqueue``, which does the
        work too: the job is declared on the subscription so that queue_job
        shows the endpoint as the job's record (and jobs enqueued before the
        queue model existed still run).
        """
        self.ensure_one()
        return self.env["integration.delivery.queue"]._drain(self)

    def _delivery_vals(self, event):
        """Values of the delivery of ``event`` to this subscription (the test
        send uses it; fan-out is ``integration.event._fan_out``)."""
        return event._delivery_vals(self)

    @api.model
    def _listening(self, event_types):
        """The subscriptions that hear events of ``event_types`` (active or
        paused), in their order, as superuser, found in one query.

        The fan-out runs in the user's transaction, once per emit: the same
        query brings what it then reads of them into the ORM cache, as
        ``search_fetch`` would in three queries (the subscriptions, their
        event types, whether those types are archived): ``FAN_OUT_FIELDS``,
        ``event_type_ids`` (every type, in the order and with the rules of
        ``Many2many.read``) and the types' ``active``.
        """
        subscriptions = self.sudo()
        query = subscriptions._search(
            [
                ("state", "in", ("active", "paused")),
                ("event_type_ids", "in", event_types.ids),
            ],
            order=subscriptions._order,
        )
        if query.is_empty():
            return subscriptions.browse()
        fields_ = [subscriptions._fields[name] for name in FAN_OUT_FIELDS]
        types_field = subscriptions._fields["event_type_ids"]
        types = subscriptions.env[types_field.comodel_name]
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(subscriptions._table, "id"),
                *(
                    subscriptions._field_to_sql(subscriptions._table, field.name, query)
                    for field in fields_
                ),
                *subscriptions._many2many_arrays(types_field.name, ("id", "active")),
            )
        )
        if not rows:
            return subscriptions.browse()
        ids, *columns, type_ids, type_actives = zip(*rows, strict=True)
        found = subscriptions.browse(ids)
        cache = self.env.cache
        for field, values in zip(fields_, columns, strict=True):
            cache.insert_missing(found, field, values)
        cache.insert_missing(found, types_field, [tuple(t) for t in type_ids])
        for ids_, actives in zip(type_ids, type_actives, strict=True):
            cache.insert_missing(types.browse(ids_), types._fields["active"], actives)
        return found

    @ormcache("fname", "names")
    def _many2many_arrays(self, fname, names):
        """One ``ARRAY(...)`` per name in ``names``: those columns of the
        records that ``fname`` (a many2many of this model) holds for the row
        of this model's table in the enclosing query, in the order and under
        the rules ``Many2many.read`` applies as superuser (archived ones
        included: the cache holds them, reading filters them). The same for
        every emit: built once per registry."""
        model = self.sudo()  # no record rules: the same SQL for every user
        field = model._fields[fname]
        comodel = model.env[field.comodel_name].with_context(
            active_test=False, **field.context
        )
        sub = comodel._where_calc(field.get_domain_list(model))
        comodel._apply_ir_rules(sub, "read")
        sub.order = comodel._order_to_sql(comodel._order, sub)
        sub.add_join(
            "JOIN",
            field.relation,
            None,
            SQL(
                "%s = %s",
                SQL.identifier(field.relation, field.column2),
                SQL.identifier(comodel._table, "id"),
            ),
        )
        sub.add_where(
            SQL(
                "%s = %s",
                SQL.identifier(field.relation, field.column1),
                SQL.identifier(model._table, "id"),
            )
        )
        return tuple(
            SQL(
                "ARRAY(%s)",
                sub.select(comodel._field_to_sql(comodel._table, name, sub)),
            )
            for name in names
        )

    def _disable(self, reason):
        """Stop sending, keep pending deliveries, tell the managers."""
        self.ensure_one()
        self.write({"state": "disabled", "disabled_reason": reason})
        managers = self.env.ref("integration_core.group_integration_manager").users
        self.message_post(
            body=self.env._(
                "Webhook subscription disabled: %(reason)s Pending deliveries are "
                "kept; fix the endpoint and resume the subscription to send them.",
                reason=reason,
            ),
            partner_ids=managers.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.env["integration.exception"].report(
            kind="connection",
            title=self.env._("Webhook endpoint %(name)s disabled", name=self.name),
            detail=reason,
            fingerprint=f"subscription-disabled:{self.id}",
            system=self.system_id or None,
            source=self,
            severity="high",
            suggested_fix=self.env._(
                "Check the endpoint with the partner, then Reprocess to resume."
            ),
        )

    @api.model
    def _public_keys(self, subscription_uuid):
        """The JSON document of valid public keys, or None if unknown."""
        subscription = self.sudo().search([("uuid", "=", subscription_uuid)], limit=1)
        if not subscription:
            return None
        secrets = subscription.secret_ids.filtered(
            lambda s: s.scheme == "v1a" and s.is_valid
        )
        return {
            "subscription": subscription.uuid,
            "keys": [
                {
                    "kid": secret.key_id,
                    "alg": "Ed25519",
                    "key": secret.public_key,
                    "created": secret.create_date.isoformat() + "Z",
                    "expires": secret.expires_at.isoformat() + "Z"
                    if secret.expires_at
                    else None,
                }
                for secret in secrets
            ],
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_pause(self):
        self.write({"state": "paused"})
        return True

    def action_resume(self):
        """Send again; the "disabled" exception is over, as the state is."""
        self.write(
            {
                "state": "active",
                "disabled_reason": False,
                "circuit_state": "closed",
                "consecutive_failures": 0,
                "circuit_open_until": False,
                "failing_since": False,
            }
        )
        self.env["integration.exception"].sudo().search(
            [
                (
                    "fingerprint",
                    "in",
                    [f"subscription-disabled:{sub.id}" for sub in self],
                ),
                ("state", "in", OPEN_STATES),
            ]
        ).action_resolve(self.env._("Resumed by %(user)s", user=self.env.user.name))
        self.env["integration.delivery.queue"]._enqueue(self.sudo())
        return True

    def _integration_auto_retry(self):
        """A disabled endpoint (410, days of failures) is resumed by a person."""
        return False

    def _integration_reprocess(self):
        """From the exception dashboard: resume and replay the dead deliveries.

        A replay is only queued: the dead-delivery exception is resolved
        when its deliveries have been delivered (``integration.delivery``),
        not here, unless none of them is left to deliver.
        """
        self.action_resume()
        deliveries = self.env["integration.delivery"].sudo()
        deliveries.search(
            [("subscription_id", "in", self.ids), ("state", "=", "dead")]
        ).action_replay()
        return not deliveries.search_count(
            [
                ("subscription_id", "in", self.ids),
                ("dead_exception_id.state", "in", OPEN_STATES),
                ("state", "!=", "delivered"),
            ],
            limit=1,
        )

    def action_send_test_event(self):
        """Send one signed ``integration.ping`` now and show what happened."""
        self.ensure_one()
        self.check_access("write")
        delivery = self.sudo()._create_test_delivery()
        result = delivery._send_now()
        if result.outcome == "success":
            title, kind = self.env._("Test event delivered"), "success"
        else:
            title, kind = self.env._("Test event failed"), "danger"
        message = self.env._(
            "HTTP %(status)s in %(ms)s ms. %(error)s",
            status=result.status or "-",
            ms=result.duration_ms,
            error=result.error or "",
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _create_test_delivery(self):
        self.ensure_one()
        ping = self.env.ref("integration_core.event_type_integration_ping")
        event = (
            self.env["integration.event"]
            .sudo()
            .create(
                {
                    "event_type_id": ping.id,
                    "source": self.env["integration.event"]._event_source(),
                    "subject": f"integration.subscription/{self.id}",
                    "data": {
                        "message": "Test event from Odoo",
                        "requested_by": self.env.user.name,
                    },
                    "company_id": self.company_id.id,
                }
            )
        )
        return (
            self.env["integration.delivery"]
            .sudo()
            .create(dict(self._delivery_vals(event), state="pending", is_test=True))
        )

    def action_view_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_webhook.integration_delivery_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {"search_default_subscription_id": self.id}
        # each smart button passes the state it counts
        state = self.env.context.get("delivery_state")
        if state in ("pending", "dead", "delivered"):
            action["context"][f"search_default_{state}"] = 1
        return action

    @api.model
    @api.model
    def _cron_kick_pending(self):
        """The cron's entry point (its record is ``noupdate``): see
        ``integration.delivery.queue._cron_kick_pending``."""
        return self.env["integration.delivery.queue"]._cron_kick_pending()
