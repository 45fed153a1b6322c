"""Default program rules (editable in the admin) and the encounter cursor started at 'now'.

Starting the cursor at the newest encounter version means installing this app does not raise
follow-ups for every encounter ever documented.
"""

from django.db import migrations

CRITICAL_DISPOSITIONS = ["involuntary_hold", "arrest_by_police", "ems_requested", "police_requested"]


def forwards(apps, schema_editor):
    rule = apps.get_model("followups", "FollowUpRule")
    stall = apps.get_model("followups", "ReferralStallRule")
    cursor = apps.get_model("followups", "SweepCursor")
    version = apps.get_model("incidents", "EncounterVersion")
    if not rule.objects.exists():
        rule.objects.create(
            name="Resolved on scene with a referral: check-in call within 48 hours",
            kind="check_in_call",
            dispositions=["resolved_on_scene"],
            requires_referral_needed=True,
            due_after_hours=48,
        )
        rule.objects.create(
            name="Critical incident: wellness debrief within 72 hours",
            kind="wellness_debrief",
            dispositions=CRITICAL_DISPOSITIONS,
            due_after_hours=72,
        )
    for status, hours in (("sent", 48), ("accepted", 72), ("in_progress", 14 * 24)):
        stall.objects.get_or_create(status=status, defaults={"limit_hours": hours})
    last = version.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cursor.objects.get_or_create(name="encounter_versions", defaults={"last_id": last})


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0003_reminders_rules_consent_webhooks"),
        ("incidents", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
