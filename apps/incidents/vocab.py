"""The program's shared words for what people need and what responders did.

Encounters, referrals, the resource directory's need search and the missing-partnerships report all
use these codes, so a need written on a tablet can be matched to a service and counted.
"""

NEEDS: dict[str, str] = {
    "shelter": "Shelter or housing tonight",
    "housing": "Longer-term housing",
    "food": "Food",
    "mental_health": "Mental-health care",
    "crisis_stabilization": "Crisis stabilization",
    "substance_use": "Substance-use treatment",
    "detox": "Detox / withdrawal management",
    "medical": "Medical care",
    "medication": "Medication",
    "transportation": "Transportation",
    "clothing": "Clothing or warming items",
    "hygiene": "Showers and hygiene",
    "id_documents": "ID or documents",
    "benefits": "Benefits enrollment",
    "case_management": "Case management",
    "domestic_violence": "Domestic-violence support",
    "youth": "Youth services",
    "veterans": "Veterans services",
    "legal": "Legal help",
    "family_contact": "Reconnecting with family",
}

SERVICES_PROVIDED: dict[str, str] = {
    "crisis_counseling": "Crisis counseling",
    "de_escalation": "De-escalation",
    "safety_planning": "Safety planning",
    "basic_needs": "Water, food or warming items",
    "first_aid": "First aid",
    "naloxone": "Naloxone given",
    "medical_assessment": "Medical assessment",
    "transport": "Transport",
    "resource_info": "Resource information",
    "warm_handoff": "Warm handoff to a partner",
    "welfare_check": "Welfare check",
    "peer_support": "Peer support",
}
