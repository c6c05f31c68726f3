"""``integration.api.runner`` without HTTP: a handler called directly, the
queue drain and reprocessing, none of them through the dispatcher."""

from contextlib import ExitStack
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.exceptions import BusinessRuleError, UnmappedCodeError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..tools.request import ApiError, ApiRequest, ApiResult
from ..tools.routes import ApiRoute

ROUTER = "integration.api.router"
BATCH_CALLS = []


def _api_test_whoami(self, api_request):
    return ApiResult(
        200,
        {
            "user": self.env.user.login,
            "company": self.env.company.id,
            "system": self.env.context.get("integration_system_id"),
            "correlation": self.env.context.get("integration_correlation_id"),
        },
    )


def _api_test_plain(self, api_request):
    return {"ok": True}


def _api_test_partner_outcome(env, api_request):
    sku = api_request.body["sku"]
    if sku == "USER-ERROR":
        raise UserError("Odoo says no")  # pylint: disable=translation-required
    if sku == "API-ERROR":
        raise ApiError(409, "Conflict", "Not now", problem_type="conflict")
    if sku == "CRASH":
        raise ZeroDivisionError("boom")
    partner = env["res.partner"].sudo().search([("ref", "=", sku)], limit=1)
    if not partner:
        raise UnmappedCodeError("sku", sku, pointer="/sku")
    return ApiResult(
        201, {"partner_id": partner.id, "user": env.user.login}, records=partner
    )


def _api_test_kept(self, api_request):
    return _api_test_partner_outcome(self.env, api_request)


def _api_test_kept_batch(self, api_requests):
    BATCH_CALLS.append([request.message.id for request in api_requests])
    if any(request.body["sku"] == "BREAKS-THE-BATCH" for request in api_requests):
        raise ValueError("this batch cannot be taken as a whole")
    outcomes = []
    for request in api_requests:
        try:
            outcomes.append(_api_test_partner_outcome(self.env, request))
        except UnmappedCodeError as error:
            outcomes.append(error)
    return outcomes


HANDLERS = {
    "_api_test_whoami": _api_test_whoami,
    "_api_test_plain": _api_test_plain,
    "_api_test_kept": _api_test_kept,
    "_api_test_kept_batch": _api_test_kept_batch,
}
WHOAMI = ApiRoute("GET", "/test/whoami", "", f"{ROUTER}._api_test_whoami")
KEPT = ApiRoute(
    "POST",
    "/test/kept",
    "orders:write",
    f"{ROUTER}._api_test_kept",
    keep_message=True,
    batch_handler=f"{ROUTER}._api_test_kept_batch",
    reference="/sku",
)
KEPT_SINGLE = ApiRoute(
    "POST",
    "/test/kept-single",
    "orders:write",
    f"{ROUTER}._api_test_kept",
    keep_message=True,
    reference="/sku",
)


@tagged("post_install", "-at_install")
class TestRunner(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = ExitStack()
        cls.addClassCleanup(stack.close)
        router_cls = type(cls.env[ROUTER])
        original = router_cls._api_routes
        stack.enter_context(
            patch.object(
                router_cls,
                "_api_routes",
                lambda self: original(self) + [WHOAMI, KEPT, KEPT_SINGLE],
            )
        )
        for name, handler in HANDLERS.items():
            stack.enter_context(patch.object(router_cls, name, handler, create=True))
        # the queue, reprocessing and the dispatcher must not meet: every
        # step of the HTTP pipeline fails here (its JSON rendering helpers aside)
        dispatcher_cls = type(cls.env["integration.api.dispatcher"])
        for name in dir(dispatcher_cls):
            if (
                name.startswith("_api_")
                and name not in ("_api_dumps", "_api_jsonable")
                and callable(getattr(dispatcher_cls, name))
            ):
                stack.enter_context(
                    patch.object(
                        dispatcher_cls,
                        name,
                        side_effect=AssertionError(
                            f"went through the dispatcher: {name}"
                        ),
                    )
                )
        cls.env.registry.clear_cache()
        cls.addClassCleanup(cls.env.registry.clear_cache)
        # the drain looks at the queue on fresh cursors: they must see this test's rows
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.bot = new_test_user(cls.env, login="runner_bot", groups="base.group_user")
        cls.system = cls.env["integration.system"].create(
            {
                "name": "Runner shop",
                "code": "runner_shop",
                "kind": "web_shop",
                "state": "active",
                "user_id": cls.bot.id,
            }
        )
        cls.runner = cls.env["integration.api.runner"]
        cls.Message = cls.env["integration.api.message"]
        cls.known = cls.env["res.partner"].create(
            [
                {"name": "Known one", "ref": "KNOWN-1"},
                {"name": "Known two", "ref": "KNOWN-2"},
            ]
        )

    def setUp(self):
        super().setUp()
        BATCH_CALLS.clear()

    def request(self, route, body=None, message=None):
        return ApiRequest(
            system=self.system,
            api_key=self.env["integration.api.key"],
            method=route.method,
            path=route.path,
            path_params={},
            query={},
            body=body,
            raw_body=b"",
            headers={},
            correlation_id="runner-test",
            route=route,
            message=message,
        )

    def kept(self, sku, route=KEPT, state="queued"):
        return self.Message.create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": route.key,
                "path": f"/api/v1{route.path}",
                "body": {"sku": sku},
                "state": state,
                "reference": sku,
                "correlation_id": f"req-{sku}",
            }
        )

    def drain(self):
        with trap_jobs():
            return self.env["integration.api.queue"]._drain(self.system.id)

    # ------------------------------------------------------------------
    def test_a_handler_runs_as_the_technical_user_in_its_company(self):
        result = self.runner._api_call(WHOAMI, self.request(WHOAMI))
        self.assertIsInstance(result, ApiResult)
        self.assertEqual(
            result.body,
            {
                "user": "runner_bot",
                "company": self.system.company_id.id,
                "system": self.system.id,
                "correlation": "runner-test",
            },
        )

    def test_a_plain_value_is_wrapped_with_the_success_status(self):
        route = ApiRoute(
            "POST", "/test/plain", "", f"{ROUTER}._api_test_plain", success_status=201
        )
        result = self.runner._api_call(route, self.request(route))
        self.assertEqual((result.status, result.body), (201, {"ok": True}))

    def test_the_drain_hands_a_batch_to_the_runner_not_the_dispatcher(self):
        one, unknown, two = (
            self.kept("KNOWN-1"),
            self.kept("NOBODY"),
            self.kept("KNOWN-2"),
        )
        self.assertEqual(self.drain(), "3 processed")
        self.assertEqual(BATCH_CALLS, [[one.id, unknown.id, two.id]], "one batch call")
        self.assertEqual((one.state, two.state), ("done", "done"))
        self.assertEqual(one.res_ids, str(self.known[0].id))
        self.assertEqual(one.result_body["user"], "runner_bot")
        self.assertEqual(unknown.state, "needs_fix")
        self.assertEqual(unknown.exception_id.kind, "unmapped_code")
        self.assertEqual(unknown.reference, "NOBODY")

    def test_a_batch_that_fails_whole_goes_one_message_at_a_time(self):
        one, breaks = self.kept("KNOWN-1"), self.kept("BREAKS-THE-BATCH")
        with mute_logger("odoo.addons.integration_api.models.integration_api_runner"):
            self.assertEqual(self.drain(), "2 processed")
        self.assertEqual(len(BATCH_CALLS), 1)
        self.assertEqual(one.state, "done")
        self.assertEqual(breaks.state, "needs_fix")  # the plain handler: unknown sku

    def test_a_route_without_batch_handler_runs_each_message(self):
        one, two = self.kept("KNOWN-1", KEPT_SINGLE), self.kept("KNOWN-2", KEPT_SINGLE)
        self.runner._api_run_messages(one | two)
        self.assertFalse(BATCH_CALLS)
        self.assertEqual((one.state, two.state), ("done", "done"))

    def test_outcomes_of_a_message_processed_later(self):
        """Nobody waits for the answer: a UserError waits for a person, an
        ApiError rejects, a crash fails with an exception."""
        user_error, api_error, crash = (
            self.kept(sku, KEPT_SINGLE) for sku in ("USER-ERROR", "API-ERROR", "CRASH")
        )
        outcome = self.runner._api_run_message(user_error, KEPT_SINGLE)
        self.assertIsInstance(outcome, BusinessRuleError)
        self.assertEqual(user_error.state, "needs_fix")
        self.assertEqual(user_error.exception_id.kind, "business_rule")
        outcome = self.runner._api_run_message(api_error, KEPT_SINGLE)
        self.assertIsInstance(outcome, ApiError)
        self.assertEqual((api_error.state, api_error.result_status), ("rejected", 409))
        with mute_logger("odoo.addons.integration_api.models.integration_api_runner"):
            outcome = self.runner._api_run_message(crash, KEPT_SINGLE)
        self.assertIsInstance(outcome, ZeroDivisionError)
        self.assertEqual((crash.state, crash.exception_id.severity), ("failed", "high"))

    def test_the_handlers_work_is_rolled_back_when_it_fails(self):
        message = self.kept("CRASH", KEPT_SINGLE)
        count = self.env["res.partner"].search_count([])

        def create_then_crash(self, api_request):
            self.env["res.partner"].sudo().create({"name": "left behind?"})
            raise ZeroDivisionError("boom")

        with (
            patch.object(type(self.env[ROUTER]), "_api_test_kept", create_then_crash),
            mute_logger("odoo.addons.integration_api.models.integration_api_runner"),
        ):
            self.runner._api_run_message(message, KEPT_SINGLE)
        self.assertEqual(self.env["res.partner"].search_count([]), count)
        self.assertEqual(message.state, "failed")

    def test_reprocess_runs_the_handler_through_the_runner(self):
        message = self.kept("LATER-1", KEPT_SINGLE, state="needs_fix")
        with self.assertRaises(UserError):
            message.action_reprocess()  # still unknown
        partner = self.env["res.partner"].create({"name": "Later", "ref": "LATER-1"})
        message.action_reprocess()
        self.assertEqual(message.state, "done")
        self.assertEqual(message.res_ids, str(partner.id))
        self.assertEqual(message.attempt_count, 2)  # the failed try was rolled back

    def test_a_success_supersedes_older_messages_only_where_the_route_says(self):
        """KEPT_SINGLE's reference does not name a whole document: an older
        message waiting for a fix stays, whatever a later one did."""
        older = self.kept("SAME-REF", KEPT_SINGLE, state="needs_fix")
        self.env["res.partner"].create({"name": "Same", "ref": "SAME-REF"})
        newer = self.kept("SAME-REF", KEPT_SINGLE, state="needs_fix")
        self.runner._api_run_message(newer, KEPT_SINGLE)
        self.assertEqual(newer.state, "done")
        self.assertEqual(older.state, "needs_fix")
        self.assertFalse(older.superseded_by_id)
