"""18.0.1.2.0: every exception is classified (``kind`` names a class of
problem, ``audience`` says who acts on it).

Exceptions written before were ``other`` when no kind fitted; their
fingerprint tells what they were about (``tools/exception_policy.py``).
The new stored ``audience`` column is filled here in SQL, so the update
does not compute it row by row through the ORM on a large table.
"""

from odoo.addons.integration_core.tools.exception_policy import (
    BUSINESS_KINDS,
    LEGACY_FINGERPRINT_KINDS,
)


def migrate(cr, version):
    for prefix, kind in LEGACY_FINGERPRINT_KINDS:
        cr.execute(
            """
            UPDATE integration_exception SET kind = %s
             WHERE kind = 'other' AND fingerprint LIKE %s
            """,
            (kind, prefix.replace("%", r"\%").replace("_", r"\_") + "%"),
        )
    cr.execute(
        "ALTER TABLE integration_exception ADD COLUMN IF NOT EXISTS audience varchar"
    )
    cr.execute(
        """
        UPDATE integration_exception
           SET audience = CASE WHEN kind IN %s THEN 'business' ELSE 'technical' END
        """,
        (tuple(sorted(BUSINESS_KINDS)),),
    )
