"""The technical code proposed for a partner system from its name.

>>> propose_code("Shopify EU store")
'shopify_eu_store'
>>> propose_code("  3PL Nord-Süd / Lager #2 ")
'3pl_nord_sud_lager_2'
>>> propose_code("!!!")
''
"""

import re
import unicodedata

__all__ = ["propose_code"]

_MAX_LENGTH = 32


def propose_code(name):
    """A lower-case ASCII slug of ``name`` (words joined by ``_``), at most 32
    characters; ``""`` when the name has no letter or digit."""
    ascii_name = (
        unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return slug[:_MAX_LENGTH].rstrip("_")
