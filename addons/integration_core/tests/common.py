from odoo.tests import TransactionCase, new_test_user


class IntegrationCase(TransactionCase):
    """Users and a partner system shared by the suite's model tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.system = cls.env["integration.system"].create(
            {"name": "Test shop", "code": "test_shop", "kind": "web_shop"}
        )
        cls.integration_user = new_test_user(
            cls.env,
            login="integration_user",
            groups="base.group_user,integration_core.group_integration_user",
        )
        cls.integration_manager = new_test_user(
            cls.env,
            login="integration_manager",
            groups="base.group_user,integration_core.group_integration_manager",
        )
        cls.plain_user = new_test_user(
            cls.env, login="plain_user", groups="base.group_user"
        )
