"""What a handler receives and returns, and the error it raises."""

from dataclasses import dataclass, field

__all__ = ["ApiError", "ApiRequest", "ApiResult"]


@dataclass
class ApiRequest:
    """One authenticated, validated request handed to a resource handler.

    :param system: the ``integration.system`` record (as the handler's user)
    :param api_key: the ``integration.api.key`` record, or an empty recordset
        on public routes
    :param body: the parsed JSON body (validated against the route's schema)
    :param raw_body: the body bytes as received
    :param query: the query string, coerced and validated
    :param message: the kept ``integration.api.message`` on routes with
        ``keep_message=True``, else ``None``
    :param scopes: the scope codes of the key (no query needed)
    :param system_code: the system's code (no query needed)
    :param company_id: the id of the system's company (no query needed);
        ``None`` where the request was rebuilt from a kept message
    :param can_defer: the handler may answer ``ApiResult(defer=True)`` and
        leave the work to the route's ``batch_handler``; False when the kept
        message is being processed (queue, reprocess): do the work now
    :param prefer: the tokens of the RFC 7240 ``Prefer`` header, e.g.
        ``{"respond-async"}``
    """

    system: object
    api_key: object
    method: str
    path: str
    path_params: dict
    query: dict
    body: object
    raw_body: bytes
    headers: dict
    correlation_id: str
    idempotency_key: str | None = None
    message: object = None
    route: object = None
    scopes: frozenset = frozenset()
    system_code: str | None = None
    company_id: int | None = None
    can_defer: bool = False
    prefer: frozenset = frozenset()
    trace_id: str | None = None


@dataclass
class ApiResult:
    """A handler's answer.

    :param body: JSON-serialisable value; ``bytes``/``str`` are sent as they
        are (set the ``Content-Type`` in ``headers``)
    :param records: the Odoo records created or touched, linked from the
        request log and the kept message
    :param defer: the kept message is queued, not done: the route's
        ``batch_handler`` processes it later (the answer is usually ``202``)
    :param reference: the partner's reference of what the message is about
        (an order's external reference), stored on the kept message (a
        route's ``reference`` keeps it from the message's arrival already)
    """

    status: int = 200
    body: object = None
    headers: dict | None = None
    records: object = None
    defer: bool = False
    reference: str | None = None


@dataclass
class ApiError(Exception):
    """An error answer, rendered as RFC 9457 ``application/problem+json``.

    :param errors: list of ``{"pointer": "/lines/0/qty", "detail": "..."}``
    :param problem_type: slug of the problem (``"validation-failed"``); the
        ``type`` member is built from it
    :param headers: extra response headers (``Allow``, ``Retry-After``...)
    :param extensions: extra members of the problem document
    """

    status: int
    title: str
    detail: str | None = None
    errors: list | None = None
    problem_type: str | None = None
    headers: dict | None = None
    extensions: dict = field(default_factory=dict)

    def __post_init__(self):  # pylint: disable=missing-return
        # a dataclass hook: Exception.__init__ gives it args, nothing to return
        super().__init__(self.status, self.title, self.detail)

    def __str__(self):
        return f"{self.status} {self.title}" + (
            f": {self.detail}" if self.detail else ""
        )


@dataclass
class HttpInput:
    """The HTTP request as the dispatcher needs it (built by the controller).

    :param path: the path under ``/api/v1``, e.g. ``/orders/S001``
    :param query: ``{name: [values...]}``
    :param headers: a case-insensitive mapping (werkzeug ``Headers``)
    :param read_body: ``read_body(n)`` returns at most ``n`` bytes of the body
    """

    method: str
    path: str
    full_path: str
    query: dict
    headers: object
    remote_addr: str
    content_type: str
    content_length: int | None
    read_body: object
    base_url: str


@dataclass
class HttpOutput:
    status: int
    headers: dict
    body: bytes
