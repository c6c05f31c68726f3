"""The order resource of ``/api/v1``: HTTP in, business methods, HTTP out.

Routes: ``models/integration_api_router.py``; business methods:
``sale.order`` in ``sale_order_intake.py`` (payload to order) and
``sale_order_channel_view.py`` (find, status, view, cancel).
"""

from psycopg2 import errors as pg_errors

from odoo import models

from odoo.addons.integration_api.tools.prefer import RESPOND_ASYNC
from odoo.addons.integration_api.tools.request import ApiError, ApiResult
from odoo.addons.integration_core.exceptions import BusinessRuleError, IntegrationError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..tools import order_intake

EXTERNAL_REF_CONSTRAINT = "sale_order_integration_external_ref_uniq"
ORDERS_ROUTE = "POST /orders"
ORDERS_URL = "/api/v1/orders"


class IntegrationApiOrderResource(models.AbstractModel):
    """``/api/v1/orders``: create (at once or queued), status, cancel.

    Called by ``integration.api.runner`` as the system's technical user,
    in its company; ``self.env["sale.order"]`` does the business work.
    Status codes, headers, links and problem documents stop here.
    """

    _name = "integration.api.order.resource"
    _description = "API resource: orders"

    # ------------------------------------------------------------------
    # POST /orders
    # ------------------------------------------------------------------
    def _api_create(self, api_request):
        """``POST /orders``: 201 with the order, 200 when it already existed;
        202 when queued (the system's intake mode, or ``Prefer: respond-async``)."""
        if api_request.can_defer and self._api_intake_queued(api_request):
            return self._api_queue(api_request)
        try:
            order, created = self.env["sale.order"]._integration_create_from_channel(
                api_request.system, api_request.body
            )
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name != EXTERNAL_REF_CONSTRAINT:
                raise
            # another request is creating the same order right now
            raise ApiError(
                409,
                "Conflict",
                "An order with this external_ref is being created by another "
                "request; retry to get it.",
                problem_type="conflict",
                headers={"Retry-After": "1"},
            ) from None
        return self._api_order_result(order, created)

    def _api_create_batch(self, api_requests):
        """Batch handler of ``POST /orders``: the queued orders of one system.

        :return: per request, an ``ApiResult`` (201 created, 200 resent) with
            the order's summary, or the ``IntegrationError`` that stopped it
        """
        system = api_requests[0].system
        outcomes = (
            self.env["sale.order"]
            .with_context(
                integration_correlation_ids={
                    normalize_code(request.body["external_ref"]): request.correlation_id
                    for request in api_requests
                },
                integration_trace_ids={
                    normalize_code(request.body["external_ref"]): request.trace_id
                    for request in api_requests
                },
            )
            ._integration_create_many_from_channel(
                system, [request.body for request in api_requests]
            )
        )
        return [
            outcome
            if isinstance(outcome, IntegrationError)
            else ApiResult(
                201 if outcome[1] else 200,
                self._api_summary(outcome[0]),
                records=outcome[0],
            )
            for outcome in outcomes
        ]

    def _api_intake_queued(self, api_request):
        return (
            api_request.system.order_intake_mode == "queued"
            or RESPOND_ASYNC in api_request.prefer
        )

    def _api_queue(self, api_request):
        """Keep the order for the batch job: 202 with the links to follow.

        A resend while the first is still queued (or waits for a fix) points
        to the first message instead of queueing the order twice.
        """
        system = api_request.system
        ref = normalize_code(api_request.body["external_ref"])
        existing = self.env["sale.order"]._integration_find_by_external_ref(system, ref)
        if existing:
            return self._api_order_result(existing, created=False, reference=ref)
        earlier = self._api_waiting_message(system, ref)
        message = earlier or api_request.message
        resource_url = f"{ORDERS_URL}/{ref}"
        return ApiResult(
            202,
            {
                "message_id": message.id,
                "status": "queued"
                if message.state in ("received", "queued")
                else message.state,
                "status_url": f"/api/v1/messages/{message.id}",
                "reference": ref,
                "resource_url": resource_url,
            },
            headers={"Location": resource_url, "Preference-Applied": RESPOND_ASYNC},
            defer=not earlier,
            reference=ref,
        )

    # ------------------------------------------------------------------
    # GET /orders/{ref}, POST /orders/{ref}/cancel
    # ------------------------------------------------------------------
    def _api_get(self, api_request):
        """``GET /orders/{ref}``: status, lines and shipments; an order still
        queued or waiting for a fix answers with its message's status."""
        ref = api_request.path_params["ref"]
        order = self.env["sale.order"]._integration_find_for_channel(
            api_request.system, ref
        )
        if order:
            return ApiResult(200, order._integration_channel_view(), records=order)
        message = self._api_waiting_message(api_request.system, normalize_code(ref))
        if message:
            return ApiResult(200, self._api_message_view(message))
        raise self._api_not_found(ref)

    def _api_cancel(self, api_request):
        """``POST /orders/{ref}/cancel``: 409 once something shipped, or while
        the order is still queued."""
        ref = api_request.path_params["ref"]
        order = self.env["sale.order"]._integration_find_for_channel(
            api_request.system, ref
        )
        if not order:
            if self._api_waiting_message(api_request.system, normalize_code(ref)):
                raise ApiError(
                    409,
                    "Conflict",
                    f"Order {ref!r} is not created yet (queued or waiting for a fix); "
                    "retry once it is.",
                    problem_type="conflict",
                    headers={"Retry-After": "5"},
                )
            raise self._api_not_found(ref)
        try:
            order._integration_cancel_from_channel()
        except BusinessRuleError as error:
            raise ApiError(
                409, "Conflict", error.message, problem_type="conflict"
            ) from None
        return ApiResult(200, order._integration_channel_view(), records=order)

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------
    def _api_order_result(self, order, created, reference=None):
        """201 (created) or 200 (it existed) with the order's view."""
        return ApiResult(
            201 if created else 200,
            order._integration_channel_view(),
            headers={"Location": f"{ORDERS_URL}/{order.name}"},
            records=order,
            reference=reference,
        )

    def _api_summary(self, order):
        """What a processed order message keeps as its result (the full view
        is one ``GET /api/v1/orders/{ref}`` away)."""
        order.ensure_one()
        return {
            "id": order.id,
            "order_ref": order.name,
            "external_ref": order.integration_external_ref or None,
            "status": order._integration_channel_status(),
            "order_url": f"{ORDERS_URL}/{order.name}",
        }

    def _api_waiting_message(self, system, ref):
        """The system's kept order message for ``ref`` not processed yet."""
        return (
            self.env["integration.api.message"]
            .sudo()
            .search(
                [
                    ("system_id", "=", system.id),
                    ("route", "=", ORDERS_ROUTE),
                    ("reference", "=", ref),
                    ("state", "in", ("queued", "needs_fix", "failed")),
                ],
                order="id",
                limit=1,
            )
        )

    def _api_message_view(self, message):
        """An order not created yet, as ``GET /orders/{ref}`` shows it."""
        body = {
            "id": None,
            "order_ref": None,
            "external_ref": message.reference,
            "status": order_intake.message_order_status(message.state),
            "message_id": message.id,
            "lines": [],
            "shipments": [],
        }
        if message.error:
            body["detail"] = message.error
        return body

    def _api_not_found(self, ref):
        return ApiError(
            404,
            "Not Found",
            f"No order {ref!r} from this system.",
            problem_type="not-found",
        )
