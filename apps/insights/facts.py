"""How one call, screening decision, referral or follow-up becomes a fact row, and how a day's facts
add up to its rollup rows. Pure: every input is already loaded; nothing here reads or writes.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from apps.common.days import day_bounds, local_day
from apps.insights.registry import (
    CO_RESPONSE_TYPES,
    DISPOSITIONS,
    EMS_DISPOSITIONS,
    INTERVALS,
    PERSON_FOLLOWUP_KINDS,
    POLICE_DISPOSITIONS,
    REFERRAL_STEPS,
    minutes_bin,
)

CANCELLED = "cancelled"
CLOSED = "closed"
NOT_ELIGIBLE = "not_eligible"
POLICE_RESPONSE_TYPES = ("co_response_police", "secondary")
# A police co-response with one of these outcomes (or an arrival) means police came to the call.
POLICE_CAME = ("assisted", "took_over", "transported", "arrest")
REPEAT_WINDOWS = {"repeat_30": timedelta(days=30), "repeat_90": timedelta(days=90)}


def _seconds(start, end) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds())


def _first(values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def targets_at(history: list[tuple], moment: datetime) -> dict:
    """The response targets in force at `moment` from `response_target_history()`."""
    chosen = history[0][1]
    for published_at, targets in history[1:]:
        if published_at <= moment:
            chosen = targets
    return chosen


def repeat_flags(contacts) -> dict[int, dict[str, bool]]:
    """{call id: {"repeat_30": ..., "repeat_90": ...}} for the calls of one callback digest, given as
    (id, received_at, cancelled) in time order. A call repeats when an earlier call from the same
    number, not cancelled, came within the window; cancelled calls neither repeat nor count."""
    flags = {}
    previous = None
    for call_id, received_at, cancelled in contacts:
        if cancelled:
            flags[call_id] = dict.fromkeys(REPEAT_WINDOWS, False)
            continue
        flags[call_id] = {
            key: previous is not None and received_at - previous <= window for key, window in REPEAT_WINDOWS.items()
        }
        previous = received_at
    return flags


def call_fact(incident, *, decision, co_requests, target_history, covered_needs, repeats) -> dict:
    """The fact of one call (loaded by `incidents_for_rollups`); `decision` its screening or None,
    `co_requests` its co-responses [(agency, reason, outcome, arrived)], `covered_needs(day)` the
    needs partners covered that day, `repeats` its repeat flags."""
    assignments = list(incident.assignments.all())
    encounters = list(incident.encounters.all())
    dispatched = _first(a.dispatched_at for a in assignments)
    en_route = _first(a.en_route_at for a in assignments)
    on_scene = _first(a.on_scene_at for a in assignments)
    cleared = max((a.cleared_at for a in assignments if a.cleared_at), default=None)
    arrived = sorted((a for a in assignments if a.on_scene_at), key=lambda a: (a.on_scene_at, a.pk))
    kept = [a for a in assignments if a.status != CANCELLED]
    first_team = (arrived or kept or assignments or [None])[0]
    team_seconds: dict[str, int] = defaultdict(int)
    for a in assignments:
        end = a.cleared_at or a.cancelled_at
        if end is not None:
            team_seconds[str(a.team_id)] += max(0, _seconds(a.dispatched_at, end))
    dispositions = {incident.disposition, *(e.disposition for e in encounters)} - {""}
    response_type = decision.response_type if decision is not None else ""
    police_came = any(
        agency == "police" and (arrived or outcome in POLICE_CAME) for agency, _reason, outcome, arrived in co_requests
    )
    police_disposition = bool(dispositions & set(POLICE_DISPOSITIONS)) or police_came
    co_requested = bool(dispositions & {*POLICE_DISPOSITIONS, *EMS_DISPOSITIONS}) or bool(co_requests)
    day = local_day(incident.received_at)
    covered = covered_needs(day)
    unmet = 0
    for encounter in encounters:
        needs = {n for n in (encounter.current_needs or []) if isinstance(n, str)}
        unmet += len(needs - covered)
    targets = targets_at(target_history, incident.received_at)
    return {
        "incident_id": incident.pk,
        "day": day,
        "received_at": incident.received_at,
        "source": incident.source,
        "call_type": incident.call_type.code if incident.call_type_id else "",
        "priority": incident.priority,
        "district": incident.district or "",
        "team_id": first_team.team_id if first_team else None,
        "status": incident.status,
        "disposition": incident.disposition or "",
        "screened": decision is not None,
        "response_type": response_type,
        "police_involved": police_disposition or response_type in POLICE_RESPONSE_TYPES,
        "police_disposition": police_disposition,
        "co_planned": response_type in CO_RESPONSE_TYPES,
        "co_requested": co_requested,
        "people_served": sum(e.people or 0 for e in encounters),
        "teams_sent": len({a.team_id for a in assignments}),
        "reassigned": any(a.status == CANCELLED for a in assignments) and len(kept) > 0,
        "target_minutes": targets.get(incident.priority),
        "to_dispatch": _seconds(incident.received_at, dispatched),
        "dispatch_to_en_route": _seconds(dispatched, en_route),
        "en_route_to_on_scene": _seconds(en_route, on_scene),
        "to_on_scene": _seconds(incident.received_at, on_scene),
        "on_scene": _seconds(on_scene, cleared),
        "callback_digest": incident.callback_digest or "",
        "repeat_30": repeats.get("repeat_30", False),
        "repeat_90": repeats.get("repeat_90", False),
        "needs_without_partner": unmet,
        "co_requests": [[agency, reason] for agency, reason, _outcome, _arrived in co_requests],
        "team_seconds": dict(team_seconds),
    }


def screening_fact(decision, *, source_for_center, needed_police: bool) -> dict:
    incident = decision.incident if decision.incident_id else None
    if incident is not None:
        source = incident.source
    elif decision.call_center_id:
        source = source_for_center.get(decision.call_center.kind, "")
    else:
        source = ""
    screened_in = decision.response_type != NOT_ELIGIBLE
    version = decision.policy_version
    return {
        "decision_id": decision.pk,
        "day": local_day(decision.decided_at),
        "incident_id": decision.incident_id,
        "source": source,
        "call_type": decision.call_type.code if decision.call_type_id else "",
        "priority": decision.priority or (incident.priority if incident else None),
        "district": incident.district if incident else "",
        "policy_version": f"{version.policy.name} v{version.number}",
        "response_type": decision.response_type,
        "screened_in": screened_in,
        "overridden": decision.overridden,
        "needed_police": screened_in and needed_police,
    }


def referral_fact(referral) -> dict | None:
    """The fact of a referral that was sent (None for a draft never sent): the first time it
    reached each step of the loop, from its status history."""
    first: dict[str, datetime] = {}
    for change in referral.history.all():
        first.setdefault(change.to_status, change.at)
    sent = first.get("sent")
    if sent is None:
        return None
    accepted, served, closed = first.get("accepted"), first.get("delivered"), first.get("closed")
    incident = referral.encounter.incident
    return {
        "referral_id": referral.pk,
        "day": local_day(sent),
        "incident_id": incident.pk,
        "partner_id": str(referral.service.organization_id),
        "source": incident.source,
        "call_type": incident.call_type.code if incident.call_type_id else "",
        "priority": incident.priority,
        "district": incident.district or "",
        "team_id": referral.encounter.team_id,
        "accepted": accepted is not None,
        "served": served is not None,
        "closed": closed is not None,
        "sent_to_accepted": _seconds(sent, accepted),
        "accepted_to_served": _seconds(accepted, served),
        "served_to_closed": _seconds(served, closed),
    }


def followup_fact(followup) -> dict | None:
    if followup.kind not in PERSON_FOLLOWUP_KINDS:
        return None
    done = followup.status == "done"
    return {
        "followup_id": followup.pk,
        "day": local_day(followup.due_at),
        "team_id": followup.team_id,
        "kind": followup.kind,
        "cancelled": followup.status == CANCELLED,
        "done": done,
        "on_time": done and followup.completed_at is not None and followup.completed_at <= followup.due_at,
    }


class DayTotals:
    """The counters and histograms of one day, by (dimension, value)."""

    def __init__(self):
        self.counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.histograms: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))

    def add(self, keys, counter: str, amount: int = 1) -> None:
        if amount:
            for key in keys:
                self.counts[key][counter] += amount

    def observe(self, keys, histogram: str, seconds: int | None) -> None:
        if seconds is not None:
            minutes = str(minutes_bin(seconds))
            for key in keys:
                self.histograms[key][histogram][minutes] += 1

    def rows(self) -> list[dict]:
        keys = set(self.counts) | set(self.histograms)
        return [
            {
                "dimension": dimension,
                "value": value,
                "counts": dict(self.counts.get((dimension, value), {})),
                "histograms": {name: dict(h) for name, h in self.histograms.get((dimension, value), {}).items()},
            }
            for dimension, value in sorted(keys)
        ]


def _call_keys(fact) -> list[tuple[str, str]]:
    return [
        ("all", ""),
        ("source", fact.source),
        ("call_type", fact.call_type),
        ("priority", str(fact.priority)),
        ("district", fact.district),
        ("team", str(fact.team_id) if fact.team_id else ""),
    ]


# Every counter and histogram that one call's fact adds to (see call_counters), besides the busy
# time of its teams and its co-response requests, which day_totals adds by team, agency and reason.
CALL_COUNTERS = frozenset(
    {
        "calls",
        "calls_cancelled",
        "people_served",
        "co_responses",
        "co_responses_planned",
        "co_responses_requested",
        "needs_without_partner",
        "with_callback",
        "repeat_30",
        "repeat_90",
        "within_target",
        "calls_closed",
        "calls_without_police",
        *(f"disposition_{code}" for code in DISPOSITIONS),
    }
)


def call_counters(fact) -> tuple[dict[str, int], dict[str, int]]:
    """What one call adds to its day: ({counter: amount}, {interval: seconds})."""
    counts = {"calls": 1}
    if fact.status == CANCELLED:
        counts["calls_cancelled"] = 1
        return counts, {}
    counts.update(
        people_served=fact.people_served,
        co_responses=int(fact.co_planned or fact.co_requested),
        co_responses_planned=int(fact.co_planned),
        co_responses_requested=int(fact.co_requested),
        needs_without_partner=fact.needs_without_partner,
    )
    if fact.callback_digest:
        counts.update(with_callback=1, repeat_30=int(fact.repeat_30), repeat_90=int(fact.repeat_90))
    if fact.to_on_scene is not None and fact.target_minutes is not None:
        counts["within_target"] = int(fact.to_on_scene <= fact.target_minutes * 60)
    if fact.status == CLOSED:
        counts.update(calls_closed=1, calls_without_police=int(not fact.police_involved))
        if fact.disposition in DISPOSITIONS:
            counts[f"disposition_{fact.disposition}"] = 1
    observed = {interval: getattr(fact, interval) for interval in INTERVALS if getattr(fact, interval) is not None}
    return counts, observed


def day_totals(*, day: date, calls, screenings, referrals, followups, shifts) -> DayTotals:
    """Add up one day's facts (model instances) and the shifts overlapping it ((team, start, end))."""
    totals = DayTotals()
    for fact in calls:
        keys = _call_keys(fact)
        counts, observed = call_counters(fact)
        for counter, amount in counts.items():
            totals.add(keys, counter, amount)
        for interval, seconds in observed.items():
            totals.observe(keys, interval, seconds)
        for team, seconds in (fact.team_seconds or {}).items():
            totals.add([("all", ""), ("team", team)], "busy_seconds", seconds)
        if fact.status != CANCELLED:
            for agency, reason in fact.co_requests or []:
                totals.add([*keys, ("agency", agency), ("reason", reason)], "co_response_requests")
    for fact in screenings:
        keys = [
            ("all", ""),
            ("source", fact.source),
            ("call_type", fact.call_type),
            ("priority", str(fact.priority) if fact.priority else ""),
            ("district", fact.district),
            ("policy_version", fact.policy_version),
        ]
        totals.add(keys, "screenings")
        totals.add(keys, "screened_in" if fact.screened_in else "screened_out")
        totals.add(keys, "screening_overridden", int(fact.overridden))
        totals.add(keys, "screened_in_needed_police", int(fact.needed_police))
    for fact in referrals:
        keys = [
            ("all", ""),
            ("source", fact.source),
            ("call_type", fact.call_type),
            ("priority", str(fact.priority) if fact.priority else ""),
            ("district", fact.district),
            ("team", str(fact.team_id) if fact.team_id else ""),
            ("partner", str(fact.partner_id)),
        ]
        totals.add(keys, "referrals_sent")
        totals.add(keys, "referrals_accepted", int(fact.accepted))
        totals.add(keys, "referrals_served", int(fact.served))
        totals.add(keys, "referrals_closed", int(fact.closed))
        for step, field in zip(
            REFERRAL_STEPS, ("sent_to_accepted", "accepted_to_served", "served_to_closed"), strict=True
        ):
            totals.observe(keys, step, getattr(fact, field))
    for fact in followups:
        if fact.cancelled:
            continue
        keys = [("all", ""), ("team", str(fact.team_id) if fact.team_id else "")]
        totals.add(keys, "followups_due")
        totals.add(keys, "followups_on_time", int(fact.on_time))
    begin, end = day_bounds(day)
    for team_id, starts_at, ends_at in shifts:
        seconds = _seconds(max(starts_at, begin), min(ends_at, end))
        if seconds and seconds > 0:
            keys = [("all", ""), ("team", str(team_id))]
            totals.add(keys, "shift_seconds", seconds)
            totals.add(keys, "shift_pieces")
    return totals
