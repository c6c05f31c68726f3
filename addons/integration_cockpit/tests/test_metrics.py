"""The SLA measures on /metrics, parsed by prometheus_client's own parser."""

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from odoo import fields
from odoo.tests import tagged

from .common import CockpitCase


@tagged("post_install", "-at_install")
class TestSlaMetrics(CockpitCase):
    def _bucket(self, measure, start, samples, within):
        return self.Measure.create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "measure": measure,
                "granularity": "day",
                "bucket_start": start,
                "samples": samples,
                "within": within,
                "attainment": 100.0 * within / samples if samples else 0.0,
            }
        )

    def _samples(self, name):
        text = self.env["integration.metrics"]._metrics_text()
        families = {f.name: f for f in text_string_to_metric_families(text)}
        return {
            (s.labels["system"], s.labels["measure"]): s.value
            for s in families[name].samples
            if s.labels.get("system_id") == str(self.system.id)
        }

    def test_todays_attainment_per_system_and_measure(self):
        today = fields.Datetime.to_datetime(fields.Date.today())
        self._bucket("order_acceptance", today, samples=8, within=6)
        self._bucket("partner_ack", today, samples=0, within=0)
        # yesterday's bucket is history: the graph views show it, not /metrics
        self._bucket("shipment_confirmation", today - timedelta(days=1), 4, 1)
        code = self.system.code
        self.assertEqual(
            self._samples("integration_sla_attainment_ratio"),
            {(code, "order_acceptance"): 0.75},
            "a measure without samples today has no attainment yet",
        )
        self.assertEqual(
            self._samples("integration_sla_samples_today"),
            {(code, "order_acceptance"): 8, (code, "partner_ack"): 0},
        )
        self.assertEqual(
            self._samples("integration_sla_within_target_today"),
            {(code, "order_acceptance"): 6, (code, "partner_ack"): 0},
        )
