"""RFC 9457 problem details: one pure function maps exceptions to answers.

>>> status, body, headers = problem_for(
...     ApiError(404, "Not Found", "No route"), "/api/v1/x", "https://erp.example")
>>> status, body["type"], body["title"], body["instance"]
(404, 'https://erp.example/api/v1/problems/not-found', 'Not Found', '/api/v1/x')
>>> status, body, _h = problem_for(KeyError("secret"), "/api/v1/x", "https://e", request_id="r1")
>>> status, body["title"], "secret" in body["detail"], body["request_id"]
(500, 'Internal Server Error', False, 'r1')
"""

import re
from http import HTTPStatus

import psycopg2
import psycopg2.errors

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from odoo.addons.integration_core.exceptions import IntegrationError

from .request import ApiError

__all__ = ["PROBLEM_TYPES", "problem_for", "problem_type_uri", "to_api_error"]

PROBLEM_CONTENT_TYPE = "application/problem+json"

#: slug -> (status, title, what it means): the catalogue published in the docs
PROBLEM_TYPES = {
    "malformed-request": (
        400,
        "Bad Request",
        "The body is not strict JSON (see the "
        "body rules; errors[].pointer names each value refused), or a "
        "parameter, header or cursor cannot be read.",
    ),
    "idempotency-key-missing": (
        400,
        "Bad Request",
        "This route requires an Idempotency-Key header.",
    ),
    "unauthorized": (
        401,
        "Unauthorized",
        "The API key is missing, unknown, "
        "expired or revoked, or its system is not active.",
    ),
    "forbidden": (
        403,
        "Forbidden",
        "The API key lacks the scope of the route, "
        "or the system's user may not do this.",
    ),
    "not-found": (404, "Not Found", "No such route or record."),
    "method-not-allowed": (
        405,
        "Method Not Allowed",
        "The path exists with other methods; see the Allow header.",
    ),
    "idempotency-conflict": (
        409,
        "Conflict",
        "A request with the same "
        "Idempotency-Key is still being processed; retry later.",
    ),
    "conflict": (409, "Conflict", "The request conflicts with the current state."),
    "payload-too-large": (413, "Content Too Large", "The body exceeds the size limit."),
    "unsupported-media-type": (
        415,
        "Unsupported Media Type",
        "Bodies must be application/json.",
    ),
    "validation-failed": (
        422,
        "Unprocessable Content",
        "The body or query does "
        "not match the route's JSON Schema; see errors[].pointer.",
    ),
    "idempotency-key-reused": (
        422,
        "Unprocessable Content",
        "The Idempotency-Key was used before with a different request.",
    ),
    "business-rule": (
        422,
        "Unprocessable Content",
        "Odoo cannot act on the request as it stands.",
    ),
    "unstorable-value": (
        422,
        "Unprocessable Content",
        "The body is valid JSON but holds "
        "a value too large or out of range for Odoo to store.",
    ),
    "rate-limited": (
        429,
        "Too Many Requests",
        "Too many requests (or failed authentications); see Retry-After.",
    ),
    "unavailable": (
        503,
        "Service Unavailable",
        "The server cannot produce this answer now (e.g. an invoice PDF "
        "without a PDF renderer); see Retry-After.",
    ),
    "internal-error": (
        500,
        "Internal Server Error",
        "An unexpected error; quote request_id when reporting it.",
    ),
}


def problem_type_uri(base_url, slug):
    """``https://<base>/api/v1/problems/<slug>``; ``about:blank`` without a slug."""
    if not slug:
        return "about:blank"
    return f"{base_url.rstrip('/')}/api/v1/problems/{slug}"


def _slug(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def to_api_error(exc):
    """The :class:`ApiError` an exception stands for; ``None`` means 500."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, AccessDenied):
        return ApiError(401, "Unauthorized", problem_type="unauthorized")
    if isinstance(exc, MissingError):
        return ApiError(404, "Not Found", str(exc.args[0]), problem_type="not-found")
    if isinstance(exc, AccessError):
        return ApiError(403, "Forbidden", str(exc.args[0]), problem_type="forbidden")
    if isinstance(exc, IntegrationError):
        errors = (
            [{"pointer": exc.pointer, "detail": exc.message}] if exc.pointer else None
        )
        return ApiError(
            422,
            "Unprocessable Content",
            exc.message,
            errors=errors,
            problem_type="business-rule",
            extensions={"kind": exc.kind},
        )
    if isinstance(exc, UserError):  # ValidationError included
        return ApiError(
            422, "Unprocessable Content", str(exc.args[0]), problem_type="business-rule"
        )
    if isinstance(exc, psycopg2.IntegrityError):
        return ApiError(
            409,
            "Conflict",
            "The request conflicts with existing data.",
            problem_type="conflict",
        )
    if isinstance(exc, (psycopg2.DataError, psycopg2.errors.ProgramLimitExceeded)):
        # out of range, too long, too large for an index: the database's
        # message names internals, so the answer does not quote it
        detail = "A value is too large or out of range for Odoo to store."
        return ApiError(
            422,
            "Unprocessable Content",
            detail,
            problem_type="unstorable-value",
            errors=[{"pointer": "", "detail": detail}],
        )
    return None


def problem_for(exc, instance, base_url, request_id=None):
    """Status, problem document and headers for any exception.

    Unexpected exceptions become a bare 500 whose detail reveals nothing;
    the caller logs the traceback with ``request_id``.

    :param instance: the request path, the ``instance`` member
    :return: ``(status, body_dict, headers_dict)``
    """
    error = to_api_error(exc) or ApiError(
        500,
        "Internal Server Error",
        "The server failed to process the request.",
        problem_type="internal-error",
    )
    body = {
        "type": problem_type_uri(base_url, error.problem_type or _slug(error.title)),
        "title": error.title,
        "status": error.status,
    }
    if error.detail:
        body["detail"] = error.detail
    body["instance"] = instance
    if error.errors:
        body["errors"] = error.errors
    if request_id:
        body["request_id"] = request_id
    body.update(error.extensions or {})
    headers = {"Content-Type": PROBLEM_CONTENT_TYPE, **(error.headers or {})}
    return error.status, body, headers


def reason(status):
    """``'Not Found'`` for 404 (for logs)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)
