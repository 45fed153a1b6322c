"""Reads of the eligibility policy and of intake records, filtered to what the reader may see."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.roles import can_create_incident, can_dispatch, is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import NotFound, PermissionRefused
from apps.incidents.models import Disposition, Incident
from apps.incidents.states import OPEN_INCIDENT_STATUSES, SCREENING_HOLD
from apps.intake.models import (
    DuplicateFlag,
    DuplicateStatus,
    PolicyCallType,
    PolicyVersion,
    ResponseType,
    ScreeningDecision,
)

POLICE_BACKUP_DISPOSITIONS = {Disposition.POLICE_REQUESTED, Disposition.ARREST_BY_POLICE}


def policy_in_force() -> PolicyVersion | None:
    """The most recently published policy version, with its rows loaded for screening."""
    return (
        PolicyVersion.objects.filter(published_at__isnull=False)
        .select_related("policy")
        .prefetch_related(
            Prefetch("call_types", queryset=PolicyCallType.objects.select_related("call_type")),
            "questions",
            "targets",
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def current_response_targets() -> dict[int, int]:
    """Minutes to reach a call, per priority, under the policy in force (board colours and countdowns)."""
    targets = dict(settings.FIRSTLINE_RESPONSE_TARGET_MINUTES)
    version = (
        PolicyVersion.objects.filter(published_at__isnull=False).order_by("-published_at", "-pk").only("pk").first()
    )
    if version is not None:
        targets.update({t.priority: t.minutes for t in version.targets.all()})
    return targets


def call_type_for_nature_code(version: PolicyVersion, code: str) -> PolicyCallType | None:
    """The policy row whose 911 nature codes (or call type code) match, case-insensitively."""
    wanted = (code or "").strip().lower()
    for row in version.call_types.all():
        if wanted == row.call_type.code.lower() or wanted in {c.lower() for c in row.nature_codes}:
            return row
    return None


def call_type_for_service_code(version: PolicyVersion, code: str) -> PolicyCallType | None:
    for row in version.call_types.all():
        if code and code == (row.open311_service_code or row.call_type.code):
            return row
    return None


def duplicate_flags_open_for(user) -> QuerySet[DuplicateFlag]:
    if not can_dispatch(user):
        raise PermissionRefused(_("Only dispatchers and supervisors see duplicate flags."))
    return DuplicateFlag.objects.filter(status=DuplicateStatus.OPEN).select_related("incident", "candidate")


def decision_get_for(*, user, decision_id) -> ScreeningDecision:
    if not (can_dispatch(user) or is_supervisor(user)):
        raise PermissionRefused(_("Only dispatchers and supervisors read screening decisions."))
    decision = (
        ScreeningDecision.objects.select_related("policy_version__policy", "call_type", "incident", "decided_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound(_("No such decision."))
    audit_record(actor=user, action="intake.decision.view", obj=decision)
    return decision


def policy_quality_report(*, user) -> list[dict]:
    """Per policy version and call type: screened in, later needing police, overridden (and why), not eligible.

    Aggregate counts only; no one's details. It is what lets a program test and improve its policy.
    """
    if not is_supervisor(user):
        raise PermissionRefused(_("Only supervisors read the policy quality report."))
    decisions = (
        ScreeningDecision.objects.select_related("policy_version__policy", "call_type", "incident")
        .prefetch_related("incident__encounters")
        .order_by("policy_version__policy__name", "policy_version__number")
    )
    rows: dict[tuple, dict] = {}
    reasons: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d in decisions:
        key = (d.policy_version_id, d.call_type_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "policy": d.policy_version.policy.name,
                "policy_version": d.policy_version.number,
                "policy_version_id": d.policy_version_id,
                "call_type": d.call_type.code if d.call_type_id else None,
                "call_type_name": d.call_type.name if d.call_type_id else "(none)",
                "decisions": 0,
                "screened_in": 0,
                "needed_police_backup": 0,
                "overridden": 0,
                "override_reasons": [],
                "overrides_to_not_eligible": 0,
                "overrides_to_eligible": 0,
                "not_eligible": 0,
            }
        row["decisions"] += 1
        if d.response_type == ResponseType.NOT_ELIGIBLE:
            row["not_eligible"] += 1
        else:
            row["screened_in"] += 1
            if d.incident_id and _needed_police(d.incident):
                row["needed_police_backup"] += 1
        if d.overridden:
            row["overridden"] += 1
            reasons[key][d.override_reason] += 1
            if d.response_type == ResponseType.NOT_ELIGIBLE:
                row["overrides_to_not_eligible"] += 1
            elif d.recommended == ResponseType.NOT_ELIGIBLE:
                row["overrides_to_eligible"] += 1
    for key, row in rows.items():
        row["override_reasons"] = [
            {"reason": text, "count": n} for text, n in sorted(reasons[key].items(), key=lambda kv: -kv[1])
        ]
    audit_record(actor=user, action="intake.policy_report.view", object_type="intake.policyversion")
    return list(rows.values())


def _needed_police(incident) -> bool:
    if incident.disposition in POLICE_BACKUP_DISPOSITIONS:
        return True
    return any(e.disposition in POLICE_BACKUP_DISPOSITIONS for e in incident.encounters.all())


def decisions_recent(*, user, limit: int = 10) -> QuerySet[ScreeningDecision]:
    """The reader's own recent decisions (call-takers), or everyone's (dispatch roles)."""
    qs = ScreeningDecision.objects.select_related("call_type", "incident", "policy_version")
    if not (can_dispatch(user) or is_supervisor(user)):
        qs = qs.filter(Q(decided_by=user))
    return qs.order_by("-decided_at")[:limit]


def _held():
    # Open calls are few; the flag is read in Python because SQLite (the embedded run) has no JSON
    # containment lookup.
    open_calls = Incident.objects.filter(status__in=OPEN_INCIDENT_STATUSES).values_list("pk", "safety_flags")
    held = [pk for pk, flags in open_calls if SCREENING_HOLD in (flags or [])]
    return Incident.objects.filter(pk__in=held).select_related("call_type")


def held_calls(*, limit: int = 20):
    """Open calls on the board held from dispatch until a call-taker completes their screening."""
    return _held().order_by("priority", "received_at")[:limit]


def held_call_for(*, user, incident_id):
    """A held call to complete on the screening page (None if it is not waiting, or not this user's to screen)."""
    if not can_create_incident(user) or not str(incident_id).isdigit():
        return None
    return _held().filter(pk=int(incident_id)).first()


def decisions_for_rollups(*, ids=None, incident_ids=None) -> QuerySet[ScreeningDecision]:
    """Screening decisions with what aggregate rollups (apps.insights) count: the policy version, the
    call type, the call center's kind and the call's source; never the answers' free text."""
    decisions = ScreeningDecision.objects.select_related(
        "policy_version__policy", "call_type", "call_center", "incident"
    ).only(
        "id",
        "decided_at",
        "response_type",
        "recommended",
        "overridden",
        "priority",
        "channel",
        "call_type__code",
        "call_center__kind",
        "policy_version__number",
        "policy_version__policy__name",
        "incident__id",
        "incident__source",
        "incident__priority",
        "incident__district",
    )
    if ids is not None:
        decisions = decisions.filter(pk__in=list(ids))
    if incident_ids is not None:
        decisions = decisions.filter(incident_id__in=list(incident_ids))
    return decisions.order_by("pk")


def response_target_history() -> list[tuple]:
    """[(published_at or None, {priority: minutes})], oldest first: the targets in force from each
    moment (None: the program's default before any policy was published)."""
    history = [(None, dict(settings.FIRSTLINE_RESPONSE_TARGET_MINUTES))]
    versions = PolicyVersion.objects.filter(published_at__isnull=False).prefetch_related("targets")
    for version in versions.order_by("published_at", "pk"):
        targets = dict(settings.FIRSTLINE_RESPONSE_TARGET_MINUTES)
        targets.update({t.priority: t.minutes for t in version.targets.all()})
        history.append((version.published_at, targets))
    return history


def screening_reviews_for_measures(*, since, until) -> list[tuple]:
    """[(decided_at, policy version "Name vN", call type code, answer or "")] for every call screened
    out in [since, until), reviewed or not: what the insights measure of screening reviews counts.
    Never the review's note."""
    rows = (
        ScreeningDecision.objects.filter(
            response_type=ResponseType.NOT_ELIGIBLE, decided_at__gte=since, decided_at__lt=until
        )
        .values_list(
            "decided_at",
            "policy_version__policy__name",
            "policy_version__number",
            "call_type__code",
            "review__could_have_served",
        )
        .order_by()
    )
    return [(at, f"{name} v{number}", code or "", answer or "") for at, name, number, code, answer in rows]
