"""The program's shared words for what people need and what responders did.

Encounters, referrals, the resource directory's need search and the missing-partnerships report all
use these codes, so a need written on a tablet can be matched to a service and counted. The codes
are data; the labels are read in the reader's language (the field app's bootstrap, reports).
"""

from django.utils.translation import gettext_lazy as _

NEEDS: dict[str, str] = {
    "shelter": _("Shelter or housing tonight"),
    "housing": _("Longer-term housing"),
    "food": _("Food"),
    "mental_health": _("Mental-health care"),
    "crisis_stabilization": _("Crisis stabilization"),
    "substance_use": _("Substance-use treatment"),
    "detox": _("Detox / withdrawal management"),
    "medical": _("Medical care"),
    "medication": _("Medication"),
    "transportation": _("Transportation"),
    "clothing": _("Clothing or warming items"),
    "hygiene": _("Showers and hygiene"),
    "id_documents": _("ID or documents"),
    "benefits": _("Benefits enrollment"),
    "case_management": _("Case management"),
    "domestic_violence": _("Domestic-violence support"),
    "youth": _("Youth services"),
    "veterans": _("Veterans services"),
    "legal": _("Legal help"),
    "family_contact": _("Reconnecting with family"),
}

SERVICES_PROVIDED: dict[str, str] = {
    "crisis_counseling": _("Crisis counseling"),
    "de_escalation": _("De-escalation"),
    "safety_planning": _("Safety planning"),
    "basic_needs": _("Water, food or warming items"),
    "first_aid": _("First aid"),
    "naloxone": _("Naloxone given"),
    "medical_assessment": _("Medical assessment"),
    "transport": _("Transport"),
    "resource_info": _("Resource information"),
    "warm_handoff": _("Warm handoff to a partner"),
    "welfare_check": _("Welfare check"),
    "peer_support": _("Peer support"),
}

# How a person is housed, as a responder records it (the person form) and a partner reads it.
HOUSING_STATUSES = {
    "housed": _("Housed"),
    "unsheltered": _("Unsheltered (outside, car, tent)"),
    "sheltered": _("In a shelter"),
    "unstably_housed": _("Couch-surfing or at risk"),
    "unknown": _("Did not say"),
}

# Another agency asked to a call (a co-response): which one, why, and how it ended. The call's
# disposition stays separate; these are counted on their own.
AGENCIES: dict[str, str] = {
    "police": _("Police"),
    "fire": _("Fire"),
    "ems": _("EMS (ambulance)"),
}

CO_RESPONSE_REASONS: dict[str, str] = {
    "weapon": _("A weapon is present"),
    "violence": _("Violence or a threat of it"),
    "medical": _("Medical emergency"),
    "fire_hazard": _("Fire or a hazard"),
    "crime": _("A crime is reported"),
    "transport": _("Transport the team cannot do"),
    "other": _("Other"),
}

CO_RESPONSE_OUTCOMES: dict[str, str] = {
    "assisted": _("Helped; the team stayed in charge"),
    "took_over": _("Took over the call"),
    "transported": _("Took the person to care"),
    "arrest": _("Made an arrest"),
    "not_needed": _("Not needed in the end"),
    "no_show": _("Did not come"),
}
