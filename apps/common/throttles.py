"""API throttles that count per real client address (apps.common.net), never per forged header."""

from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from apps.common.net import client_address_of


class ClientAddressThrottle(SimpleRateThrottle):
    """DRF's throttles read X-Forwarded-For whole unless told otherwise; this one asks apps.common.net."""

    def get_ident(self, request):
        return client_address_of(request) or "unknown"


class ScopedClientAddressThrottle(ClientAddressThrottle, ScopedRateThrottle):
    """A view's `throttle_scope` rate, counted per client address, in the shared cache."""
