from odoo import models


class IntegrationReprocessMixin(models.AbstractModel):
    """Something an exception can point at and retry once a person fixed it.

    Deliveries, inbound messages and other sources inherit this mixin and
    override :meth:`_integration_reprocess`; the exception dashboard calls it
    without knowing what the source is.
    """

    _name = "integration.reprocess.mixin"
    _description = "Integration reprocessable source"

    def _integration_reprocess(self):
        """Try again. Return True when the problem is gone.

        :raise UserError: when the retry failed in a way the user should read
        """
        return False

    def _integration_label(self):
        """Short business-friendly label for the exception dashboard."""
        self.ensure_one()
        return self.display_name
