import importlib.util
import pathlib

import pytest

from .odoo_env import load, test_settings


@pytest.fixture(scope="session")
def odoo_settings():
    return test_settings()


@pytest.fixture(scope="session")
def registry(odoo_settings):
    conf, db = odoo_settings
    return load(conf, db)


def _receiver_class():
    """The webhook tests' receiver, loaded by path: importing the addon's
    ``tests`` package would pull Odoo's test framework into this process."""
    import odoo.addons.integration_webhook as addon

    path = pathlib.Path(addon.__file__).parent / "tests" / "receiver.py"
    spec = importlib.util.spec_from_file_location("integration_test_receiver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WebhookReceiver


@pytest.fixture()
def receiver(registry):
    with _receiver_class()() as receiver:
        yield receiver
