from odoo import api, models

# Status words of a check, from best to worst.
HEALTH_STATUSES = ("ok", "warning", "failing")


class IntegrationHealth(models.AbstractModel):
    """The suite's health checks: one hook every module adds to.

    A module with a backlog or a dependency worth watching extends
    :meth:`_health_checks`::

        class IntegrationHealth(models.AbstractModel):
            _inherit = "integration.health"

            @api.model
            def _health_checks(self):
                return super()._health_checks() + [
                    {"name": "my_backlog", "status": "ok", "value": 3},
                ]

    ``integration_api`` publishes the checks at ``GET /api/v1/health``.
    """

    _name = "integration.health"
    _description = "Integration health checks"

    @api.model
    def _health_checks(self):
        """What each module says about its part.

        Called as superuser; each check must be cheap (a count, an oldest
        date) and never raise.

        :return: a list of dicts, each with ``name`` (a key unique in the
            list), ``status`` (one of :data:`HEALTH_STATUSES`), ``value``
            (the check's main figure: a word, a number or a dict) and, if
            useful, more figures of its own
        """
        self.env.cr.execute("SELECT 1")
        self.env["integration.exception"].flush_model(["state"])
        self.env.cr.execute(
            "SELECT count(*) FROM integration_exception "
            "WHERE state IN ('new', 'in_progress')"
        )
        [open_exceptions] = self.env.cr.fetchone()
        return [
            {"name": "database", "status": "ok", "value": "ok"},
            {"name": "open_exceptions", "status": "ok", "value": open_exceptions},
        ]

    @api.model
    def _health_report(self):
        """The checks and the worst of their statuses.

        :return: ``{"status": worst status, "checks": [check, ...]}``
        """
        checks = self.sudo()._health_checks()
        worst = max(
            (HEALTH_STATUSES.index(check["status"]) for check in checks), default=0
        )
        return {"status": HEALTH_STATUSES[worst], "checks": checks}
