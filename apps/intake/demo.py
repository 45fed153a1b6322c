"""Demo data for intake: a published eligibility policy, the Riverton 911 center, a few decisions.

Idempotent: running it twice changes nothing the second time (and never prints a second key).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.incidents.models import CallType
from apps.intake import services
from apps.intake.models import (
    CallCenter,
    CenterKind,
    Policy,
    PolicyCallType,
    PriorityTarget,
    ResponseType,
    ScreeningDecision,
    ScreeningQuestion,
)

POLICY_NAME = "Community response eligibility"

# code, name, default priority, 911 nature codes, Open311 service code, response
CALL_TYPES = [
    ("welfare_check", "Welfare check", 3, ["WELF", "WELFARE", "CHECK-WELFARE"], "welfare-check", "alternative"),
    ("mental_health_crisis", "Mental-health crisis", 2, ["MENTAL", "EDP", "PSYCH"], "mental-health", "alternative"),
    ("suicidal_ideation", "Suicidal ideation (no means at hand)", 1, ["SUICIDAL", "988-XFER"], "", "alternative"),
    ("intoxication", "Public intoxication", 3, ["INTOX", "DRUNK"], "intoxication", "alternative"),
    ("homelessness_outreach", "Homelessness outreach", 4, ["TRANSIENT", "UNHOUSED"], "outreach", "alternative"),
    ("disorientation", "Disoriented person", 2, ["DISORIENT", "CONFUSED"], "", "alternative"),
    ("conflict_resolution", "Conflict resolution (non-violent)", 3, ["DISPUTE", "NEIGHBOR"], "dispute", "alternative"),
]

# key, text, leads to, reason, priority if yes
QUESTIONS = [
    ("weapon_involved", "Is anyone known to have a weapon?", ResponseType.NOT_ELIGIBLE, "A weapon is involved.", None),
    (
        "violence_or_threats",
        "Is anyone violent, or threatening violence?",
        ResponseType.CO_RESPONSE_POLICE,
        "Violence or threats: police respond with the team.",
        1,
    ),
    (
        "medical_emergency",
        "Is there a medical emergency or injury?",
        ResponseType.CO_RESPONSE_EMS,
        "Medical emergency or injury: EMS responds with the team.",
        1,
    ),
    (
        "crime_in_progress",
        "Is a crime in progress?",
        ResponseType.SECONDARY,
        "A crime is in progress: police first, the team after police clear.",
        None,
    ),
    (
        "suicide_attempt_with_means",
        "Is someone actively attempting suicide, with the means at hand?",
        ResponseType.NOT_ELIGIBLE,
        "Active suicide attempt with means: emergency services respond.",
        None,
    ),
]

# Safety questions with no default answer (weapons, violence and medical emergency always are).
CRITICAL = {"weapon_involved", "violence_or_threats", "medical_emergency", "suicide_attempt_with_means"}

TARGETS = [(1, 10, "Urgent"), (2, 20, "Soon"), (3, 45, "Routine"), (4, 120, "Scheduled")]


def ensure_call_types() -> dict[str, CallType]:
    found = {}
    for code, name, priority, *_rest in CALL_TYPES:
        found[code], _ = CallType.objects.get_or_create(
            code=code, defaults={"name": name, "default_priority": priority, "required_capabilities": []}
        )
    return found


def ensure_policy(*, actor=None):
    """A published v1 of the demo policy (or the version already in force)."""
    call_types = ensure_call_types()
    policy, _ = Policy.objects.get_or_create(
        name=POLICY_NAME, defaults={"description": "Which calls the community response team takes."}
    )
    published = policy.versions.filter(published_at__isnull=False).order_by("-number").first()
    if published is not None:
        return published
    with transaction.atomic():
        draft = policy.versions.filter(published_at__isnull=True).first() or services.policy_version_draft(
            actor=actor, policy_id=policy.pk
        )
        if not draft.call_types.exists():
            for code, _name, _priority, natures, service_code, response in CALL_TYPES:
                PolicyCallType.objects.create(
                    version=draft,
                    call_type=call_types[code],
                    nature_codes=natures,
                    open311_service_code=service_code,
                    response_type=response,
                )
            for order, (key, text, leads_to, reason, priority) in enumerate(QUESTIONS):
                ScreeningQuestion.objects.create(
                    version=draft,
                    key=key,
                    text=text,
                    order=order,
                    yes_leads_to=leads_to,
                    yes_reason=reason,
                    priority_if_yes=priority,
                    critical=key in CRITICAL,
                )
            for priority, minutes, label in TARGETS:
                PriorityTarget.objects.create(version=draft, priority=priority, minutes=minutes, label=label)
        return services.policy_version_publish(actor=actor, version_id=draft.pk)


def load_demo_data(*, stdout) -> None:
    version = ensure_policy()
    stdout.write(f"Eligibility policy in force: {version.policy.name} v{version.number}")
    center = CallCenter.objects.filter(name="Riverton 911").first()
    if center is None:
        center = services.call_center_create(
            actor=None, name="Riverton 911", kind=CenterKind.NINE_ONE_ONE, contact="PSAP supervisor desk"
        )
    if not center.api_keys.exists():
        _key, raw = services.api_key_issue(actor=None, call_center_id=center.pk, label="demo")
        stdout.write(f"Riverton 911 API key (shown once): {raw}")
    if ScreeningDecision.objects.exists():
        return
    user = get_user_model().objects.filter(username="calltaker", is_active=True).first() or center.service_user
    services.call_screen(
        actor=user,
        answers={
            "weapon_involved": "no",
            "violence_or_threats": "no",
            "medical_emergency": "no",
            "suicide_attempt_with_means": "no",
        },
        call_type="welfare_check",
        location_text="Riverside Park, north entrance",
        summary="Older man sitting on a bench for hours, not dressed for the cold.",
    )
    services.call_screen(
        actor=user,
        answers={"weapon_involved": "yes"},
        call_type="conflict_resolution",
        location_text="1400 block of Elm St",
        summary="Neighbours arguing; caller says one has a knife.",
    )
    services.call_screen(
        actor=user,
        answers={"crime_in_progress": "yes"},
        call_type="intoxication",
        location_text="Main St & 3rd Ave, bus shelter",
        summary="Intoxicated woman; caller first said shoplifting, store says nothing was taken.",
        override=ResponseType.ALTERNATIVE,
        override_reason="Store manager confirmed no crime; person is alone and calm.",
    )
    stdout.write("Intake demo: 3 screening decisions.")
