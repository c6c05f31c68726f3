"""The resource registry contract: what a module declares to expose an endpoint.

Modules add routes to ``integration.api.router._api_routes()``; the
dispatcher matches requests against a :class:`RouteTable` built from them
and ``integration.api.runner`` calls the route's handler.

>>> ORDERS = "integration.api.order.resource"
>>> table = RouteTable([
...     ApiRoute("GET", "/orders/{ref}", "orders:read", f"{ORDERS}._api_get"),
...     ApiRoute("POST", "/orders", "orders:write", f"{ORDERS}._api_create"),
...     ApiRoute("GET", "/orders/search", "orders:read", f"{ORDERS}._api_search"),
... ])
>>> route, params = table.match("GET", "/orders/S00042")
>>> route.handler, params
('integration.api.order.resource._api_get', {'ref': 'S00042'})
>>> table.match("GET", "/orders/search")[0].handler
'integration.api.order.resource._api_search'
>>> try:
...     table.match("DELETE", "/orders")
... except MethodNotAllowed as exc:
...     print("allowed:", exc.args[0])
allowed: ['POST']
>>> try:
...     table.match("GET", "/nope")
... except RouteNotFound:
...     print("not found")
not found
"""

import re
from dataclasses import dataclass, field

__all__ = ["ApiRoute", "MethodNotAllowed", "RouteNotFound", "RouteTable"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFERENCE_MAX = 255  # a kept message's reference is indexed
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ApiRoute:
    """One endpoint of ``/api/v1``.

    :param method: HTTP method, e.g. ``"POST"``
    :param path: path under ``/api/v1`` with ``{name}`` parameters,
        e.g. ``"/orders/{ref}"``
    :param scope: the API key scope required (e.g. ``"orders:write"``);
        empty means any valid key of an active system
    :param handler: ``"<model>.<method>"``, a method of the resource model
        (``integration.api.<name>.resource``); ``integration.api.runner``
        calls it as ``env[model].with_user(system user).<method>(api_request)``
        and it returns an :class:`~.request.ApiResult`
    :param request_schema: JSON Schema of the body: a dict, or a path inside
        the addons path (``"my_module/schemas/api/order.create.json"``)
    :param query_schema: JSON Schema of the query string (values are coerced
        from strings where the schema says integer, number, boolean, array)
    :param response_schema: JSON Schema of a successful answer (documentation)
    :param success_status: status of a successful answer (documentation and
        default of :class:`~.request.ApiResult`)
    :param idempotent: honour the ``Idempotency-Key`` header
    :param keep_message: keep the request as an ``integration.api.message``;
        an ``IntegrationError`` from the handler then answers ``202`` and opens
        an exception instead of losing the message
    :param public: no API key at all (health, OpenAPI document, docs)
    :param idempotency_required: refuse the request without an
        ``Idempotency-Key`` (``400``)
    :param batch_handler: ``"<model>.<method>"`` that processes queued
        messages of this route in bulk (needs ``keep_message``): called with
        a list of :class:`~.request.ApiRequest` and returns, in the same
        order, an :class:`~.request.ApiResult` or the ``IntegrationError``
        of each; raising makes the queue process that batch one message at a
        time through ``handler``
    :param reference: where the partner's own reference of what a kept
        message is about lies: a JSON pointer into the body
        (``"/external_ref"``) or a path parameter (``"{ref}"``). It is kept
        on the message from the start (searchable, whatever the outcome).
    :param editable: JSON pointers of the kept body a person may correct
        from the exception dashboard before reprocessing; ``*`` stands for
        every index of an array (``"/lines/*/sku"``). The audit trail keeps
        who changed what; the original body is kept too.
    :param supersedes: the reference names the whole document (an order),
        so a later message with the same reference that succeeds replaces
        the older ones still waiting for a fix: they become ``superseded``
        and their exceptions resolve by themselves. Leave it off where many
        messages share a reference (the milestones of one shipment).
    """

    method: str
    path: str
    scope: str | None
    handler: str
    summary: str = ""
    request_schema: str | dict | None = None
    query_schema: str | dict | None = None
    response_schema: str | dict | None = None
    success_status: int = 200
    idempotent: bool = False
    keep_message: bool = False
    tags: tuple = ()
    public: bool = False
    idempotency_required: bool = False
    description: str = ""
    batch_handler: str | None = None
    reference: str | None = None
    editable: tuple = ()
    supersedes: bool = False

    def __post_init__(self):
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "editable", tuple(self.editable))
        if self.supersedes and not self.reference:
            raise ValueError("supersedes needs a reference")
        for pattern in self.editable:
            if not pattern.startswith("/"):
                raise ValueError(f"API route editable must be a pointer: {pattern!r}")
        if not self.path.startswith("/"):
            raise ValueError(f"API route path must start with '/': {self.path!r}")
        for handler in filter(None, (self.handler, self.batch_handler)):
            if handler.count(".") < 1:
                raise ValueError(
                    f"API route handler must be 'model.method': {handler!r}"
                )
        if self.batch_handler and not self.keep_message:
            raise ValueError(
                "A batch_handler processes kept messages: set keep_message"
            )
        if self.reference and not (
            self.reference.startswith("/") or _PARAM.fullmatch(self.reference)
        ):
            raise ValueError(
                f"API route reference must be '/pointer' or '{{param}}': {self.reference!r}"
            )

    @property
    def handler_model(self):
        return self.handler.rsplit(".", 1)[0]

    @property
    def handler_method(self):
        return self.handler.rsplit(".", 1)[1]

    @property
    def path_params(self):
        return _PARAM.findall(self.path)

    @property
    def operation_id(self):
        """A stable OpenAPI ``operationId``, e.g. ``get_orders_ref``."""
        words = re.findall(r"[A-Za-z0-9]+", self.path)
        return "_".join([self.method.lower(), *words]) or self.method.lower()

    def reference_of(self, path_params, body):
        """The partner's reference named by :attr:`reference`, stripped, at
        most :data:`REFERENCE_MAX` characters; ``None`` when absent.

        >>> route = ApiRoute("POST", "/orders", None, "m.h", reference="/external_ref")
        >>> route.reference_of({}, {"external_ref": " SHOP-1 "})
        'SHOP-1'
        >>> route.reference_of({}, {"lines": []}) is None
        True
        >>> ApiRoute("PUT", "/customers/{ref}", None, "m.h",
        ...          reference="{ref}").reference_of({"ref": "C-9"}, None)
        'C-9'
        >>> ApiRoute("POST", "/x", None, "m.h", reference="/lines/0/sku").reference_of(
        ...     {}, {"lines": [{"sku": 42}]})
        '42'
        """
        if not self.reference:
            return None
        if self.reference.startswith("/"):
            value = body
            for token in self.reference[1:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(value, dict):
                    value = value.get(token)
                elif (
                    isinstance(value, list)
                    and token.isdigit()
                    and int(token) < len(value)
                ):
                    value = value[int(token)]
                else:
                    value = None
        else:
            value = (path_params or {}).get(self.reference[1:-1])
        if value is None or isinstance(value, (dict, list, bool)):
            return None
        return str(value).strip()[:REFERENCE_MAX] or None

    @property
    def key(self):
        """``"POST /orders"``: identifies the route in stored messages."""
        return f"{self.method} {self.path}"


class RouteNotFound(LookupError):
    """No route has this path."""


class MethodNotAllowed(LookupError):
    """The path exists but not with this method; ``args[0]`` is the allowed list."""


@dataclass
class _Template:
    path: str
    regex: re.Pattern
    static_segments: int
    routes: dict = field(default_factory=dict)


class RouteTable:
    """Routes compiled for matching; immutable once built."""

    def __init__(self, routes):
        templates = {}
        for route in routes:
            template = templates.get(route.path)
            if template is None:
                template = templates[route.path] = _Template(
                    path=route.path,
                    regex=_compile(route.path),
                    static_segments=sum(
                        1 for part in route.path.split("/") if part and "{" not in part
                    ),
                )
            # A later declaration of the same method and path overrides.
            template.routes[route.method] = route
        # Literal segments win over parameters: /orders/search before /orders/{ref}.
        self._templates = sorted(
            templates.values(), key=lambda t: (-t.static_segments, t.path)
        )
        self.routes = tuple(
            route for template in self._templates for route in template.routes.values()
        )

    def match(self, method, path):
        """The route and path parameters for ``method`` and ``path``.

        :raise RouteNotFound: unknown path
        :raise MethodNotAllowed: known path, other method (``args[0]`` lists
            the allowed methods)
        """
        path = path.rstrip("/") or "/"
        allowed = set()
        for template in self._templates:
            found = template.regex.fullmatch(path)
            if not found:
                continue
            route = template.routes.get(method.upper())
            if route is None and method.upper() == "HEAD":
                route = template.routes.get("GET")
            if route is not None:
                return route, found.groupdict()
            allowed.update(template.routes)
        if allowed:
            raise MethodNotAllowed(sorted(allowed))
        raise RouteNotFound(path)

    def get(self, key):
        """The route of a stored ``"METHOD /path/{template}"`` key, or None."""
        method, _sep, path = key.partition(" ")
        for template in self._templates:
            if template.path == path:
                return template.routes.get(method)
        return None


def _compile(path):
    pattern = ""
    position = 0
    for found in _PARAM.finditer(path):
        pattern += re.escape(path[position : found.start()])
        pattern += f"(?P<{found.group(1)}>[^/]+)"
        position = found.end()
    pattern += re.escape(path[position:])
    return re.compile(pattern)
