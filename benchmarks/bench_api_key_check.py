"""API key check: the suite's keyed hash vs Odoo's own API key hash.

The issue asks for key checks "well under a millisecond": API keys are long
random secrets, so a slow password hash buys nothing. The alternative an
Odoo developer would reach for is Odoo's own API key scheme
(``res.users.apikeys``: passlib ``pbkdf2_sha512``, ``KEY_CRYPT_CONTEXT``).
Both verify the same kind of secret, in this process, without a database.

Run: ``python3 benchmarks/bench_api_key_check.py``
"""

import importlib.util
import time

from common import ROOT

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT


def _load_api_keys():
    """The pure tool, by path: importing the addon would load its models."""
    path = ROOT / "addons" / "integration_api" / "tools" / "api_keys.py"
    spec = importlib.util.spec_from_file_location("integration_api_keys", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api_keys = _load_api_keys()

CHECKS = 20000
ODOO_CHECKS = 200


def per_check_ms(check, count):
    check()  # warm
    started = time.perf_counter()
    for _ in range(count):
        if not check():
            raise RuntimeError("a valid key was refused")
    return (time.perf_counter() - started) * 1000 / count


def main():
    public_id, secret, _token = api_keys.generate_api_key()
    stored = api_keys.hash_secret(public_id, secret)
    ours = per_check_ms(
        lambda: api_keys.secret_matches(public_id, secret, stored), CHECKS
    )
    odoo_hash = KEY_CRYPT_CONTEXT.hash(secret)
    theirs = per_check_ms(
        lambda: KEY_CRYPT_CONTEXT.verify(secret, odoo_hash), ODOO_CHECKS
    )
    print(f"\n== API key check, one valid key ({CHECKS} and {ODOO_CHECKS} checks)")
    print(
        f"suite (HMAC-SHA256, constant-time compare): {ours * 1000:8.1f} µs per check"
    )
    print(
        f"Odoo res.users.apikeys (pbkdf2_sha512)     : {theirs * 1000:8.1f} µs per check"
    )
    print(f"ratio Odoo / suite: {theirs / ours:.0f}x")


if __name__ == "__main__":
    main()
