"""Reads about follow-ups and referrals, already filtered to what the user may see.

A partner sees only its own organization's referrals, never drafts, and only the fields the
person's consent allows, to the recipients it names (`referral_disclose`, apps.followups.disclosure);
reading a referral is audit-logged, and so is every disclosure, per referral.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.roles import Role, role_of
from apps.accounts.selectors import user_team_id
from apps.audit.selectors import record_read_for
from apps.audit.services import audit_record
from apps.followups.consent import SCOPE_FIELDS, consent_active
from apps.followups.disclosure import REDISCLOSURE_NOTICE, recipient_allowed, recipient_label, referral_part2_reasons
from apps.followups.models import FollowUp, PartnerEndpoint, Referral, ReferralStatusChange, WebhookDelivery
from apps.incidents.models import EncounterVersion
from apps.incidents.selectors import encounter_get_for

SEE_ALL_FOLLOWUPS = {Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DISPATCHER}
SEE_ALL_REFERRALS = {Role.SUPERVISOR, Role.ADMINISTRATOR}


def followups_visible_to(user) -> QuerySet[FollowUp]:
    role = role_of(user)
    base = FollowUp.objects.select_related("team", "assignee", "responder")
    if role in SEE_ALL_FOLLOWUPS:
        return base
    if role == Role.RESPONDER:
        team_id = user_team_id(user)
        condition = Q(assignee=user) | Q(responder=user)
        if team_id is not None:
            condition |= Q(team_id=team_id)
        return base.filter(condition)
    return base.none()


def followup_get_for(*, user, followup_id) -> FollowUp:
    return record_read_for(
        user=user,
        queryset=followups_visible_to(user),
        pk=followup_id,
        action="followup.view",
        missing="No such follow-up.",
    )


def _with_history(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return qs.select_related("service__organization", "encounter", "consent", "created_by").prefetch_related(
        Prefetch("history", queryset=ReferralStatusChange.objects.select_related("actor").order_by("at", "id"))
    )


def referrals_visible_to(user) -> QuerySet[Referral]:
    role = role_of(user)
    base = _with_history(Referral.objects.all())
    if role in SEE_ALL_REFERRALS:
        return base
    if role == Role.RESPONDER:
        team_id = user_team_id(user)
        condition = Q(created_by=user)
        if team_id is not None:
            condition |= Q(encounter__team_id=team_id)
        return base.filter(condition)
    if role == Role.PARTNER and user.partner_organization_id:
        return base.filter(service__organization_id=user.partner_organization_id).exclude(status=Referral.Status.DRAFT)
    return base.none()


def referral_get_for(*, user, referral_id) -> Referral:
    return record_read_for(
        user=user,
        queryset=referrals_visible_to(user),
        pk=referral_id,
        action="referral.view",
        missing="No such referral.",
    )


def encounter_referrals_for(*, user, encounter_id) -> list[Referral]:
    """The referrals made from an encounter, with every step, for whoever may read the encounter."""
    encounter = encounter_get_for(user=user, encounter_id=encounter_id)
    return list(_with_history(Referral.objects.filter(encounter=encounter)).order_by("created_at"))


def encounter_followups_for(*, user, encounter_id) -> list[FollowUp]:
    encounter = encounter_get_for(user=user, encounter_id=encounter_id)
    return list(FollowUp.objects.select_related("team", "assignee").filter(encounter=encounter).order_by("due_at"))


def _person_fields(referral: Referral) -> dict:
    encounter = referral.encounter
    version = (
        EncounterVersion.objects.filter(encounter_id=encounter.pk, number=encounter.current_version)
        .only("person", "needs")
        .first()
    )
    person = (version.person if version else {}) or {}
    return {
        "need": referral.need,
        "needs": list(version.needs) if version else [],
        "notes": referral.notes,
        "name": person.get("name") or person.get("alias") or "",
        "age_range": person.get("age_range", ""),
        "language": person.get("language", ""),
        "housing_status": person.get("housing_status", ""),
        "contact": person.get("contact") or person.get("phone") or "",
    }


def referral_disclosure(referral: Referral, *, recipient=None, now=None) -> dict:
    """What may leave the program about this referral for `recipient` (a partner user or a webhook
    endpoint): the loop's state always; personal fields only while the consent covers the referral as
    it stands (Part 2 included), only to the recipients it names, and only the fields it names. With
    no recipient nothing personal is shown."""
    consent = getattr(referral, "consent", None)
    part2 = referral_part2_reasons(referral)
    active = consent_active(consent, now=now, part2=bool(part2))
    to_recipient = active and recipient_allowed(consent, referral, recipient)
    body = {
        "id": str(referral.pk),
        "status": referral.status,
        "status_changed_at": referral.status_changed_at.isoformat() if referral.status_changed_at else None,
        "status_reason": referral.status_reason,
        "version": referral.version,
        "service": {"id": str(referral.service_id), "name": referral.service.name},
        "organization": {"id": str(referral.service.organization_id), "name": referral.service.organization.name},
        "created_at": referral.created_at.isoformat(),
        "consent": {
            "active": active,
            "scope": list(consent.scope) if consent and active else [],
            "expires_at": consent.expires_at.isoformat() if consent and consent.expires_at and active else None,
            "revoked": bool(consent and consent.revoked_at),
            "recipient_allowed": to_recipient,
        },
        "substance_use_protected": bool(part2),
        "notice": REDISCLOSURE_NOTICE,
        "shared": {},
    }
    if to_recipient:
        values = _person_fields(referral)
        body["shared"] = {field: values[field] for field in SCOPE_FIELDS if field in consent.scope}
    return body


def referral_origin(referral: Referral) -> dict:
    """Who referred and how a partner reaches them: program staff, not the person, so always shown."""
    staff = referral.created_by
    team = referral.encounter.team
    return {
        "at": referral.created_at,
        "name": staff.get_full_name() or staff.get_username(),
        "team": team.call_sign if team else "",
        "phone": staff.phone,
        "email": staff.email,
    }


def referral_disclose(*, referral: Referral, recipient, door: str | None = None) -> dict:
    """`referral_disclosure`, and the audit row that says this recipient was shown this record with
    these fields. Every door that hands a referral to a partner calls this, once per referral."""
    body = referral_disclosure(referral, recipient=recipient)
    audit_record(
        actor=recipient if not isinstance(recipient, PartnerEndpoint) else None,
        action="referral.disclose",
        obj=referral,
        door=door,
        detail={
            "recipient": recipient_label(recipient),
            "fields": sorted(body["shared"]),
            "substance_use_protected": body["substance_use_protected"],
            "consent_active": body["consent"]["active"],
            "notice": True,
        },
    )
    return body


def partner_referrals(*, user, status: str | None = None) -> QuerySet[Referral]:
    qs = referrals_visible_to(user) if role_of(user) == Role.PARTNER else Referral.objects.none()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-status_changed_at")


def partner_handoff_feedback(*, since, until) -> list[dict]:
    """Per partner organisation, the referrals it closed in [since, until) and what it said about
    the handoff when it did (each question optional: shares are of the answers given)."""
    closed = Referral.objects.filter(
        status=Referral.Status.CLOSED, status_changed_at__gte=since, status_changed_at__lt=until
    )
    rows = (
        closed.values("service__organization_id", "service__organization__name")
        .annotate(
            closed=Count("id"),
            info_answers=Count("id", filter=Q(handoff_info_enough__isnull=False)),
            info_yes=Count("id", filter=Q(handoff_info_enough=True)),
            timely_answers=Count("id", filter=Q(handoff_timely__isnull=False)),
            timely_yes=Count("id", filter=Q(handoff_timely=True)),
        )
        .order_by("service__organization__name")
    )

    def share(part: int, whole: int):
        return round(100 * part / whole) if whole else None

    return [
        {
            "organization": row["service__organization__name"],
            "closed": row["closed"],
            "info_answers": row["info_answers"],
            "info_enough_percent": share(row["info_yes"], row["info_answers"]),
            "timely_answers": row["timely_answers"],
            "timely_percent": share(row["timely_yes"], row["timely_answers"]),
        }
        for row in rows
    ]


def supervision_overview(*, now=None, limit: int = 100) -> dict:
    """What the supervisor page shows: due, overdue, coming up, and partner deliveries in trouble."""
    now = now or timezone.now()
    followups = FollowUp.objects.select_related("team", "assignee", "responder")
    deliveries = WebhookDelivery.objects.select_related("endpoint__organization", "referral__service")
    return {
        "now": now,
        "overdue": list(followups.filter(status=FollowUp.Status.OVERDUE).order_by("due_at")[:limit]),
        "due": list(followups.filter(status=FollowUp.Status.DUE).order_by("due_at")[:limit]),
        "upcoming": list(
            followups.filter(status=FollowUp.Status.OPEN, due_at__lte=now + timedelta(hours=24)).order_by("due_at")[
                :limit
            ]
        ),
        "failed": list(deliveries.filter(status=WebhookDelivery.Status.FAILED).order_by("-failed_at")[:limit]),
        "retrying": list(
            deliveries.filter(status=WebhookDelivery.Status.PENDING, attempts__gt=0).order_by("next_attempt_at")[:limit]
        ),
        "retried": list(
            deliveries.filter(status=WebhookDelivery.Status.DELIVERED, attempts__gt=1).order_by("-delivered_at")[:20]
        ),
        "handoffs": partner_handoff_feedback(since=now - timedelta(days=90), until=now + timedelta(seconds=1)),
        "counts": {
            "overdue": followups.filter(status=FollowUp.Status.OVERDUE).count(),
            "due": followups.filter(status=FollowUp.Status.DUE).count(),
            "failed": deliveries.filter(status=WebhookDelivery.Status.FAILED).count(),
            "retrying": deliveries.filter(status=WebhookDelivery.Status.PENDING, attempts__gt=0).count(),
        },
    }


def referrals_for_rollups(*, ids=None, incident_ids=None) -> QuerySet[Referral]:
    """Referrals with their partner organization, the call they came from and every status change,
    for the aggregate rollups of apps.insights (no notes, no consent content)."""
    referrals = Referral.objects.select_related("service__organization", "encounter__incident__call_type").only(
        "id",
        "status",
        "need",
        "created_at",
        "service__organization__id",
        "service__organization__name",
        "encounter__id",
        "encounter__team_id",
        "encounter__incident__id",
        "encounter__incident__source",
        "encounter__incident__priority",
        "encounter__incident__district",
        "encounter__incident__call_type__code",
    )
    if ids is not None:
        referrals = referrals.filter(pk__in=list(ids))
    if incident_ids is not None:
        referrals = referrals.filter(encounter__incident_id__in=list(incident_ids))
    history = ReferralStatusChange.objects.only("referral_id", "to_status", "at").order_by("at", "pk")
    return referrals.prefetch_related(Prefetch("history", queryset=history)).order_by("pk")


def followups_for_rollups(*, ids=None) -> QuerySet[FollowUp]:
    """Follow-ups with their due and completion times and the team, for aggregate rollups."""
    followups = FollowUp.objects.only(
        "id", "kind", "status", "due_at", "completed_at", "team_id", "assignee_id", "encounter_id"
    )
    if ids is not None:
        followups = followups.filter(pk__in=list(ids))
    return followups.order_by("pk")


def handoff_answers_for_measures(*, since, until) -> list[tuple]:
    """Each referral closed in [since, until), for the insights measures: (closed at, partner
    organisation id, information enough?, timely?), the answers None when not given."""
    closed = Referral.objects.filter(
        status=Referral.Status.CLOSED, status_changed_at__gte=since, status_changed_at__lt=until
    )
    return list(
        closed.values_list("status_changed_at", "service__organization_id", "handoff_info_enough", "handoff_timely")
    )
