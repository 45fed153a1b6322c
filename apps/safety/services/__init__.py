"""Every write about responder safety: emergencies, caution notes, co-responses and on-scene
check-ins. Doors call these through this package's names; the modules inside are split by what
they write."""

from apps.safety.services.cautions import caution_save
from apps.safety.services.checkins import checkin_answer, checkins_sweep
from apps.safety.services.coresponses import co_response_request, co_response_update
from apps.safety.services.emergencies import emergency_acknowledge, emergency_raise, emergency_resolve

__all__ = [
    "caution_save",
    "checkin_answer",
    "checkins_sweep",
    "co_response_request",
    "co_response_update",
    "emergency_acknowledge",
    "emergency_raise",
    "emergency_resolve",
]
