"""Build the OpenAPI 3.1 document from the registered routes and event types.

Pure: the router model hands in the routes, a schema loader and the event
catalogue. One document gives partners both directions: ``paths`` for the
inbound API, ``webhooks`` for the events Odoo sends.
"""

import copy
import re

from .problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problem_type_uri

__all__ = ["TAGS", "build_openapi", "ordered_tags", "schema_component_name"]

JSON = "application/json"
_ERROR_STATUSES_AUTH = ("401", "403", "429")

#: The tags in the order a partner's developer reads them: the business
#: resources first, then the kept messages and the event feed, the
#: housekeeping routes last. Tags not listed here come before ``messages``,
#: in alphabetical order.
TAGS = (
    (
        "orders",
        "Sales orders: create them, read their status and shipments, cancel them.",
    ),
    ("customers", "Customers, by the partner's own reference."),
    ("availability", "Availability to promise, per product and warehouse."),
    ("shipments", "Shipments: acknowledgements, confirmations and carrier milestones."),
    ("returns", "Returns announced by the partner."),
    ("inventory", "Inventory counts."),
    ("invoices", "Customer invoices and refunds."),
    (
        "messages",
        "Requests Odoo kept (queued, or waiting for a person to fix them): "
        "poll their `status_url`.",
    ),
    (
        "events",
        "The events Odoo emits, pulled page by page (the same events are pushed "
        "as webhooks).",
    ),
    ("meta", "Health, this documentation, the OpenAPI document and key checks."),
)


def schema_component_name(ref, fallback):
    """Component name of a schema: the file name without ``.json``."""
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        name = name[:-5] if name.endswith(".json") else name
    else:
        name = (ref or {}).get("title") or fallback
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def _relocate_refs(schema, base):
    """Point local ``#/...`` refs of a standalone schema at its new home."""
    if isinstance(schema, dict):
        result = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#"):
                result[key] = base + value[1:]
            elif key in ("$schema", "$id"):
                continue  # the document's dialect and base URI apply
            else:
                result[key] = _relocate_refs(value, base)
        return result
    if isinstance(schema, list):
        return [_relocate_refs(item, base) for item in schema]
    return schema


class _Components:
    def __init__(self, load_schema):
        self.load_schema = load_schema
        self.schemas = {}

    def ref(self, schema_ref, fallback):
        name = schema_component_name(schema_ref, fallback)
        if name not in self.schemas:
            schema = copy.deepcopy(self.load_schema(schema_ref))
            self.schemas[name] = _relocate_refs(schema, f"#/components/schemas/{name}")
        return {"$ref": f"#/components/schemas/{name}"}


def ordered_tags(used):
    """The tag objects of the document for the tag names ``used``, in reading order.

    >>> [tag["name"] for tag in ordered_tags({"meta", "zebra", "orders", "api"})]
    ['orders', 'api', 'zebra', 'meta']
    """
    known = dict(TAGS)
    names = [name for name, _description in TAGS]
    unknown = sorted(set(used) - set(names))
    position = names.index("messages")
    names = names[:position] + unknown + names[position:]
    return [
        {"name": name, **({"description": known[name]} if name in known else {})}
        for name in names
        if name in used
    ]


def _problem_schema():
    return {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "examples": [
            {
                "type": "https://odoo.example.com/api/v1/problems/validation-failed",
                "title": "Validation failed",
                "status": 422,
                "detail": "The body does not match the schema.",
                "instance": "/api/v1/orders",
                "request_id": "3f1c2a9e0b7d4e55",
                "errors": [
                    {"pointer": "/lines/0/quantity", "detail": "-1 is less than 0"}
                ],
            }
        ],
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "request_id": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pointer", "detail"],
                    "properties": {
                        "pointer": {
                            "type": "string",
                            "description": "JSON pointer (RFC 6901)",
                        },
                        "detail": {"type": "string"},
                    },
                },
            },
        },
    }


def _cloudevent_schema():
    return {
        "type": "object",
        "description": "CloudEvents 1.0 structured envelope.",
        "required": ["specversion", "id", "source", "type"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string"},
            "source": {"type": "string"},
            "type": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string"},
            "datacontenttype": {"type": "string"},
            "dataschema": {"type": "string"},
            "sequence": {"type": "integer"},
            "dataversion": {"type": "string"},
            "correlationid": {"type": "string"},
            "data": {},
        },
    }


def _message_accepted_schema():
    return {
        "type": "object",
        "description": "The request was kept: queued for processing in bulk "
        "(status queued), or a person must fix something first (status needs_fix).",
        "required": ["message_id", "status", "status_url"],
        "examples": [
            {
                "message_id": 42,
                "status": "queued",
                "status_url": "/api/v1/messages/42",
                "reference": "WEB-10042",
                "resource_url": "/api/v1/orders/WEB-10042",
            }
        ],
        "properties": {
            "message_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["queued", "needs_fix"]},
            "status_url": {"type": "string"},
            "reference": {
                "type": "string",
                "description": "The partner's reference of the message",
            },
            "resource_url": {
                "type": "string",
                "description": "Where the resource will be once processed",
            },
            "exception_id": {"type": "integer"},
            "detail": {"type": "string"},
        },
    }


def _problem_responses():
    descriptions = {}
    for _slug, (status, _title, meaning) in PROBLEM_TYPES.items():
        descriptions.setdefault(str(status), []).append(meaning)
    responses = {}
    for status, meanings in descriptions.items():
        response = {
            "description": " / ".join(meanings),
            "content": {
                PROBLEM_CONTENT_TYPE: {
                    "schema": {"$ref": "#/components/schemas/Problem"}
                }
            },
        }
        if status == "429":
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        if status == "405":
            response["headers"] = {"Allow": {"schema": {"type": "string"}}}
        responses[f"Problem{status}"] = response
    return responses


def _parameters(route, components, load_schema):
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.path_params
    ]
    if route.query_schema:
        query_schema = load_schema(route.query_schema)
        required = set(query_schema.get("required", ()))
        for name, prop in query_schema.get("properties", {}).items():
            parameter = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": _relocate_refs(copy.deepcopy(prop), "#"),
            }
            if prop.get("description"):
                parameter["description"] = prop["description"]
            if prop.get("type") == "array":
                parameter.update(style="form", explode=False)
            parameters.append(parameter)
    if route.idempotent:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    parameters.append({"$ref": "#/components/parameters/RequestId"})
    return parameters


def _operation(route, components, load_schema):
    operation = {
        "operationId": route.operation_id,
        "summary": route.summary or route.handler,
        "tags": list(route.tags) or ["api"],
        "parameters": _parameters(route, components, load_schema),
        "x-handler": route.handler,
    }
    description = route.description
    if not route.public:
        scope = route.scope or ""
        operation["security"] = [
            {"ApiKey": [scope] if scope else []},
            {"Bearer": [scope] if scope else []},
        ]
        operation["x-scope"] = scope
        description = (description + "\n\n" if description else "") + (
            f"Requires an API key with scope `{scope}`."
            if scope
            else "Requires any valid API key."
        )
    else:
        operation["security"] = []
    if description:
        operation["description"] = description
    if route.request_schema:
        operation["requestBody"] = {
            "required": True,
            "content": {
                JSON: {
                    "schema": components.ref(
                        route.request_schema, f"{route.operation_id}_request"
                    )
                }
            },
        }
    success = {"description": "Success"}
    if route.response_schema:
        success["content"] = {
            JSON: {
                "schema": components.ref(
                    route.response_schema, f"{route.operation_id}_response"
                )
            }
        }
    responses = {str(route.success_status): success}
    if route.keep_message:
        responses["202"] = {
            "description": "Kept: queued for processing, or for a person to fix; "
            "poll status_url.",
            "content": {
                JSON: {"schema": {"$ref": "#/components/schemas/MessageAccepted"}}
            },
        }
    problems = ["400", "500"]
    if not route.public:
        problems += list(_ERROR_STATUSES_AUTH)
    if route.request_schema or route.query_schema or route.idempotent:
        problems.append("422")
    if route.request_schema:
        problems += ["413", "415"]
    if route.idempotent:
        problems.append("409")
    if route.path_params:
        problems.append("404")
    for status in sorted(set(problems)):
        responses[status] = {"$ref": f"#/components/responses/Problem{status}"}
    operation["responses"] = responses
    return operation


def _webhooks(event_types, components):
    webhooks = {}
    for event_type in event_types:
        name = (
            event_type["code"]
            if event_type.get("version", 1) == 1
            else (f"{event_type['code']}.v{event_type['version']}")
        )
        data_name = f"event.{name}"
        components.schemas[data_name] = _relocate_refs(
            copy.deepcopy(event_type.get("schema") or {}),
            f"#/components/schemas/{data_name}",
        )
        envelope = {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": event_type["code"]},
                        "data": {"$ref": f"#/components/schemas/{data_name}"},
                    },
                },
            ]
        }
        webhooks[name] = {
            "post": {
                "operationId": f"webhook_{re.sub(r'[^A-Za-z0-9]+', '_', name)}",
                "summary": event_type.get("name") or name,
                "description": event_type.get("description") or "",
                "tags": ["events"],
                "requestBody": {
                    "required": True,
                    "content": {"application/cloudevents+json": {"schema": envelope}},
                },
                "responses": {
                    "2XX": {"description": "Received; any other status is retried."}
                },
            }
        }
    return webhooks


def body_rules(max_depth=64, max_body_bytes=1024 * 1024):
    """What the API accepts as a JSON body, for the document's description.

    >>> "64 levels" in body_rules(64)
    True
    """
    return (
        f"Bodies are strict JSON (RFC 8259, the I-JSON profile of RFC 7493) of at most "
        f"{max_body_bytes} bytes: UTF-8 without a byte order mark; no NaN, Infinity or "
        "-Infinity, no number that overflows a double (1e999) and integers within "
        "+-(2^53 - 1); no U+0000 and no unpaired surrogate in strings or member names; "
        f"no member name twice in one object; arrays and objects nested at most "
        f"{max_depth} levels. Anything else is answered 400 (malformed-request) with the "
        "JSON pointer of each value refused in errors[], before anything is written. "
        "Valid JSON holding a value Odoo cannot store is answered 422 (unstorable-value)."
    )


def build_openapi(
    routes,
    load_schema,
    event_types=(),
    server_url="",
    title="Odoo Integration API",
    version="1.0.0",
    idempotency_hours=24,
    description="",
    body_limits=None,
):
    """The OpenAPI 3.1 document (a dict).

    :param routes: iterable of :class:`~.routes.ApiRoute`
    :param load_schema: ``ref -> dict`` for file paths and dict schemas
    :param event_types: dicts with ``code``, ``version``, ``name``,
        ``description``, ``schema`` (the ``data`` schema)
    :param body_limits: keyword arguments of :func:`body_rules`
    """
    components = _Components(load_schema)
    components.schemas.update(
        Problem=_problem_schema(),
        CloudEvent=_cloudevent_schema(),
        MessageAccepted=_message_accepted_schema(),
    )
    paths = {}
    for route in routes:
        item = paths.setdefault(f"/api/v1{route.path}", {})
        item[route.method.lower()] = _operation(route, components, load_schema)
    webhooks = _webhooks(event_types, components)
    used_tags = {
        tag
        for item in paths.values()
        for operation in item.values()
        for tag in operation["tags"]
    }
    if webhooks:
        used_tags.add("events")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": description
            or (
                "Inbound REST API of Odoo and the events it sends (webhooks). "
                "Errors are RFC 9457 problem details. Idempotency-Key values are "
                f"kept {idempotency_hours} hours. " + body_rules(**(body_limits or {}))
            ),
            "x-idempotency-retention-hours": idempotency_hours,
            "x-body-limits": dict(body_limits or {}),
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": server_url or "/"}],
        "tags": ordered_tags(used_tags),
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": components.schemas,
            "responses": _problem_responses(),
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": f"Client-chosen unique key (a UUID); a repeat within "
                    f"{idempotency_hours} h replays the first answer.",
                    "schema": {"type": "string", "maxLength": 255},
                },
                "RequestId": {
                    "name": "X-Request-Id",
                    "in": "header",
                    "required": False,
                    "description": "Correlation id, echoed on the answer (generated if absent).",
                    "schema": {"type": "string", "maxLength": 128},
                },
            },
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Api-Key",
                    "description": "API key issued in Odoo (odk_...).",
                },
                "Bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The same API key as a bearer token.",
                },
            },
        },
        "x-problem-types": {
            slug: {
                "type": problem_type_uri(server_url or "", slug),
                "status": status,
                "title": title_,
                "description": meaning,
            }
            for slug, (status, title_, meaning) in PROBLEM_TYPES.items()
        },
    }
