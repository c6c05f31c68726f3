"""End to end: the README's tour (``setup/demo-loop``) runs against a started
Odoo with the demo data, as a newcomer runs it: order -> accepted ->
released -> acknowledged -> ship-confirmed in part (backorder) -> carrier
milestones -> delivered -> invoiced -> returned, every event received by the
partner's receiver and verified with the Standard Webhooks library."""

import pathlib
import re
import shutil
import subprocess
import sys

from .odoo_server import OdooServer

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "setup" / "demo-loop"


def test_the_tour_runs_the_whole_loop(registry, odoo_settings):
    conf, db = odoo_settings
    with OdooServer(conf, db, workers=3) as server:
        run = subprocess.run(
            [sys.executable, str(SCRIPT), "--url", server.url, "--db", db],
            capture_output=True,
            text=True,
            timeout=600,
        )
    output = run.stdout + run.stderr
    print(output)
    assert run.returncode == 0, output[-3000:]
    for seen in (
        "order.accepted",
        "shipment.released",
        "/ack: 200",
        "/confirm: 201",
        "shipment.dispatched",
        "partially_shipped",
        "delivery.confirmed",
        "invoice.posted",
        "POST /returns: 201",
        "return.received",
        "at the end: returned",
    ):
        assert seen in output, f"{seen!r} missing from the tour"
    assert "failed signature verification" not in output
    # the invoice PDF over real HTTP, rendered by another worker's assets
    rendered = shutil.which("wkhtmltopdf")
    assert ("/pdf: a PDF of" if rendered else "/pdf: 503") in output
    counts = re.search(r"(\d+) deliveries received, (\d+) of them verified", output)
    assert counts, output[-2000:]
    received, verified = map(int, counts.groups())
    assert received >= 7 and verified == received, counts.group(0)
