"""What goes back to a call center (a handback with the EIDO that carries it), and the audit of a
center's reads and refused intakes.

The EIDO is written by apps/intake/eido/writer.py (pure); this module reads the incident or the
decision it describes.
"""

from django.utils.dateparse import parse_datetime

from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake.eido.pidf import pidf_lo
from apps.intake.eido.writer import eido_write
from apps.intake.models import Handback, ScreeningDecision


def handback_create(
    *, actor, reason: str, decision=None, incident=None, call_center=None, external_id: str = ""
) -> Handback:
    """Record that a call goes back to its call center, with the EIDO that carries it."""
    if incident is not None:
        document = eido_for_incident(incident, reason=reason)
    else:
        document = eido_for_decision(decision, reason=reason, eido_id=external_id)
    handback = Handback.objects.create(
        decision=decision,
        incident=incident,
        call_center=call_center,
        reason=reason[:300],
        document=document,
        created_by=actor,
    )
    audit_record(actor=actor, action="intake.handback", obj=handback, detail={"reason": handback.reason})
    return handback


def intake_read(*, actor, action: str, detail: dict | None = None, record_ids: list | None = None) -> None:
    """Audit a call center reading back what Firstline holds about its calls (naming each record)."""
    audit_record(actor=actor, action=action, object_type="intake.handback", detail=detail or {}, record_ids=record_ids)


def intake_refused(*, actor, action: str, reason: str, detail: dict | None = None) -> None:
    """Audit a refused intake (bad document, bad key) outside any transaction that rolled back."""
    audit_record(
        actor=actor,
        action=action,
        object_type="intake.call",
        outcome=Outcome.DENIED,
        detail={"reason": reason[:300], **(detail or {})},
    )


def eido_for_incident(incident, *, reason: str = "") -> dict:
    """An EIDO describing the incident, for a handback to 911 (screened out or police requested)."""
    source = incident.eido_documents.first() if incident.pk else None
    parsed = source.parsed if source else {}
    civic = (parsed.get("location") or {}).get("civic") or {"LOC": incident.location_text}
    codes = parsed.get("nature_codes") or ([incident.call_type.code] if incident.call_type_id else [])
    answered = parse_datetime(parsed["call_answer"]) if parsed.get("call_answer") else None
    return eido_write(
        eido_id=incident.external_id or f"urn:firstline:incident:{incident.pk}",
        tracking=incident.reference,
        codes=codes,
        call_type=_call_type_named(incident.call_type),
        status=incident.status,
        closed=incident.status not in OPEN_INCIDENT_STATUSES,
        received_at=incident.received_at,
        answered_at=answered,
        callback=incident.callback if incident.callback.startswith("+") else "",
        caller_name=incident.caller_name,
        caller_language=getattr(incident, "caller_language", "") or parsed.get("caller_language", ""),
        location=pidf_lo(
            entity=f"pres:{incident.reference}@firstline",
            civic=civic,
            latitude=incident.latitude,
            longitude=incident.longitude,
        ),
        summary=incident.summary,
        reason=reason,
    )


def eido_for_decision(decision: ScreeningDecision, *, reason: str = "", eido_id: str = "") -> dict:
    """An EIDO for a call screened out before any incident existed (keeping the center's `$id` if it sent one)."""
    return eido_write(
        eido_id=eido_id or f"urn:firstline:screening:{decision.pk}",
        tracking=f"FL-S-{decision.pk}",
        codes=[decision.call_type.code] if decision.call_type_id else [],
        call_type=_call_type_named(decision.call_type),
        status="not_eligible",
        closed=True,
        received_at=decision.decided_at,
        answered_at=None,
        callback="",
        caller_name="",
        caller_language="",
        location=pidf_lo(
            entity=f"pres:screening-{decision.pk}@firstline",
            civic={"LOC": decision.location_text or "unknown"},
            latitude=None,
            longitude=None,
        ),
        summary=decision.summary,
        reason=reason,
    )


def _call_type_named(call_type) -> dict | None:
    return {"code": call_type.code, "name": call_type.name} if call_type is not None else None
