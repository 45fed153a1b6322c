"""Answers to the program's questions through the tablet's sync door: each checked against the version
the tablet used, kept with it, refused with field errors when they do not fit it."""

import pytest

from apps.incidents.models import EncounterVersion
from apps.questions import services
from apps.questions.models import FormVersion
from tests.factories import CallTypeFactory
from tests.field.helpers import assigned_call, encounter_amend, encounter_create
from tests.questions.helpers import DOSES, NALOXONE, published_with

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/field/sync/"


def sync_one(client, device, mutation) -> dict:
    response = client.post(SYNC, {"device": str(device.pk), "mutations": [mutation]}, format="json")
    assert response.status_code == 200
    [result] = response.json()["results"]
    return result


def with_answers(incident, assignment, version, answers):
    return encounter_create(incident, assignment, custom={"version": version.pk, "answers": answers})


def test_answers_are_kept_with_the_version_the_tablet_used(tablet, device, dispatcher, team, supervisor):
    version = published_with(supervisor, NALOXONE, DOSES)
    incident, assignment = assigned_call(dispatcher, team)
    mutation = with_answers(incident, assignment, version, {"naloxone": True, "naloxone_doses": 2})
    result = sync_one(tablet, device, mutation)
    assert result["status"] == "applied"
    assert result["record"]["current"]["custom"] == {
        "version": version.pk,
        "answers": {"naloxone": True, "naloxone_doses": 2},
    }
    stored = EncounterVersion.objects.get(encounter_id=mutation["record"])
    assert stored.form_version == version and stored.answers == {"naloxone": True, "naloxone_doses": 2}


def test_an_older_tablets_answers_stay_with_the_older_version(tablet, device, dispatcher, team, supervisor):
    older = published_with(supervisor, NALOXONE, DOSES)
    draft = services.form_version_draft_from(actor=supervisor, version_id=older.pk)
    draft.questions.filter(key="naloxone_doses").delete()
    newer = services.form_version_publish(actor=supervisor, version_id=draft.pk)
    incident, assignment = assigned_call(dispatcher, team)
    # The tablet still held the older version: its follow-on question is not part of the newer one.
    mutation = with_answers(incident, assignment, older, {"naloxone": True, "naloxone_doses": 1})
    assert sync_one(tablet, device, mutation)["status"] == "applied"
    stored = EncounterVersion.objects.get(encounter_id=mutation["record"])
    assert stored.form_version == older and stored.answers == {"naloxone": True, "naloxone_doses": 1}
    # The same answers under the newer version are refused: nothing is mapped from one to the other.
    again = with_answers(incident, assignment, newer, {"naloxone": True, "naloxone_doses": 1})
    result = sync_one(tablet, device, again)
    assert result["status"] == "rejected" and result["http_status"] == 400
    assert result["errors"]["custom"] == {"answers": {"naloxone_doses": ["Not a question of this version."]}}


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"naloxone": "yes"}, {"naloxone": ["Answer yes or no."]}),
        ({"naloxone": True}, {"naloxone_doses": ["This question needs an answer."]}),
        ({"naloxone": True, "naloxone_doses": 40}, {"naloxone_doses": ["At most 10."]}),
        ({"naloxone": True, "naloxone_doses": "two"}, {"naloxone_doses": ["Give a number."]}),
        ({"naloxone": False, "naloxone_doses": 1}, {"naloxone_doses": ["This question was not asked on this call."]}),
        ({"pulse": 60}, {"pulse": ["Not a question of this version."]}),
    ],
)
def test_answers_that_do_not_fit_the_version_are_refused_with_field_errors(
    tablet, device, dispatcher, team, supervisor, answers, errors
):
    version = published_with(supervisor, NALOXONE, DOSES)
    incident, assignment = assigned_call(dispatcher, team)
    mutation = with_answers(incident, assignment, version, answers)
    result = sync_one(tablet, device, mutation)
    assert result["status"] == "rejected" and result["http_status"] == 400
    assert result["errors"]["custom"] == {"answers": errors}
    assert not EncounterVersion.objects.filter(encounter_id=mutation["record"]).exists()


def test_an_unknown_or_draft_version_is_refused(tablet, device, dispatcher, team, supervisor):
    published_with(supervisor, NALOXONE)
    draft = services.form_version_save(actor=supervisor, version=FormVersion())
    incident, assignment = assigned_call(dispatcher, team)
    for version_id in (draft.pk, 9999, "v1", None):
        mutation = encounter_create(incident, assignment, custom={"version": version_id, "answers": {}})
        result = sync_one(tablet, device, mutation)
        assert result["status"] == "rejected"
        assert result["errors"]["custom"] == {"version": ["Not a published form version."]}
    bad_shape = encounter_create(incident, assignment, custom={"version": draft.pk - 1, "answers": ["yes"]})
    assert sync_one(tablet, device, bad_shape)["errors"]["custom"] == {
        "answers": ["Must be an object, by question key."]
    }


def test_a_question_for_one_call_type_is_asked_only_on_it(tablet, device, dispatcher, team, supervisor):
    overdose = CallTypeFactory(code="overdose")
    version = published_with(supervisor, {**NALOXONE, "required": True, "call_types": ["overdose"]})
    incident, assignment = assigned_call(dispatcher, team, call_type=overdose.code)
    result = sync_one(tablet, device, with_answers(incident, assignment, version, {}))
    assert result["errors"]["custom"] == {"answers": {"naloxone": ["This question needs an answer."]}}
    assert (
        sync_one(tablet, device, with_answers(incident, assignment, version, {"naloxone": True}))["status"] == "applied"
    )


def test_a_question_for_another_call_type_is_not_asked(tablet, device, dispatcher, team, supervisor):
    version = published_with(supervisor, {**NALOXONE, "required": True, "call_types": ["overdose"]})
    incident, assignment = assigned_call(dispatcher, team)
    assert sync_one(tablet, device, with_answers(incident, assignment, version, {}))["status"] == "applied"
    result = sync_one(tablet, device, with_answers(incident, assignment, version, {"naloxone": True}))
    assert result["errors"]["custom"] == {"answers": {"naloxone": ["This question was not asked on this call."]}}


def test_an_amendment_without_answers_keeps_the_previous_ones(tablet, device, dispatcher, team, supervisor):
    version = published_with(supervisor, NALOXONE)
    incident, assignment = assigned_call(dispatcher, team)
    mutation = with_answers(incident, assignment, version, {"naloxone": False})
    sync_one(tablet, device, mutation)
    assert sync_one(tablet, device, encounter_amend(mutation["record"], 1))["status"] == "applied"
    latest = EncounterVersion.objects.get(encounter_id=mutation["record"], number=2)
    assert latest.form_version == version and latest.answers == {"naloxone": False}
