"""The real client address of a request, the one thing audit, throttles and lockout key on.

Only the proxies the operator says are there (FIRSTLINE_TRUSTED_PROXIES) are believed: each of them
appends the address it saw to X-Forwarded-For, so the client is the Nth entry from the right.
Whatever a client writes into the header itself sits further left and is never read. Anything that
is not an IP address is ignored rather than stored, so a garbage header can never break a request.
"""

import ipaddress
from collections.abc import Mapping

from django.conf import settings


def _valid_address(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443" from some proxies
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(meta: Mapping) -> str | None:
    """The client's address from a request's META (or an ASGI-built equivalent), or None."""
    direct = _valid_address(meta.get("REMOTE_ADDR"))
    trusted = settings.FIRSTLINE_TRUSTED_PROXIES
    if trusted <= 0:
        return direct
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer hops than proxies: the request did not come through all of them; trust the socket.
        return direct
    return _valid_address(hops[-trusted]) or direct


def client_address_of(request) -> str | None:
    """The same, for a Django or DRF request (django-axes and the throttles call this)."""
    return client_address(request.META)
