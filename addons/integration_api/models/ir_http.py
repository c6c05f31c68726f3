from werkzeug.routing import PathConverter

from odoo import models


class AnyPathConverter(PathConverter):
    """The rest of the path, whatever characters it holds.

    Werkzeug's ``path`` converter (``[^/].*?``) matches no newline, so a
    request for ``/api/v1/%0A`` fell through to Odoo's HTML 404 page; this
    one matches everything (newlines, U+0000, a leading slash), so every path
    under ``/api/v1`` reaches the API and gets a problem document.
    """

    regex = r"[\s\S]+"
    part_isolating = False


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return dict(super()._get_converters(), anypath=AnyPathConverter)
