"""The measures of calls: volume and screening, response intervals, and outcomes."""

from django.utils.translation import gettext_lazy as _

from apps.insights.registry.base import (
    ASSIGNMENTS,
    CALL_BREAKDOWNS,
    CALLS,
    CO_RESPONSE_BREAKDOWNS,
    OUTCOMES,
    SCREENING,
    SCREENING_BREAKDOWNS,
    count,
    duration,
    share,
)

MEASURES = [
    # Volume and screening.
    count(
        "calls",
        _("Calls received"),
        _(
            "Every call for service that reached the program, counted on the local day it was received, "
            "including calls later cancelled."
        ),
        _("count of calls received in the period"),
        unit="calls",
        sources=CALLS,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
    count(
        "calls_cancelled",
        _("Calls cancelled"),
        _("Calls cancelled before a team finished them (for example the caller called back, or a duplicate)."),
        _("count of calls received in the period whose status is cancelled"),
        unit="calls",
        sources=CALLS,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
    count(
        "screenings",
        _("Calls screened"),
        _("Screening decisions recorded under the eligibility policy, on the local day of the decision."),
        _("count of screening decisions in the period"),
        unit="calls",
        sources=SCREENING,
        privacy="public",
        breakdowns=SCREENING_BREAKDOWNS,
    ),
    count(
        "screened_in",
        _("Calls screened in"),
        _("Screening decisions that sent the program (alone, with police or EMS, or after police)."),
        _("count of screening decisions whose response is not 'not eligible'"),
        unit="calls",
        sources=SCREENING,
        privacy="public",
        breakdowns=SCREENING_BREAKDOWNS,
    ),
    count(
        "screened_out",
        _("Calls screened out"),
        _("Screening decisions that routed the call back because the program does not take it."),
        _("count of screening decisions whose response is 'not eligible'"),
        unit="calls",
        sources=SCREENING,
        privacy="public",
        breakdowns=SCREENING_BREAKDOWNS,
    ),
    count(
        "screening_overridden",
        _("Screening decisions overridden"),
        _("Screening decisions where the call-taker chose another response than the policy recommended."),
        _("count of screening decisions marked overridden"),
        unit="calls",
        sources=SCREENING,
        privacy="program",
        breakdowns=SCREENING_BREAKDOWNS,
    ),
    share(
        "screened_in_needed_police",
        _("Screened-in calls that needed police"),
        _(
            "Of the calls screened in, the share where police were requested on scene or arrested someone "
            "(the call's disposition or any team's encounter), or came when asked during the call."
        ),
        _("screened-in decisions whose call needed police ÷ screened-in decisions × 100"),
        sources=SCREENING,
        privacy="program",
        breakdowns=SCREENING_BREAKDOWNS,
        counter="screened_in_needed_police",
        base="screened_in",
    ),
    # Response.
    duration(
        "to_dispatch",
        _("Call to dispatch"),
        _("From the call reaching the program to the first team being sent."),
        _("p50 and p90 of (first team dispatched − call received)"),
        sources=ASSIGNMENTS,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
    duration(
        "dispatch_to_en_route",
        _("Dispatch to en route"),
        _("From the first team being sent to the first team on its way."),
        _("p50 and p90 of (first team en route − first team dispatched)"),
        sources=ASSIGNMENTS,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    duration(
        "en_route_to_on_scene",
        _("En route to on scene"),
        _("From the first team on its way to the first team arriving."),
        _("p50 and p90 of (first team on scene − first team en route)"),
        sources=ASSIGNMENTS,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    duration(
        "to_on_scene",
        _("Call to on scene"),
        _(
            "From the call reaching the program to the first team arriving, against the response target of "
            "the call's priority under the policy in force when the call was received; within target means "
            "arriving no later than the target."
        ),
        _(
            "p50 and p90 of (first team on scene − call received); within target: calls on scene within "
            "the target ÷ calls on scene × 100"
        ),
        sources=(*ASSIGNMENTS, "intake.PriorityTarget"),
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
        target="within_target",
    ),
    duration(
        "on_scene",
        _("Time on scene"),
        _("From the first team arriving to the last team clearing."),
        _("p50 and p90 of (last team cleared − first team on scene)"),
        sources=ASSIGNMENTS,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    # Outcomes.
    count(
        "calls_closed",
        _("Calls closed"),
        _("Calls received in the period that a team finished and closed with a disposition."),
        _("count of calls received in the period whose status is closed"),
        unit="calls",
        sources=CALLS,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
]

DISPOSITIONS = {
    "resolved_on_scene": _("Resolved on scene"),
    "transported": _("Transported"),
    "referred": _("Referred"),
    "declined_services": _("Declined services"),
    "no_person_found": _("No person found"),
    "police_requested": _("Police requested"),
    "ems_requested": _("EMS requested"),
    "involuntary_hold": _("Involuntary hold"),
    "arrest_by_police": _("Arrest by police"),
}
for _code, _label in DISPOSITIONS.items():
    MEASURES.append(
        count(
            f"disposition_{_code}",
            _label,
            _("Closed calls whose disposition (how the call ended, as the team closed it) is this one."),
            _("count of closed calls received in the period with this disposition"),
            unit="calls",
            sources=OUTCOMES,
            privacy="public",
            breakdowns=CALL_BREAKDOWNS,
        )
    )

MEASURES += [
    count(
        "co_responses",
        _("Co-responses"),
        _(
            "Calls (not cancelled) where police, fire or EMS came too or were asked to: planned at screening "
            "(co-response with police or EMS, or a secondary response after police), or requested during the call "
            "(a co-response recorded on the call, or a disposition of police requested, EMS requested or arrest "
            "by police on the call or any encounter)."
        ),
        _("count of calls planned as co-response or with another agency requested during the call"),
        unit="calls",
        sources=OUTCOMES,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    count(
        "co_responses_planned",
        _("Co-responses planned at screening"),
        _("Calls (not cancelled) that screening sent as a co-response with police or EMS, or after police."),
        _("count of calls whose screening response is a co-response or secondary response"),
        unit="calls",
        sources=OUTCOMES,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    count(
        "co_responses_requested",
        _("Other agencies requested during the call"),
        _(
            "Calls (not cancelled) where police, fire or EMS was asked to come once the call was under way (a "
            "co-response recorded on the call), or whose disposition says police or EMS was requested, or police "
            "arrested someone."
        ),
        _("count of calls with a co-response record, or a police or EMS disposition on the call or any encounter"),
        unit="calls",
        sources=OUTCOMES,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    count(
        "co_response_requests",
        _("Co-response requests, by agency and why"),
        _(
            "Each request for police, fire or EMS recorded on a call (not cancelled), with the agency asked and "
            "the reason chosen from the program's list; a call with two requests counts twice."
        ),
        _("count of co-response records on calls received in the period"),
        unit="requests",
        sources=("safety.CoResponse", "incidents.Incident"),
        privacy="program",
        breakdowns=CO_RESPONSE_BREAKDOWNS,
    ),
    count(
        "people_served",
        _("People served"),
        _("People the teams served, as each encounter's latest version records, on calls not cancelled."),
        _("sum of people served over the current version of every encounter"),
        unit="people",
        sources=OUTCOMES,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
    share(
        "repeat_contacts_30",
        _("Repeat contacts within 30 days"),
        _(
            "Of the calls (not cancelled) that left a callback number, the share from a number that had "
            "already called within the 30 days before. The same callback number stands for the same person: "
            "Firstline keeps no identity of the people served, and compares numbers only by their keyed "
            "digest, never the number itself."
        ),
        _("calls whose callback digest matches an earlier call within 30 days ÷ calls with a callback × 100"),
        sources=CALLS,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
        counter="repeat_30",
        base="with_callback",
    ),
    share(
        "repeat_contacts_90",
        _("Repeat contacts within 90 days"),
        _(
            "Of the calls (not cancelled) that left a callback number, the share from a number that had "
            "already called within the 90 days before (same rule as for 30 days)."
        ),
        _("calls whose callback digest matches an earlier call within 90 days ÷ calls with a callback × 100"),
        sources=CALLS,
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
        counter="repeat_90",
        base="with_callback",
    ),
    count(
        "calls_without_police",
        _("Calls handled without police"),
        _(
            "Closed calls where police neither co-responded by plan (co-response with police, or a secondary "
            "response after police) nor came when asked during the call (a police co-response that arrived or "
            "acted), with no disposition of police requested or arrest by police."
        ),
        _("count of closed calls not planned as police co-response, with no police disposition"),
        unit="calls",
        sources=OUTCOMES,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
    ),
    share(
        "without_police_share",
        _("Share handled without police"),
        _("Of the closed calls, the share handled without police (see calls handled without police)."),
        _("calls handled without police ÷ closed calls × 100"),
        sources=OUTCOMES,
        privacy="public",
        breakdowns=CALL_BREAKDOWNS,
        counter="calls_without_police",
        base="calls_closed",
    ),
]
