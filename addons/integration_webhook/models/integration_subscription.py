import logging
import time
import uuid
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval

from odoo.addons.integration_core.tools.url_safety import (
    UnresolvableHostError,
    UnsafeTargetError,
    check_target_url,
)

from ..tools import circuit as circuit_tools
from ..tools import retry as retry_tools
from ..tools import sender

_logger = logging.getLogger(__name__)

DRAIN_CHANNEL = "root.integration_webhook"
ALLOWED_NETWORKS_PARAM = "integration_webhook.allowed_networks"
ALLOWED_NETWORKS_OPTION = "integration_webhook_allowed_networks"
ADVISORY_LOCK_CLASS = 0x4957  # "IW": one drain at a time per subscription
EPOCH = datetime(1970, 1, 1)
# A drain stops taking new deliveries after this long, so that a slow endpoint
# never holds a worker past limit_time_real; the rest goes in the next job.
DRAIN_TIME_BUDGET = 30.0
FOLLOW_UP_PRIORITY = 5  # queue_job's default is 10; lower runs first


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
    target_url = fields.Char(string="Endpoint URL", required=True, tracking=True)
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

    @api.constrains("target_url")
    def _check_target_url(self):
        """Refuse what resolves to a non-public address. A host that does not
        resolve yet may be saved: it is checked again before every send."""
        for subscription in self:
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

    @api.constrains("retry_schedule", "timeout", "batch_size", "rate_limit", "max_in_flight")
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
            _logger.warning("no integration_encryption_key: subscriptions created without secret")
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
            {"expires_at": fields.Datetime.now() + timedelta(hours=current._grace_hours())}
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
        secret = self.env["integration.subscription.secret"].sudo().search(
            domain, order="id desc", limit=1
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

    def _signing_material(self):
        """``(hmac secrets, ed25519 secret keys)`` valid now, newest first."""
        self.ensure_one()
        valid = self.env["integration.subscription.secret"].sudo().search(
            [
                ("subscription_id", "=", self.id),
                "|",
                ("expires_at", "=", False),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            order="id desc",
        )
        hmac_secrets, ed_keys = [], []
        for secret in valid:
            plain = secret._plaintext()
            (hmac_secrets if secret.scheme == "v1" else ed_keys).append(plain)
        if self.signing_scheme == "v1a":
            hmac_secrets = []
        else:
            ed_keys = []
        return hmac_secrets, ed_keys

    def _extra_headers(self):
        self.ensure_one()
        return {header.name: header._plaintext() for header in self.sudo().header_ids}

    # ------------------------------------------------------------------
    # Fan-out from the outbox
    # ------------------------------------------------------------------
    @api.model
    def _fan_out(self, events):
        """Create the deliveries of ``events`` and enqueue their jobs.

        Runs in the emitting transaction, so deliveries and jobs exist exactly
        when the events do.
        """
        subscriptions = self.sudo().search(
            [
                ("state", "in", ("active", "paused")),
                ("event_type_ids", "in", events.event_type_id.ids),
            ]
        )
        if not subscriptions:
            return self.env["integration.delivery"]
        vals_list = []
        for subscription in subscriptions:
            for event in subscription._matching_events(events):
                vals_list.append(subscription._delivery_vals(event))
        deliveries = self.env["integration.delivery"].sudo().create(vals_list)
        to_send = deliveries.filtered(lambda d: d.state == "pending")
        to_send.subscription_id.filtered(lambda s: s.state == "active")._enqueue_drain()
        return deliveries

    def _matching_events(self, events):
        self.ensure_one()
        candidates = events.filtered(
            lambda e: e.event_type_id in self.event_type_ids
            and (not e.company_id or e.company_id == self.company_id)
        )
        if not self.filter_domain or not candidates:
            return candidates
        domain = safe_eval(self.filter_domain)
        by_model = candidates.filtered(lambda e: e.res_model == self.filter_model)
        records = self.env[self.filter_model].sudo().browse(by_model.mapped("res_id"))
        kept_ids = set(records.filtered_domain(domain).ids)
        return by_model.filtered(lambda e: e.res_id in kept_ids)

    def _delivery_vals(self, event):
        self.ensure_one()
        return {
            "event_id": event.id,
            "subscription_id": self.id,
            "company_id": self.company_id.id,
            "state": "shadow" if self.shadow_mode else "pending",
            "next_attempt_at": fields.Datetime.now(),
        }

    def _enqueue_drain(self, eta=None, priority=None):
        """Make sure a drain job runs for each subscription (now or at ``eta``).

        One job per transaction: it can only start after this transaction
        commits, so it sees these deliveries, or finds another drain running
        that began before and ends after that commit; that drain looks again
        with a fresh cursor before it finishes (``_new_due_deliveries_exist``).
        Sharing a pending job across transactions would open a window where
        the shared job starts before this commit and nobody sees the delivery.
        """
        if not self:
            return
        if eta:
            key_part = f"eta-{int(eta.timestamp())}"
        else:
            self.env.cr.execute("SELECT txid_current()")
            key_part = f"tx-{self.env.cr.fetchone()[0]}"
        for subscription in self:
            subscription.with_delay(
                channel=DRAIN_CHANNEL,
                eta=eta,
                priority=priority,
                identity_key=f"integration_webhook.drain-{subscription.id}-{key_part}",
                description=f"Webhooks to {subscription.name}",
                max_retries=0,
            )._drain()

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    def _drain(self):
        """Send this subscription's due deliveries; the queue_job job.

        Idempotent: it only takes deliveries still pending and due, locked
        with SKIP LOCKED, so a second job for the same endpoint finds nothing
        to do twice. Returns a short summary for the job's result.
        """
        self.ensure_one()
        subscription = self.sudo()
        cr = self.env.cr
        cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (ADVISORY_LOCK_CLASS, self.id)
        )
        if not cr.fetchone()[0]:
            # The running drain looks for newer deliveries with a fresh cursor
            # before it ends and enqueues the next job: nothing to wait for.
            return "busy: the running job takes what is due"
        if subscription.state != "active":
            return f"not sent: subscription {subscription.state}"
        now = time.time()
        circuit = subscription._circuit()
        allowed = circuit_tools.allows(circuit, now)
        if allowed == 0:
            subscription._schedule_next_drain()
            return "circuit open: deliveries wait"
        limit = allowed or subscription.batch_size
        deliveries = subscription._lock_due_deliveries(limit)
        if not deliveries:
            subscription._schedule_next_drain()
            return "nothing due"
        sent = subscription._send_batch(deliveries, circuit)
        subscription._schedule_next_drain()
        return f"{sent} sent"

    def _lock_due_deliveries(self, limit):
        self.env["integration.delivery"].flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM integration_delivery
             WHERE subscription_id = %s AND state = 'pending'
               AND next_attempt_at <= %s
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            (self.id, fields.Datetime.now(), limit),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["integration.delivery"].sudo().browse(ids)

    def _send_batch(self, deliveries, circuit):
        """POST the deliveries, ``max_in_flight`` in flight at a time over
        keep-alive connections; stop when the circuit opens or the endpoint is
        gone.

        The ORM work (reading, signing, recording) stays on this thread and is
        done in bulk; the pool threads only do HTTP.
        """
        self.ensure_one()
        delivery_model = self.env["integration.delivery"]
        try:
            addresses = self._check_url_safe()
        except UnsafeTargetError as exc:
            return deliveries._fail_unsent(f"refused by the SSRF guard: {exc}")
        deliveries._prefetch_for_sending()
        signing = self._signing_material()
        if not any(signing):
            return deliveries._fail_unsent(
                "no valid signing secret: use Rotate secret on the subscription"
            )
        extra = self._extra_headers()
        outcomes = []
        state = {"circuit": circuit}
        deadline = time.monotonic() + DRAIN_TIME_BUDGET

        def on_result(delivery, result):
            outcomes.append((delivery, result))
            state["circuit"] = circuit_tools.after_result(
                state["circuit"],
                result.outcome == "success",
                time.time(),
                self.failure_threshold,
                self.cooldown,
            )
            blocked = circuit_tools.allows(state["circuit"], time.time()) == 0
            in_time = time.monotonic() < deadline
            return result.outcome != "gone" and not blocked and in_time

        try:
            with sender.SenderPool(self.max_in_flight, addresses) as pool:
                pool.run(
                    self.target_url,
                    self.timeout,
                    deliveries,
                    lambda delivery: delivery._signed_request(signing, extra),
                    on_result,
                    rate_limit=self.rate_limit,
                )
        finally:
            delivery_model._record_results(outcomes)
            self._store_circuit(state["circuit"])
        if any(result.outcome == "gone" for _delivery, result in outcomes):
            self._disable(self.env._("The endpoint answered 410 Gone."))
        return len(outcomes)

    def _schedule_next_drain(self):
        """Enqueue the job that sends what is left: now if some delivery is
        due, else at the next retry, never before the circuit's cool-down."""
        self.ensure_one()
        if self.state != "active":
            return
        self.env["integration.delivery"].flush_model()
        self.env.cr.execute(
            """
            SELECT MIN(next_attempt_at) FROM integration_delivery
             WHERE subscription_id = %s AND state = 'pending'
            """,
            (self.id,),
        )
        next_at = self.env.cr.fetchone()[0]
        now = fields.Datetime.now()
        if (not next_at or next_at > now) and self._new_due_deliveries_exist(now):
            next_at = now
        if not next_at:
            return
        circuit = self._circuit()
        if circuit.state == "open":
            next_at = max(next_at, _dt(circuit.open_until))
        if next_at <= now:
            # ahead of the per-transaction jobs queued meanwhile: under load
            # most of those find nothing left to do
            self._enqueue_drain(priority=FOLLOW_UP_PRIORITY)
        else:
            self._enqueue_drain(eta=next_at)

    def _new_due_deliveries_exist(self, now):
        """Whether deliveries committed after this job's snapshot are due.

        The job reads the database as it was when it started; deliveries
        committed since, whose own job found this one busy, would otherwise
        wait for that job's retry. A fresh cursor sees them; SKIP LOCKED
        leaves out the rows this job is still holding. Nothing is written.
        """
        with self.env.registry.cursor() as cr:
            cr.execute(
                """
                SELECT 1 FROM integration_delivery
                 WHERE subscription_id = %s AND state = 'pending' AND next_attempt_at <= %s
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED
                """,
                (self.id, now),
            )
            found = bool(cr.fetchone())
            cr.rollback()
        return found

    # ------------------------------------------------------------------
    # Circuit breaker
    # ------------------------------------------------------------------
    def _circuit(self):
        self.ensure_one()
        return circuit_tools.Circuit(
            state="open" if self.circuit_state == "half_open" else self.circuit_state,
            failures=self.consecutive_failures,
            open_until=_ts(self.circuit_open_until),
            cooldown=self.circuit_cooldown,
            failing_since=_ts(self.failing_since),
        )

    def _store_circuit(self, circuit):
        self.ensure_one()
        vals = {
            "circuit_state": circuit.state,
            "consecutive_failures": circuit.failures,
            "circuit_open_until": _dt(circuit.open_until),
            "circuit_cooldown": int(circuit.cooldown),
            "failing_since": _dt(circuit.failing_since),
        }
        now = fields.Datetime.now()
        if circuit.failures == 0 and (
            not self.last_success_at or now - self.last_success_at > timedelta(minutes=1)
        ):
            # at most once a minute: concurrent drains would fight over the row
            vals["last_success_at"] = now
        opened = circuit.state == "open" and self.circuit_state != "open"
        changed = {
            name: value
            for name, value in vals.items()
            if self._fields[name].convert_to_write(self[name], self) != value
        }
        if changed:
            self.write(changed)
        if opened:
            _logger.info("circuit opened for webhook subscription %s", self.id)
        if circuit.failing_since and self.disable_after_days:
            failing_for = time.time() - circuit.failing_since
            if failing_for > self.disable_after_days * 86400:
                self._disable(
                    self.env._(
                        "Nothing but failures for %(days)s days.",
                        days=self.disable_after_days,
                    )
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
        secrets = subscription.secret_ids.filtered(lambda s: s.scheme == "v1a" and s.is_valid)
        return {
            "subscription": subscription.uuid,
            "keys": [
                {
                    "kid": secret.key_id,
                    "alg": "Ed25519",
                    "key": secret.public_key,
                    "created": secret.create_date.isoformat() + "Z",
                    "expires": secret.expires_at.isoformat() + "Z" if secret.expires_at else None,
                }
                for secret in secrets
            ],
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_pause(self):
        self.write({"state": "paused"})

    def action_resume(self):
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
        self.sudo()._enqueue_drain()

    def _integration_reprocess(self):
        """From the exception dashboard: resume and replay the dead deliveries."""
        self.action_resume()
        dead = self.env["integration.delivery"].sudo().search(
            [("subscription_id", "in", self.ids), ("state", "=", "dead")]
        )
        dead.action_replay()
        return True

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
        event = self.env["integration.event"].sudo().create(
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
        return self.env["integration.delivery"].sudo().create(
            dict(self._delivery_vals(event), state="pending", is_test=True)
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
    def _cron_kick_pending(self):
        """Safety net: enqueue a drain for overdue deliveries without a job.

        Covers a job lost with its worker; queue_job requeues most such jobs
        itself, this catches the rest within a few minutes.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT d.subscription_id FROM integration_delivery d
              JOIN integration_subscription s ON s.id = d.subscription_id
             WHERE d.state = 'pending' AND s.state = 'active'
               AND d.next_attempt_at < %s
            """,
            (fields.Datetime.now() - timedelta(minutes=1),),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.browse(ids)._enqueue_drain()
        return len(ids)


def _ts(value):
    """Naive UTC datetime -> epoch seconds (0 for empty)."""
    return (value - EPOCH).total_seconds() if value else 0


def _dt(timestamp):
    """Epoch seconds -> naive UTC datetime (False for 0)."""
    return (EPOCH + timedelta(seconds=timestamp)).replace(microsecond=0) if timestamp else False

