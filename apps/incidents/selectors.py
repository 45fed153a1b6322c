"""Reads about incidents with the visibility rules applied, and the response-time intervals."""

import uuid
from datetime import timedelta

from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from apps.accounts.roles import Role, role_of
from apps.accounts.selectors import user_team_id
from apps.audit.selectors import record_read_for
from apps.audit.services import audit_record
from apps.common.batching import ReadMemo
from apps.common.crypto import lookup_digest
from apps.incidents.models import Assignment, CallType, Encounter, EncounterVersion, Incident, IncidentLogEntry
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, OPEN_INCIDENT_STATUSES, IncidentStatus

SEE_ALL_INCIDENTS = {Role.SUPERVISOR, Role.ADMINISTRATOR}
SEE_ACTIVE_INCIDENTS = {Role.DISPATCHER, Role.CALL_TAKER}
# Dispatch keeps a call it just closed in view for the rest of a shift; older ones are for review.
RECENTLY_CLOSED = timedelta(hours=12)


def incidents_visible_to(user) -> QuerySet[Incident]:
    """Callers' details are people's records: dispatch sees active calls (and the shift's closed
    ones), responders their team's calls, supervisors everything."""
    role = role_of(user)
    base = Incident.objects.select_related("call_type")
    if role in SEE_ALL_INCIDENTS:
        return base
    if role in SEE_ACTIVE_INCIDENTS:
        since = timezone.now() - RECENTLY_CLOSED
        return base.filter(Q(status__in=OPEN_INCIDENT_STATUSES) | Q(closed_at__gte=since) | Q(cancelled_at__gte=since))
    if role == Role.RESPONDER:
        team_id = user_team_id(user)
        if team_id is None:
            return base.none()
        return base.filter(assignments__team_id=team_id).distinct()
    return base.none()


def incident_get_for(*, user, incident_id) -> Incident:
    """One incident with assignments and timeline; reading it is audited (it holds caller details)."""
    return record_read_for(
        user=user,
        queryset=incidents_visible_to(user).prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("team").order_by("dispatched_at")),
            Prefetch("timeline", queryset=IncidentLogEntry.objects.select_related("actor")),
        ),
        pk=incident_id,
        action="incident.view",
        missing="No such incident.",
    )


def incidents_from_callback(callback: str) -> QuerySet[Incident]:
    """Calls from one number. The callback is encrypted at rest, so the match is on its keyed digest."""
    digest = lookup_digest(callback)
    return Incident.objects.filter(callback_digest=digest) if digest else Incident.objects.none()


def incidents_list_for(*, user, open_only: bool = True, limit: int = 200) -> list[Incident]:
    """The incident list. Each row carries the caller's name and notes, so the read is audited
    (one row naming every incident shown) like the detail is."""
    qs = incidents_visible_to(user)
    if open_only:
        qs = qs.filter(status__in=OPEN_INCIDENT_STATUSES)
    incidents = list(qs.order_by("priority", "received_at")[:limit])
    if incidents:
        audit_record(
            actor=user,
            action="incident.list",
            object_type="incidents.incident",
            detail={"count": len(incidents)},
            record_ids=[i.pk for i in incidents],
        )
    return incidents


def team_assignments_for(*, user, team_id: int) -> list[Assignment]:
    """The team's active calls with their incidents (the tablet's working set); each incident read
    is audited, as the field bootstrap does."""
    assignments = list(assignments_for_team(team_id=team_id))
    for incident_id in sorted({a.incident_id for a in assignments}):
        audit_record(
            actor=user,
            action="incident.view",
            object_type="incidents.incident",
            object_id=incident_id,
            detail={"via": "assignments.mine"},
        )
    return assignments


def encounters_visible_to(user) -> QuerySet[Encounter]:
    """People's records: the assigned team, dispatchers while the call is open, supervisors."""
    role = role_of(user)
    base = Encounter.objects.select_related("incident", "assignment", "team")
    if role in {Role.SUPERVISOR, Role.ADMINISTRATOR}:
        return base
    if role == Role.DISPATCHER:
        return base.filter(incident__status__in=OPEN_INCIDENT_STATUSES)
    if role == Role.RESPONDER:
        team_id = user_team_id(user)
        if team_id is None:
            return base.none()
        return base.filter(Q(team_id=team_id) | Q(incident__assignments__team_id=team_id)).distinct()
    return base.none()


def encounter_get_for(*, user, encounter_id) -> Encounter:
    return record_read_for(
        user=user,
        queryset=encounters_visible_to(user),
        pk=encounter_id,
        action="encounter.view",
        missing="No such encounter.",
    )


def incidents_with_response_intervals(queryset: QuerySet[Incident] | None = None) -> QuerySet[Incident]:
    """Annotate call-to-dispatch, dispatch-to-en-route, en-route-to-on-scene, total and time on scene.

    Everything comes from the first team's stamps in one aggregate query.
    """
    queryset = Incident.objects.all() if queryset is None else queryset
    duration = DurationField()
    return queryset.annotate(
        first_dispatched_at=Min("assignments__dispatched_at"),
        first_en_route_at=Min("assignments__en_route_at"),
        first_on_scene_at=Min("assignments__on_scene_at"),
        last_cleared_at=Max("assignments__cleared_at"),
    ).annotate(
        call_to_dispatch=ExpressionWrapper(F("first_dispatched_at") - F("received_at"), output_field=duration),
        dispatch_to_en_route=ExpressionWrapper(
            F("first_en_route_at") - F("first_dispatched_at"), output_field=duration
        ),
        en_route_to_on_scene=ExpressionWrapper(F("first_on_scene_at") - F("first_en_route_at"), output_field=duration),
        total_response=ExpressionWrapper(F("first_on_scene_at") - F("received_at"), output_field=duration),
        time_on_scene=ExpressionWrapper(F("last_cleared_at") - F("first_on_scene_at"), output_field=duration),
    )


def assignments_for_team(*, team_id: int, active_only: bool = True) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(team_id=team_id).select_related("incident", "incident__call_type", "team")
    return qs.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES) if active_only else qs


# Dispositions that mean police came after all: such a call was not handled without police.
POLICE_DISPOSITIONS = ("police_requested", "arrest_by_police")


def incident_counts_for_period(*, start, end) -> dict:
    """Aggregates only (no record is disclosed) of calls received in [start, end) and closed:
    how many, how many without police (by call type code), and people served on their encounters.

    Funding reports read this to turn spending into cost per call and per person served.
    """
    handled = Incident.objects.filter(received_at__gte=start, received_at__lt=end, status=IncidentStatus.CLOSED)
    without_police = handled.exclude(disposition__in=POLICE_DISPOSITIONS)
    by_type = {
        (row["call_type__code"] or ""): row["n"]
        for row in without_police.values("call_type__code").annotate(n=Count("pk")).order_by()
    }
    current = EncounterVersion.objects.filter(encounter=OuterRef("pk"), number=OuterRef("current_version"))
    people = (
        Encounter.objects.filter(incident__in=handled)
        .annotate(people=Subquery(current.values("people_served")[:1]))
        .aggregate(total=Sum("people"))["total"]
    )
    return {
        "calls": handled.count(),
        "calls_without_police": sum(by_type.values()),
        "without_police_by_call_type": by_type,
        "people_served": people or 0,
    }


def encounters_for_billing(*, start, end) -> list[dict]:
    """What a billing check needs about each encounter on a call received in [start, end) and not
    cancelled: the call's reference, the team, its on-scene and cleared stamps, the disposition, the
    coverage and people served of the current version. No narrative, no name: the caller audits the
    read, since it still discloses encounter records.
    """
    current = EncounterVersion.objects.filter(encounter=OuterRef("pk"), number=OuterRef("current_version"))
    encounters = (
        Encounter.objects.filter(incident__received_at__gte=start, incident__received_at__lt=end)
        .exclude(incident__status=IncidentStatus.CANCELLED)
        .exclude(current_version=0)
        .select_related("incident", "assignment", "team")
        .prefetch_related("incident__assignments")
        .annotate(
            coverage=Subquery(current.values("coverage")[:1]),
            people=Subquery(current.values("people_served")[:1]),
        )
        .order_by("incident__received_at", "created_at")
    )
    facts = []
    for encounter in encounters:
        assignment = encounter.assignment
        if assignment is None and encounter.team_id:
            assignment = next((a for a in encounter.incident.assignments.all() if a.team_id == encounter.team_id), None)
        facts.append(
            {
                "id": encounter.pk,
                "incident": encounter.incident_id,
                "reference": encounter.incident.reference,
                "received_at": encounter.incident.received_at,
                "team_id": encounter.team_id,
                "team": encounter.team.call_sign if encounter.team_id else "",
                "on_scene_at": assignment.on_scene_at if assignment else None,
                "cleared_at": assignment.cleared_at if assignment else None,
                "disposition": encounter.disposition,
                "coverage": encounter.coverage or "",
                "people_served": encounter.people or 0,
            }
        )
    return facts


def incident_measures_for_period(*, start, end) -> dict:
    """Aggregates only, for funders' reports: closed calls received in [start, end) by disposition,
    and the median minutes from a call reaching the program to its first team on scene."""
    handled = Incident.objects.filter(received_at__gte=start, received_at__lt=end, status=IncidentStatus.CLOSED)
    by_disposition = {
        row["disposition"]: row["n"] for row in handled.values("disposition").annotate(n=Count("pk")).order_by()
    }
    intervals = sorted(
        d.total_seconds() / 60
        for d in incidents_with_response_intervals(handled).values_list("total_response", flat=True)
        if d is not None
    )
    median = None
    if intervals:
        middle = len(intervals) // 2
        median = intervals[middle] if len(intervals) % 2 else (intervals[middle - 1] + intervals[middle]) / 2
    return {"by_disposition": by_disposition, "median_response_minutes": median}


def incidents_for_rollups(*, ids=None) -> QuerySet[Incident]:
    """Calls with their assignments and each encounter's current disposition, people served and
    needs, for the aggregate rollups of apps.insights. No narrative and no caller's words are loaded;
    the callback digest (a keyed hash) is the only trace of who called. `ids=None`: every call."""
    current = EncounterVersion.objects.filter(encounter=OuterRef("pk"), number=OuterRef("current_version"))
    encounters = Encounter.objects.exclude(current_version=0).annotate(
        people=Subquery(current.values("people_served")[:1]),
        current_needs=Subquery(current.values("needs")[:1]),
    )
    calls = Incident.objects.select_related("call_type").only(
        "id",
        "received_at",
        "source",
        "call_type__code",
        "priority",
        "district",
        "callback_digest",
        "status",
        "disposition",
        "closed_at",
        "cancelled_at",
    )
    if ids is not None:
        calls = calls.filter(pk__in=list(ids))
    return calls.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.order_by("dispatched_at", "pk")),
        Prefetch(
            "encounters",
            queryset=encounters.only("id", "incident_id", "team_id", "assignment_id", "disposition", "current_version"),
        ),
    ).order_by("pk")


def incident_contacts_by_callback(*, digests=None, start=None, end=None):
    """(digest, id, received_at, cancelled) of calls that left a callback, ordered by digest and time:
    how apps.insights finds a person's repeat contacts without reading who they are."""
    rows = Incident.objects.exclude(callback_digest="")
    if digests is not None:
        rows = rows.filter(callback_digest__in=list(digests))
    if start is not None:
        rows = rows.filter(received_at__gte=start)
    if end is not None:
        rows = rows.filter(received_at__lt=end)
    cancelled = Q(status=IncidentStatus.CANCELLED)
    return (
        rows.annotate(was_cancelled=ExpressionWrapper(cancelled, output_field=BooleanField()))
        .order_by("callback_digest", "received_at", "pk")
        .values_list("callback_digest", "pk", "received_at", "was_cancelled")
    )


def call_type_names(*, codes) -> dict[str, str]:
    """{code: name in the active language} of these call types."""
    return {t.code: t.shown_name() for t in CallType.objects.filter(code__in=list(codes))}


# --- facts a batch of a tablet's changes reads once -------------------------------------------------

# Which call, assignment and team an encounter belongs to, and which call and team an assignment
# belongs to, never change once written: a batch of a tablet's changes reads each once.
_encounter_facts = ReadMemo("encounter_facts")
_assignment_facts = ReadMemo("assignment_facts")
_incident_exists = ReadMemo("incident_exists")
_encounter_new = ReadMemo("encounter_new")


def encounter_facts(encounter_id) -> dict | None:
    """{id, incident_id, assignment_id, team_id, assignment_team_id} of an encounter, or None."""
    return _encounter_facts.get(
        str(encounter_id),
        lambda: (
            Encounter.objects.filter(pk=encounter_id)
            .values("id", "incident_id", "assignment_id", "team_id", assignment_team_id=F("assignment__team_id"))
            .first()
        ),
    )


def encounters_new(encounter_ids) -> None:
    """Inside `reads_once()`: note in one query which of these ids (a batch's creates) no encounter has
    yet, so creating each need not look it up first (`encounter_is_new`)."""
    ids = set()
    for encounter_id in encounter_ids:
        try:
            ids.add(str(uuid.UUID(str(encounter_id))))
        except ValueError:
            continue  # not an id at all: its create is refused as it runs
    if not ids:
        return
    existing = {str(pk) for pk in Encounter.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    for encounter_id in ids - existing:
        _encounter_new.put(encounter_id, True)


def encounter_is_new(encounter_id) -> bool:
    """True only when this batch read that no such encounter exists and has not created it since."""
    return _encounter_new.get(str(encounter_id), lambda: None) is True


def encounter_facts_known(encounter: Encounter, *, assignment_team_id) -> None:
    """An encounter just created: its facts, so a note on it later in the batch need not read them."""
    _encounter_new.put(str(encounter.pk), False)
    _encounter_facts.put(
        str(encounter.pk),
        {
            "id": encounter.pk,
            "incident_id": encounter.incident_id,
            "assignment_id": encounter.assignment_id,
            "team_id": encounter.team_id,
            "assignment_team_id": assignment_team_id,
        },
    )


def assignment_facts(assignment_id) -> dict | None:
    """{id, incident_id, team_id} of an assignment, or None."""
    return _assignment_facts.get(
        str(assignment_id),
        lambda: Assignment.objects.filter(pk=assignment_id).values("id", "incident_id", "team_id").first(),
    )


def incident_exists(incident_id) -> bool:
    return bool(
        _incident_exists.get(str(incident_id), lambda: Incident.objects.filter(pk=incident_id).exists() or None)
    )
