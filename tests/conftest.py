import pytest

from .odoo_env import load, receiver_class, test_settings


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
