"""``integration.metrics``: counters rolled up from append-only tables,
the pure exposition and trace context tools."""

import doctest
import unittest

from prometheus_client.parser import text_string_to_metric_families

from odoo import sql_db
from odoo.tests import tagged

from ..tools import prometheus, trace_context
from .common import IntegrationCase


class TestMetricsToolsDoctests(unittest.TestCase):
    def test_doctests(self):
        for module in (prometheus, trace_context):
            result = doctest.testmod(module)
            self.assertGreater(result.attempted, 0, module.__name__)
            self.assertEqual(result.failed, 0, module.__name__)

    def test_rendered_text_parses_with_the_reference_parser(self):
        text = prometheus.render(
            [
                prometheus.Family(
                    "x_total", "counter", "X.", [("", {"a": 'q"\\\n'}, 2)]
                ),
                prometheus.Family(
                    "d_seconds",
                    "histogram",
                    "D.",
                    prometheus.histogram_samples(
                        {"route": "GET /x"}, (0.1, 1.0), {0.1: 1, 1.0: 1}, 1, 3.5
                    ),
                ),
            ]
        )
        families = {f.name: f for f in text_string_to_metric_families(text)}
        [sample] = families["x"].samples
        self.assertEqual(sample.labels, {"a": 'q"\\\n'})
        self.assertEqual(sample.value, 2)
        buckets = {
            s.labels["le"]: s.value
            for s in families["d_seconds"].samples
            if s.name == "d_seconds_bucket"
        }
        self.assertEqual(buckets, {"0.1": 1, "1.0": 2, "+Inf": 3})

    def test_traceparent_rejects_what_the_spec_rejects(self):
        good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        self.assertEqual(trace_context.parse(good).span_id, "00f067aa0ba902b7")
        for bad in (
            good.upper(),
            good[:-1],
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        ):
            self.assertIsNone(trace_context.parse(bad), bad)
        with self.assertRaises(ValueError):
            trace_context.make("0" * 32, "00f067aa0ba902b7")


@tagged("post_install", "-at_install")
class TestMetricsRollup(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.metrics = cls.env["integration.metrics"]
        cls.metrics._cron_rollup()  # start from cursors at the current rows
        cls.metrics._cron_rollup()

    def emit(self, count, type_code="integration.ping"):
        for index in range(count):
            self.env["integration.event"]._emit(type_code, {"message": f"m{index}"})
        self.env.flush_all()

    def scrape(self):
        families = text_string_to_metric_families(self.metrics._metrics_text())
        return {family.name: family for family in families}

    def pings(self):
        family = self.scrape()["integration_events"]
        values = [
            s.value
            for s in family.samples
            if s.name == "integration_events_total"
            and s.labels.get("type") == "integration.ping"
        ]
        return values[0] if values else 0

    def rolled_pings(self):
        self.env.cr.execute(
            "SELECT coalesce(sum(value), 0) FROM integration_metric_counter "
            "WHERE source = 'events' AND labels = %s",
            ('{"type": "integration.ping"}',),
        )
        return self.env.cr.fetchone()[0]

    def test_counts_live_then_rolled_up_then_after_retention(self):
        before = self.pings()
        rolled_before = self.rolled_pings()
        self.emit(3)
        self.assertEqual(self.pings(), before + 3, "new rows are counted live")
        self.metrics._cron_rollup()  # notes the high-water mark
        self.metrics._cron_rollup()  # moves it: nothing else is open
        self.assertEqual(self.rolled_pings(), rolled_before + 3)
        self.assertEqual(self.pings(), before + 3, "not counted twice")
        # retention deletes the detail rows: the counter keeps them
        self.env["integration.event"].search(
            [("type", "=", "integration.ping")]
        ).unlink()
        self.env.flush_all()
        self.assertEqual(self.pings(), before + 3)
        self.emit(1)
        self.assertEqual(self.pings(), before + 4)

    def test_an_open_older_transaction_holds_the_rollup_back(self):
        """A row with a lower id may still commit: no rollup past it until
        the transactions older than the high-water mark have ended."""
        rolled_before = self.rolled_pings()
        # a connection of its own (registry.cursor() is the test cursor here)
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT 1")  # a transaction is open over there
            self.emit(2)
            self.metrics._cron_rollup()  # high-water mark noted now
            self.metrics._cron_rollup()
            self.assertEqual(self.rolled_pings(), rolled_before, "held back")
            live = self.pings()
            other.rollback()
        # the other transaction ended; a new one began after the mark
        self.metrics._cron_rollup()
        self.assertEqual(self.rolled_pings(), rolled_before + 2)
        self.assertEqual(self.pings(), live)

    def test_open_exceptions_by_kind_and_system(self):
        for index in range(2):
            self.env["integration.exception"].report(
                kind="business_rule",
                title="Rejected",
                fingerprint=f"metrics-test-{index}",
                system=self.system,
            )
        self.env.flush_all()
        family = self.scrape()["integration_exceptions_open"]
        mine = [
            s
            for s in family.samples
            if s.labels["system"] == "test_shop" and s.labels["kind"] == "business_rule"
        ]
        self.assertEqual([s.value for s in mine], [2.0])
        self.assertEqual(mine[0].labels["system_id"], str(self.system.id))

    def test_open_exceptions_have_their_own_partial_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = "
            "'integration_metric_exception_open_idx'"
        )
        self.assertIn("WHERE", self.env.cr.fetchone()[0])
