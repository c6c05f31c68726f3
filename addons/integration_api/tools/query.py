"""Query strings are strings: coerce them to what the route's schema says.

Values that cannot be coerced are left as they are, so JSON Schema reports
them with a pointer (``/limit: 'ten' is not of type 'integer'``).

>>> schema = {"type": "object", "properties": {
...     "limit": {"type": "integer"}, "ratio": {"type": "number"},
...     "full": {"type": "boolean"}, "types": {"type": "array", "items": {"type": "string"}},
...     "ids": {"type": "array", "items": {"type": "integer"}}}}
>>> coerce_query(schema, {"limit": ["10"], "ratio": ["0.5"], "full": ["true"],
...                       "types": ["a,b", "c"], "ids": ["1,2"], "other": ["x"]})
{'limit': 10, 'ratio': 0.5, 'full': True, 'types': ['a', 'b', 'c'], 'ids': [1, 2], 'other': 'x'}
>>> coerce_query(schema, {"limit": ["ten"]})
{'limit': 'ten'}
"""

__all__ = ["coerce_query"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _types(schema):
    kind = (schema or {}).get("type")
    if isinstance(kind, list):
        return [k for k in kind if k != "null"]
    return [kind] if kind else []


def coerce_scalar(schema, value):
    """One string converted to the first type of ``schema`` that accepts it."""
    for kind in _types(schema):
        try:
            if kind == "integer":
                return int(value)
            if kind == "number":
                return float(value)
        except ValueError:
            continue
        if kind == "boolean" and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        if kind == "string":
            return value
    return value


def coerce_query(schema, params):
    """Typed query parameters.

    :param params: ``{name: [values...]}`` as parsed from the query string
    :return: ``{name: value}``; arrays accept repeated and comma-separated values
    """
    properties = (schema or {}).get("properties", {})
    result = {}
    for name, values in params.items():
        prop = properties.get(name, {})
        if "array" in _types(prop):
            items = [
                part for value in values for part in value.split(",") if part != ""
            ]
            result[name] = [coerce_scalar(prop.get("items"), item) for item in items]
        else:
            result[name] = coerce_scalar(prop, values[-1])
    return result
