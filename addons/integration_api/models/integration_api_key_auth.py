"""Authenticating a request by its API key: the hot path of every request.

Kept apart from ``integration_api_key.py`` (issuing, rotating, revoking
keys in the UI): this runs for every request, without the ORM. One prepared
statement on the worker's autocommit counter connection (see
``integration.api.rate.bucket``) finds the key, counts the request against
its rate limit and touches ``last_used_at``: one round trip.
"""

import time
from dataclasses import dataclass

from odoo import api, models
from odoo.tools import SQL

from ..tools import rate_limit
from ..tools.api_keys import hash_secret, split_api_key, token_from_headers
from ..tools.request import ApiError

RATE_WINDOW = 60
UNAUTHORIZED_DETAIL = (
    "A valid API key is required (X-Api-Key or Authorization: Bearer)."
)
DEFAULT_AUTH_FAILURES_PER_MINUTE = 30


@dataclass
class KeyInfo:
    """What the authentication query returns about a valid key."""

    id: int
    system_id: int
    company_id: int
    user_id: int | None
    scopes: frozenset
    rate_limit: int
    system_code: str | None = None
    hits: int | None = None  # this request counted in the window; None: not counted
    counted_at: float = 0.0


class IntegrationApiKey(models.Model):
    _inherit = "integration.api.key"

    @api.model
    def _api_authenticate(self, http, route):
        """The key of the request, counted against its rate limit, or 401
        (429 after repeated failures).

        :param http: :class:`~..tools.request.HttpInput`
        :param route: the matched :class:`~..tools.routes.ApiRoute`
        :rtype: :class:`KeyInfo`
        """
        token = token_from_headers(
            http.headers.get("Authorization"), http.headers.get("X-Api-Key")
        )
        parts = split_api_key(token) if token else None
        key = self._api_fetch_key(*parts, scope=route.scope) if parts else None
        if key is None:
            self._api_auth_failed(http, parts and parts[0])
        return key

    @api.model
    def _api_fetch_key(self, public_id, secret, scope=None, now=None):
        """Find the key and count the request, in one round trip.

        One statement on the counter connection (its own READ COMMITTED
        transaction, see ``integration.api.rate.bucket``): the indexed key
        lookup, the rate counter UPSERT (only for a key that has ``scope``
        and a limit, so refused requests are not counted) and, at most once
        a minute, ``last_used_at``. The secret is compared as its keyed hash:
        an attacker chooses the secret, not its HMAC, so the comparison's
        timing tells nothing usable about the stored hash.

        :param scope: the scope the route requires (empty: any)
        :return: :class:`KeyInfo`, or None for no usable key
        """
        now = now or time.time()
        rows = self.env["integration.api.rate.bucket"]._counter_execute(
            self._api_fetch_key_sql(public_id, secret, scope, now),
            prepare_as="integration_api_fetch_key",
        )
        if not rows:
            return None
        key_id, system_id, company_id, user_id, code, limit, scopes, hits = rows[0]
        return KeyInfo(
            key_id,
            system_id,
            company_id,
            user_id,
            frozenset(scopes),
            limit,
            system_code=code,
            hits=hits,
            counted_at=now,
        )

    @api.model
    def _api_fetch_key_sql(self, public_id, secret, scope, now):
        """The statement of :meth:`_api_fetch_key`."""
        return SQL(
            """WITH k AS (
                   SELECT k.id, k.system_id, s.company_id, s.user_id, s.code,
                          k.rate_limit_per_minute AS rate_limit,
                          k.last_used_at IS NULL OR k.last_used_at
                              < (now() AT TIME ZONE 'UTC') - interval '1 minute' AS stale,
                          ARRAY(SELECT sc.code FROM integration_api_key_scope_rel rel
                                  JOIN integration_api_scope sc ON sc.id = rel.scope_id
                                 WHERE rel.key_id = k.id) AS scopes
                     FROM integration_api_key k
                     JOIN integration_system s ON s.id = k.system_id
                    WHERE k.public_id = %(public_id)s::varchar
                      AND k.secret_hash = %(hash)s::varchar
                      AND k.active AND k.state = 'active'
                      AND (k.expires_at IS NULL OR k.expires_at > (now() AT TIME ZONE 'UTC'))
                      AND s.active AND s.state = 'active'
               ), hit AS (
                   INSERT INTO integration_api_rate_bucket AS b (name, window_start, hits)
                   SELECT 'key:' || k.id, %(start)s::integer, 1 FROM k
                    WHERE k.rate_limit > 0
                      AND (%(scope)s::varchar IS NULL OR %(scope)s::varchar = ANY(k.scopes))
                   ON CONFLICT (name) DO UPDATE SET
                       hits = CASE WHEN b.window_start = EXCLUDED.window_start
                                   THEN b.hits + 1 ELSE 1 END,
                       window_start = EXCLUDED.window_start
                   RETURNING hits
               ), touch AS (
                   -- reads hit: the counter row is locked before the key row,
                   -- in every request, so parallel requests cannot deadlock
                   UPDATE integration_api_key SET last_used_at = now() AT TIME ZONE 'UTC'
                    WHERE id = (SELECT k.id FROM k LEFT JOIN hit ON true WHERE k.stale)
               )
               SELECT k.id, k.system_id, k.company_id, k.user_id, k.code, k.rate_limit,
                      k.scopes, (SELECT hits FROM hit)
                 FROM k""",
            public_id=public_id,
            hash=hash_secret(public_id, secret),
            scope=scope or None,
            start=rate_limit.window_start(now, RATE_WINDOW),
        )

    @api.model
    def _api_auth_failures_per_minute(self):
        """``integration_api.auth_failures_per_minute`` (default 30)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("integration_api.auth_failures_per_minute")
        )
        try:
            return (
                int(value)
                if value not in (None, False, "")
                else DEFAULT_AUTH_FAILURES_PER_MINUTE
            )
        except ValueError:
            return DEFAULT_AUTH_FAILURES_PER_MINUTE

    @api.model
    def _api_auth_failed(self, http, public_id):
        """Count the failure per IP and per key id; refuse with 401 or 429."""
        limit = self._api_auth_failures_per_minute()
        now = time.time()
        buckets = [f"authfail:ip:{http.remote_addr}"]
        if public_id:
            buckets.append(f"authfail:key:{public_id}")
        counts = self.env["integration.api.rate.bucket"]._hit(
            buckets, rate_limit.window_start(now, RATE_WINDOW)
        )
        decision = rate_limit.decide(max(counts), limit, now, RATE_WINDOW)
        if not decision.allowed:
            raise ApiError(
                429,
                "Too Many Requests",
                "Too many failed authentications.",
                problem_type="rate-limited",
                headers={"Retry-After": str(decision.retry_after)},
            )
        raise ApiError(
            401,
            "Unauthorized",
            UNAUTHORIZED_DETAIL,
            problem_type="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
