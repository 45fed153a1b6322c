"""The person's consent to a referral: its shape, and whether it covers sending what the referral holds.

Pure rules over the models (no writes), so the selectors, the payloads and the referral services
all ask the same question. Re-exported by apps.followups.services.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.followups.disclosure import part2_consent_problems, referral_part2_reasons
from apps.followups.models import Consent, Referral

# What a consent's scope may name, and where each value comes from (see docs/followups.md).
SCOPE_FIELDS = ("need", "needs", "notes", "name", "age_range", "language", "housing_status", "contact")


# --- consent ------------------------------------------------------------------------------------


def consent_validate(consent) -> dict:
    """Check the shape a tablet or form sends; answer field errors under `consent`."""
    if not isinstance(consent, dict):
        raise ApplicationError(_("Record the person's consent."), extra={"consent": [_("Consent must be an object.")]})
    errors = []
    scope = consent.get("scope", [])
    if not isinstance(scope, list) or any(item not in SCOPE_FIELDS for item in scope):
        errors.append(f"scope: list of fields from {', '.join(SCOPE_FIELDS)}.")
        scope = []
    recipients = consent.get("recipients", Consent.Recipients.SERVICE)
    if recipients not in Consent.Recipients.values:
        errors.append("recipients: 'service' or 'organization'.")
    given_by = consent.get("given_by", Consent.GivenBy.VERBAL)
    if given_by not in Consent.GivenBy.values:
        errors.append("given_by: 'verbal' or 'written'.")
    expires_at = consent.get("expires_at")
    if expires_at not in (None, ""):
        parsed = parse_datetime(expires_at) if isinstance(expires_at, str) else expires_at
        if not isinstance(parsed, datetime):
            errors.append("expires_at: an ISO 8601 date and time, or null.")
        else:
            expires_at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    else:
        expires_at = None
    substance = consent.get("substance_use_records", False)
    if not isinstance(substance, bool):
        errors.append("substance_use_records: true or false.")
    purpose = consent.get("purpose") or ""
    if not isinstance(purpose, str) or len(purpose) > 300:
        errors.append("purpose: text of at most 300 characters.")
        purpose = ""
    recipient_name = consent.get("recipient_name") or ""
    if not isinstance(recipient_name, str) or len(recipient_name) > 200:
        errors.append("recipient_name: text of at most 200 characters.")
        recipient_name = ""
    if errors:
        raise ApplicationError(_("The consent is not complete."), extra={"consent": errors})
    return {
        "scope": list(dict.fromkeys(scope)),
        "recipients": recipients,
        "given_by": given_by,
        "expires_at": expires_at,
        "substance_use_records": substance,
        "purpose": purpose.strip(),
        "recipient_name": recipient_name.strip(),
    }


def consent_problems(consent: Consent | None, *, now: datetime | None = None, part2: bool = False) -> list[str]:
    """Why this consent does not cover sending the referral; empty when it does.

    `part2`: the referral holds substance-use information (apps.followups.disclosure decides that
    from its content); the consent must then meet 42 CFR Part 2 whatever its own flag says.
    """
    now = now or timezone.now()
    if consent is None:
        return ["No consent is recorded."]
    problems = []
    if consent.revoked_at is not None:
        problems.append("The person withdrew consent.")
    if consent.expires_at is not None and consent.expires_at <= now:
        problems.append("The consent has expired.")
    if not consent.scope:
        problems.append("The consent does not allow anything to be shared.")
    if part2 or consent.substance_use_records:
        problems.extend(part2_consent_problems(consent) if part2 else _flagged_problems(consent))
    return problems


def _flagged_problems(consent: Consent) -> list[str]:
    """The consent says it covers substance-use records: it must meet Part 2 even if nothing else does."""
    return [p for p in part2_consent_problems(consent) if "must say they agree" not in p]


def consent_active(consent: Consent | None, *, now: datetime | None = None, part2: bool = False) -> bool:
    return not consent_problems(consent, now=now, part2=part2)


def referral_consent_problems(referral: Referral, *, now: datetime | None = None) -> list[str]:
    """The one question every door asks before anything about the person leaves: does the consent on
    record cover this referral as it stands now (its content decides whether Part 2 applies)?"""
    return consent_problems(getattr(referral, "consent", None), now=now, part2=bool(referral_part2_reasons(referral)))
