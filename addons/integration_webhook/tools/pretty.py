"""Readable JSON for the forms (no ORM)."""

import json


def pretty_json(text):
    """``text`` indented if it is JSON, else unchanged.

    >>> print(pretty_json('{"a":1}'))
    {
      "a": 1
    }
    >>> pretty_json("not json")
    'not json'
    """
    if not text:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)
