"""SLA arithmetic without the ORM: buckets, attainment, breach decisions.

The models read the suite's records with SQL and hand the counts to these
functions; everything that decides "met or missed" lives here.
"""

from datetime import datetime, timedelta  # noqa: F401 (datetime: the doctests)

#: the measures, in the order the views show them
MEASURES = (
    "order_acceptance",
    "shipment_confirmation",
    "inventory_freshness",
    "partner_ack",
    "exception_backlog",
)


def hour_floor(moment):
    """The start of the hour ``moment`` falls in.

    >>> hour_floor(datetime(2026, 12, 2, 14, 59, 59, 999))
    datetime.datetime(2026, 12, 2, 14, 0)
    """
    return moment.replace(minute=0, second=0, microsecond=0)


def day_floor(moment):
    """The start of the (UTC) day ``moment`` falls in.

    >>> day_floor(datetime(2026, 12, 2, 14, 59))
    datetime.datetime(2026, 12, 2, 0, 0)
    """
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def hours_between(start, end):
    """Hour buckets covering ``[start, end)``, oldest first.

    >>> [h.hour for h in hours_between(datetime(2026, 1, 1, 22, 30), datetime(2026, 1, 2, 1))]
    [22, 23, 0]
    >>> hours_between(datetime(2026, 1, 1, 5), datetime(2026, 1, 1, 5))
    []
    """
    hours, hour = [], hour_floor(start)
    while hour < end:
        hours.append(hour)
        hour += timedelta(hours=1)
    return hours


def attainment(samples, within):
    """Share of the samples that met the target, in percent; None without samples.

    >>> attainment(200, 190)
    95.0
    >>> attainment(3, 2)
    66.67
    >>> attainment(0, 0) is None
    True
    """
    if not samples:
        return None
    return round(100.0 * within / samples, 2)


def is_breach(samples, within, target_percent, min_samples=1):
    """Whether the attainment is below ``target_percent``.

    Too few samples decide nothing: one late order out of one is not a trend
    a person should be woken for (``min_samples``).

    >>> is_breach(100, 94, 95)
    True
    >>> is_breach(100, 95, 95)
    False
    >>> is_breach(2, 0, 95, min_samples=5)
    False
    >>> is_breach(0, 0, 95)
    False
    """
    if samples < max(1, min_samples):
        return False
    return attainment(samples, within) < target_percent


def merge_buckets(rows):
    """Roll hourly figures up: counts add, the mean is weighted, the max is the max.

    Each row is ``(samples, within, value_count, value_avg, value_max)``, where
    ``value_count`` is how many samples have a measured value (a delivery not
    yet delivered has none).

    >>> merge_buckets([(2, 2, 2, 10.0, 12.0), (2, 1, 1, 40.0, 40.0)])
    (4, 3, 3, 20.0, 40.0)
    >>> merge_buckets([])
    (0, 0, 0, 0.0, 0.0)
    """
    samples = sum(row[0] for row in rows)
    within = sum(row[1] for row in rows)
    counted = sum(row[2] for row in rows)
    total = sum(row[2] * row[3] for row in rows)
    value_max = max((row[4] for row in rows), default=0.0)
    return samples, within, counted, (total / counted if counted else 0.0), value_max


def age_bucket(age_seconds):
    """The overview's age class of an open exception.

    >>> [age_bucket(s) for s in (0, 3599, 3600, 86399, 86400)]
    ['fresh', 'fresh', 'today', 'today', 'old']
    """
    if age_seconds < 3600:
        return "fresh"
    if age_seconds < 86400:
        return "today"
    return "old"


def format_duration(seconds):
    """A short human duration for the cards and the breach messages.

    >>> [format_duration(s) for s in (42, 90, 3600 * 5 + 60, 86400 * 3)]
    ['42 s', '1.5 min', '5.0 h', '3.0 d']
    """
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
