"""Reaching a partner's server without reaching ours: the address policy for webhook endpoints.

A webhook URL is typed by a supervisor (or an attacker holding a supervisor's session), and the
worker that posts to it sits inside the program's network, next to the database, Redis and the
cloud metadata service. So an endpoint must be https, and its host must resolve only to public
addresses: loopback, private, link-local, carrier-grade NAT, reserved, multicast and unspecified
ranges are refused, for IPv4 and IPv6 alike (IPv4-mapped, 6to4 and NAT64 addresses are judged
by the IPv4 address inside them). The check runs twice: when the URL is saved (a clear field
error) and when the worker connects, on the very address it then connects to, so a DNS answer
that changes between the check and the connection (rebinding) changes nothing.

No library for this is well kept in Python today (advocate, the best known, was last released in
2020), so it is written here with the standard library's ipaddress and http.client.

FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK lets plain http reach 127.0.0.1/::1 for the test suite's
local fake partner; production refuses to start with it on. This module never follows a redirect.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class EgressRefused(Exception):
    """The endpoint may not be reached; the message says why, without anything it sent back."""


def allow_http_loopback() -> bool:
    return bool(getattr(settings, "FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK", False))


def _inner_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it really goes."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_refusal(address: IPAddress, *, loopback_ok: bool = False) -> str | None:
    """Why ADDRESS may not be a webhook target, or None when it is a public unicast address."""
    inner = _inner_ipv4(address)
    if inner.is_loopback:
        return None if loopback_ok else "a loopback address"
    if inner.is_unspecified:
        return "an unspecified address"
    if inner.is_link_local:
        return "a link-local address (such as the cloud metadata service)"
    if inner.is_multicast:
        return "a multicast address"
    if inner.is_private:
        return "a private address"
    if inner.is_reserved:
        return "a reserved address"
    if not inner.is_global:
        return "an address that is not public"  # carrier-grade NAT, documentation, Teredo...
    return None


def _literal_address(host: str) -> IPAddress | None:
    """HOST as an IP address, including the short and numeric IPv4 forms a resolver accepts."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # "127.1", "2130706433", "0x7f.1"
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse_endpoint_url(url: str) -> Target:
    """Check the URL's shape and its host as far as can be known without DNS; raise EgressRefused."""
    if not isinstance(url, str) or not url or any(c in url for c in "\x00\r\n\t "):
        raise EgressRefused("Enter the partner's https address.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EgressRefused("This is not a valid web address.") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("https", "http"):
        raise EgressRefused("Only https addresses may receive referrals.")
    if not host:
        raise EgressRefused("The address has no host name.")
    if parts.username is not None or parts.password is not None:
        raise EgressRefused("Put no user name or password in the address; the signature authenticates us.")
    literal = _literal_address(host)
    loopback_name = host in LOCAL_NAMES or host.endswith(".localhost")
    is_loopback = loopback_name or (literal is not None and _inner_ipv4(literal).is_loopback)
    loopback_ok = allow_http_loopback() and is_loopback
    # With the test allowance, a name may still be http: it must resolve to loopback at connect time.
    if scheme == "http" and not (loopback_ok or (allow_http_loopback() and literal is None)):
        raise EgressRefused("Only https addresses may receive referrals.")
    if loopback_name and not loopback_ok:
        raise EgressRefused("This address points at this server itself.")
    if literal is not None:
        reason = address_refusal(literal, loopback_ok=loopback_ok)
        if reason:
            raise EgressRefused(f"This address points at {reason}, not at a partner's server.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def validate_endpoint_url(url: str) -> None:
    """Django validator for the endpoint's URL field: the admin form and full_clean both run it."""
    try:
        parse_endpoint_url(url)
    except EgressRefused as refusal:
        raise ValidationError(str(refusal), code="endpoint_url") from None


def resolve(target: Target) -> list[IPAddress]:
    """Resolve the host once: the addresses to try, in the resolver's order. Refuse if ANY answer is
    internal (a name that points inside as well as outside is not a partner's)."""
    loopback_ok = allow_http_loopback()
    try:
        answers = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise EgressRefused(f"The partner's host name {target.host} could not be resolved.") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        reason = address_refusal(address, loopback_ok=loopback_ok)
        if reason:
            raise EgressRefused(f"Refused: {target.host} resolves to {reason}.")
        if target.scheme == "http" and not _inner_ipv4(address).is_loopback:
            raise EgressRefused("Refused: plain http is allowed only to this machine's loopback, for tests.")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise EgressRefused(f"The partner's host name {target.host} has no address.")
    return addresses


def _pin(connection: http.client.HTTPConnection, addresses: list[IPAddress]) -> None:
    """Make the connection dial only the checked ADDRESSES (in order, as a browser falls back from
    IPv6 to IPv4) while TLS still verifies the certificate against the host name."""

    def dial(_host_port, timeout, source_address=None):
        error: OSError | None = None
        for address in addresses:
            try:
                return socket.create_connection((str(address), connection.port), timeout, source_address)
            except OSError as failed:
                error = failed
        raise error or OSError("no address to connect to")

    connection._create_connection = dial


def post(url: str, *, body: bytes, headers: dict, timeout: float) -> int:
    """POST BODY to URL once and answer the HTTP status. Never follows a redirect; raises
    EgressRefused when policy refuses the target and OSError when the partner cannot be reached."""
    target = parse_endpoint_url(url)
    addresses = resolve(target)
    if target.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(target.host, target.port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    _pin(connection, addresses)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # drain a little; the content is never stored or shown
        return response.status
    finally:
        connection.close()
