"""The 18.0.1.2.0 migration classifies exceptions written before it."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged

from .common import IntegrationCase

MIGRATIONS = Path(__file__).parent.parent / "migrations" / "18.0.1.2.0"


def load(name):
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestExceptionMigration(IntegrationCase):
    def test_old_other_exceptions_get_their_class_and_audience(self):
        Exception_ = self.env["integration.exception"]
        crash, event, plain, mapped = (
            Exception_.report("other", "Crash", fingerprint="api-crash:shop:POST /x"),
            Exception_.report("other", "Bad", fingerprint="invalid-event:order.x:/a"),
            Exception_.report("other", "Something", fingerprint="misc:1"),
            Exception_.report(
                "unmapped_code", "SKU", fingerprint="test_shop:unmapped:product:A"
            ),
        )
        crash.count = 3
        everything = crash | event | plain | mapped
        everything.flush_recordset()
        # as the rows were before the update: no audience, nothing notified
        self.env.cr.execute(
            "UPDATE integration_exception SET audience = NULL, notified_count = 0 "
            "WHERE id IN %s",
            (tuple(everything.ids),),
        )
        load("pre-migrate").migrate(self.env.cr, "18.0.1.1.0")
        load("post-migrate").migrate(self.env.cr, "18.0.1.1.0")
        everything.invalidate_recordset()
        self.assertEqual(
            everything.mapped("kind"),
            ["intermittent", "invalid_payload", "other", "unmapped_code"],
        )
        self.assertEqual(
            everything.mapped("audience"),
            ["technical", "technical", "technical", "business"],
        )
        self.assertEqual(crash.notified_count, 3, "old repeats are not digested")
