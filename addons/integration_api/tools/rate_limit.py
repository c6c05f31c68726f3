"""Fixed-window rate limits and the IETF httpapi ``RateLimit`` headers.

The counter lives in PostgreSQL (one UPSERT per request, shared by every
worker); this module only does the arithmetic.

>>> window_start(1_000_000_037, 60)
1000000020
>>> d = decide(hits=1, limit=600, now=1_000_000_037, window=60)
>>> d.allowed, d.remaining, d.reset
(True, 599, 43)
>>> policy_header(600, 60)
'"default";q=600;w=60'
>>> ratelimit_header(d)
'"default";r=599;t=43'
>>> d = decide(hits=601, limit=600, now=1_000_000_037, window=60)
>>> d.allowed, d.remaining, d.retry_after
(False, 0, 43)
"""

from dataclasses import dataclass

__all__ = [
    "RateDecision",
    "decide",
    "policy_header",
    "ratelimit_header",
    "window_start",
]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    window: int

    @property
    def retry_after(self):
        return max(self.reset, 1)


def window_start(now, window):
    """Start (integer Unix seconds) of the fixed window containing ``now``."""
    now = int(now)
    return now - now % window


def decide(hits, limit, now, window=60):
    """The decision after the ``hits``-th request of the current window.

    :param hits: requests counted in the window, this one included
    :param limit: requests allowed per window; ``0`` or less means unlimited
    """
    reset = window_start(now, window) + window - int(now)
    if limit <= 0:
        return RateDecision(True, 0, 0, reset, window)
    return RateDecision(hits <= limit, limit, max(limit - hits, 0), reset, window)


def policy_header(limit, window, name="default"):
    """``RateLimit-Policy`` value (draft-ietf-httpapi-ratelimit-headers)."""
    return f'"{name}";q={limit};w={window}'


def ratelimit_header(decision, name="default"):
    """``RateLimit`` value: remaining quota ``r`` and seconds to reset ``t``."""
    return f'"{name}";r={decision.remaining};t={decision.reset}'


def headers_for(decision):
    """Both headers, or nothing for an unlimited key."""
    if decision.limit <= 0:
        return {}
    headers = {
        "RateLimit-Policy": policy_header(decision.limit, decision.window),
        "RateLimit": ratelimit_header(decision),
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after)
    return headers
