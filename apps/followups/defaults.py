"""The program rules a new installation starts with (the 0004 migration writes the same ones).

Supervisors change them in the admin; this module only puts them back where they are missing
(demo data, tests that flush the database).
"""

from apps.followups.models import FollowUp, FollowUpRule, ReferralStallRule

# 'Critical incident': a call that ended in a hold, an arrest, or police or EMS taking over.
CRITICAL_DISPOSITIONS = ["involuntary_hold", "arrest_by_police", "ems_requested", "police_requested"]

DEFAULT_RULES = [
    {
        "name": "Resolved on scene with a referral: check-in call within 48 hours",
        "kind": FollowUp.Kind.CHECK_IN_CALL,
        "dispositions": ["resolved_on_scene"],
        "requires_referral_needed": True,
        "due_after_hours": 48,
    },
    {
        "name": "Critical incident: wellness debrief within 72 hours",
        "kind": FollowUp.Kind.WELLNESS_DEBRIEF,
        "dispositions": CRITICAL_DISPOSITIONS,
        "due_after_hours": 72,
    },
]
DEFAULT_STALL_HOURS = {"sent": 48, "accepted": 72, "in_progress": 14 * 24}


def ensure_default_rules() -> None:
    for rule in DEFAULT_RULES:
        FollowUpRule.objects.get_or_create(name=rule["name"], defaults=rule)
    for status, hours in DEFAULT_STALL_HOURS.items():
        ReferralStallRule.objects.get_or_create(status=status, defaults={"limit_hours": hours})
