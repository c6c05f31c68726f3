"""Start Odoo, as Odoo's own odoo-bin does, with any python that imports odoo.

``python3 -m odoo`` is not enough for a multi-process server: with
``--workers`` Odoo starts its gevent (websocket) process by running
``sys.argv[0]`` again, and that must be a script, not ``odoo/__main__.py``.
"""

import os

# Odoo expects the server to run in UTC; set it before anything reads the time.
os.environ["TZ"] = "UTC"

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
