"""End to end: schemathesis fuzzes a started Odoo from its own OpenAPI document.

schemathesis needs newer packages than Odoo's pins, so it runs from a virtual
environment of its own (created on first use under
``~/.cache/odoo-integration/venv-schemathesis``, reused afterwards; override
with ``SCHEMATHESIS_VENV``) as a command-line client of the server. With a
key that has every scope, at least :data:`MIN_CASES` generated requests must
get no server error and only answers that match the documented schemas.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import uuid

import pytest
import requests

from .odoo_env import environment, selling_system
from .odoo_server import OdooServer

VENV = pathlib.Path(
    os.environ.get(
        "SCHEMATHESIS_VENV",
        pathlib.Path.home() / ".cache" / "odoo-integration" / "venv-schemathesis",
    )
)
REQUIREMENT = "schemathesis>=4.1,<5"
MIN_CASES = 1000
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "70"))
CHECKS = "not_a_server_error,response_schema_conformance"
CUSTOMER = "FUZZ-CUST"
SKU = "FUZZ-SKU"


def schemathesis_cli():
    """The ``schemathesis`` command of the venv, created when missing."""
    cli = VENV / "bin" / "schemathesis"
    if not cli.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "--quiet", REQUIREMENT], check=True
        )
    return cli


@pytest.fixture(scope="module")
def cli():
    try:
        return schemathesis_cli()
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.fail(f"cannot create the schemathesis venv at {VENV}: {exc}")


@pytest.fixture(scope="module")
def server(odoo_settings):
    conf, db = odoo_settings
    with OdooServer(conf, db, workers=2) as server:
        yield server


@pytest.fixture(scope="module")
def shop(registry):
    """A system whose technical user may sell, with a mapped customer and
    product, and a key with every scope and no rate limit."""
    tag = uuid.uuid4().hex[:6]
    with environment(
        registry, {"tracking_disable": True, "no_reset_password": True}
    ) as env:
        system = selling_system(env, f"Fuzz shop {tag}", f"fuzz_{tag}")
        customer = env["res.partner"].create({"name": f"Fuzz customer {tag}"})
        product = env["product.product"].create(
            {"name": f"Fuzz {tag}", "type": "consu"}
        )
        env["integration.mapping"].create(
            [
                {
                    "system_id": system.id,
                    "kind": "customer",
                    "external_code": CUSTOMER,
                    "res_id": customer.id,
                },
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_code": SKU,
                    "res_id": product.id,
                },
            ]
        )
        key = env["integration.api.key"].create(
            {
                "name": "schemathesis",
                "system_id": system.id,
                "rate_limit_per_minute": 0,
                "scope_ids": [(6, 0, env["integration.api.scope"].search([]).ids)],
            }
        )
        return {"token": key._issue_secret()}


def known_records(server, token):
    """An order and a kept message that exist, so that a share of the
    generated requests reaches them instead of answering 404."""
    headers = {"X-Api-Key": token}
    refs, message_ids = [], []
    for index in range(2):
        ref = f"FUZZ-{uuid.uuid4().hex[:8]}"
        lines = [{"sku": SKU if index == 0 else "UNMAPPED-SKU", "qty": 1}]
        response = requests.post(
            f"{server.url}/api/v1/orders",
            json={"external_ref": ref, "customer": {"code": CUSTOMER}, "lines": lines},
            headers=headers,
            timeout=120,
        )
        assert response.status_code in (201, 202), response.text
        refs.append(ref)
        if response.status_code == 202:
            message_ids.append(str(response.json()["message_id"]))
    return refs, message_ids


def config_file(path, refs, message_ids):
    """Known values for a share of the path parameters and of the order's codes."""
    dictionaries = {
        "refs": refs,
        "message_ids": message_ids,
        "slugs": ["not-found", "validation-failed", "unstorable-value"],
        "customers": [CUSTOMER],
        "skus": [SKU],
    }
    bindings = {
        "path.ref": "refs",
        "path.id": "message_ids",
        "path.slug": "slugs",
        "body.customer.code": "customers",
        "body.lines[*].sku": "skus",
    }
    text = "".join(
        f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n\n"
        for name, values in dictionaries.items()
    )
    text += "[parameters]\n" + "".join(
        f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}\n'
        for key, name in bindings.items()
    )
    path.write_text(text)
    return path


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    cli, server, shop, tmp_path
):
    token = shop["token"]
    config = config_file(tmp_path / "schemathesis.toml", *known_records(server, token))
    command = [
        str(cli),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--header",
        f"X-Api-Key: {token}",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "2",
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261201"),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    # in tmp_path: schemathesis keeps a cache directory (.schemathesis) where it runs
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, check=False, cwd=tmp_path
    )
    output = run.stdout + run.stderr
    (tmp_path / "schemathesis.log").write_text(output)
    cases = re.search(r"(\d+) generated", output)
    assert run.returncode == 0, output[-20000:]
    assert cases, output[-5000:]
    assert int(cases.group(1)) >= MIN_CASES, output[-5000:]
    assert not re.search(
        r"\b[1-9]\d* (failures?|errors?)\b", output.split("SUMMARY")[-1]
    ), output[-20000:]
