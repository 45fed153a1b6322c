"""Taking an EIDO from a call center: screen it, hold it for the call-taker, or update its call.

`eido_receive` writes everything in one transaction, so a refused document leaves nothing behind,
and a resubmission with the same `$id` updates the call it made. Reading the document is
apps/intake/eido (pure); this module only acts on what it read.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError
from apps.common.nul import find_nul
from apps.incidents.models import CallType
from apps.incidents.services import incident_update
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake.eido.document import EidoError, ParsedEido
from apps.intake.eido.parser import eido_caller_notes, eido_parse
from apps.intake.models import CallCenter, Channel, EidoDocument
from apps.intake.selectors import call_type_for_nature_code, policy_in_force
from apps.intake.services.calls import call_screen, held_call_create
from apps.intake.services.locations import call_location
from apps.intake.services.screening import screening_evaluate


def eido_receive(*, call_center: CallCenter, document) -> tuple[EidoDocument, bool]:
    """Take an EIDO from a call center: screen it, or keep it for the call-taker to complete, or update.

    Returns (document row, created). Anything refused raises before a row is written.
    """
    actor = call_center.service_user
    nul_at = find_nul(document)
    if nul_at:
        raise EidoError(nul_at, "holds a NUL character, which cannot be stored")
    parsed = eido_parse(document)
    version = policy_in_force()
    if version is None:
        raise ApplicationError(_("No eligibility policy is published yet; the program cannot take calls."))
    call_type = _call_type_for(version, parsed)
    try:
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, call_type=call_type)
    except IntegrityError:
        # Two deliveries of a new $id raced; the other one created it, so this one is an update.
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, call_type=call_type)


def _call_type_for(version, parsed: ParsedEido):
    """The call type the nature codes name under the policy (or any active one, to be screened out)."""
    row = next((r for code in parsed.nature_codes if (r := call_type_for_nature_code(version, code))), None)
    if row is not None:
        return row.call_type
    if not parsed.nature_codes:
        return None
    known = CallType.objects.filter(code__in=parsed.nature_codes, active=True).first()
    if known is None:
        codes = ", ".join(repr(c) for c in parsed.nature_codes)
        parsed.warn(parsed.nature_path, f"no call type matches {codes} under policy v{version.number}")
        parsed.nature_codes_unknown = True
    return known


def _eido_store(*, call_center, actor, parsed: ParsedEido, document, call_type) -> tuple[EidoDocument, bool]:
    now = timezone.now()
    with transaction.atomic():
        existing = (
            EidoDocument.objects.select_for_update(of=("self",))
            .filter(call_center=call_center, eido_id=parsed.eido_id)
            .select_related("incident")
            .first()
        )
        if existing is not None:
            # A closed call keeps its record as it ended; the new document is still stored and counted.
            if existing.incident_id and existing.incident.status in OPEN_INCIDENT_STATUSES:
                _update_incident(actor=actor, incident=existing.incident, parsed=parsed)
            existing.document = document
            existing.parsed = parsed.as_dict()
            existing.received_count += 1
            existing.last_received_at = now
            existing.save(update_fields=["document", "parsed", "received_count", "last_received_at"])
            audit_record(
                actor=actor,
                action="intake.eido.update",
                obj=existing,
                detail={"eido_id": parsed.eido_id, "incident": existing.incident_id, "count": existing.received_count},
            )
            return existing, False
        stored = EidoDocument(
            call_center=call_center,
            eido_id=parsed.eido_id,
            document=document,
            parsed=parsed.as_dict(),
            first_received_at=now,
            last_received_at=now,
        )
        _take(call_center=call_center, actor=actor, parsed=parsed, call_type=call_type, stored=stored)
        stored.parsed = parsed.as_dict()
        stored.save()
        audit_record(
            actor=actor,
            action="intake.eido.create",
            obj=stored,
            detail={
                "eido_id": parsed.eido_id,
                "incident": stored.incident_id,
                "decision": stored.decision_id,
                "to_complete": eido_gaps(stored),
            },
        )
        return stored, True


def _take(*, call_center, actor, parsed: ParsedEido, call_type, stored: EidoDocument) -> None:
    """Screen the call when that is safe now; otherwise put it on the board held until a call-taker screens it.

    An EIDO does not answer the program's safety questions, so under the default policy every call
    the program takes arrives held ("not yet safe to decide"); a call type the policy does not take
    is handed back at once.
    """
    loc = parsed.location
    summary = parsed.summary(f"{call_type.name if call_type else 'Call'} (EIDO from {call_center.name})")
    common = {
        "actor": actor,
        "call_center": call_center,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "callback": parsed.callback,
        "caller_name": parsed.caller_name,
        "caller_notes": eido_caller_notes(parsed.as_dict()),
        "caller_language": parsed.caller_language,
        "received_at": parsed.call_start,
        "external_id": parsed.eido_id,
    }
    if call_type is not None and not parsed.missing:
        evaluation = screening_evaluate(version=policy_in_force(), call_type=call_type, answers={})
        if evaluation.safe_to_decide:
            decision = call_screen(
                answers={},
                call_type=call_type,
                location_text=loc.text,
                summary=summary,
                channel=Channel.EIDO,
                **common,
            )
            stored.decision, stored.incident = decision, decision.incident
            return
    if loc.text:
        location_text = loc.text
    elif loc.reference_url:
        location_text = f"Location by reference only: {loc.reference_url}"[: callers.LOCATION_MAX]
    else:
        location_text = "Location not given: ask the caller"
    stored.incident = held_call_create(
        call_type=call_type,
        location_text=location_text,
        summary=summary,
        waiting_for=_waiting_for(parsed),
        **common,
    )


def _waiting_for(parsed: ParsedEido | dict) -> list[str]:
    data = parsed.as_dict() if isinstance(parsed, ParsedEido) else parsed
    gaps = list(data.get("missing") or [])
    if data.get("nature_codes_unknown") and "incident type" not in gaps:
        gaps.insert(0, "incident type")
    return [*gaps, "the safety questions"]


def eido_gaps(stored: EidoDocument) -> list[str]:
    """What the call-taker still has to supply before this EIDO call is screened ([] once it is)."""
    if stored.decision_id:
        return []
    return _waiting_for(stored.parsed or {})


def _update_incident(*, actor, incident, parsed: ParsedEido) -> None:
    """A resubmission refreshes what the center knows better: place, callback, caller, notes."""
    loc = parsed.location
    wanted = {"summary": parsed.summary(incident.summary)}
    if loc.usable:
        wanted.update(location_text=loc.text)
        wanted.update(call_location(location_text=loc.text, latitude=loc.latitude, longitude=loc.longitude))
        wanted.pop("district", None)
    if parsed.callback:
        wanted["callback"] = parsed.callback
    if parsed.caller_name:
        wanted["caller_name"] = parsed.caller_name
    if parsed.caller_language:
        wanted["caller_language"] = parsed.caller_language
    changes = {k: v for k, v in wanted.items() if getattr(incident, k) != v}
    if changes:
        incident_update(actor=actor, incident_id=incident.pk, **changes)
