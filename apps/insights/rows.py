"""Row-level reads for the insights pages: the de-identified call rows an analyst may export, and the
calls behind a number that a supervisor may open.

The de-identified rows hold no direct identifier: no name, no phone or callback, no address or
coordinates, no free text (summary, notes, narrative, reasons typed by people), no record id; dates
only to the month, places only to the district. What a column means is in `export.COLUMNS`.

The calls behind a number are people's records: `calls_behind_for` audits the read, naming every
call shown, like every other list of calls. Only reads here; nothing writes a domain table.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.days import program_zone
from apps.common.errors import ApplicationError, PermissionRefused
from apps.incidents.answers import answers_by_call, exported_questions
from apps.incidents.models import Assignment, EncounterVersion, Incident
from apps.incidents.selectors import POLICE_DISPOSITIONS, incidents_with_response_intervals
from apps.insights import registry, selectors
from apps.insights.facts import CALL_COUNTERS
from apps.insights.models import ReferralFact, ScreeningFact
from apps.teams.models import Team

# The most calls a drill-down lists at once; the page says when there are more.
CALLS_BEHIND_LIMIT = 200


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the program's time zone (end is inclusive)."""
    zone = program_zone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def _received_in(start: date, end: date) -> QuerySet[Incident]:
    low, high = local_bounds(start, end)
    return Incident.objects.filter(received_at__gte=low, received_at__lt=high)


def _minutes(duration) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


def deidentified_call_rows(*, start: date, end: date) -> list[dict]:
    """One row per call received from `start` to `end` (local dates, inclusive), in no record's
    order but by month, then source, type and priority, so the file's order tells nothing either."""
    first_team = Assignment.objects.filter(incident=OuterRef("pk")).order_by("dispatched_at", "pk")
    calls = (
        incidents_with_response_intervals(_received_in(start, end))
        .annotate(
            teams=Count("assignments__team", distinct=True),
            first_team=Subquery(first_team.values("team__call_sign")[:1]),
        )
        .select_related("call_type", "screening")
        .order_by()
    )
    people = dict(
        EncounterVersion.objects.filter(
            encounter__incident__in=_received_in(start, end), number=F("encounter__current_version")
        )
        .values("encounter__incident")
        .annotate(people=Sum("people_served"))
        .values_list("encounter__incident", "people")
        .order_by()
    )
    referred = set(
        _received_in(start, end)
        .filter(encounters__referrals__isnull=False)
        .exclude(encounters__referrals__status="draft")
        .values_list("pk", flat=True)
    )
    # The program's own questions: a column each (export.question_columns), empty when unanswered.
    keys = [q.key for q in exported_questions()]
    answers = answers_by_call(_received_in(start, end).values("pk")) if keys else {}
    zone = program_zone()
    rows = []
    for call in calls:
        screening = getattr(call, "screening", None)
        rows.append(
            {
                "month": timezone.localtime(call.received_at, zone).strftime("%Y-%m"),
                "source": call.source,
                "call_type": call.call_type.code if call.call_type_id else "",
                "priority": call.priority,
                "district": call.district,
                "screening": screening.response_type if screening else "",
                "screening_overridden": (screening.overridden if screening else None),
                "status": call.status,
                "disposition": call.disposition,
                "police_involved": call.disposition in POLICE_DISPOSITIONS
                or (screening is not None and screening.response_type == "co_response_police"),
                "teams": call.teams,
                "first_team": call.first_team or "",
                "minutes_to_dispatch": _minutes(call.call_to_dispatch),
                "minutes_dispatch_to_en_route": _minutes(call.dispatch_to_en_route),
                "minutes_en_route_to_on_scene": _minutes(call.en_route_to_on_scene),
                "minutes_to_on_scene": _minutes(call.total_response),
                "minutes_on_scene": _minutes(call.time_on_scene),
                "people_served": people.get(call.pk) or 0,
                "referral_made": call.pk in referred,
                **{f"q_{key}": answers.get(call.pk, {}).get(key, "") for key in keys},
            }
        )
    rows.sort(key=lambda r: (r["month"], r["source"], r["call_type"], r["priority"], r["district"], r["status"]))
    return rows


# The calls behind a number. Measures of calls are answered by `selectors.calls_behind` (the same
# counters the rollups add up, so the list is exactly the number); screening decisions and referrals
# that rest on a call are read here from their own facts (a share lists its base, as for calls).
# Follow-ups and shifts have no calls behind them: the page offers no drill-down for them.
SCREENING_MEASURES = {
    "screenings": Q(),
    "screened_in": Q(screened_in=True),
    "screened_out": Q(screened_in=False),
    "screening_overridden": Q(overridden=True),
    "screened_in_needed_police": Q(screened_in=True),
}
REFERRAL_MEASURES = {
    "referrals_sent": Q(),
    "referrals_accepted": Q(accepted=True),
    "referrals_served": Q(served=True),
    "referrals_closed": Q(closed=True),
    "referral_sent_to_accepted": Q(sent_to_accepted__isnull=False),
    "referral_accepted_to_served": Q(accepted_to_served__isnull=False),
    "referral_served_to_closed": Q(served_to_closed__isnull=False),
}
OTHER_FACTS = ((ScreeningFact, SCREENING_MEASURES), (ReferralFact, REFERRAL_MEASURES))
# The fact's field each breakdown reads (week and month read the fact's local day).
BREAKDOWN_FIELDS = {
    "source": "source",
    "call_type": "call_type",
    "priority": "priority",
    "district": "district",
    "team": "team_id",
    "partner": "partner_id",
    "policy_version": "policy_version",
}
NUMERIC_FIELDS = {"priority", "team_id"}


def _rests_on_calls(key: str) -> bool:
    measure = registry.MEASURES.get(key)
    if measure is None:
        return False
    if measure.kind == "duration":
        return measure.histogram in registry.INTERVALS
    counter = measure.base if measure.kind == "share" else measure.counter
    return counter in CALL_COUNTERS or counter == "co_response_requests"


def drillable(key: str) -> bool:
    return _rests_on_calls(key) or any(key in measures for _model, measures in OTHER_FACTS)


def _days_of_group(by: str, group: str) -> tuple[date, date] | None:
    """The local days a week (YYYY-Www) or a month (YYYY-MM) covers."""
    try:
        if by == "week":
            monday = date.fromisocalendar(int(group[:4]), int(group[6:]), 1)
            return monday, monday + timedelta(days=6)
        first = date.fromisoformat(f"{group}-01")
    except ValueError:
        return None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def _group_filter(model, by: str | None, group: str | None) -> Q | None:
    """The fact rows of one breakdown value, or None when the value names no row of this fact."""
    if not by:
        return Q()
    if group is None:
        return None
    if by in ("week", "month"):
        days = _days_of_group(by, group)
        return None if days is None else Q(day__gte=days[0], day__lte=days[1])
    field = BREAKDOWN_FIELDS.get(by)
    if field is None or field not in {f.name for f in model._meta.get_fields()}:
        return None
    if field == "team_id" and group and not group.isdigit():  # the measures name a team by its call sign
        team_id = Team.objects.filter(call_sign=group).values_list("pk", flat=True).first()
        return None if team_id is None else Q(team_id=team_id)
    if field in NUMERIC_FIELDS:
        if group == "":
            return Q(**{f"{field}__isnull": True})
        if not group.isdigit():
            return None
        return Q(**{field: int(group)})
    return Q(**{field: group})


def _incident_ids(key: str, *, start: date, end: date, by: str | None, group: str | None, limit: int) -> list[int]:
    if _rests_on_calls(key):
        try:
            return selectors.calls_behind(key, start=start, end=end, by=by, group=group, limit=limit)
        except ApplicationError:  # a breakdown or a range the measure refuses: nothing behind it
            return []
    for model, measures in OTHER_FACTS:
        if key in measures:
            condition = _group_filter(model, by, group)
            if condition is None:
                return []
            facts = model.objects.filter(measures[key], condition, day__gte=start, day__lte=end)
            ids = facts.exclude(incident_id=None).order_by("incident_id").values_list("incident_id", flat=True)
            return list(ids.distinct()[:limit])
    return []


def calls_behind_for(*, user, start: date, end: date, by: str | None, group: str | None, measure: str) -> dict:
    """The calls behind one number of a measure (a supervisor's drill-down), read through the
    measure's own facts for the period and the breakdown's value. The read is audited
    (`insights.drilldown`), naming every call shown."""
    if not is_supervisor(user):
        raise PermissionRefused(_("Only supervisors open the calls behind a number."))
    ids = _incident_ids(measure, start=start, end=end, by=by, group=group, limit=CALLS_BEHIND_LIMIT + 1)
    calls = list(
        Incident.objects.filter(pk__in=ids[:CALLS_BEHIND_LIMIT])
        .select_related("call_type")
        .prefetch_related("assignments__team")
        .order_by("received_at", "pk")
    )
    audit_record(
        actor=user,
        action="insights.drilldown",
        object_type="incidents.incident",
        detail={
            "measure": measure,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "by": by or "",
            "group": group if group is not None else "",
            "count": len(calls),
        },
        record_ids=[c.pk for c in calls],
    )
    return {"calls": calls, "more": len(ids) > CALLS_BEHIND_LIMIT, "limit": CALLS_BEHIND_LIMIT}
