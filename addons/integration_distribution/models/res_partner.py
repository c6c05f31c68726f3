from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _integration_address_values(self, system, kind="customer"):
        """Plain values of this contact for an event payload.

        ``code`` is the system's code for the contact: a mapping of ``kind``
        first, then a mapping of any kind (a customer is often its own
        ship-to). ``None`` without a system or mapping.
        """
        self.ensure_one()
        Mapping = self.env["integration.mapping"]
        code = None
        if system:
            code = Mapping.code_for(
                system, self, kind=kind, fallback=False
            ) or Mapping.code_for(system, self, fallback=False)
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
