"""What one attempt's result changes on its delivery, as plain data.

Recording outcomes is the drain's hot path: the delivery and attempt rows
are written in bulk SQL from what these functions return, not through the
ORM one record at a time (see ``integration.delivery._record_results``).

>>> from types import SimpleNamespace as R
>>> ok = R(outcome="success", status=200, error="", retry_after=None)
>>> changes(ok, attempts=1, is_test=False, schedule=[5], now="NOW", now_ts=0)
{'state': 'delivered', 'delivered_at': 'NOW', 'next_attempt_at': None}
>>> busy = R(outcome="retry", status=503, error="HTTP 503", retry_after=2.0)
>>> changes(busy, attempts=1, is_test=False, schedule=[0], now="NOW", now_ts=1000.4)
{'next_attempt_at': datetime.datetime(1970, 1, 1, 0, 16, 43)}
>>> changes(busy, attempts=2, is_test=False, schedule=[0], now="NOW", now_ts=0)["state"]
'dead'
>>> changes(busy, attempts=1, is_test=True, schedule=[0], now="NOW", now_ts=0)["state"]
'cancelled'
>>> attempt_outcome(busy, final=True), attempt_outcome(busy, final=False)
('failed', 'retry')
"""

from datetime import datetime, timedelta

from . import retry as retry_tools

EPOCH = datetime(1970, 1, 1)
ENDED = ("dead", "cancelled")


def changes(result, attempts, is_test, schedule, now, now_ts):
    """The delivery's ``state``, ``delivered_at`` and ``next_attempt_at``
    after an attempt: only those that change (a retry keeps its state).

    :param result: the attempt's ``SendResult``
    :param attempts: attempts made, this one included
    :param schedule: the subscription's retry delays in seconds
    :param now: the moment as a Datetime value (whole seconds)
    :param now_ts: the same moment as epoch seconds, not rounded: a retry is
        due no earlier than its delay after it
    """
    if result.outcome == "success":
        return {"state": "delivered", "delivered_at": now, "next_attempt_at": None}
    if result.outcome == "gone" or is_test:
        # a test send is one attempt shown to the admin: no retry, no exception
        return {"state": "cancelled", "next_attempt_at": None}
    delay = retry_tools.next_delay(schedule, attempts, result.retry_after)
    if delay is None:
        return {"state": "dead", "next_attempt_at": None}
    return {
        "next_attempt_at": EPOCH + timedelta(seconds=retry_tools.due_at(now_ts, delay))
    }


def attempt_outcome(result, final):
    """The attempt's label: a retryable failure that ends the delivery is final."""
    return "failed" if final and result.outcome == "retry" else result.outcome
