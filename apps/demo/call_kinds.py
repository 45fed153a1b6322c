"""What the demo's calls are about: call types with their needs, services and summaries, and the
weights that make a week of calls look like a real program's.
"""

from dataclasses import dataclass

from apps.incidents.models import Disposition


@dataclass(frozen=True)
class CallKind:
    code: str
    name: str
    description: str
    priority: int
    capabilities: tuple[str, ...]
    weight: int
    summaries: tuple[str, ...]
    needs: tuple[str, ...]
    services: tuple[str, ...]


CALL_KINDS = [
    CallKind(
        "welfare_check",
        "Welfare check",
        "Someone is worried about a person's safety or wellbeing.",
        3,
        ("peer_support",),
        24,
        (
            "Caller worried about a neighbor not seen for two days.",
            "Person lying on a bench, not responding to passers-by.",
            "Older adult seems confused about where they are going.",
            "Family asks for a check on an adult son living alone.",
        ),
        ("medical", "food", "family_contact", "case_management"),
        ("welfare_check", "basic_needs", "resource_info"),
    ),
    CallKind(
        "mental_health_crisis",
        "Mental-health crisis",
        "Acute distress, psychosis or panic with no weapon involved.",
        2,
        ("clinician",),
        20,
        (
            "Person shouting at traffic, appears to be responding to voices.",
            "Caller reports a friend having a panic attack.",
            "Young adult very distressed after a breakup, crying in a store.",
            "Man pacing and talking to himself outside a cafe.",
        ),
        ("mental_health", "crisis_stabilization", "medication", "case_management"),
        ("crisis_counseling", "de_escalation", "safety_planning", "warm_handoff"),
    ),
    CallKind(
        "suicidal_ideation",
        "Suicidal ideation (no means)",
        "Thoughts of suicide, no weapon or means present.",
        1,
        ("clinician",),
        8,
        (
            "988 transfer: caller with thoughts of suicide, no means, wants someone to talk to.",
            "Roommate reports person talking about ending their life; no weapons in the home.",
        ),
        ("mental_health", "crisis_stabilization", "family_contact"),
        ("crisis_counseling", "safety_planning", "warm_handoff"),
    ),
    CallKind(
        "intoxication",
        "Intoxication",
        "A person intoxicated in public who needs care, not jail.",
        3,
        ("emt",),
        14,
        (
            "Person intoxicated at the bus stop, unsteady on their feet.",
            "Store manager reports a man passed out near the entrance.",
        ),
        ("detox", "substance_use", "medical", "shelter"),
        ("medical_assessment", "first_aid", "basic_needs", "transport", "naloxone"),
    ),
    CallKind(
        "homelessness_outreach",
        "Homelessness outreach",
        "Someone without shelter needs resources or a ride.",
        4,
        ("peer_support",),
        16,
        (
            "Person sleeping in a doorway asks for a shelter bed.",
            "Family living in their car in a store lot, asked for help.",
            "Camp by the trail; residents asked for blankets and water.",
        ),
        ("shelter", "housing", "food", "clothing", "hygiene", "id_documents", "benefits"),
        ("basic_needs", "resource_info", "peer_support", "transport", "warm_handoff"),
    ),
    CallKind(
        "disorientation",
        "Disorientation",
        "Someone lost, confused or unable to get home.",
        3,
        ("peer_support",),
        7,
        ("Older man cannot remember his address, waiting at a bus stop.", "Woman confused at the light-rail station."),
        ("medical", "family_contact", "transportation"),
        ("welfare_check", "medical_assessment", "transport"),
    ),
    CallKind(
        "conflict_resolution",
        "Conflict resolution (non-violent)",
        "A dispute with no weapons or violence.",
        3,
        ("peer_support",),
        8,
        ("Neighbors arguing over noise, no threats.", "Customer and shop owner in a loud dispute, no violence."),
        ("case_management", "legal", "domestic_violence"),
        ("de_escalation", "resource_info"),
    ),
    CallKind(
        "needle_pickup",
        "Needle pickup",
        "Used syringes found in a public place.",
        4,
        (),
        3,
        ("Used needles reported near the playground.", "Syringes found in the alley behind the library."),
        (),
        ("resource_info",),
    ),
]
KINDS = {kind.code: kind for kind in CALL_KINDS}

SOURCES = ["911", "988", "211", "311", "police_request", "self_initiated", "walk_up"]
SOURCE_WEIGHTS = [42, 16, 8, 10, 12, 8, 4]

D = Disposition
DISPOSITIONS = [
    D.RESOLVED_ON_SCENE,
    D.REFERRED,
    D.TRANSPORTED,
    D.DECLINED_SERVICES,
    D.NO_PERSON_FOUND,
    D.EMS_REQUESTED,
    D.POLICE_REQUESTED,
    D.INVOLUNTARY_HOLD,
    D.ARREST_BY_POLICE,
]
DISPOSITION_WEIGHTS = [46, 19, 10, 10, 8, 3, 2, 1.2, 0.4]
NARRATIVES = {
    D.RESOLVED_ON_SCENE: "Talked with the person, needs met on scene. They said they feel safe now.",
    D.REFERRED: "Talked through options; person agreed to a referral and took the contact details.",
    D.TRANSPORTED: "Person accepted a ride; transported and handed off to staff.",
    D.DECLINED_SERVICES: "Offered help and resources; person declined and was safe to stay.",
    D.NO_PERSON_FOUND: "Searched the area and the nearby block; no one matching the description.",
    D.EMS_REQUESTED: "Medical need beyond our scope; EMS requested and took over care.",
    D.POLICE_REQUESTED: "Situation became unsafe for the team; police requested and arrived.",
    D.INVOLUNTARY_HOLD: "Person met hold criteria after assessment by the clinician; hold initiated.",
    D.ARREST_BY_POLICE: "Police on scene for another matter made an arrest; team left.",
}
AGE_RANGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
HOUSING = ["housed", "unsheltered", "sheltered", "unstably housed"]
ALIASES = ["J.", "Mr. T", "Sunny", "Ray", "Ms. Dee", "Tony", "Kat", "Lou"]
# Calls per program-local hour of day: quiet at night, busiest in the evening.
HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2, 3, 4, 5, 5, 5.5, 6, 6, 6, 6.5, 7, 8, 9, 9, 8.5, 7, 5, 3]

# The call types' names in the program's other languages (CallType.names), by code: what a
# Spanish-speaking dispatcher, call-taker or responder reads on the board, the tablet and the
# screening page. A supervisor edits them in the admin like the English name.
OTHER_NAMES = {
    "welfare_check": {"es": "Comprobación de bienestar"},
    "mental_health_crisis": {"es": "Crisis de salud mental"},
    "suicidal_ideation": {"es": "Pensamientos suicidas (sin medios a mano)"},
    "intoxication": {"es": "Intoxicación en la vía pública"},
    "homelessness_outreach": {"es": "Acercamiento a personas sin hogar"},
    "disorientation": {"es": "Persona desorientada"},
    "conflict_resolution": {"es": "Resolución de conflictos (sin violencia)"},
    "needle_pickup": {"es": "Recogida de jeringas"},
}


def named_in_other_languages(call_type) -> None:
    """Give a demo call type its other names, once: a name a supervisor already set is kept."""
    names = OTHER_NAMES.get(call_type.code)
    if names and not call_type.names:
        call_type.names = dict(names)
        call_type.save(update_fields=["names"])
