"""Direct database access for tests and benchmarks, as Odoo business code has.

The test process loads the registry of the database and commits like any
Odoo transaction would; the started server does the delivering.
"""

import contextlib
import os
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

_loaded = {}


def test_settings():
    """``(config path, database)`` of the tests.

    Under pytest-odoo (``--odoo-config``, as ``setup/test`` runs pytest) the
    configuration it parsed, used as it is; otherwise the environment
    variables ``INTEGRATION_TEST_CONF`` and ``INTEGRATION_TEST_DB``.
    """
    conf = os.environ.get("INTEGRATION_TEST_CONF")
    db = os.environ.get("INTEGRATION_TEST_DB")
    if conf and db:
        return conf, db
    rcfile = getattr(odoo.tools.config, "rcfile", None)
    if odoo.tools.config.get("db_name") and rcfile and os.path.isfile(rcfile):
        _loaded["conf"] = rcfile  # parsed already: load() keeps it
        return rcfile, odoo.tools.config["db_name"].split(",")[0]
    raise RuntimeError(
        "no test database: run pytest with --odoo-config=FILE (a configuration "
        "with db_name, see the README) or set INTEGRATION_TEST_CONF and "
        "INTEGRATION_TEST_DB"
    )


def load(conf, db):
    """Parse the Odoo configuration once and return the database's registry."""
    if "conf" not in _loaded:
        odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
        _loaded["conf"] = conf
    return odoo.modules.registry.Registry(db)


@contextlib.contextmanager
def environment(registry, context=None):
    """A superuser environment in a transaction committed on exit."""
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})


def selling_system(env, name, code):
    """An active web-shop system whose technical user may sell and read stock
    (what a shop's key acts as): the system, its user as ``user_id``."""
    groups = [
        env.ref(xmlid).id
        for xmlid in (
            "base.group_user",
            "sales_team.group_sale_salesman_all_leads",
            "stock.group_stock_user",
        )
    ]
    user = env["res.users"].create(
        {"name": f"{name} bot", "login": code, "groups_id": [(6, 0, groups)]}
    )
    system = env["integration.system"].create(
        {
            "name": name,
            "code": code,
            "kind": "web_shop",
            "state": "active",
            "user_id": user.id,
        }
    )
    return system


def create_database(conf, db, modules):
    """A fresh database with ``modules`` installed (for standalone runs)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            conf,
            "-d",
            db,
            "-i",
            modules,
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def receiver_class():
    """The webhook tests' receiver, loaded by path: importing the addon's
    ``tests`` package would pull Odoo's test framework into this process."""
    import importlib.util
    import pathlib

    import odoo.addons.integration_webhook as addon

    path = pathlib.Path(addon.__file__).parent / "tests" / "receiver.py"
    spec = importlib.util.spec_from_file_location("integration_test_receiver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WebhookReceiver


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
