from odoo import models
from odoo.exceptions import UserError


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

    def _integration_try_reprocess(self, exception):
        """Try again for ``exception`` without raising (bulk, crons).

        The default runs :meth:`_integration_reprocess` in a savepoint, so a
        failure leaves nothing behind. Sources that record a failed attempt
        themselves (kept messages) override it.

        :return: ``(solved, note)``: whether ``exception``'s problem is gone,
            and what to say about it
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return bool(self._integration_reprocess()), None
        except UserError as error:
            return False, str(error.args[0] if error.args else error)

    def _integration_auto_retry(self):
        """Whether Odoo may retry a transient exception of this source by
        itself. Override to say no where a person must decide."""
        return True

    def _integration_editable_fields(self):
        """The values a person may correct before reprocessing.

        :return: a list of ``{"pointer", "label", "value"}`` dicts (``pointer``
            names the value, e.g. a JSON pointer into a kept message); empty
            when nothing is declared editable
        """
        return []

    def _integration_apply_edits(self, changes):
        """Apply ``{pointer: new value}`` (pointers from
        :meth:`_integration_editable_fields`), keeping the original.

        :return: ``[(pointer, before, after)]`` of what changed
        """
        raise UserError(
            self.env._("Nothing of %(name)s can be edited.", name=self._description)
        )

    def _integration_label(self):
        """Short business-friendly label for the exception dashboard."""
        self.ensure_one()
        return self.display_name
