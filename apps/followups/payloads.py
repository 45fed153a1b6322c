"""The JSON shapes of follow-ups and referrals for the program's own users (partners get
`selectors.referral_disclosure` instead, which applies the consent)."""

from apps.followups.consent import consent_problems
from apps.followups.disclosure import referral_part2_reasons
from apps.followups.models import FollowUp, Referral


def _iso(value):
    return value.isoformat() if value else None


def followup_payload(f: FollowUp) -> dict:
    return {
        "id": str(f.pk),
        "kind": f.kind,
        "kind_label": f.get_kind_display(),
        "status": f.status,
        "due_at": _iso(f.due_at),
        "escalate_at": _iso(f.escalate_at),
        "team": f.team_id,
        "assignee": f.assignee_id,
        "encounter": str(f.encounter_id) if f.encounter_id else None,
        "responder": f.responder_id,
        "referral": str(f.referral_id) if f.referral_id else None,
        "certification": f.certification_id,
        "previous": str(f.previous_id) if f.previous_id else None,
        "notes": f.notes,
        "outcome": f.outcome or None,
        "outcome_notes": f.outcome_notes,
        "completed_at": _iso(f.completed_at),
        "created_at": _iso(f.created_at),
        "version": f.version,
    }


def referral_payload(r: Referral, *, with_history: bool = True, part2: list[str] | None = None) -> dict:
    """`part2`: the referral's Part 2 reasons when a list already worked them out for many at once."""
    consent = getattr(r, "consent", None)
    part2 = referral_part2_reasons(r) if part2 is None else part2
    body = {
        "id": str(r.pk),
        "encounter": str(r.encounter_id),
        "service": str(r.service_id),
        "service_name": r.service.name,
        "organization": str(r.service.organization_id),
        "status": r.status,
        "status_label": r.get_status_display(),
        "status_reason": r.status_reason,
        "status_changed_at": _iso(r.status_changed_at),
        "need": r.need,
        "notes": r.notes,
        "consent": consent.as_dict() if consent else None,
        "consent_problems": consent_problems(consent, part2=bool(part2)),
        "part2_reasons": part2,
        "created_by": r.created_by_id,
        "created_at": _iso(r.created_at),
        "version": r.version,
    }
    if with_history:
        body["history"] = [
            {
                "from": step.from_status or None,
                "to": step.to_status,
                "reason": step.reason,
                "at": _iso(step.at),
                "actor": step.actor_id,
                "actor_role": step.actor_role,
            }
            for step in r.history.all()
        ]
    return body
