import threading

import pytest

import odoo

from .odoo_env import load, receiver_class, test_settings


@pytest.fixture(scope="module", autouse=True)
def outside_odoo_test_mode(enable_odoo_test_flag):
    """The end-to-end tests drive the database as a client process does, not
    as an Odoo test: pytest-odoo's test mode (``test_enable``, the thread's
    ``testing`` flag) is off while they run (set after pytest-odoo sets it)."""
    thread = threading.current_thread()
    saved = odoo.tools.config["test_enable"], getattr(thread, "testing", False)
    odoo.tools.config["test_enable"] = False
    thread.testing = False
    yield
    odoo.tools.config["test_enable"], thread.testing = saved


@pytest.fixture(scope="session")
def odoo_settings():
    return test_settings()


@pytest.fixture(scope="session")
def registry(odoo_settings):
    conf, db = odoo_settings
    return load(conf, db)


@pytest.fixture()
def receiver(registry):
    with receiver_class()() as receiver:
        yield receiver
