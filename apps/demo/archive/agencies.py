"""The archive's rows from intake and the other agencies: screening decisions (with the handbacks
and unmet needs they lead to) and the police or EMS co-responses of a call. rows.py calls these
with its writer, which holds the generator, the cast and the counts.
"""

from datetime import timedelta

from apps.demo.archive.plan import Call
from apps.demo.archive.stamps import BATCH, stamps_as_given
from apps.demo.call_kinds import D
from apps.demo.city import demo_uuid
from apps.incidents import timeline
from apps.incidents.models import IncidentLogEntry
from apps.intake.models import CouldHaveServed, Handback, ResponseType, ScreeningDecision, ScreeningReview, UnmetNeed
from apps.intake.services.calls import HANDBACK_RESPONSES
from apps.safety.models import CoResponse

# Another agency the team asked for on scene, by how the call ended (as the worked week has them).
CO_RESPONSES = {
    D.POLICE_REQUESTED: ("police", "violence", "took_over"),
    D.ARREST_BY_POLICE: ("police", "crime", "arrest"),
    D.EMS_REQUESTED: ("ems", "medical", "transported"),
    D.INVOLUNTARY_HOLD: ("police", "transport", "transported"),
    D.TRANSPORTED: ("ems", "transport", "assisted"),
}
HANDBACK_LEADS = {
    ResponseType.NOT_ELIGIBLE: "Not eligible for the community response; routed back.",
    ResponseType.CO_RESPONSE_POLICE: "Police co-response requested.",
    ResponseType.SECONDARY: "Police first; the community team follows once police clear.",
}


def write_screening(writer, calls: list[Call], incidents: dict) -> None:
    """The call-takers' decisions under the policy in force, the handbacks of calls screened out or
    sent with police, and the unmet needs of calls that found no team free."""
    decisions, handbacks, unmet = [], [], []
    for call in calls:
        evaluation = call.evaluation
        if evaluation is None:
            continue
        response = evaluation.response_type
        if call.override:
            response = ResponseType.ALTERNATIVE
        incident = incidents.get(call.number)
        decided_at = call.decided_at or call.received_at + timedelta(seconds=writer.rng.randint(60, 200))
        decision = ScreeningDecision(
            policy_version=writer.cast.policy_version,
            call_type=writer.cast.call_types[call.kind.code],
            answers=evaluation.answers,
            recommended=evaluation.response_type,
            response_type=response,
            reasons=evaluation.reasons,
            priority=evaluation.priority,
            overridden=bool(call.override),
            override_reason=call.override or "",
            incident=incident,
            location_text=incident.location_text if incident else "",
            summary=incident.summary if incident else call.kind.summaries[0],
            decided_by=writer.cast.calltaker,
            decided_at=decided_at,
        )
        decisions.append(decision)
        if response in HANDBACK_RESPONSES:
            detail = call.override or " ".join(evaluation.reasons[:3])
            handbacks.append((decision, incident, f"{HANDBACK_LEADS[response]} {detail}".strip()[:300]))
        if call.waited and incident is not None:
            unmet.append((decision, incident))
    ScreeningDecision.objects.bulk_create(decisions, batch_size=BATCH)
    with stamps_as_given(Handback):
        Handback.objects.bulk_create(
            [
                Handback(decision=d, incident=i, reason=r, created_by=writer.cast.calltaker, created_at=d.decided_at)
                for d, i, r in handbacks
            ],
            batch_size=BATCH,
        )
    UnmetNeed.objects.bulk_create(
        [UnmetNeed(decision=d, incident=i, call_type=d.call_type, recorded_at=d.decided_at) for d, i in unmet],
        batch_size=BATCH,
    )
    writer.counts["screening decisions"] += len(decisions)
    writer.counts["handbacks"] += len(handbacks)
    write_screening_reviews(writer, [d for d in decisions if d.response_type == ResponseType.NOT_ELIGIBLE])


REVIEW_NOTES = {
    CouldHaveServed.YES: "Caller was calm by the time of the call back; a team could have gone.",
    CouldHaveServed.UNSURE: "Not enough in the call record to say.",
}


def write_screening_reviews(writer, screened_out: list[ScreeningDecision]) -> None:
    """A supervisor's look back at about six in ten screened-out calls, a week or so later: about one
    in ten of those the team could have served, a few unsure (issue 15, item 1)."""
    reviews = []
    for decision in screened_out:
        if writer.rng.random() >= 0.6:
            continue
        roll = writer.rng.random()
        answer = CouldHaveServed.YES if roll < 0.1 else CouldHaveServed.UNSURE if roll < 0.15 else CouldHaveServed.NO
        reviewed_at = min(decision.decided_at + timedelta(days=writer.rng.randint(1, 10)), writer.now)
        reviews.append(
            ScreeningReview(
                decision=decision,
                could_have_served=answer,
                note=REVIEW_NOTES.get(answer, ""),
                reviewed_by=writer.cast.supervisor,
                reviewed_at=reviewed_at,
            )
        )
    ScreeningReview.objects.bulk_create(reviews, batch_size=BATCH)
    writer.counts["screening reviews"] += len(reviews)


def _co_response(rng, call: Call) -> tuple | None:
    """(agency, reason, outcome, asked by the board?) when another agency came, else None: the
    screening's police or EMS co-response, or what the team asked for on scene."""
    flags = call.evaluation.flags if call.evaluation else []
    by_disposition = CO_RESPONSES.get(call.disposition)
    if "violence_or_threats" in flags or "crime_in_progress" in flags:
        reason = "violence" if "violence_or_threats" in flags else "crime"
        outcome = {D.ARREST_BY_POLICE: "arrest", D.POLICE_REQUESTED: "took_over"}.get(call.disposition, "assisted")
        return "police", reason, outcome, True
    if "medical_emergency" in flags:
        return "ems", "medical", "transported" if rng.random() < 0.5 else "assisted", True
    if by_disposition is None or (call.disposition == D.TRANSPORTED and rng.random() < 0.67):
        return None
    agency, reason, outcome = by_disposition
    if call.disposition == D.POLICE_REQUESTED and rng.random() < 0.2:
        reason = "weapon"
    return agency, reason, outcome, False


def write_co_responses(writer, calls: list[Call], incidents: dict) -> None:
    """Police or EMS that came to a call, as the safety app records them, with the timeline's line."""
    rows, entries = [], []
    for call in calls:
        worked = call.worked
        plan = _co_response(writer.rng, call) if worked is not None else None
        if plan is None:
            continue
        agency, reason, outcome, by_board = plan
        rng, incident = writer.rng, incidents[call.number]
        asked = worked.dispatched_at if by_board else worked.on_scene_at + timedelta(minutes=rng.randint(2, 10))
        row = CoResponse(
            id=demo_uuid(f"{writer.prefix}co-response:{call.number}"),
            incident=incident,
            team=None if by_board else worked.team,
            agency=agency,
            reason=reason,
            requested_by=writer.cast.dispatcher if by_board else writer.cast.crew[worked.team.pk][0],
            requested_via="board" if by_board else "tablet",
            requested_at=asked,
            outcome="no_show" if rng.random() < 0.03 else outcome,
            version=3,
        )
        if row.outcome != "no_show":
            row.arrived_at = asked + timedelta(minutes=rng.randint(4, 18))
            row.left_at = max(row.arrived_at + timedelta(minutes=rng.randint(10, 45)), worked.on_scene_at)
        row.updated_at = row.left_at or asked
        rows.append(row)
        params = {"agency": agency, "why": reason}
        entries.append(
            writer.entry(incident, "co_response", timeline.CO_RESPONSE_REQUESTED, params, asked,
                        actor=row.requested_by, data={"co_response": str(row.id)})
        )  # fmt: skip
    with stamps_as_given(CoResponse):
        CoResponse.objects.bulk_create(rows, batch_size=BATCH)
    IncidentLogEntry.objects.bulk_create(entries, batch_size=BATCH)
    writer.counts["co-responses"] += len(rows)
