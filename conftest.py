"""pytest configuration of the suite: Odoo's own test rules under pytest-odoo.

pytest-odoo (PyPI) loads the database's registry once, starts Odoo's HTTP
server with ``--odoo-http`` and lets pytest run the modules' unittest classes.
This file makes such a run select and run the same tests, in the same
conditions, as Odoo's runner (``odoo --test-enable``) does:

* only test classes defined in the test file itself, and only the test methods
  a class defines itself (unless ``allow_inherited_tests_method``), as
  ``odoo.tests.loader`` collects them: a base class imported into a test file
  does not run its tests twice;
* ``--odoo-test-tags SPEC`` (``setup/test`` passes ``TEST_TAGS``) selects
  tests with Odoo's ``--test-tags`` syntax, e.g. ``/integration_api:TestOpenApi``;
* ``odoo.modules.module.current_test`` is the running test, as Odoo's suite
  sets it (test cursors of HTTP requests check it; mail is not sent);
* no queue_job job runner thread starts in the test process, as under
  ``--stop-after-init`` (the end-to-end tests start servers with their own);
* an unexpected ERROR or CRITICAL log record during an Odoo test fails it
  (records expected by ``assertLogs`` or silenced by ``mute_logger`` do not
  reach the root logger);
* a test file's ``load_tests(loader, tests, pattern)`` (``unittest``'s
  protocol, e.g. ``doctest.DocTestSuite``) adds its extra tests, each an item.

Without ``--odoo-config``/``--odoo-database`` (or ``ODOO_RC``) pytest stops
with a usage message: every test here needs a database, prepared as the
README says (``TEST_DB=NAME setup/test --prepare``).
"""

import logging
import os
import time
import unittest

import pytest

# As odoo-bin sets it: Odoo computes in UTC.
os.environ["TZ"] = "UTC"
time.tzset()

_ODOO_OPTIONS = ("--odoo-database", "--odoo-config", "--odoo-dev")


class _TestFrameworkImport(logging.Filter):
    """Odoo logs an error when odoo.tests is imported outside ``--test-enable``;
    pytest-odoo imports it before any test runs: in this process that is
    expected."""

    def filter(self, record):
        return not str(record.msg).startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_TestFrameworkImport())


def _odoo_active(config):
    if not config.pluginmanager.hasplugin("odoo"):
        return False
    return any(config.getoption(o, None) for o in _ODOO_OPTIONS) or bool(
        os.environ.get("ODOO_RC") or os.environ.get("OPENERP_SERVER")
    )


def pytest_addoption(parser):
    parser.addoption(
        "--odoo-test-tags",
        action="store",
        default=None,
        help="select Odoo tests with Odoo's --test-tags syntax "
        "(e.g. /integration_api:TestOpenApi.test_document,-slow)",
    )


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("odoo"):
        raise pytest.UsageError(
            "the pytest-odoo plugin is not installed: run "
            "setup/install-requirements requirements-test.txt"
        )
    if not _odoo_active(config):
        raise pytest.UsageError(
            "these tests need an Odoo database: pass --odoo-config=FILE (a "
            "configuration with db_name) or --odoo-database=NAME; prepare one "
            "with `TEST_DB=NAME setup/test --prepare` (README, Test it)"
        )
    import odoo

    # As under Odoo's runner (--stop-after-init): queue_job starts no job
    # runner thread when pytest-odoo starts the HTTP server.
    odoo.tools.config["stop_after_init"] = True


def _is_odoo_case(obj):
    try:
        from odoo.tests.common import BaseCase
    except ImportError:
        return False
    return isinstance(obj, type) and issubclass(obj, BaseCase)


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    result = yield
    module = getattr(collector, "module", None)
    module_name = getattr(module, "__name__", "")
    if not module_name.startswith("odoo.addons."):
        return result
    if isinstance(obj, type) and issubclass(obj, unittest.TestCase):
        # odoo.tests.loader: a class runs in the file that defines it.
        if obj.__module__ != module_name:
            return None
        return result
    if name == "load_tests" and callable(obj):
        return LoadTests.from_parent(collector, name=name, callobj=obj)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    _add_missing(session, items)
    kept = []
    for item in items:
        cls = getattr(item, "cls", None)
        if (
            cls is not None
            and _is_odoo_case(cls)
            and not getattr(cls, "allow_inherited_tests_method", False)
            and item.name not in cls.__dict__
        ):
            # odoo.tests.loader runs only the methods a class defines itself.
            continue
        kept.append(item)
    spec = config.getoption("--odoo-test-tags")
    if spec:
        from odoo.tests.tag_selector import TagsSelector

        selector = TagsSelector(spec)
        selected, deselected = [], []
        for item in kept:
            cls = getattr(item, "cls", None)
            module = getattr(item, "module", None)
            if cls is not None and _is_odoo_case(cls):
                keep = selector.check(cls(item.name))
            else:
                # as Odoo's selector: a test without Odoo tags (a doctest of
                # load_tests) is not selected; the e2e tests are not Odoo's
                keep = not getattr(module, "__name__", "").startswith("odoo.addons.")
            (selected if keep else deselected).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        kept = selected
    items[:] = kept


def _add_missing(session, items):
    """Every test Odoo's loader finds in a collected test file must be an item
    (before -k/--odoo-test-tags select): a test pytest would not collect
    (odd class or file name) fails instead of going unnoticed."""
    from odoo.tests.loader import get_module_test_cases

    collected = {(item.cls, item.name) for item in items if getattr(item, "cls", None)}
    parents = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__.startswith("odoo.addons."):
            parents.setdefault(module.__name__, (module, item.parent))
    for module, item in parents.values():
        while not isinstance(item, pytest.Module):
            item = item.parent
        for test in get_module_test_cases(module):
            if (type(test), test._testMethodName) not in collected:
                items.append(
                    NotCollected.from_parent(
                        item,
                        name=f"{type(test).__name__}.{test._testMethodName}",
                    )
                )


class NotCollected(pytest.Item):
    def runtest(self):
        raise UnittestFailure(
            f"Odoo's test loader runs {self.name} of {self.parent.name}, but "
            "pytest did not collect it"
        )

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, self.name


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    cls = getattr(item, "cls", None)
    if cls is not None and _is_odoo_case(cls):
        import odoo

        odoo.modules.module.current_test = item.instance


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        cls = getattr(item, "cls", None)
        if cls is not None and _is_odoo_case(cls):
            import odoo

            odoo.modules.module.current_test = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    cls = getattr(item, "cls", None)
    if cls is None or not _is_odoo_case(cls):
        return (yield)
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        result = yield
    finally:
        root.removeHandler(handler)
    if handler.records and not getattr(item, "_excinfo", None):
        lines = "\n".join(
            f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records
        )
        pytest.fail(f"unexpected error log during the test:\n{lines}", pytrace=False)
    return result


class LoadTests(pytest.Collector):
    """The extra tests a test file's ``load_tests`` returns (doctests...)."""

    def __init__(self, *, callobj, **kwargs):
        super().__init__(**kwargs)
        self.callobj = callobj

    def collect(self):
        module = self.parent.obj
        loader = unittest.TestLoader()
        standard = unittest.TestSuite()
        for test in _flatten(self.callobj(loader, standard, None)):
            if isinstance(test, unittest.TestCase) and (
                type(test).__module__ == module.__name__
                and type(test).__name__ in vars(module)
            ):
                continue  # a class of the file: collected as a class already
            yield UnittestItem.from_parent(self, name=test.id(), test=test)


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


class UnittestItem(pytest.Item):
    def __init__(self, *, test, **kwargs):
        super().__init__(**kwargs)
        self.test = test

    def runtest(self):
        result = unittest.TestResult()
        self.test.run(result)
        problems = result.errors + result.failures
        if problems:
            raise UnittestFailure("\n".join(text for _, text in problems))
        if result.skipped:
            pytest.skip(result.skipped[0][1])

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, UnittestFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name


class UnittestFailure(Exception):
    pass
