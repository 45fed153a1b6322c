"""A referral as a partner reads it: codes in words, in the reader's language.

One rule for the inbox and the detail page alike: what the person needs is shown when the consent
shares the referral's need or the needs the team noted, and "not shared" only when it shares neither.
Words only; what may be shown at all is decided by `referral_disclosure` (selectors).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.common.callers import language_name
from apps.followups.models import Referral
from apps.incidents.vocab import HOUSING_STATUSES, NEEDS

FIELD_LABELS = {
    "need": _("Referred for"),
    "needs": _("Needs the team noted"),
    "notes": _("Notes from the team"),
    "name": _("Name"),
    "age_range": _("Age range"),
    "language": _("Language"),
    "housing_status": _("Housing"),
    "contact": _("How to reach the person"),
}


def need_words(code: str) -> str:
    return str(NEEDS.get(code, code.replace("_", " ")))


def _words(field: str, value) -> str:
    if field == "need":
        return need_words(value) if value else ""
    if field == "needs":
        return ", ".join(need_words(code) for code in value or [])
    if field == "language":
        return gettext(language_name(value)) if value else ""
    if field == "housing_status":
        return str(HOUSING_STATUSES.get(value, (value or "").replace("_", " ")))
    return value or ""


def shared_in_words(shared: dict) -> list[tuple[str, str, str]]:
    """(field, label, text) for each field the consent shares; an empty text means not recorded."""
    return [(field, str(FIELD_LABELS.get(field, field)), _words(field, value)) for field, value in shared.items()]


def what_they_need(shared: dict) -> str | None:
    """What the person needs in words, or None when the consent shares neither the need nor the needs."""
    if shared.get("need"):
        return need_words(shared["need"])
    if shared.get("needs"):
        return _words("needs", shared["needs"])
    if "need" in shared or "needs" in shared:
        return ""
    return None


def reason_words(code: str) -> str:
    """A step's reason: the words of a not-delivered code, or the text someone typed."""
    return str(dict(Referral.NotDeliveredReason.choices).get(code, code))
