"""The timeline's sentences: recorded once in English, shown in the reader's language.

The services write each entry through `recorded_text` (the English `text` column, the record) and
keep what it was built from: `message`, one of the sentences below (an English msgid with named
placeholders), and `params`, its values. `shown_text` rebuilds the sentence in the active language,
translating the values that are the program's vocabulary (a source, a status, a disposition, the
names of edited fields); a call sign or a reason someone typed shows as written. An entry written
before messages were kept shows its English text, through the catalog when it is a fixed sentence.

Reads and formats only; never writes.
"""

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from apps.incidents.models import Disposition, IncidentLogEntry, Source
from apps.incidents.states import AssignmentStatus
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS

CALL_RECEIVED = N_("Call received from %(source)s.")
DETAILS_CHANGED = N_("Details changed: %(fields)s.")
CALL_CANCELLED = N_("Call cancelled: %(reason)s")
SCREENED_OUT = N_("Screened out: %(reason)s")
CALL_CLOSED = N_("Call closed: %(disposition)s.")
CALL_CLOSED_ALL_CLEARED = N_("Call closed: every team cleared.")
TEAM_DISPATCHED = N_("%(team)s dispatched.")
TEAM_ACKNOWLEDGED = N_("%(team)s acknowledged.")
TEAM_MOVED = N_("%(team)s %(status)s.")
TEAM_CANCELLED_BECAUSE = N_("%(team)s cancelled (%(reason)s).")
TEAM_NOT_ACKNOWLEDGED = N_("%(team)s has not acknowledged after %(seconds)s seconds.")
ENCOUNTER_DOCUMENTED = N_("Encounter documented (version %(version)s).")
NOTE_ADDED = N_("Note added to an encounter.")
EMERGENCY_RAISED = N_("%(team)s raised an emergency.")
EMERGENCY_ACKNOWLEDGED = N_("%(team)s's emergency acknowledged by dispatch.")
EMERGENCY_RESOLVED = N_("%(team)s's emergency resolved.")
CHECKIN_OVERDUE = N_("%(team)s has not answered its on-scene check-in (%(minutes)s min late).")
CHECKIN_ANSWERED_LATE = N_("%(team)s answered its check-in: all OK.")
CO_RESPONSE_REQUESTED = N_("%(agency)s asked to come: %(why)s.")
CO_RESPONSE_ARRIVED = N_("%(agency)s arrived.")
CO_RESPONSE_LEFT = N_("%(agency)s left.")
CO_RESPONSE_OUTCOME = N_("%(agency)s: %(outcome)s.")

MESSAGES = frozenset(
    {
        CALL_RECEIVED,
        DETAILS_CHANGED,
        CALL_CANCELLED,
        SCREENED_OUT,
        CALL_CLOSED,
        CALL_CLOSED_ALL_CLEARED,
        TEAM_DISPATCHED,
        TEAM_ACKNOWLEDGED,
        TEAM_MOVED,
        TEAM_CANCELLED_BECAUSE,
        TEAM_NOT_ACKNOWLEDGED,
        ENCOUNTER_DOCUMENTED,
        NOTE_ADDED,
        EMERGENCY_RAISED,
        EMERGENCY_ACKNOWLEDGED,
        EMERGENCY_RESOLVED,
        CHECKIN_OVERDUE,
        CHECKIN_ANSWERED_LATE,
        CO_RESPONSE_REQUESTED,
        CO_RESPONSE_ARRIVED,
        CO_RESPONSE_LEFT,
        CO_RESPONSE_OUTCOME,
    }
)

# The call's details as a timeline names them when they change (incident_update's fields).
FIELD_NAMES = {
    "summary": N_("summary"),
    "location_text": N_("location"),
    "latitude": N_("latitude"),
    "longitude": N_("longitude"),
    "district": N_("district"),
    "callback": N_("callback number"),
    "caller_name": N_("caller's name"),
    "caller_notes": N_("caller notes"),
    "caller_language": N_("caller's language"),
    "safety_notes": N_("safety notes"),
    "safety_flags": N_("safety flags"),
    "priority": N_("priority"),
    "call_type": N_("call type"),
}


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value))


# Values that are the program's own words, by placeholder; any other value shows as written.
TERMS = {
    "source": lambda value: _label(Source.choices, value),
    "disposition": lambda value: _label(Disposition.choices, value),
    "status": lambda value: _label(AssignmentStatus.choices, value).lower(),
    "agency": lambda value: str(AGENCIES.get(value, value)),
    "why": lambda value: str(CO_RESPONSE_REASONS.get(value, value)),
    "outcome": lambda value: str(CO_RESPONSE_OUTCOMES.get(value, value)).lower(),
    "fields": lambda value: ", ".join(gettext(FIELD_NAMES[name]) if name in FIELD_NAMES else name for name in value),
}


def _render(message: str, params: dict) -> str:
    values = {key: TERMS[key](value) if key in TERMS else value for key, value in (params or {}).items()}
    return gettext(message) % values


def recorded_text(message: str, params: dict | None = None) -> str:
    """The sentence as the record keeps it: in English, whatever language the actor uses."""
    if message not in MESSAGES:
        raise ValueError(f"Not a timeline sentence: {message!r}")
    with translation.override(None):
        return _render(message, params or {})[:300]


def shown_text(entry: IncidentLogEntry) -> str:
    """The entry in the active language."""
    if entry.message in MESSAGES:
        try:
            return _render(entry.message, entry.params)
        except (KeyError, TypeError, ValueError):
            return entry.text
    return gettext(entry.text) if entry.text else entry.text
