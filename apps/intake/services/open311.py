"""Taking an Open311 GeoReport v2 request from a 311 center: screen it under the policy in force and
keep it for status reads.

No HTTP here: the door (apps/intake/open311.py) reads the form and answers in the spec's shapes;
`Open311Error` is an ApplicationError (400) it shows as [{"code", "description"}].
"""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError
from apps.intake.models import ApiKey, Channel, Open311Request
from apps.intake.selectors import call_type_for_service_code, policy_in_force
from apps.intake.services.calls import call_screen

LANGUAGE_ATTRIBUTE = "caller_language"


class Open311Error(ApplicationError):
    """A request the GeoReport spec (or the program) refuses; answered 400 in the spec's error shape."""

    status_code = 400


def open311_policy():
    """The policy version in force; without one the program offers no services."""
    version = policy_in_force()
    if version is None:
        raise ApplicationError(_("No eligibility policy is published, so no services are offered."))
    return version


def _float(value, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise Open311Error(f"{name} must be a number.") from error
    if not low <= number <= high:
        raise Open311Error(f"{name} is out of range.")
    return number


def open311_request_create(*, api_key: ApiKey, data) -> Open311Request:
    """Screen an Open311 request with the policy in force and keep it for status reads."""
    center = api_key.call_center
    actor = center.service_user
    service_code = (data.get("service_code") or "").strip()
    if not service_code:
        raise Open311Error("service_code is required.")
    lat, lon = data.get("lat"), data.get("long")
    address = (data.get("address_string") or "").strip()
    if (lat in (None, "")) != (lon in (None, "")):
        raise Open311Error("lat and long are given together.")
    has_point = lat not in (None, "")
    if not has_point and not address and not data.get("address_id"):
        raise Open311Error("A location is required: lat and long, or address_string.")
    latitude = _float(lat, "lat", -90, 90) if has_point else None
    longitude = _float(lon, "long", -180, 180) if has_point else None
    version = open311_policy()
    row = call_type_for_service_code(version, service_code)
    if row is None:
        raise Open311Error(f"service_code '{service_code}' is not a service of this program.")
    answers = {}
    for q in version.questions.all():
        value = data.get(f"attribute[{q.key}]")
        if value not in (None, ""):
            answers[q.key] = value
    description = (data.get("description") or "").strip()
    name = " ".join(p for p in [data.get("first_name", ""), data.get("last_name", "")] if p).strip()
    contact = {k: (data.get(k) or "")[:200] for k in ["email", "phone", "first_name", "last_name", "device_id"]}
    contact["account_id"] = (data.get("account_id") or "")[:200]
    with transaction.atomic():
        decision = call_screen(
            actor=actor,
            answers=answers,
            call_type=row.call_type,
            location_text=address or (f"{latitude:.6f}, {longitude:.6f}" if has_point else ""),
            summary=description or row.call_type.name,
            channel=Channel.OPEN311,
            call_center=center,
            latitude=latitude,
            longitude=longitude,
            callback=callers.callback_e164(data.get("phone") or "", field="phone"),
            caller_language=data.get(f"attribute[{LANGUAGE_ATTRIBUTE}]") or "",
            caller_name=name,
        )
        request = Open311Request.objects.create(
            call_center=center,
            decision=decision,
            service_code=service_code,
            description=description,
            address_string=address,
            latitude=latitude,
            longitude=longitude,
            contact={k: v for k, v in contact.items() if v},
            requested_at=decision.decided_at,
        )
        audit_record(actor=actor, action="intake.open311.create", obj=request, detail={"decision": decision.pk})
    return request
