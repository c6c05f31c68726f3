"""Errors of after-sales business methods that the partner must fix itself."""


class ReturnRefused(Exception):
    """A return that cannot be, as sent: a ``422`` with JSON pointers.

    Not an ``IntegrationError``: nothing a person in Odoo can change makes
    it right (more than was delivered, an order of someone else); the
    partner corrects the request.

    :param errors: ``[{"pointer": "/lines/0/quantity", "detail": "..."}]``
    """

    def __init__(self, message, errors):
        super().__init__(message)
        self.message = message
        self.errors = errors
