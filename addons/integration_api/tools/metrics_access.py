"""Who may scrape ``/metrics``: a bearer token (stored as its SHA-256) or
an address in the allowlist. No ORM.

>>> networks = parse_allowlist("127.0.0.1, 10.0.0.0/8 ,::1")
>>> [str(n) for n in networks]
['127.0.0.1/32', '10.0.0.0/8', '::1/128']
>>> address_allowed("10.2.3.4", networks), address_allowed("192.168.1.1", networks)
(True, False)
>>> address_allowed("not an address", networks), address_allowed("", [])
(False, False)
>>> parse_allowlist("10.0.0.0/33")
Traceback (most recent call last):
...
ValueError: not an address or network: '10.0.0.0/33'
>>> bearer_token("Bearer abc.def"), bearer_token("bearer  xyz "), bearer_token("Basic abc")
('abc.def', 'xyz', None)
>>> digest = token_digest("s3cret-token")
>>> token_matches("s3cret-token", digest), token_matches("other", digest)
(True, False)
>>> token_matches(None, digest), token_matches("s3cret-token", "")
(False, False)
"""

import hashlib
import hmac
import ipaddress
import secrets

__all__ = [
    "address_allowed",
    "bearer_token",
    "new_token",
    "parse_allowlist",
    "token_digest",
    "token_matches",
]


def parse_allowlist(text):
    """The networks of a comma-separated list of addresses and CIDRs.

    :raises ValueError: naming the first entry that is neither
    """
    networks = []
    for entry in (text or "").replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {entry!r}") from None
    return networks


def address_allowed(address, networks):
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


def bearer_token(authorization):
    """The token of an ``Authorization: Bearer ...`` header, else ``None``."""
    scheme, _sep, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token, digest):
    """Constant-time check of ``token`` against its stored digest."""
    if not token or not digest:
        return False
    return hmac.compare_digest(token_digest(token), digest)


def new_token():
    return secrets.token_urlsafe(32)
