"""JSON Schema (draft 2020-12) validation with errors as JSON pointers.

>>> schema = {"type": "object", "required": ["sku"],
...           "properties": {"qty": {"type": "number", "exclusiveMinimum": 0}}}
>>> validation_errors(schema, {"qty": 0})
[{'pointer': '', 'detail': "'sku' is a required property"}, {'pointer': '/qty', 'detail': '0 is less than or equal to the minimum of 0'}]
>>> validation_errors(schema, {"sku": "A", "qty": 1})
[]
"""

import functools
import json

from jsonschema import Draft202012Validator, FormatChecker

from .canonical_json import canonical_dumps

__all__ = ["json_pointer", "validation_errors", "validator_for"]


def json_pointer(path):
    """RFC 6901 pointer for a ``deque``/list path such as ``['lines', 0, 'sku']``."""
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in path
    )


@functools.lru_cache(maxsize=256)
def _validator(schema_bytes):
    schema = json.loads(schema_bytes)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validator_for(schema):
    """A compiled, cached validator for ``schema`` (a dict)."""
    return _validator(canonical_dumps(schema))


def validation_errors(schema, instance):
    """Every error of ``instance`` against ``schema``, sorted by pointer.

    :return: list of ``{"pointer": "/lines/0/qty", "detail": "..."}``
    """
    errors = validator_for(schema).iter_errors(instance)
    found = [
        {"pointer": json_pointer(error.absolute_path), "detail": error.message}
        for error in errors
    ]
    return sorted(found, key=lambda e: (e["pointer"], e["detail"]))
