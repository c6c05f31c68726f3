"""How each kind of integration exception behaves: pure, no ORM.

The classification follows what business users of integration platforms
know (SAP AIF, Celigo): a value to map, data missing, a message that is
invalid, a business rule, a connection, an intermittent failure, a rate
limit, a message too large, a duplicate, a dead delivery, a missed SLA.
Each kind is for a business user (a clerk can fix it in Odoo) or for a
technical one (an administrator or the partner's IT), and the transient
ones are retried by themselves with a backoff and a cap.

>>> audience_for("unmapped_code"), audience_for("connection"), audience_for("nope")
('business', 'technical', 'technical')
>>> is_transient("rate_limit"), is_transient("business_rule")
(True, False)
>>> [retry_delay(n) for n in range(6)]
[60, 120, 240, 480, 960, 1920]
>>> retry_delay(30), retry_delay(3, base=10, cap=50)
(21600, 50)
>>> kind_from_fingerprint("api-crash:shop:POST /orders")
'intermittent'
>>> kind_from_fingerprint("invalid-event:order.accepted:/x")
'invalid_payload'
>>> kind_from_fingerprint("shop:unmapped:product:SKU") is None
True
"""

__all__ = [
    "BUSINESS_KINDS",
    "KINDS",
    "TRANSIENT_KINDS",
    "audience_for",
    "is_transient",
    "kind_from_fingerprint",
    "retry_delay",
]

#: ``(value, label)`` of ``integration.exception.kind``, in the order the
#: dashboard shows them; ``unmapped_code`` is the "value / mapping" class
KINDS = [
    ("unmapped_code", "Value / mapping"),
    ("missing_data", "Missing data"),
    ("invalid_payload", "Invalid message"),
    ("business_rule", "Business rule"),
    ("connection", "Connection"),
    ("intermittent", "Intermittent"),
    ("rate_limit", "Rate limit"),
    ("too_large", "Too large"),
    ("duplicate", "Duplicate"),
    ("dead_delivery", "Dead delivery"),
    ("sla_breach", "SLA breach"),
    ("other", "Other"),
]

#: kinds a business user fixes in Odoo (map a code, complete an address,
#: decide on an order); the others go to technical people
BUSINESS_KINDS = frozenset(
    {"unmapped_code", "missing_data", "business_rule", "duplicate", "sla_breach"}
)

#: kinds that go away by themselves more often than not: retried with backoff
TRANSIENT_KINDS = frozenset({"connection", "intermittent", "rate_limit"})

#: fingerprint prefixes of exceptions written before the classification,
#: and the kind they were about (the migration to 18.0.1.2.0 uses them)
LEGACY_FINGERPRINT_KINDS = (
    ("api-crash:", "intermittent"),
    ("invalid-event:", "invalid_payload"),
    ("dead-deliveries:", "dead_delivery"),
    ("subscription-disabled:", "connection"),
)


def audience_for(kind):
    """``"business"`` or ``"technical"``: who is expected to act on ``kind``."""
    return "business" if kind in BUSINESS_KINDS else "technical"


def is_transient(kind):
    """Whether exceptions of ``kind`` are retried without a person."""
    return kind in TRANSIENT_KINDS


def retry_delay(attempt, base=60, cap=6 * 3600):
    """Seconds to wait before automatic retry number ``attempt`` (from 0):
    ``base`` doubled each time, never more than ``cap``."""
    return min(cap, base * 2 ** min(attempt, 30))


def kind_from_fingerprint(fingerprint):
    """The kind an exception of the old ``other`` class really was, read from
    its fingerprint, or ``None`` when the fingerprint tells nothing."""
    for prefix, kind in LEGACY_FINGERPRINT_KINDS:
        if fingerprint and fingerprint.startswith(prefix):
            return kind
    return None
