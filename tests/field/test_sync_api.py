"""The sync endpoint: each mutation applied once, through the domain services, one result each."""

import json
import threading
import uuid

import pytest
from django.db import connection

from apps.accounts.services import device_revoke
from apps.audit.models import AuditEntry
from apps.field.models import AppliedMutation
from apps.incidents.models import Assignment, Encounter, EncounterNote, EncounterVersion
from tests.factories import DeviceFactory
from tests.field.helpers import assigned_call, encounter_amend, encounter_create, note

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/field/sync/"


def sync(client, device, mutations):
    return client.post(SYNC, {"device": str(device.pk), "mutations": mutations}, format="json")


def test_an_encounter_written_offline_is_applied_with_both_clocks_kept(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    response = sync(tablet, device, [mutation])
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["status"] == "applied" and result["id"] == mutation["id"]
    assert result["record"]["id"] == mutation["record"] and result["record"]["version"] == 1
    row = AppliedMutation.objects.get(pk=mutation["id"])
    assert row.device_time is not None and row.applied_at is not None and row.device == device
    version = EncounterVersion.objects.get(encounter_id=mutation["record"])
    assert version.device == device and version.device_time is not None


def test_the_same_mutation_replayed_three_times_makes_one_record(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    statuses = [sync(tablet, device, [mutation]).json()["results"][0] for _ in range(3)]
    assert [r["status"] for r in statuses] == ["applied", "duplicate", "duplicate"]
    assert statuses[1]["record"] == statuses[0]["record"]
    assert Encounter.objects.filter(pk=mutation["record"]).count() == 1
    assert EncounterVersion.objects.filter(encounter_id=mutation["record"]).count() == 1
    assert AppliedMutation.objects.filter(pk=mutation["id"]).count() == 1


def test_a_mutation_repeated_inside_one_batch_is_applied_once(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    results = sync(tablet, device, [mutation, mutation]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "duplicate"]


def test_reusing_a_mutation_id_for_a_different_change_is_a_conflict(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    sync(tablet, device, [mutation])
    changed = {**mutation, "data": {**mutation["data"], "narrative": "Something else"}}
    [result] = sync(tablet, device, [changed]).json()["results"]
    assert result["status"] == "conflict" and result["http_status"] == 409 and "id" in result["errors"]
    assert EncounterVersion.objects.filter(encounter_id=mutation["record"]).count() == 1


def test_an_amend_from_a_stale_version_is_a_conflict_carrying_the_server_copy(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment)
    sync(tablet, device, [create])
    first = sync(tablet, device, [encounter_amend(create["record"], 1, narrative="Device A's words")]).json()
    assert first["results"][0]["status"] == "applied"
    [late] = sync(tablet, device, [encounter_amend(create["record"], 1, narrative="Device B's words")]).json()[
        "results"
    ]
    assert late["status"] == "conflict" and late["http_status"] == 409
    assert late["record"]["version"] == 2 and late["record"]["current"]["narrative"] == "Device A's words"
    assert Encounter.objects.get(pk=create["record"]).current_version == 2


def test_creating_an_encounter_whose_id_exists_is_a_conflict_not_a_silent_append(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    record = uuid.uuid4()
    sync(tablet, device, [encounter_create(incident, assignment, record=record)])
    [again] = sync(tablet, device, [encounter_create(incident, assignment, record=record)]).json()["results"]
    assert again["status"] == "conflict" and again["record"]["id"] == str(record)


def test_a_batch_of_500_mutations_is_applied_in_order(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment)
    notes = [note(create["record"], f"note {i}") for i in range(499)]
    response = sync(tablet, device, [create, *notes])
    results = response.json()["results"]
    assert len(results) == 500 and {r["status"] for r in results} == {"applied"}
    assert [r["id"] for r in results] == [create["id"]] + [n["id"] for n in notes]
    assert EncounterNote.objects.filter(encounter_id=create["record"]).count() == 499


def test_malformed_mutations_are_rejected_with_field_errors_and_the_rest_still_applied(
    tablet, device, dispatcher, team
):
    incident, assignment = assigned_call(dispatcher, team)
    good_before = encounter_create(incident, assignment)
    good_after = note(good_before["record"])
    batch = [
        good_before,
        "not an object",
        {"type": "encounter.note", "record": good_before["record"], "data": {"text": "no id"}},
        {"id": "not-a-uuid", "type": "encounter.note", "record": good_before["record"], "data": {"text": "x"}},
        encounter_create(incident, assignment, disposition="made_up"),
        encounter_create(incident, assignment, people_served="many"),
        {**note(good_before["record"]), "data": {}},
        {**note("12"), "data": {"text": "record is not a uuid"}},
        good_after,
    ]
    response = sync(tablet, device, batch)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * 7 + ["applied"]
    assert results[2]["errors"] == {"id": ["This field is required."]}
    assert "id" in results[3]["errors"]
    assert "disposition" in results[4]["errors"]
    assert "people_served" in results[5]["errors"]
    assert "text" in results[6]["errors"]
    assert "record" in results[7]["errors"]
    assert all(r["http_status"] == 400 for r in results[1:8])
    assert EncounterNote.objects.filter(encounter_id=good_before["record"]).count() == 1


def test_unknown_mutation_types_are_rejected_by_name(tablet, device):
    mutation = {"id": str(uuid.uuid4()), "type": "incident.delete", "record": "1", "data": {}}
    [result] = sync(tablet, device, [mutation]).json()["results"]
    assert result["status"] == "rejected" and "incident.delete" in result["errors"]["type"][0]


@pytest.mark.parametrize(
    "body",
    [[], {"mutations": []}, {"device": "nope", "mutations": []}, {"device": str(uuid.uuid4()), "mutations": {}}],
)
def test_a_malformed_envelope_is_a_400(tablet, body):
    response = tablet.post(SYNC, body, format="json")
    assert response.status_code == 400


def test_a_batch_over_the_limit_is_a_400(tablet, device, settings):
    settings.FIRSTLINE_SYNC_MAX_BATCH = 3
    response = sync(tablet, device, [note(uuid.uuid4()) for _ in range(4)])
    assert response.status_code == 400 and "mutations" in response.json()


def test_another_teams_records_are_refused_and_audited(tablet, device, dispatcher, other_team, other_responder):
    incident, assignment = assigned_call(dispatcher, other_team)
    mutations = [
        {"id": str(uuid.uuid4()), "type": "assignment.acknowledge", "record": str(assignment.pk), "data": {}},
        {
            "id": str(uuid.uuid4()),
            "type": "assignment.status",
            "record": str(assignment.pk),
            "data": {"status": "en_route"},
        },
        encounter_create(incident, assignment),
    ]
    results = sync(tablet, device, mutations).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert {r["http_status"] for r in results} == {403}
    assignment.refresh_from_db()
    assert assignment.status == "dispatched" and not Encounter.objects.exists()
    denied = AuditEntry.objects.filter(outcome="denied", action__startswith="field.sync.")
    assert denied.count() == 3
    assert set(denied.values_list("actor_username", flat=True)) == {"responder-a"}


def test_acknowledge_and_status_taps_move_the_assignment(tablet, device, dispatcher, team):
    _incident, assignment = assigned_call(dispatcher, team)
    taps = [{"id": str(uuid.uuid4()), "type": "assignment.acknowledge", "record": assignment.pk, "data": {}}] + [
        {"id": str(uuid.uuid4()), "type": "assignment.status", "record": assignment.pk, "data": {"status": s}}
        for s in ["en_route", "on_scene", "cleared"]
    ]
    results = sync(tablet, device, taps).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4
    assert results[-1]["record"]["status"] == "cleared"
    assert Assignment.objects.get(pk=assignment.pk).cleared_at is not None
    [bad] = sync(
        tablet,
        device,
        [
            {
                "id": str(uuid.uuid4()),
                "type": "assignment.status",
                "record": assignment.pk,
                "data": {"status": "on_scene"},
            }
        ],
    ).json()["results"]
    assert bad["status"] == "rejected" and "status" in bad["errors"]


def test_a_plausible_device_clock_stamps_the_tap_and_a_future_one_does_not(tablet, device, dispatcher, team):
    from datetime import timedelta

    from django.utils import timezone

    _incident, assignment = assigned_call(dispatcher, team)
    tapped = timezone.now() - timedelta(seconds=0)
    future = timezone.now() + timedelta(hours=2)
    sync(
        tablet,
        device,
        [
            {
                "id": str(uuid.uuid4()),
                "type": "assignment.status",
                "record": assignment.pk,
                "data": {"status": "en_route"},
                "device_time": tapped.isoformat(),
            },
            {
                "id": str(uuid.uuid4()),
                "type": "assignment.status",
                "record": assignment.pk,
                "data": {"status": "on_scene"},
                "device_time": future.isoformat(),
            },
        ],
    )
    assignment.refresh_from_db()
    assert assignment.en_route_at == tapped
    assert assignment.on_scene_at < future - timedelta(hours=1)


def test_notes_can_be_added_later_without_overwriting_anything(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment)
    sync(tablet, device, [create])
    results = sync(tablet, device, [note(create["record"], "one"), note(create["record"], "two")]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert Encounter.objects.get(pk=create["record"]).current_version == 1
    assert list(EncounterNote.objects.order_by("created_at").values_list("text", flat=True)) == ["one", "two"]


def test_a_revoked_tablet_is_told_so_and_nothing_is_applied(tablet, device, supervisor, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    device_revoke(actor=supervisor, device_id=device.pk, reason="lost")
    response = sync(tablet, device, [encounter_create(incident, assignment)])
    assert response.status_code == 401 and response.json()["code"] == "device_revoked"
    assert not Encounter.objects.exists()


def test_a_stranger_gets_the_same_401_for_unknown_existing_and_revoked_tablets(api, device, supervisor, team):
    """The attack: probe ids without a session to learn which tablets exist or were revoked."""
    revoked = DeviceFactory(team=team)
    device_revoke(actor=supervisor, device_id=revoked.pk, reason="lost")
    answers = [
        api.post(SYNC, {"device": str(some), "mutations": []}, format="json")
        for some in (uuid.uuid4(), device.pk, revoked.pk)
    ]
    assert {a.status_code for a in answers} == {401}
    assert {json.dumps(a.json(), sort_keys=True) for a in answers} == {json.dumps(answers[0].json(), sort_keys=True)}
    assert answers[0].json()["code"] == "not_authenticated"


def test_a_responder_cannot_sync_as_another_teams_tablet(tablet, device, dispatcher, other_team):
    """The attack: signed in on their own tablet, a responder names another team's tablet in the batch."""
    other_tablet = DeviceFactory(team=other_team)
    incident, assignment = assigned_call(dispatcher, other_team)
    response = sync(tablet, other_tablet, [encounter_create(incident, assignment)])
    assert response.status_code == 403 and response.json()["code"] == "device_mismatch"
    assert not Encounter.objects.exists()
    assert AuditEntry.objects.filter(action="field.device_mismatch", outcome="denied").exists()


def test_a_session_bound_to_no_tablet_cannot_sync(client, responder, device, dispatcher, team):
    client.force_login(responder)  # however such a session came to be, it is not a tablet's
    response = client.post(SYNC, {"device": str(device.pk), "mutations": []}, content_type="application/json")
    assert response.status_code == 403


def followup_batch(incident, assignment, team):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ServiceFactory

    create = encounter_create(incident, assignment)
    followup_id = str(uuid.uuid4())
    consent = {
        "scope": ["needs"],
        "recipients": "service",
        "given_by": "verbal",
        "expires_at": None,
        "substance_use_records": False,
    }
    return [
        create,
        {
            "id": str(uuid.uuid4()),
            "type": "followup.create",
            "record": followup_id,
            "data": {
                "kind": "check_in_call",
                "due_at": (timezone.now() + timedelta(days=1)).isoformat(),
                "team": team.pk,
                "encounter": create["record"],
                "notes": "Check he got the bed.",
            },
        },
        {"id": str(uuid.uuid4()), "type": "followup.complete", "record": followup_id, "data": {"outcome": "reached"}},
        {
            "id": str(uuid.uuid4()),
            "type": "referral.create",
            "record": str(uuid.uuid4()),
            "data": {
                "encounter": create["record"],
                "service": str(ServiceFactory().pk),
                "consent": consent,
                "need": "shelter",
            },
        },
    ]


def test_follow_ups_and_referrals_from_the_field_go_through_their_services(tablet, device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    batch = followup_batch(incident, assignment, team)
    results = sync(tablet, device, batch).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4, results
    assert results[1]["record"]["id"] == batch[1]["record"]
    assert results[2]["record"]["status"] == "done"
    assert results[3]["record"]["id"] == batch[3]["record"]
    again = sync(tablet, device, batch).json()["results"]
    assert [r["status"] for r in again] == ["duplicate"] * 4


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_tablets_sending_the_same_mutation_at_once_apply_it_once(responder, dispatcher, team):
    from rest_framework.test import APIClient

    from tests.factories import PASSWORD, device_key_for

    device = DeviceFactory(team=team)
    key = device_key_for(device)
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    answers = []

    def send():
        client = APIClient()
        client.post(
            "/api/v1/auth/login/",
            {"username": responder.username, "password": PASSWORD, "device": str(device.pk), "device_key": key},
            format="json",
        )
        answers.append(sync(client, device, [mutation]).json()["results"][0]["status"])
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert EncounterVersion.objects.filter(encounter_id=mutation["record"]).count() == 1


def test_each_mutation_costs_a_fixed_number_of_queries(tablet, device, dispatcher, team):
    from django.test.utils import CaptureQueriesContext

    incident, assignment = assigned_call(dispatcher, team)
    create = encounter_create(incident, assignment)
    sync(tablet, device, [create])
    counts = []
    for size in (10, 20):
        with CaptureQueriesContext(connection) as queries:
            sync(tablet, device, [note(create["record"]) for _ in range(size)])
        counts.append(len(queries))
    per_note = (counts[1] - counts[0]) / 10
    # 15 until issue 20 held the audit, timeline and event rows for one INSERT per batch and read the
    # encounter once per batch, and a run of mutations shares one savepoint: now the note's INSERT.
    assert per_note <= 1, counts
    print(f"queries per encounter.note mutation: {per_note}")
