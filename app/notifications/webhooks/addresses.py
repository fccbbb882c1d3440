"""Which URLs may receive webhooks, and where a delivery may connect.

Only ``http`` and ``https``, and never a URL with a user name or password in it (the
signature authenticates the sender; a password in a URL ends up in logs). Unless
``WEBHOOK_ALLOW_PRIVATE`` is on (development and the tests), an endpoint must resolve to
public addresses only — no loopback, private, link-local, shared or reserved range — so the
server cannot be made to post into its own network (SSRF). The check runs when an endpoint
is registered and again before every delivery, and the delivery connects to the very
address it checked (the name is kept for the Host header and TLS), so a name that later
resolves elsewhere (DNS rebinding) cannot slip past it.
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import Refused

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 500


class UnsafeAddress(Refused):
    """The URL may not receive webhooks; the message says why."""

    def __init__(self, message):
        super().__init__(message, "url")


@dataclass(frozen=True)
class Connection:
    """Where one delivery goes: the URL to request, and the headers and options that keep
    the endpoint's own name for HTTP and TLS when the URL names the checked address."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def check_url(url: str) -> str:
    """The URL, stripped, if an endpoint may have it; ``UnsafeAddress`` if not."""
    url = (url or "").strip()
    if not url:
        raise UnsafeAddress(_l("Give the address that receives the webhooks."))
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeAddress(_l("The address is too long (at most 500 characters)."))
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeAddress(_l("Only http:// and https:// addresses can receive webhooks."))
    if "@" in parts.netloc:
        raise UnsafeAddress(
            _l(
                "Leave the user name and password out of the address: the signature proves "
                "who sent each webhook."
            )
        )
    try:
        port = parts.port
    except ValueError:
        raise UnsafeAddress(_l("The address's port is not a valid number.")) from None
    if not parts.hostname:
        raise UnsafeAddress(_l("The address names no host."))
    if not private_allowed():
        public_addresses(parts.hostname, port or _default_port(parts.scheme))
    return url


def connection_for(url: str) -> Connection:
    """How to reach the endpoint now: as it is where private addresses are allowed, else
    at one public address it resolves to, checked."""
    if private_allowed():
        return Connection(url)
    parts = urlsplit(url)
    port = parts.port or _default_port(parts.scheme)
    address = public_addresses(parts.hostname, port)[0]
    host = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
    extensions = {"sni_hostname": parts.hostname} if parts.scheme.lower() == "https" else {}
    return Connection(pinned, {"Host": parts.netloc}, extensions)


def private_allowed() -> bool:
    return bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"])


def public_addresses(host: str, port: int) -> list:
    """Every address ``host`` resolves to, if all are public; ``UnsafeAddress`` if not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeAddress(_l("The address's host name does not resolve.")) from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
    if not addresses or not all(is_public(address) for address in addresses):
        raise UnsafeAddress(
            _l(
                "The address leads into a private network (loopback, private or reserved "
                "addresses), which webhooks may not reach."
            )
        )
    return addresses


def is_public(address) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address counts as its
    IPv4 address)."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80
