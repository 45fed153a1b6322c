"""What a tablet may hold: its team's working set and the resource directory, nothing more.

Every person's record read here is audit-logged, because the tablet will keep a copy.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import conf as accounts_conf
from apps.accounts.models import Device, User
from apps.accounts.roles import is_responder
from apps.accounts.selectors import idle_limit_seconds, user_summary, user_team_id
from apps.audit.services import audit_reads_once
from apps.common.errors import NotFound, PermissionRefused
from apps.feedback import conf as feedback_conf
from apps.field import conf
from apps.incidents.models import Assignment, Coverage, Disposition, Encounter
from apps.incidents.payloads import assignment_payload, encounter_payload
from apps.incidents.states import ACTIVE_ASSIGNMENT_STATUSES, ASSIGNMENT_TRANSITIONS, FIELD_STATUSES, AssignmentStatus
from apps.incidents.vocab import HOUSING_STATUSES, NEEDS, SERVICES_PROVIDED
from apps.questions.selectors import form_for_tablet
from apps.resources.selectors import services_for_field_cache
from apps.safety.history import premise_history
from apps.safety.selectors import co_response_vocabulary, co_responses_of, scene_checks
from apps.streams.names import team_stream, user_stream
from apps.streams.selectors import stream_head
from apps.teams.models import Team

# Optional person details on an encounter: short lists so the responder taps instead of typing.
# Age ranges are stored as written, so they stay the same in every language.
AGE_RANGES = ["Under 18", "18–24", "25–34", "35–44", "45–54", "55–64", "65 or older"]

# When a responder asks for a check-in from the encounter form: the tablet offers these and sends
# the due time they give (the program's rules may raise other follow-ups on the server).
FOLLOWUP_OPTIONS = [
    {"code": "tomorrow", "label": gettext_lazy("Tomorrow"), "due_in_hours": 24, "kind": "check_in_call"},
    {"code": "three_days", "label": gettext_lazy("In 3 days"), "due_in_hours": 72, "kind": "check_in_call"},
    {"code": "week", "label": gettext_lazy("In a week"), "due_in_hours": 168, "kind": "check_in_call"},
]


def field_moves() -> dict[str, list[str]]:
    """The statuses a responder may report next from each status: the state machine, field statuses only."""
    return {
        str(status): [str(s) for s in FIELD_STATUSES if s in ASSIGNMENT_TRANSITIONS[status]]
        for status in AssignmentStatus
        if any(s in ASSIGNMENT_TRANSITIONS[status] for s in FIELD_STATUSES)
    }


def device_for_sync(*, device_id) -> Device | None:
    return Device.objects.filter(pk=device_id).first()


def _field_team_id(user: User) -> int:
    team_id = user_team_id(user)
    if not is_responder(user) or team_id is None:
        raise PermissionRefused(_("The field app is for responders on a team. Ask your supervisor to add you to one."))
    return team_id


def field_working_set(*, user: User, device: Device | None = None) -> dict:
    """The bootstrap a tablet caches: the team's calls, its recent encounters, and the words it uses."""
    team_id = _field_team_id(user)
    now = timezone.now()
    recent = now - timedelta(hours=conf.recent_encounter_hours())
    team = Team.objects.get(pk=team_id)
    assignments = list(
        Assignment.objects.filter(team_id=team_id)
        .filter(Q(status__in=ACTIVE_ASSIGNMENT_STATUSES) | Q(cleared_at__gte=recent))
        .select_related("incident", "incident__call_type", "team")
        .order_by("dispatched_at")[:20]
    )
    incident_ids = {a.incident_id for a in assignments}
    encounters = list(
        Encounter.objects.filter(Q(team_id=team_id) & (Q(created_at__gte=recent) | Q(incident_id__in=incident_ids)))
        .select_related("incident")
        .order_by("-created_at")[: conf.recent_encounter_limit()]
    )
    # Each record the tablet receives is on the log once per reader per window, in two bulk writes:
    # every live event makes the tablet fetch this again, and a row per record per fetch grew with
    # events x tablets x the working set.
    window = timedelta(seconds=conf.disclosure_audit_seconds())
    detail = {"via": "field.bootstrap", "device": str(device.pk) if device else ""}
    audit_reads_once(
        actor=user,
        action="incident.view",
        object_type="incidents.incident",
        object_ids=list(incident_ids),
        detail=detail,
        within=window,
    )
    audit_reads_once(
        actor=user,
        action="encounter.view",
        object_type="incidents.encounter",
        object_ids=[e.pk for e in encounters],
        detail=detail,
        within=window,
    )
    # Kept on the tablet with its calls, so it is there with no signal; read like the calls (once a window).
    live = sorted({a.incident_id for a in assignments if a.status in ACTIVE_ASSIGNMENT_STATUSES})
    premises = {str(pk): premise_history(actor=user, incident_id=pk, via="field.bootstrap", audit=False) for pk in live}
    audit_reads_once(
        actor=user,
        action="premise.view",
        object_type="incidents.incident",
        object_ids=live,
        detail=detail,
        within=window,
    )
    return {
        "server_time": now.isoformat(),
        "me": user_summary(user),
        "device": {"id": str(device.pk), "name": device.name} if device else None,
        "idle_seconds": idle_limit_seconds(user),
        "offline_wipe_days": accounts_conf.offline_wipe_days(),
        "feedback_card_days": feedback_conf.card_days(),
        "time_zone": settings.FIRSTLINE_PROGRAM_TIME_ZONE,
        "team": {"id": team.pk, "call_sign": team.call_sign, "name": team.name, "status": team.status},
        "assignments": [assignment_payload(a, with_incident=True) for a in assignments],
        "encounters": [encounter_payload(e) for e in encounters],
        "cursors": {
            team_stream(team.pk): stream_head(stream=team_stream(team.pk)),
            user_stream(user.pk): stream_head(stream=user_stream(user.pk)),
        },
        "vocab": {
            "needs": NEEDS,
            "services_provided": SERVICES_PROVIDED,
            "dispositions": dict(Disposition.choices),
            "coverages": dict(Coverage.choices),
            "statuses": {str(s): s.label for s in AssignmentStatus},
            "age_ranges": AGE_RANGES,
            "housing": HOUSING_STATUSES,
            "transitions": field_moves(),
            "followup_options": [{**option, "label": str(option["label"])} for option in FOLLOWUP_OPTIONS],
            "co_response": co_response_vocabulary(),
        },
        "premise_history": premises,
        # Police, fire or EMS asked to the team's calls, by call id; the lists to ask from are in vocab.
        "co_responses": {str(pk): rows for pk, rows in co_responses_of(incident_ids).items()},
        # The "All OK?" clock of each assignment on scene, by assignment id.
        "checkins": {str(pk): clock for pk, clock in scene_checks(assignments).items()},
        # The program's own encounter questions, as last published (null until one is); the tablet
        # renders and checks them offline and sends the answers with this version's id.
        "encounter_form": form_for_tablet(),
        # How often the tablet reports where it is (AVL): moving, and standing still.
        "position_report": {
            "moving_seconds": settings.FIRSTLINE_POSITION_REPORT_SECONDS,
            "still_seconds": settings.FIRSTLINE_POSITION_STILL_SECONDS,
            "moved_metres": 30,
        },
    }


def _disclosed(*, user: User, device: Device | None, via: str, action: str, object_type: str, ids: list) -> None:
    """A record a tablet fetched on its own: on the log once per reader per window, like the bootstrap's."""
    detail = {"via": via, "device": str(device.pk) if device else ""}
    window = timedelta(seconds=conf.disclosure_audit_seconds())
    audit_reads_once(actor=user, action=action, object_type=object_type, object_ids=ids, detail=detail, within=window)


def field_assignment(*, user: User, device: Device | None, assignment_id: int) -> dict:
    """One of the team's assignments as the tablet's store holds it (the call, its co-responses, its
    check-in clock and, while active, the premise history): what a live event about it names, so the
    tablet updates one record instead of fetching its whole working set again."""
    team_id = _field_team_id(user)
    assignment = (
        Assignment.objects.filter(pk=assignment_id, team_id=team_id)
        .select_related("incident", "incident__call_type", "team")
        .first()
    )
    if assignment is None:
        raise NotFound(_("No such assignment for your team."))
    incident_id = assignment.incident_id
    active = assignment.status in ACTIVE_ASSIGNMENT_STATUSES
    via = "field.record"
    _disclosed(
        user=user, device=device, via=via, action="incident.view", object_type="incidents.incident", ids=[incident_id]
    )
    premise = None
    if active:
        premise = premise_history(actor=user, incident_id=incident_id, via=via, audit=False)
        _disclosed(
            user=user,
            device=device,
            via=via,
            action="premise.view",
            object_type="incidents.incident",
            ids=[incident_id],
        )
    return {
        "assignment": assignment_payload(assignment, with_incident=True),
        "premise_history": premise,
        "co_responses": co_responses_of([incident_id]).get(incident_id, []),
        "checkin": scene_checks([assignment]).get(assignment.pk),
    }


def field_encounter(*, user: User, device: Device | None, encounter_id) -> dict:
    """One of the team's encounters as the tablet's store holds it (what an encounter event names)."""
    team_id = _field_team_id(user)
    encounter = Encounter.objects.filter(pk=encounter_id, team_id=team_id).select_related("incident").first()
    if encounter is None:
        raise NotFound(_("No such encounter for your team."))
    _disclosed(
        user=user,
        device=device,
        via="field.record",
        action="encounter.view",
        object_type="incidents.encounter",
        ids=[encounter.pk],
    )
    return encounter_payload(encounter)


def field_resources(*, user: User) -> dict:
    """The resource directory for offline search; the directory app shapes each service."""
    results = list(services_for_field_cache())
    return {"available": True, "generated_at": timezone.now().isoformat(), "results": results}
