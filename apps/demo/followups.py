"""Demo follow-ups and referrals for Riverton: a loop in each state, a few reminders due and overdue.

Idempotent: every record has a stable id, and services return what a first run created.
"""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.demo.city import demo_uuid
from apps.followups import services
from apps.followups.defaults import ensure_default_rules
from apps.followups.disclosure import part2_reasons
from apps.followups.models import FollowUp, Referral
from apps.incidents.models import Encounter
from apps.resources.models import Organization, Service

SHELTER = "Riverton Community Shelter"
CONSENT = {
    "scope": ["need", "name", "age_range", "language", "housing_status"],
    "recipients": "organization",
    "expires_at": None,
    "substance_use_records": False,
    "given_by": "verbal",
}
# Written consent as 42 CFR Part 2 asks, used where the encounter holds substance-use information.
PART2_CONSENT = {
    **CONSENT,
    "substance_use_records": True,
    "given_by": "written",
    "purpose": "Arrange a bed tonight and the follow-up care the person asked for",
    "recipient_name": "Riverton Community Shelter, emergency shelter beds",
}
# (status to reach, partner steps with reasons)
LOOPS = [
    [],
    [("accepted", "")],
    [("accepted", ""), ("in_progress", "")],
    [("accepted", ""), ("delivered", "")],
    [("accepted", ""), ("not_delivered", "no_capacity")],
    [("declined", "Beds full tonight")],
]


def _shelter_service():
    org = Organization.objects.filter(name=SHELTER).first()
    if org is None:
        return None
    service = Service.objects.filter(organization=org).order_by("name").first()
    if service is None:
        service = Service.objects.create(
            id=demo_uuid("service:Riverton Community Shelter beds"), organization=org, name="Emergency shelter beds"
        )
    return service


def load_demo_data(*, stdout) -> None:
    ensure_default_rules()
    supervisor = User.objects.filter(username="supervisor").first()
    partner = User.objects.filter(username="partner").first()
    service = _shelter_service()
    # The worked week's encounters ("demo-<n>"), never the archive's: a second load finds the same twelve.
    week = Encounter.objects.filter(team__isnull=False, incident__external_id__startswith="demo-")
    encounters = list(week.order_by("created_at")[:12])
    if supervisor is None or not encounters:
        stdout.write("  no demo encounters; skipping follow-ups")
        return
    now = timezone.now()
    made = 0
    for i, encounter in enumerate(encounters[:6]):
        fid = demo_uuid(f"followup:{encounter.pk}")
        if FollowUp.objects.filter(pk=fid).exists():
            continue  # due times are relative to the first run; keep them
        due = now + timedelta(hours=[-30, -2, 1, 20, 44, 70][i])
        services.followup_create(
            actor=supervisor,
            kind=[FollowUp.Kind.CHECK_IN_CALL, FollowUp.Kind.VISIT, FollowUp.Kind.WELFARE_RECHECK][i % 3],
            due_at=due.replace(microsecond=0),
            team_id=encounter.team_id,
            encounter_id=encounter.pk,
            notes="Check how the night went and whether the referral worked out.",
            followup_id=fid,
        )
        made += 1
    if service is not None:
        for i, (encounter, steps) in enumerate(zip(encounters[6:], LOOPS, strict=False)):
            rid = demo_uuid(f"referral:{encounter.pk}")
            existed = Referral.objects.filter(pk=rid).exists()
            notes = "Needs a lower bunk." if i % 2 else ""
            consent = CONSENT
            if part2_reasons(encounter=encounter, service=service, need="shelter", notes=notes):
                consent = {**PART2_CONSENT, "expires_at": (now + timedelta(days=180)).replace(microsecond=0)}
            services.referral_create(
                actor=supervisor,
                encounter_id=encounter.pk,
                service_id=service.pk,
                consent=consent,
                need="shelter",
                notes=notes,
                referral_id=rid,
            )
            if not existed and partner is not None:
                for status, reason in steps:
                    services.referral_transition(actor=partner, referral_id=rid, status=status, reason=reason)
    stdout.write(f"  {made} new follow-ups, {Referral.objects.count()} referrals")
