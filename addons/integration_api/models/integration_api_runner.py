"""The one place that calls resource handlers.

Three callers, one way down each:

* the dispatcher (a live HTTP request): :meth:`_api_transaction` around
  :meth:`_api_call`;
* the queue drain (``integration.api.queue``): :meth:`_api_run_messages` on a
  claimed batch of kept messages;
* reprocessing a kept message (``integration.api.message``):
  :meth:`_api_run_message`.

Handlers run as the system's technical user in its company, in a savepoint.
A live request answers an Odoo ``UserError`` with ``422`` (the partner can
correct its request); a kept message processed later has nobody to answer,
so there the same error waits for a person (``BusinessRuleError``).
"""

import contextlib
import logging

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.integration_core.exceptions import BusinessRuleError, IntegrationError
from odoo.addons.integration_core.tools.outcomes import RETRY_NOW, classify_exception

from ..tools.request import ApiError, ApiResult
from ..tools.routes import SAFE_METHODS

_logger = logging.getLogger(__name__)


class IntegrationApiRunner(models.AbstractModel):
    _name = "integration.api.runner"
    _description = "Integration API handler runner"

    # ------------------------------------------------------------------
    # Calling a handler
    # ------------------------------------------------------------------
    @api.model
    def _api_handler_user(self, system, user_id=None):
        """The user id handlers run as: the system's technical user.

        Without one, the public user: it may do almost nothing, which is the
        safe failure (403) for a system nobody configured.

        :param user_id: the technical user's id when already known
        """
        user_id = user_id or (system.user_id.id if system else None)
        return user_id or self.env["ir.model.data"]._xmlid_to_res_id("base.public_user")

    @api.model
    def _api_as_system(self, model_name, system, key=None, **context):
        """``env[model_name]`` as the system's technical user, in its company,
        with ``integration_system_id`` and ``context`` set.

        :param key: the request's ``KeyInfo`` (saves reading the system)
        """
        model = self.env[model_name].with_user(
            self._api_handler_user(system, key and key.user_id)
        )
        if system:
            model = model.with_company(
                key.company_id if key else system.company_id.id
            ).with_context(integration_system_id=system.id, **context)
        return model

    @api.model
    def _api_call(self, route, api_request, key=None):
        """Call ``route.handler`` as the system's user; always an ApiResult.

        No savepoint: the caller holds one (:meth:`_api_transaction`).

        :param key: the request's ``KeyInfo`` (saves reading the system)
        """
        model = self._api_as_system(
            route.handler_model,
            api_request.system,
            key,
            integration_correlation_id=api_request.correlation_id,
            integration_trace_id=api_request.trace_id,
        )
        result = getattr(model, route.handler_method)(api_request)
        if not isinstance(result, ApiResult):
            result = ApiResult(route.success_status, result)
        return result

    @api.model
    def _api_call_batch(self, route, api_requests):
        """Call ``route.batch_handler`` on requests of one system, as its user.

        :return: the handler's outcomes, one per request
        """
        model_name, method = route.batch_handler.rsplit(".", 1)
        model = self._api_as_system(model_name, api_requests[0].system)
        return getattr(model, method)(api_requests)

    @contextlib.contextmanager
    def _api_transaction(self, route, keep=False):
        """Isolate the handler's work so that a failure rolls back only it.

        Writes get a savepoint (the kept message, the stored answer and the
        log survive a failure). A plain read has nothing else to keep in the
        transaction, so it spares the two round trips and a failure rolls
        back the whole transaction before the log line is written.

        :param keep: the transaction holds something else to keep (an
            Idempotency-Key claim, a kept message): always a savepoint
        """
        if route.method not in SAFE_METHODS or keep:
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            raise

    # ------------------------------------------------------------------
    # Kept messages: the queue and reprocessing
    # ------------------------------------------------------------------
    def _api_run_messages(self, messages):
        """Process one batch of kept messages: with the routes' batch
        handlers where they have one, else (or when a batch fails) one
        message at a time."""
        table = self.env["integration.api.router"]._api_route_table()
        by_route = {}
        for message in messages:
            by_route.setdefault(message.route, messages.browse())
            by_route[message.route] |= message
        for route_key, route_messages in by_route.items():
            route = table.get(route_key)
            if route is None:
                for message in route_messages:
                    message._mark_failed(
                        404,
                        "Not Found",
                        f"The route {route_key} no longer exists.",
                        unexpected=True,
                    )
                continue
            if route.batch_handler and self._api_run_batch(route, route_messages):
                continue
            for message in route_messages:
                self._api_run_message(message, route)

    def _api_run_batch(self, route, messages):
        """All of ``messages`` through ``route.batch_handler`` in one
        savepoint; False (nothing kept) when it raised."""
        requests = [message._api_request(route) for message in messages]
        try:
            with self.env.cr.savepoint():
                outcomes = self._api_call_batch(route, requests)
                if len(outcomes) != len(messages):
                    raise ValueError(
                        f"{route.batch_handler} returned {len(outcomes)} outcomes "
                        f"for {len(messages)} messages"
                    )
                for message, outcome in zip(messages, outcomes, strict=True):
                    message._api_record_outcome(outcome, resolve=False)
                done = messages.filtered(lambda message: message.state == "done")
                self.env["integration.exception"].resolve_for(done)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # whatever broke the batch, each message gets its own chance
            if classify_exception(error) == RETRY_NOW:
                raise
            _logger.warning(
                "Batch of %s messages on %s failed, processing them one by one",
                len(messages),
                route.key,
                exc_info=True,
            )
            return False
        return True

    def _api_run_message(self, message, route):
        """Run the handler on the kept body in a savepoint and record the
        outcome on the message; never raises (but to retry a transaction).

        :return: the outcome (``ApiResult``, ``IntegrationError``, ``ApiError``
            or the unexpected exception)
        """
        message.ensure_one()
        try:
            with self.env.cr.savepoint():
                outcome = self._api_call(route, message._api_request(route))
        except IntegrationError as error:
            outcome = error
        except UserError as error:  # ValidationError included
            outcome = BusinessRuleError.from_user_error(error)
        except ApiError as error:
            message._mark_failed(error.status, error.title, error.detail)
            return error
        except Exception as error:  # noqa: BLE001 pylint: disable=broad-exception-caught
            # kept on the message, with an exception, for a person
            if classify_exception(error) == RETRY_NOW:
                raise  # the whole transaction is retried
            _logger.exception(
                "Processing message %s on %s failed", message.id, route.key
            )
            message._mark_failed(
                500,
                "Internal Server Error",
                f"{type(error).__name__}: {error}",
                unexpected=True,
            )
            return error
        message._api_record_outcome(outcome)
        return outcome
