"""The PostgreSQL helpers and the exception classifier against a real server."""

import psycopg2

from odoo.sql_db import db_connect
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools import outcomes, params, pg


@tagged("-at_install", "post_install")
class TestDoctests(BaseCase):
    def test_doctests(self):
        import doctest

        for module in (pg, outcomes, params):
            result = doctest.testmod(module)
            self.assertEqual(result.failed, 0, f"doctest failures in {module.__name__}")
            self.assertGreater(result.attempted, 3, module.__name__)


@tagged("-at_install", "post_install")
class TestPg(TransactionCase):
    # a key no system or subscription has (ids are positive)
    KEY = -4242

    def other_session(self):
        cursor = db_connect(self.cr.dbname).cursor()
        self.addCleanup(cursor.close)
        return cursor

    def test_lock_timeout_is_a_concurrency_error_and_a_savepoint_retry_gets_the_lock(
        self,
    ):
        other = self.other_session()
        other.execute("SELECT pg_advisory_lock(%s, %s)", (pg.LOCK_API_ACCEPT, self.KEY))
        tries = []

        def work():
            tries.append(1)
            if len(tries) == 2:  # the other session lets go between the tries
                other.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (pg.LOCK_API_ACCEPT, self.KEY)
                )
            self.cr.execute("SET LOCAL lock_timeout = '100ms'")
            self.cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (pg.LOCK_API_ACCEPT, self.KEY)
            )
            return "locked"

        with mute_logger("odoo.sql_db"):
            self.assertEqual(pg.savepoint_retry(self.cr, work), "locked")
        self.assertEqual(len(tries), 2)
        self.cr.execute("SET LOCAL lock_timeout = 0")

        # and what the first try raised
        other.execute(
            "SELECT pg_advisory_lock(%s, %s)", (pg.LOCK_API_ACCEPT, self.KEY - 1)
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.OperationalError) as caught,
            self.cr.savepoint(),
        ):
            self.cr.execute("SET LOCAL lock_timeout = '50ms'")
            self.cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (pg.LOCK_API_ACCEPT, self.KEY - 1),
            )
        self.assertEqual(caught.exception.pgcode, pg.LOCK_NOT_AVAILABLE)
        self.assertTrue(pg.is_lock_not_available(caught.exception))
        self.assertEqual(
            outcomes.classify_exception(caught.exception), outcomes.RETRY_NOW
        )

    def test_unique_violation_is_a_lost_race(self):
        self.cr.execute("CREATE TEMPORARY TABLE pg_helper_test (code int PRIMARY KEY)")
        self.cr.execute("INSERT INTO pg_helper_test VALUES (1)")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError) as caught,
            self.cr.savepoint(),
        ):
            self.cr.execute("INSERT INTO pg_helper_test VALUES (1)")
        self.assertEqual(
            outcomes.classify_exception(caught.exception), outcomes.LOST_RACE
        )
        self.assertFalse(pg.is_concurrency_error(caught.exception))

    def test_read_committed_sets_the_transaction_level(self):
        other = self.other_session()
        pg.read_committed(other)
        other.execute("SHOW transaction_isolation")
        self.assertEqual(other.fetchone()[0], "read committed")
        other.rollback()
        pg.read_committed(other, testing=True)  # nothing in tests
        other.execute("SHOW transaction_isolation")
        self.assertEqual(other.fetchone()[0], "repeatable read")

    def test_config_param_reads_typed_settings(self):
        set_param = self.env["ir.config_parameter"].sudo().set_param
        set_param("integration.test_number", "7")
        set_param("integration.test_flag", "true")
        set_param("integration.test_broken", "seven")
        self.assertEqual(params.config_param(self.env, "integration.test_number", 3), 7)
        self.assertEqual(
            params.config_param(self.env, "integration.test_number", 3, maximum=5), 5
        )
        self.assertIs(
            params.config_param(self.env, "integration.test_flag", False), True
        )
        self.assertEqual(params.config_param(self.env, "integration.test_broken", 3), 3)
        self.assertEqual(
            params.config_param(self.env, "integration.test_missing", 2.5), 2.5
        )
