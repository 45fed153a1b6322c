"""Follow-ups: created by people and by program rules, reminded when due, escalated when overdue."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.common.errors import Conflict, NotFound, PermissionRefused
from apps.followups import services, sweeps
from apps.followups.models import FollowUp, FollowUpRule, Reminder
from apps.streams.models import Event
from apps.teams.models import Certification
from tests.followups.conftest import document_encounter, names_the_person

pytestmark = pytest.mark.django_db


def due_soon(minutes=-1):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_responder_schedules_a_check_in_through_the_api(api, responder, team):
    api.login_as(responder)
    due = (timezone.now() + timedelta(hours=48)).isoformat()
    response = api.post(
        "/api/v1/followups/",
        {"kind": "check_in_call", "due_at": due, "team": team.pk, "notes": "Call Sam"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["team"] == team.pk
    listed = api.get("/api/v1/followups/").json()["results"]
    assert [f["id"] for f in listed] == [body["id"]]


def test_a_follow_up_without_team_or_assignee_is_a_field_error(api, responder):
    api.login_as(responder)
    response = api.post("/api/v1/followups/", {"kind": "visit", "due_at": timezone.now().isoformat()}, format="json")
    assert response.status_code == 400
    assert "team" in response.json()


def test_a_responder_cannot_schedule_for_another_team(responder, other_team):
    with pytest.raises(PermissionRefused):
        services.followup_create(actor=responder, kind="visit", due_at=due_soon(60), team_id=other_team.pk)


def test_replaying_a_client_id_returns_the_same_follow_up_and_a_different_body_conflicts(responder, team):
    import uuid

    fid = uuid.uuid4()
    due = due_soon(60)
    first = services.followup_create(actor=responder, kind="visit", due_at=due, team_id=team.pk, followup_id=fid)
    again = services.followup_create(actor=responder, kind="visit", due_at=due, team_id=team.pk, followup_id=fid)
    assert first.pk == again.pk and FollowUp.objects.count() == 1
    with pytest.raises(Conflict):
        services.followup_create(actor=responder, kind="visit", due_at=due, team_id=team.pk, followup_id=fid, notes="x")


def test_resolved_on_scene_with_a_referral_raises_a_check_in_within_48_hours(
    default_rules, dispatcher, responder, team
):
    version = document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=True)
    created = services.followups_apply_rules(encounter_version=version)
    assert [f.kind for f in created] == ["check_in_call"]
    f = created[0]
    assert f.team_id == team.pk and f.encounter_id == version.encounter_id
    assert f.due_at == version.created_at + timedelta(hours=48)
    # Applying again (a replay, or the sweep after the direct call) raises nothing more.
    assert services.followups_apply_rules(encounter_version=version) == []
    assert FollowUp.objects.count() == 1


def test_the_rules_sweep_finds_new_encounter_versions_once(default_rules, dispatcher, responder, team, monkeypatch):
    monkeypatch.setattr(sweeps, "CURSOR_LAG", timedelta(0))
    document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=True)
    document_encounter(dispatcher=dispatcher, responder=responder, team=team, disposition="involuntary_hold")
    document_encounter(dispatcher=dispatcher, responder=responder, team=team, referral_needed=False)
    assert sweeps.followups_sweep_rules() == 2
    assert sweeps.followups_sweep_rules() == 0
    kinds = sorted(FollowUp.objects.values_list("kind", flat=True))
    assert kinds == ["check_in_call", "wellness_debrief"]
    debrief = FollowUp.objects.get(kind="wellness_debrief")
    assert debrief.responder_id == responder.pk
    assert debrief.due_at - debrief.created_at < timedelta(hours=72, minutes=1)


def test_a_supervisor_edited_rule_applies_to_the_next_encounter(dispatcher, responder, team):
    FollowUpRule.objects.create(
        name="Declined services: welfare re-check next day",
        kind="welfare_recheck",
        dispositions=["declined_services"],
        due_after_hours=24,
        target=FollowUpRule.Target.AUTHOR,
    )
    version = document_encounter(dispatcher=dispatcher, responder=responder, team=team, disposition="declined_services")
    (f,) = services.followups_apply_rules(encounter_version=version)
    assert f.kind == "welfare_recheck" and f.assignee_id == responder.pk


def test_a_due_follow_up_reminds_the_team_once_over_the_stream_and_by_email(responder, team):
    responder.email = "a@example.org"
    responder.save()
    f = services.followup_create(actor=responder, kind="check_in_call", due_at=due_soon(), team_id=team.pk)
    later = services.followup_create(actor=responder, kind="visit", due_at=due_soon(60), team_id=team.pk)
    assert sweeps.followups_deliver_due() == 1
    assert sweeps.followups_deliver_due() == 0
    event = Event.objects.get(kind="followup.due")
    assert event.stream == f"team:{team.pk}" and event.data["followup"] == str(f.pk)
    f.refresh_from_db()
    later.refresh_from_db()
    assert f.status == "due" and later.status == "open"
    assert Reminder.objects.filter(followup=f, kind="due").count() == 1
    assert sweeps.reminders_send_emails() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    assert not names_the_person(mail.outbox[0].body)
    assert sweeps.reminders_send_emails() == 0


def test_a_follow_up_for_a_person_goes_to_their_own_stream(responder, team):
    f = services.followup_create(actor=responder, kind="visit", due_at=due_soon(), assignee_id=responder.pk)
    sweeps.followups_deliver_due()
    event = Event.objects.get(kind="followup.due")
    assert event.stream == f"user:{responder.pk}" and event.data["followup"] == str(f.pk)


def test_an_overdue_follow_up_is_escalated_to_supervisors_once(responder, team, supervisor, settings):
    settings.FIRSTLINE_FOLLOWUP_GRACE_MINUTES = 30
    f = services.followup_create(actor=responder, kind="check_in_call", due_at=due_soon(-31), team_id=team.pk)
    not_yet = services.followup_create(actor=responder, kind="visit", due_at=due_soon(-5), team_id=team.pk)
    sweeps.sweep_all()
    sweeps.sweep_all()
    f.refresh_from_db()
    not_yet.refresh_from_db()
    assert f.status == "overdue" and not_yet.status == "due"
    escalations = Event.objects.filter(kind="followup.overdue")
    assert [(e.stream, e.data["followup"]) for e in escalations] == [(f"user:{supervisor.pk}", str(f.pk))]
    assert Reminder.objects.filter(kind="overdue").count() == 1


def test_completing_records_the_outcome_and_schedules_the_next(responder, team):
    f = services.followup_create(actor=responder, kind="check_in_call", due_at=due_soon(), team_id=team.pk)
    sweeps.followups_deliver_due()
    nxt = due_soon(60 * 24 * 7)
    done = services.followup_complete(actor=responder, followup_id=f.pk, outcome="new_need", next_due_at=nxt)
    assert done.status == "done" and done.outcome == "new_need"
    following = FollowUp.objects.get(previous=f)
    assert following.due_at == nxt and following.team_id == team.pk and following.status == "open"
    # A tablet replaying the same completion is fine; a different outcome is a conflict.
    services.followup_complete(actor=responder, followup_id=f.pk, outcome="new_need")
    with pytest.raises(Conflict):
        services.followup_complete(actor=responder, followup_id=f.pk, outcome="reached")
    assert FollowUp.objects.filter(previous=f).count() == 1


def test_another_team_cannot_complete_a_follow_up(responder, other_responder, team):
    f = services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk)
    with pytest.raises(NotFound):
        services.followup_complete(actor=other_responder, followup_id=f.pk, outcome="reached")


def test_complete_through_the_api(api, responder, team):
    f = services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk)
    api.login_as(responder)
    response = api.post(f"/api/v1/followups/{f.pk}/complete/", {"outcome": "reached"}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "reached"
    bad = api.post(f"/api/v1/followups/{f.pk}/complete/", {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()


def test_an_expiring_certification_raises_one_renewal_ahead_of_expiry(responder, team):
    soon = timezone.now().date() + timedelta(days=20)
    cert = Certification.objects.create(responder=responder, kind="cpr", issued_on=date(2024, 1, 1), expires_on=soon)
    Certification.objects.create(
        responder=responder, kind="cit", issued_on=date(2024, 1, 1), expires_on=soon + timedelta(days=400)
    )
    assert sweeps.certifications_sweep() == 1
    assert sweeps.certifications_sweep() == 0
    f = FollowUp.objects.get(kind="certification_renewal")
    assert f.certification_id == cert.pk and f.assignee_id == responder.pk and f.due_at <= timezone.now()
    # Renewed with a new expiry: a new renewal will be raised for that date when it comes near.
    cert.expires_on = soon + timedelta(days=3)
    cert.save()
    assert sweeps.certifications_sweep() == 1


def test_supervisors_see_due_overdue_and_failed_on_their_page(client, supervisor, responder, team):
    services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk, notes="Knock twice")
    sweeps.followups_deliver_due()
    from tests.factories import PASSWORD

    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get("/followups/supervision/")
    assert page.status_code == 200
    assert b"Knock twice" in page.content and b'id="count-due">1<' in page.content
    responder_client = type(client)()
    responder_client.login(username=responder.username, password=PASSWORD)
    assert responder_client.get("/followups/supervision/").status_code == 403


def test_list_is_limited_to_what_the_user_may_see(api, responder, other_responder, team, other_team):
    services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk)
    services.followup_create(actor=other_responder, kind="visit", due_at=due_soon(), team_id=other_team.pk)
    api.login_as(responder)
    results = api.get("/api/v1/followups/").json()["results"]
    assert {r["team"] for r in results} == {team.pk}


def test_supervisors_edit_rules_and_read_follow_ups_in_the_admin(client, supervisor, responder, team):
    from tests.factories import PASSWORD

    f = services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk)
    client.login(username=supervisor.username, password=PASSWORD)
    for url in (
        "/admin/followups/followuprule/",
        "/admin/followups/followuprule/add/",
        "/admin/followups/followup/",
        f"/admin/followups/followup/{f.pk}/change/",
        "/admin/followups/referral/",
        "/admin/followups/webhookdelivery/",
        "/admin/followups/partnerendpoint/",
        "/admin/followups/referralstallrule/",
    ):
        assert client.get(url).status_code == 200, url
    answer = client.post(
        "/admin/followups/followup/", {"action": "cancel_selected", "_selected_action": [str(f.pk)]}, follow=True
    )
    assert answer.status_code == 200
    f.refresh_from_db()
    assert f.status == "cancelled"


def test_the_encounter_hook_applies_rules_at_once_and_the_sweep_adds_nothing(
    default_rules, dispatcher, responder, team, monkeypatch
):
    monkeypatch.setattr(sweeps, "CURSOR_LAG", timedelta(0))
    version = document_encounter(dispatcher=dispatcher, responder=responder, team=team, disposition="arrest_by_police")
    services.followups_on_encounter_recorded(encounter_version_ids=[version.pk])
    assert FollowUp.objects.filter(kind="wellness_debrief", encounter_id=version.encounter_id).count() == 1
    assert sweeps.followups_sweep_rules() == 0


def test_due_reminders_use_a_batch_append_when_the_streams_app_offers_one(responder, team, monkeypatch):
    from apps.streams import services as streams_services

    calls = []

    def stream_append_many(*, stream, kind, datas):
        calls.append((stream, kind, len(datas)))
        return [streams_services.stream_append(stream=stream, kind=kind, data=data) for data in datas]

    monkeypatch.setattr(streams_services, "stream_append_many", stream_append_many, raising=False)
    for _ in range(3):
        services.followup_create(actor=responder, kind="visit", due_at=due_soon(), team_id=team.pk)
    services.followup_create(actor=responder, kind="visit", due_at=due_soon(), assignee_id=responder.pk)
    assert sweeps.followups_deliver_due() == 4
    assert sorted(calls) == [(f"team:{team.pk}", "followup.due", 3), (f"user:{responder.pk}", "followup.due", 1)]
    assert Event.objects.filter(kind="followup.due").count() == 4


def test_a_follow_up_for_a_team_that_does_not_exist_is_a_field_error(api, supervisor):
    api.login_as(supervisor)
    body = {"kind": "visit", "due_at": timezone.now().isoformat(), "team": 999999}
    response = api.post("/api/v1/followups/", body, format="json")
    assert response.status_code == 400 and "team" in response.json()
