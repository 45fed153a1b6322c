"""Demo data for intake: a published policy, the Riverton 911 center, a held EIDO call, a few decisions.

Idempotent: running it twice changes nothing the second time (and never prints a second key).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from apps.demo.call_kinds import named_in_other_languages
from apps.incidents.models import CallType
from apps.intake import services
from apps.intake.eido.pidf import pidf_lo
from apps.intake.models import (
    CallCenter,
    CenterKind,
    EidoDocument,
    Policy,
    PolicyCallType,
    PriorityTarget,
    ResponseType,
    ScreeningDecision,
    ScreeningQuestion,
)
from apps.intake.services import eido_receive

# The vocabulary below is stored in English as data; pages show it through the catalog
# ({% translate ct.name %}), so a program's own additions show as they were written.
POLICY_NAME = "Community response eligibility"

# code, name, default priority, 911 nature codes, Open311 service code, response
CALL_TYPES = [
    ("welfare_check", N_("Welfare check"), 3, ["WELF", "WELFARE", "CHECK-WELFARE"], "welfare-check", "alternative"),
    ("mental_health_crisis", N_("Mental-health crisis"), 2, ["MENTAL", "EDP", "PSYCH"], "mental-health", "alternative"),
    ("suicidal_ideation", N_("Suicidal ideation (no means at hand)"), 1, ["SUICIDAL", "988-XFER"], "", "alternative"),
    ("intoxication", N_("Public intoxication"), 3, ["INTOX", "DRUNK"], "intoxication", "alternative"),
    ("homelessness_outreach", N_("Homelessness outreach"), 4, ["TRANSIENT", "UNHOUSED"], "outreach", "alternative"),
    ("disorientation", N_("Disoriented person"), 2, ["DISORIENT", "CONFUSED"], "", "alternative"),
    (
        "conflict_resolution",
        N_("Conflict resolution (non-violent)"),
        3,
        ["DISPUTE", "NEIGHBOR"],
        "dispute",
        "alternative",
    ),
]

# key, text, leads to, reason, priority if yes
QUESTIONS = [
    (
        "weapon_involved",
        N_("Is anyone known to have a weapon?"),
        ResponseType.NOT_ELIGIBLE,
        N_("A weapon is involved."),
        None,
    ),
    (
        "violence_or_threats",
        N_("Is anyone violent, or threatening violence?"),
        ResponseType.CO_RESPONSE_POLICE,
        N_("Violence or threats: police respond with the team."),
        1,
    ),
    (
        "medical_emergency",
        N_("Is there a medical emergency or injury?"),
        ResponseType.CO_RESPONSE_EMS,
        N_("Medical emergency or injury: EMS responds with the team."),
        1,
    ),
    (
        "crime_in_progress",
        N_("Is a crime in progress?"),
        ResponseType.SECONDARY,
        N_("A crime is in progress: police first, the team after police clear."),
        None,
    ),
    (
        "suicide_attempt_with_means",
        N_("Is someone actively attempting suicide, with the means at hand?"),
        ResponseType.NOT_ELIGIBLE,
        N_("Active suicide attempt with means: emergency services respond."),
        None,
    ),
]

# Safety questions with no default answer (weapons, violence and medical emergency always are).
CRITICAL = {"weapon_involved", "violence_or_threats", "medical_emergency", "suicide_attempt_with_means"}

TARGETS = [(1, 10, N_("Urgent")), (2, 20, N_("Soon")), (3, 45, N_("Routine")), (4, 120, N_("Scheduled"))]


def ensure_call_types() -> dict[str, CallType]:
    found = {}
    for code, name, priority, *_rest in CALL_TYPES:
        found[code], _ = CallType.objects.get_or_create(
            code=code, defaults={"name": name, "default_priority": priority, "required_capabilities": []}
        )
        named_in_other_languages(found[code])
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


DEMO_KEY_LABEL = "demo"  # data: the key's name in the admin
HELD_EIDO_ID = "urn:emergency:uid:incidentid:riverton911:demo-held-1"


def held_eido() -> dict:
    """An EIDO as Riverton 911's CAD sends it (NENA's schema): it answers no safety question, so it arrives held."""
    agency = "urn:nena:agency:riverton911"
    answered = timezone.now() - timedelta(minutes=4)
    stamp = answered.isoformat()

    def prologue(component_id: str) -> dict:
        return {"$id": component_id, "lastUpdateTimeStamp": stamp, "updatedByAgencyReference": {"$ref": agency}}

    civic = {"country": "US", "A1": "CO", "A3": "Riverton", "HNO": "400", "A6": "Water", "STS": "St"}
    civic["LOC"] = "Riverside Park trailhead"
    return {
        **prologue(HELD_EIDO_ID),
        "eidoVersion": "1.0",
        "issuingElementIdentification": "cad.riverton911.example",
        "incidentComponent": {
            **prologue("urn:emergency:uid:incident:demo-held-1"),
            "incidentTypeCommonRegistryText": "MENTAL",
            "incidentTypeInternalText": "Mental-health crisis",
            "locationReference": [{"$ref": "urn:emergency:uid:locationid:demo-held-1"}],
            "personReference": [{"$ref": "urn:emergency:uid:personid:demo-held-1"}],
            "notesReference": [{"$ref": "urn:emergency:uid:noteid:demo-held-1"}],
        },
        "callComponent": [
            {
                **prologue("urn:emergency:uid:callid:demo-held-1:riverton911.example"),
                "standardPrimaryCallType": "emergency",
                "direction": "incoming",
                "callStartTimestamp": (answered - timedelta(seconds=9)).isoformat(),
                "answerDate": stamp,
                "callStateRegistryText": "callAnswered",
                "callBackReference": {"$ref": "urn:emergency:uid:callbackid:demo-held-1"},
                "personReference": [{"$ref": "urn:emergency:uid:personid:demo-held-1"}],
            }
        ],
        "callbackComponent": [
            {**prologue("urn:emergency:uid:callbackid:demo-held-1"), "callBackInformationUri": ["tel:+13035550147"]}
        ],
        "personComponent": [
            {
                **prologue("urn:emergency:uid:personid:demo-held-1"),
                "personIncidentRoleRegistryText": ["Caller"],
                "ncPersonComponent": {
                    "name": [{"personGivenName": [{"value": "Rosa"}], "personSurName": [{"value": "Medina"}]}],
                    "primaryLanguage": [{"languageCode": [{"simpleType": "spa"}]}],
                },
                "callBackReference": {"$ref": "urn:emergency:uid:callbackid:demo-held-1"},
            }
        ],
        "agencyComponent": [
            {
                **prologue(agency),
                "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                "agencyType": ["psap"],
                "incidentOwningAgencyIndicator": True,
            }
        ],
        "locationComponent": [
            {
                **prologue("urn:emergency:uid:locationid:demo-held-1"),
                "locationTypeDescriptionRegistryText": "Incident",
                "locationByValue": pidf_lo(
                    entity="pres:caller@riverton911.example", civic=civic, latitude=39.7652, longitude=-105.0118
                ),
            }
        ],
        "notesComponent": [
            {
                **prologue("urn:emergency:uid:noteid:demo-held-1"),
                "notesActionComments": "<p>Caller's brother is pacing by the river, talking to himself; "
                "she does not know whether he has anything with him.</p>",
            }
        ],
    }


def load_demo_data(*, stdout) -> None:
    version = ensure_policy()
    stdout.write(f"Eligibility policy in force: {version.policy.name} v{version.number}")
    center = CallCenter.objects.filter(name="Riverton 911").first()
    if center is None:
        center = services.call_center_create(
            actor=None, name="Riverton 911", kind=CenterKind.NINE_ONE_ONE, contact="PSAP supervisor desk"
        )
    if not center.api_keys.exists():
        _key, raw = services.api_key_issue(actor=None, call_center_id=center.pk, label=DEMO_KEY_LABEL)
        stdout.write(f"Riverton 911 API key (shown once): {raw}")
    if not EidoDocument.objects.filter(call_center=center, eido_id=HELD_EIDO_ID).exists():
        eido_receive(call_center=center, document=held_eido())
        stdout.write("Intake demo: 1 EIDO call from Riverton 911 held until a call-taker screens it.")
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
