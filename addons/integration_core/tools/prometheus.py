"""Prometheus text exposition format 0.0.4, from plain data.

A family is ``Family(name, type, help, samples)``; a sample is
``(suffix, labels, value)``: the suffix is appended to the family name
(``"_bucket"``, ``"_sum"``, ``"_count"`` for histograms, ``""`` otherwise).

>>> text = render([
...     Family("jobs_total", "counter", "Jobs done.", [("", {"queue": 'a"b'}, 3)]),
...     Family("lag_seconds", "gauge", "Lag\\nnow.", [("", {}, 1.5)]),
... ])
>>> print(text, end="")
# HELP jobs_total Jobs done.
# TYPE jobs_total counter
jobs_total{queue="a\\"b"} 3
# HELP lag_seconds Lag\\nnow.
# TYPE lag_seconds gauge
lag_seconds 1.5

Histograms get cumulative buckets, ``+Inf``, ``_sum`` and ``_count``:

>>> samples = histogram_samples({"route": "GET /x"}, (0.1, 1.0), {0.1: 2, 1.0: 3}, 4, 7.25)
>>> [(suffix, labels.get("le"), value) for suffix, labels, value in samples]
[('_bucket', '0.1', 2), ('_bucket', '1.0', 5), ('_bucket', '+Inf', 9), ('_sum', None, 7.25), ('_count', None, 9)]
>>> format_value(float("inf")), format_value(2.0), format_value(7)
('+Inf', '2.0', '7')
>>> sanitize_name("order.accepted"), sanitize_name("1x")
('order_accepted', '_1x')
"""

import math
import re
from typing import NamedTuple

__all__ = ["Family", "format_value", "histogram_samples", "render", "sanitize_name"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_NAME_BAD = re.compile(r"[^a-zA-Z0-9_:]")


class Family(NamedTuple):
    name: str
    type: str  # counter, gauge, histogram, untyped
    help: str
    samples: list


def sanitize_name(value):
    name = _NAME_BAD.sub("_", value)
    return "_" + name if name[:1].isdigit() else name


def escape_label(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def escape_help(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def _labels(labels):
    if not labels:
        return ""
    inner = ",".join(
        f'{sanitize_name(name)}="{escape_label(value)}"'
        for name, value in labels.items()
    )
    return "{" + inner + "}"


def render(families):
    """The exposition text of ``families`` (families without samples are kept:
    their HELP and TYPE tell a reader the metric exists)."""
    lines = []
    for family in families:
        lines.append(f"# HELP {family.name} {escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.type}")
        for suffix, labels, value in family.samples:
            lines.append(
                f"{family.name}{suffix}{_labels(labels)} {format_value(value)}"
            )
    return "\n".join(lines) + "\n"


def histogram_samples(labels, bounds, counts, over, total):
    """The samples of one histogram series.

    :param bounds: the finite upper bounds, ascending
    :param counts: ``{bound: observations in (previous bound, bound]}``
    :param over: observations above the last bound
    :param total: the sum of the observed values
    """
    samples = []
    cumulative = 0
    for bound in bounds:
        cumulative += counts.get(bound, 0)
        samples.append(("_bucket", {**labels, "le": repr(float(bound))}, cumulative))
    cumulative += over
    samples.append(("_bucket", {**labels, "le": "+Inf"}, cumulative))
    samples.append(("_sum", dict(labels), total))
    samples.append(("_count", dict(labels), cumulative))
    return samples
