"""Typed errors that carry what an integration exception needs.

Inbound handlers and payload builders raise them; the API framework turns
them into a kept message, an ``integration.exception`` and a ``202`` answer,
instead of losing what the partner sent.
"""


class IntegrationError(Exception):
    """Base class: a problem a person can fix, after which a retry succeeds."""

    kind = "other"
    severity = "medium"

    def __init__(self, message, pointer=None, suggested_fix=None):
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.suggested_fix = suggested_fix

    def fingerprint(self, system=None):
        """What makes two occurrences "the same problem"."""
        prefix = f"{system.code}:" if system else ""
        return f"{prefix}{self.kind}:{self.message}"


class UnmappedCodeError(IntegrationError):
    """A partner code (SKU, unit, customer...) with no Odoo record behind it."""

    kind = "unmapped_code"

    def __init__(self, mapping_kind, code, pointer=None, system=None):
        self.mapping_kind = mapping_kind
        self.code = code
        self.system = system
        super().__init__(
            f"Unknown {mapping_kind} code {code!r}",
            pointer=pointer,
            suggested_fix=f"Create the {mapping_kind} mapping for {code!r}, "
            "then reprocess the message.",
        )

    def fingerprint(self, system=None):
        system = system or self.system
        prefix = f"{system.code}:" if system else ""
        return f"{prefix}unmapped:{self.mapping_kind}:{self.code}"


class BusinessRuleError(IntegrationError):
    """The message is valid but Odoo cannot act on it as it stands."""

    kind = "business_rule"

    @classmethod
    def from_user_error(cls, error):
        """Odoo refused (a validation, a locked period...): a person can fix it."""
        return cls(str(error.args[0] if error.args else error))


class MissingDataError(IntegrationError):
    """Something the message must carry for Odoo to act is absent (an
    address, a date): a person completes it and reprocesses."""

    kind = "missing_data"


class DuplicateError(IntegrationError):
    """The message repeats one already processed: resolved by itself."""

    kind = "duplicate"
    severity = "low"


class TransientError(IntegrationError):
    """A failure that is likely gone in a while (a lock, a timeout of a
    service Odoo called): retried by itself with a backoff, then a person."""

    kind = "intermittent"
