"""Server-side request forgery guard for webhook targets.

A subscription's URL is typed by an admin but the request is made by the
Odoo server, from inside the company network. Targets that resolve to
private, loopback, link-local or otherwise non-public addresses are refused
unless they fall in a network an administrator explicitly allowed.

The addresses that passed are returned: the caller connects to those and
does not resolve the name again, so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot lead inside.

>>> check_target_url("https://hooks.example.com/x", resolver=lambda h: ["93.184.216.34"])
['93.184.216.34']
>>> try:
...     check_target_url("http://169.254.169.254/latest", resolver=lambda h: [h])
... except UnsafeTargetError as error:
...     print(error)
169.254.169.254 is not a public address (link-local)
>>> check_target_url("http://127.0.0.1:8080/", allowed_networks="127.0.0.1/32",
...                  resolver=lambda h: [h])
['127.0.0.1']
"""

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class UnsafeTargetError(ValueError):
    """The URL may not be called from the Odoo server."""


class UnresolvableHostError(UnsafeTargetError):
    """The host does not resolve (now): not proven unsafe, not callable either."""


def parse_networks(allowed_networks):
    """``"10.0.0.0/8, 127.0.0.1"`` -> list of ``ip_network``; bad entries raise."""
    if not allowed_networks:
        return []
    if isinstance(allowed_networks, str):
        allowed_networks = allowed_networks.replace(";", ",").split(",")
    networks = []
    for item in allowed_networks:
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise UnsafeTargetError(f"{item!r} is not an IP network") from None
    return networks


def _system_resolver(host):
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


def address_problem(address):
    """Why ``address`` is not a public unicast address, or ``None``."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    for label in ("loopback", "link_local", "multicast", "unspecified", "reserved"):
        if getattr(ip, f"is_{label}"):
            return label.replace("_", "-")
    if ip.is_private or not ip.is_global:
        return "private"
    return None


def check_target_url(url, allowed_networks=None, resolver=None):
    """Raise :class:`UnsafeTargetError` unless ``url`` may be called.

    :param allowed_networks: CIDRs (list or comma-separated string) exempt
        from the address check
    :param resolver: ``host -> [address, ...]``; DNS by default
    :return: the vetted addresses of the host, in resolver order, each once
    """
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError as exc:
        raise UnsafeTargetError(f"invalid URL: {exc}") from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise UnsafeTargetError("only http and https URLs can receive webhooks")
    if not parts.hostname:
        raise UnsafeTargetError("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeTargetError(
            "credentials in the URL would be stored and logged in clear: "
            "use an extra header instead"
        )
    if port == 0:
        raise UnsafeTargetError("port 0 cannot be called")
    networks = parse_networks(allowed_networks)
    resolver = resolver or _system_resolver
    try:
        addresses = resolver(parts.hostname)
    except OSError as exc:
        raise UnresolvableHostError(
            f"{parts.hostname} does not resolve: {exc}"
        ) from None
    if not addresses:
        raise UnresolvableHostError(f"{parts.hostname} does not resolve")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in networks):
            continue
        problem = address_problem(address)
        if problem:
            raise UnsafeTargetError(f"{address} is not a public address ({problem})")
    return list(dict.fromkeys(addresses))
