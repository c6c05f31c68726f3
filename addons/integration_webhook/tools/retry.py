"""Retry schedule arithmetic.

The default schedule is the leading webhook service's (Svix): a first try
immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over
about 27 hours. Each delay gets a little jitter so that a recovered endpoint
is not hit by every queued delivery in the same second.

>>> parse_schedule("5, 300,1800")
[5, 300, 1800]
>>> next_delay([5, 300], attempts_done=1, jitter=0)
5.0
>>> next_delay([5, 300], attempts_done=3) is None   # out of attempts
True
>>> next_delay([5, 300], attempts_done=1, retry_after=120, jitter=0)
120.0
>>> parse_retry_after("120"), parse_retry_after("soon")
(120.0, None)
>>> due_at(1000.6, 2.0)   # never earlier than asked: rounded up to the second
1003
>>> due_at(1000.0, 2.0)
1002
"""

import email.utils
import math
import random
import time

DEFAULT_SCHEDULE = "5,300,1800,7200,18000,36000,36000"
MAX_RETRY_AFTER = 24 * 3600


def parse_schedule(text):
    """``"5,300,1800"`` -> ``[5, 300, 1800]``; raises ValueError when invalid."""
    delays = [int(part.strip()) for part in (text or "").split(",") if part.strip()]
    if not delays or any(delay < 0 for delay in delays):
        raise ValueError("a retry schedule is a comma-separated list of seconds >= 0")
    return delays


def max_attempts(schedule):
    """The first try plus one retry per delay."""
    return len(schedule) + 1


def next_delay(
    schedule, attempts_done, retry_after=None, jitter=0.1, rand=random.random
):
    """Seconds to wait before the next attempt, or ``None`` when none is left.

    :param attempts_done: attempts made so far, including the one that failed
    :param retry_after: the receiver's ``Retry-After`` in seconds, honoured
        when it asks for more time than the schedule
    """
    if attempts_done >= max_attempts(schedule):
        return None
    delay = float(schedule[attempts_done - 1]) if attempts_done >= 1 else 0.0
    delay *= 1 + jitter * (2 * rand() - 1)
    if retry_after is not None:
        delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value, now=None):
    """``Retry-After`` (seconds or HTTP date) -> seconds, ``None`` if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


def due_at(now, delay):
    """Epoch second at which an attempt ``delay`` seconds after ``now`` is due.

    Rounded up: due times are stored to the second, and one rounded down
    would go out up to a second before the receiver asked (``Retry-After``).
    """
    return math.ceil(now + delay)
