"""Retention: `manage.py apply_retention` de-identifies what is past its period, leaves the rest,
changes nothing on a dry run, and leaves one audit row per run with the counts per record kind."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEntry
from apps.demo.intake import ensure_policy
from apps.followups import services as followup_services
from apps.followups.models import FollowUp, Referral
from apps.incidents import services as incident_services
from apps.incidents.models import EncounterNote, EncounterVersion, Incident
from apps.intake import services as intake_services
from apps.intake.models import Open311Request
from apps.retention.tasks import apply_retention
from apps.streams.models import Event
from config.celery import app as celery_app
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=4 * 365)
RECENTLY = timezone.now() - timedelta(days=10)


def _call(dispatcher, responder, team, *, name: str):
    """A call documented by the team with a person's details, a note, a finished referral and follow-up."""
    incident = incident_services.incident_create(
        actor=dispatcher,
        summary=f"{name} shouting outside the pharmacy",
        location_text="1418 Elm Street",
        latitude=39.73921,
        longitude=-104.99031,
        caller_name=f"Caller of {name}",
        callback="303-555-0142",
        caller_notes=f"{name} is the caller's brother",
    )
    assignment = incident_services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    version = incident_services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        disposition="referred",
        narrative=f"{name} said he has not slept for days",
        person={"name": name, "contact": "303-555-0177", "age_range": "30-39", "housing_status": "unsheltered"},
        needs=["shelter"],
        referral_needed=True,
    )
    incident_services.encounter_add_note(actor=responder, encounter_id=version.encounter_id, text=f"{name} left")
    incident_services.assignment_cancel(actor=dispatcher, assignment_id=assignment.pk, reason="done")
    service = ServiceFactory(organization=OrganizationFactory())
    referral = followup_services.referral_create(
        actor=responder,
        encounter_id=version.encounter_id,
        service_id=service.pk,
        consent={"scope": ["need"], "recipients": "organization", "given_by": "verbal"},
        need="shelter",
        notes=f"{name} prefers the quiet dorm",
    )
    followup_services.referral_transition(actor=responder, referral_id=referral.pk, status="cancelled", reason="x")
    followup = followup_services.followup_create(
        actor=responder,
        kind="check_in_call",
        due_at=timezone.now() + timedelta(days=1),
        team_id=team.pk,
        encounter_id=version.encounter_id,
        notes=f"Call {name} about the dorm",
    )
    followup_services.followup_complete(actor=responder, followup_id=followup.pk, outcome="reached", notes="fine")
    return incident, version, referral, followup


def _age(incident, referral, followup, *, at, closed=True):
    Incident.objects.filter(pk=incident.pk).update(
        status="closed" if closed else "on_scene", closed_at=at if closed else None, received_at=at
    )
    if not closed:
        return  # a call still open years on: its referral and follow-up are recent
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=at)
    FollowUp.objects.filter(pk=followup.pk).update(completed_at=at, due_at=at)


@pytest.fixture
def calls(dispatcher, responder, team, supervisor):
    old = _call(dispatcher, responder, team, name="Oldname Pemberton")
    fresh = _call(dispatcher, responder, team, name="Freshname Quill")
    still_open = _call(dispatcher, responder, team, name="Openname Rook")
    _age(*[old[0], old[2], old[3]], at=LONG_AGO)
    _age(*[fresh[0], fresh[2], fresh[3]], at=RECENTLY)
    _age(*[still_open[0], still_open[2], still_open[3]], at=LONG_AGO, closed=False)
    ensure_policy(actor=supervisor)
    center = intake_services.call_center_create(actor=supervisor, name="Riverton 311", kind="311")
    _key, raw = intake_services.api_key_issue(actor=supervisor, call_center_id=center.pk)
    posted = APIClient().post(
        "/open311/v2/requests.json",
        {
            "api_key": raw,
            "service_code": "welfare-check",
            "lat": "39.7392",
            "long": "-104.9903",
            "description": "Woman sleeping in a doorway",
            "first_name": "Sam",
            "phone": "303-555-0199",
            "attribute[weapon_involved]": "no",
            "attribute[violence_or_threats]": "no",
            "attribute[medical_emergency]": "no",
            "attribute[suicide_attempt_with_means]": "no",
        },
    )
    assert posted.status_code in (200, 201), posted.content
    Open311Request.objects.update(requested_at=LONG_AGO)
    Event.objects.update(created_at=LONG_AGO)
    return {"old": old, "fresh": fresh, "open": still_open}


def _text_of(incident_id) -> str:
    incident = Incident.objects.get(pk=incident_id)
    versions = EncounterVersion.objects.filter(encounter__incident_id=incident_id)
    notes = EncounterNote.objects.filter(encounter__incident_id=incident_id)
    referrals = Referral.objects.filter(encounter__incident_id=incident_id)
    followups = FollowUp.objects.filter(encounter__incident_id=incident_id)
    return " ".join(
        [incident.summary, incident.location_text, incident.caller_name, incident.callback, incident.caller_notes]
        + [f"{v.narrative} {v.person}" for v in versions]
        + [n.text for n in notes]
        + [r.notes for r in referrals]
        + [f"{f.notes} {f.outcome_notes}" for f in followups]
    )


def test_a_dry_run_reports_and_changes_nothing(calls):
    before = {key: _text_of(call[0].pk) for key, call in calls.items()}
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert {key: _text_of(call[0].pk) for key, call in calls.items()} == before
    assert Open311Request.objects.get().contact != {}
    assert Event.objects.exists()
    report = out.getvalue()
    assert "Dry run" in report and "incidents 1" in report
    (row,) = AuditEntry.objects.filter(action__startswith="retention.")
    assert row.action == "retention.dry_run" and row.door == "command"
    assert row.detail["counts"]["incidents"]["incidents"] == 1
    assert row.detail["counts"]["referrals"] == {"referrals": 1}
    assert row.detail["counts"]["followups"] == {"followups": 1}


def test_aged_records_are_deidentified_and_fresh_or_open_ones_untouched(calls):
    old_incident, old_version, old_referral, old_followup = calls["old"]
    fresh_text = _text_of(calls["fresh"][0].pk)
    open_text = _text_of(calls["open"][0].pk)

    call_command("apply_retention", stdout=io.StringIO())

    left = _text_of(old_incident.pk)
    for detail in ("Oldname", "Pemberton", "1418 Elm", "303-555", "not slept", "quiet dorm"):
        assert detail not in left
    incident = Incident.objects.get(pk=old_incident.pk)
    assert incident.deidentified_at is not None
    # What the program counts stays.
    assert (incident.status, incident.received_at, incident.priority) == ("closed", LONG_AGO, old_incident.priority)
    assert (incident.latitude, incident.longitude) == (39.74, -104.99)
    version = EncounterVersion.objects.get(pk=old_version.pk)
    assert version.person == {"age_range": "30-39", "housing_status": "unsheltered"}
    assert version.needs == ["shelter"] and version.disposition == "referred"
    referral = Referral.objects.get(pk=old_referral.pk)
    assert referral.need == "shelter" and referral.status == "cancelled" and referral.consent is not None
    assert FollowUp.objects.get(pk=old_followup.pk).outcome == "reached"

    assert _text_of(calls["fresh"][0].pk) == fresh_text
    assert _text_of(calls["open"][0].pk) == open_text
    request = Open311Request.objects.get()
    assert request.contact == {} and request.description == "" and request.service_code == "welfare-check"
    assert not Event.objects.exists()

    (row,) = AuditEntry.objects.filter(action="retention.apply")
    assert row.detail["counts"]["incidents"] == {
        "incidents": 1,
        "encounters": 1,
        "encounter_versions": 1,
        "encounter_notes": 1,
    }
    assert row.detail["counts"]["intake_payloads"]["open311_requests"] == 1
    assert row.detail["cutoffs"]["audit"] is not None

    # A second run finds nothing left to do.
    call_command("apply_retention", stdout=io.StringIO())
    second = AuditEntry.objects.filter(action="retention.apply").order_by("-id").first()
    assert second.detail["counts"]["incidents"]["incidents"] == 0
    assert second.detail["counts"]["referrals"] == {"referrals": 0}


def test_a_period_of_zero_keeps_a_kind_and_the_nightly_task_is_scheduled(calls, settings):
    assert celery_app.conf.beat_schedule["retention-apply"]["task"] == "apps.retention.tasks.apply_retention"
    settings.FIRSTLINE_RETENTION_DAYS_INCIDENTS = 0
    report = apply_retention.apply().get()
    assert report["cutoffs"]["incidents"] is None
    assert "Oldname" in _text_of(calls["old"][0].pk)
    assert Referral.objects.get(pk=calls["old"][2].pk).notes == ""
    (row,) = AuditEntry.objects.filter(action="retention.apply")
    assert row.door == "task"
