"""What an exception means for the work that raised it: one pure function.

The API's dispatcher, its queue and kept messages, and the webhook sender
all ask the same question of an exception: run it again now, later, leave
it for a person, refuse it, or is it a defect? :func:`classify_exception`
answers it once for all of them.

>>> import psycopg2.errors
>>> from odoo.exceptions import AccessError, UserError, ValidationError
>>> from odoo.addons.integration_core.exceptions import UnmappedCodeError
>>> classify_exception(psycopg2.errors.SerializationFailure())
'retry_now'
>>> classify_exception(psycopg2.errors.LockNotAvailable())
'retry_now'
>>> classify_exception(psycopg2.errors.UniqueViolation())
'lost_race'
>>> classify_exception(UnmappedCodeError("product", "SKU-1"))
'needs_fix'
>>> [classify_exception(e) for e in (UserError("x"), ValidationError("x"), AccessError("x"))]
['user_error', 'user_error', 'user_error']
>>> classify_exception(TimeoutError()), classify_exception(ConnectionResetError())
('retry_later', 'retry_later')
>>> classify_exception(KeyError("bug"))
'unexpected'

Callers with transient errors of their own (an HTTP client's) name them:

>>> class ClientError(Exception):
...     pass
>>> classify_exception(ClientError(), transient=(ClientError,))
'retry_later'
"""

import psycopg2
import psycopg2.errors

from odoo.exceptions import UserError

from ..exceptions import IntegrationError
from .pg import is_concurrency_error

__all__ = [
    "LOST_RACE",
    "NEEDS_FIX",
    "OUTCOMES",
    "RETRY_LATER",
    "RETRY_NOW",
    "UNEXPECTED",
    "USER_ERROR",
    "classify_exception",
]

#: the transaction lost to a concurrent one (serialization failure,
#: deadlock, lock not available): run the same work again at once, in a new
#: transaction (Odoo retries requests and jobs that raise it)
RETRY_NOW = "retry_now"
#: a unique constraint: another transaction wrote the same thing first;
#: read what it wrote instead of writing again
LOST_RACE = "lost_race"
#: an :class:`~..exceptions.IntegrationError` (unmapped code, business
#: rule): keep the work for a person, reprocess after the fix
NEEDS_FIX = "needs_fix"
#: Odoo refused the operation (``UserError``, ``ValidationError``,
#: ``AccessError``...): the request is wrong as it stands
USER_ERROR = "user_error"
#: the network or the operating system failed (timeout, connection
#: refused or reset): try again later
RETRY_LATER = "retry_later"
#: anything else: a defect; log it with its traceback
UNEXPECTED = "unexpected"

OUTCOMES = (RETRY_NOW, LOST_RACE, NEEDS_FIX, USER_ERROR, RETRY_LATER, UNEXPECTED)


def classify_exception(exc, transient=()):
    """The outcome ``exc`` stands for: one of :data:`OUTCOMES`.

    :param transient: more exception classes that mean :data:`RETRY_LATER`
        (e.g. ``urllib3.exceptions.HTTPError`` for an HTTP client)
    """
    if is_concurrency_error(exc):
        return RETRY_NOW
    if isinstance(exc, psycopg2.errors.UniqueViolation) or (
        isinstance(exc, psycopg2.IntegrityError) and exc.pgcode == "23505"
    ):
        return LOST_RACE
    if isinstance(exc, IntegrationError):
        return NEEDS_FIX
    if isinstance(exc, UserError):
        return USER_ERROR
    if isinstance(exc, (OSError, *transient)):
        return RETRY_LATER
    return UNEXPECTED
