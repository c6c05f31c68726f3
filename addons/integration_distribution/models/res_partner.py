from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _integration_address_values(self, system, kind="customer", codes=None):
        """Plain values of this contact for an event payload.

        ``code`` is the system's code for the contact: a mapping of ``kind``
        first, then a mapping of any kind (a customer is often its own
        ship-to). ``None`` without a system or mapping.

        :param codes: the system's ``CodeTable`` when the caller read one
            for many records (``integration.mapping.code_table``)
        """
        self.ensure_one()
        code = None
        if system:
            if codes is None:
                codes = self.env["integration.mapping"].code_table(system, self)
            code = codes.get(self, kind) or codes.get(self)
        return {
            "id": self.id,
            "name": self.display_name,
            "street": self.street,
            "street2": self.street2,
            "zip": self.zip,
            "city": self.city,
            "state_code": self.state_id.code,
            "country_code": self.country_id.code,
            "ref": self.ref,
            "code": code,
        }
