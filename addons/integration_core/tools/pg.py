"""PostgreSQL concurrency helpers, the suite's advisory-lock keys and array
parameters for bulk statements: no ORM.

**Advisory locks.** The suite takes PostgreSQL advisory locks in the
two-integer form ``(class, key)``: the class is a namespace, one per kind of
thing locked, so that two modules never lock each other's keys by chance.
Every class of the suite is declared here and nowhere else:

>>> sorted(hex(number) for number in ADVISORY_LOCK_CLASSES.values())
['0x1a9e0001', '0x1a9e0002', '0x4941', '0x4945', '0x4957']
>>> len(set(ADVISORY_LOCK_CLASSES.values())) == len(ADVISORY_LOCK_CLASSES)
True
>>> all(-2**31 <= number < 2**31 for number in ADVISORY_LOCK_CLASSES.values())
True

A key is a PostgreSQL ``int4`` too; text (an event subject) is hashed into
that range:

>>> subject_lock_key("orders/S00042") == subject_lock_key("orders/S00042")
True
>>> -2**31 <= subject_lock_key("") < 2**31 and -2**31 <= subject_lock_key("z" * 999) < 2**31
True

**Concurrency errors.** A serialization failure, a deadlock or a lock not
available (``NOWAIT``, ``lock_timeout``) means the transaction lost to a
concurrent one and the same work, run again, may succeed:

>>> import psycopg2.errors
>>> is_concurrency_error(psycopg2.errors.SerializationFailure())
True
>>> is_lock_not_available(psycopg2.errors.LockNotAvailable())
True
>>> is_concurrency_error(psycopg2.errors.UniqueViolation()), is_concurrency_error(ValueError())
(False, False)

:func:`retry_on_concurrency` runs work again after such an error:

>>> tries = []
>>> def work():
...     tries.append(1)
...     if len(tries) < 3:
...         raise psycopg2.errors.SerializationFailure("lost")
...     return "done"
>>> resets = []
>>> retry_on_concurrency(work, attempts=5, reset=lambda: resets.append(1))
'done'
>>> len(tries), len(resets)
(3, 2)
>>> tries.clear()
>>> retry_on_concurrency(work, attempts=2, reset=lambda: None)
Traceback (most recent call last):
...
psycopg2.errors.SerializationFailure: lost
"""

import zlib

import psycopg2
import psycopg2.errors

__all__ = [
    "ADVISORY_LOCK_CLASSES",
    "CONCURRENCY_PGCODES",
    "LOCK_API_ACCEPT",
    "LOCK_API_DRAIN",
    "LOCK_AVAILABILITY_DRAIN",
    "LOCK_EVENT_SUBJECT",
    "LOCK_WEBHOOK_DRAIN",
    "array_literal",
    "ids_and_range",
    "is_concurrency_error",
    "is_lock_not_available",
    "is_serialization_failure",
    "read_committed",
    "retry_on_concurrency",
    "savepoint_retry",
    "subject_lock_key",
]

# ---------------------------------------------------------------------------
# Advisory lock classes (the first of the two keys)
# ---------------------------------------------------------------------------
#: "IE": the sequence numbers of one event subject, until commit
#: (key: :func:`subject_lock_key` of the subject; ``integration.event``)
LOCK_EVENT_SUBJECT = 0x4945
#: "IW": one drain at a time per webhook subscription
#: (key: the subscription id; ``integration_webhook``)
LOCK_WEBHOOK_DRAIN = 0x4957
#: the drain slots of a system's queued API messages, session locks
#: (key: a slot of the system's range; ``integration.api.queue``)
LOCK_API_DRAIN = 0x1A9E0001
#: a transaction queueing API messages for a system (shared) against the
#: drain's end-of-drain barrier (exclusive) (key: the system id)
LOCK_API_ACCEPT = 0x1A9E0002
#: "IA": one availability.changed drain at a time (key: 1;
#: ``integration_inventory``)
LOCK_AVAILABILITY_DRAIN = 0x4941

ADVISORY_LOCK_CLASSES = {
    "event_subject": LOCK_EVENT_SUBJECT,
    "webhook_drain": LOCK_WEBHOOK_DRAIN,
    "api_drain": LOCK_API_DRAIN,
    "api_accept": LOCK_API_ACCEPT,
    "availability_drain": LOCK_AVAILABILITY_DRAIN,
}


def subject_lock_key(text):
    """A stable ``int4`` key for ``text`` (CRC-32, shifted to be signed)."""
    return zlib.crc32(text.encode()) - 2**31


# ---------------------------------------------------------------------------
# Concurrency errors
# ---------------------------------------------------------------------------
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
LOCK_NOT_AVAILABLE = "55P03"
#: the codes Odoo itself retries a request or a job for
#: (``odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY``)
CONCURRENCY_PGCODES = frozenset(
    {SERIALIZATION_FAILURE, DEADLOCK_DETECTED, LOCK_NOT_AVAILABLE}
)

_CLASSES = {
    SERIALIZATION_FAILURE: psycopg2.errors.SerializationFailure,
    DEADLOCK_DETECTED: psycopg2.errors.DeadlockDetected,
    LOCK_NOT_AVAILABLE: psycopg2.errors.LockNotAvailable,
}


def _has_code(exc, codes):
    if not isinstance(exc, psycopg2.Error):
        return False
    if exc.pgcode is not None:
        return exc.pgcode in codes
    return isinstance(exc, tuple(_CLASSES[code] for code in codes))


def is_concurrency_error(exc):
    """A serialization failure, deadlock or lock not available: the
    transaction lost to a concurrent one; run it again."""
    return _has_code(exc, CONCURRENCY_PGCODES)


def is_serialization_failure(exc):
    """The snapshot of a REPEATABLE READ transaction is stale: only a new
    transaction (not a savepoint) can succeed."""
    return _has_code(exc, {SERIALIZATION_FAILURE})


def is_lock_not_available(exc):
    """A ``NOWAIT`` lock or a ``lock_timeout`` was not granted."""
    return _has_code(exc, {LOCK_NOT_AVAILABLE})


def retry_on_concurrency(work, attempts, reset):
    """``work()``, run again after a concurrency error, at most ``attempts``
    times in all; ``reset()`` runs before each new try (a rollback, so that
    the next try gets a new snapshot). Other errors, and the last
    concurrency error, propagate."""
    for attempt in range(attempts):
        try:
            return work()
        except psycopg2.OperationalError as error:
            if not is_concurrency_error(error) or attempt == attempts - 1:
                raise
            reset()
    raise ValueError("attempts must be at least 1")


def savepoint_retry(cr, work, attempts=3):
    """``work()`` in a savepoint of ``cr``, run again when it lost a lock
    race (deadlock, lock not available): the savepoint's rollback releases
    what the try had locked and the rest of the transaction stays.

    A serialization failure is not retried here: the transaction's snapshot
    stays stale after a savepoint rollback; it propagates so that the whole
    transaction is run again (:func:`retry_on_concurrency`, Odoo's own retry).

    >>> import contextlib, psycopg2.errors
    >>> class Cursor:
    ...     rolled_back = 0
    ...     @contextlib.contextmanager
    ...     def savepoint(self):
    ...         try:
    ...             yield
    ...         except Exception:
    ...             self.rolled_back += 1
    ...             raise
    >>> cr, errors = Cursor(), [psycopg2.errors.LockNotAvailable()]
    >>> def work():
    ...     if errors:
    ...         raise errors.pop()
    ...     return "locked"
    >>> savepoint_retry(cr, work), cr.rolled_back
    ('locked', 1)
    >>> errors.append(psycopg2.errors.SerializationFailure("stale"))
    >>> savepoint_retry(cr, work)
    Traceback (most recent call last):
    ...
    psycopg2.errors.SerializationFailure: stale
    """

    def attempt():
        with cr.savepoint():
            return work()

    for number in range(attempts):
        try:
            return attempt()
        except psycopg2.OperationalError as error:
            retryable = is_concurrency_error(error) and not is_serialization_failure(
                error
            )
            if not retryable or number == attempts - 1:
                raise
    raise ValueError("attempts must be at least 1")


def read_committed(cr, testing=False):
    """Run the transaction ``cr`` starts now in READ COMMITTED instead of
    Odoo's REPEATABLE READ: each statement sees what committed before it, so
    a row another transaction just changed is waited for or skipped instead
    of failing to serialize.

    Call it as the first statement of the transaction.

    :param testing: do nothing (Odoo's test cursors share one transaction,
        begun long ago): pass ``env.registry.in_test_mode()``
    """
    if not testing:
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")


# ---------------------------------------------------------------------------
# Array parameters
# ---------------------------------------------------------------------------
def _array_element(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def array_literal(values):
    """The text form of a one-dimensional PostgreSQL array of ``values``
    (integers, booleans, strings or None), to pass as one parameter cast to
    its array type (``%s::int4[]``, ``%s::varchar[]``).

    A bulk statement's columns of hundreds of values cost psycopg2 one
    adapter per element (about 0.5 us each, with the GIL held); one string
    per column costs a fifth of that.

    >>> array_literal([1, None, 3]), array_literal([])
    ('{1,NULL,3}', '{}')
    >>> print(array_literal(['a b', 'say "hi"', 'back\\\\slash', 'NULL', None, '']))
    {"a b","say \\"hi\\"","back\\\\slash","NULL",NULL,""}
    """
    return "{" + ",".join(map(_array_element, values)) + "}"


def ids_and_range(ids):
    """The parameters of ``id = ANY(%s::int4[]) AND id BETWEEN %s AND %s``:
    ``ids`` as one array literal, and their smallest and largest.

    With ``= ANY`` alone, hundreds of ids make the planner scan the table
    (each probe of the primary key is costed as a random read); the range
    lets it walk the key over ids that are nearly consecutive, as a drain's
    window is.

    >>> ids_and_range([7, 3, 5]), ids_and_range([])
    (('{7,3,5}', 3, 7), ('{}', 0, 0))
    """
    ids = list(ids)
    return array_literal(ids), min(ids, default=0), max(ids, default=0)
