"""Typed settings from ``ir.config_parameter``: one reader for the suite.

System parameters are text an admin types; a setting that cannot be read
as its type, or lies outside its bounds, must not break the code that reads
it. :func:`parse_param` is the pure part:

>>> parse_param("50", 10), parse_param(" 2.5 ", 1.0), parse_param("yes", False)
(50, 2.5, True)
>>> parse_param(None, 10), parse_param("", 10), parse_param("lots", 10)
(10, 10, 10)
>>> parse_param("0", 10, minimum=1), parse_param("99", 10, maximum=16)
(1, 16)
>>> parse_param("0", 30), parse_param("off", True), parse_param("nan", 1.5)
(0, False, 1.5)
"""

import math

__all__ = ["config_param", "parse_param"]

_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f"})


def parse_param(raw, default, minimum=None, maximum=None):
    """``raw`` read as the type of ``default`` (``int``, ``float`` or
    ``bool``); ``default`` when it is missing, blank or unreadable.

    Numbers are clamped to ``minimum`` / ``maximum`` when given.
    """
    if raw is None or raw is False:
        return default
    text = str(raw).strip()
    if not text:
        return default
    if isinstance(default, bool):
        word = text.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        return default
    try:
        value = float(text) if isinstance(default, float) else int(text)
    except ValueError:
        return default
    if isinstance(value, float) and not math.isfinite(value):
        return default
    if minimum is not None:
        value = max(minimum, value)
    if maximum is not None:
        value = min(maximum, value)
    return value


def config_param(env, name, default, minimum=None, maximum=None):
    """The system parameter ``name`` read with :func:`parse_param` (as
    superuser: settings are not per user)."""
    raw = env["ir.config_parameter"].sudo().get_param(name)
    return parse_param(raw, default, minimum=minimum, maximum=maximum)
