"""The ``Prefer`` request header (RFC 7240).

A client asks for optional behaviour, e.g. ``Prefer: respond-async`` for a
``202 Accepted`` instead of waiting for the work; the server says what it
honoured in ``Preference-Applied``. Unknown preferences are ignored.

>>> sorted(preferences('respond-async, wait=10'))
['respond-async', 'wait']
>>> sorted(preferences('Respond-Async; foo="a,b" , return=minimal'))
['respond-async', 'return']
>>> preferences(None)
frozenset()
"""

import re

__all__ = ["RESPOND_ASYNC", "preferences"]

RESPOND_ASYNC = "respond-async"

# a quoted string may hold commas: take tokens and quoted strings whole
_ITEM = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')


def preferences(header):
    """The names of the preferences in ``header``, lower case, parameters
    and values left out."""
    if not header:
        return frozenset()
    names = set()
    for item in _ITEM.findall(header):
        name = item.split(";", 1)[0].split("=", 1)[0].strip().lower()
        if name:
            names.add(name)
    return frozenset(names)
