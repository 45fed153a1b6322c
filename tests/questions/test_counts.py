"""Counts of the answers from known data: the current version of each encounter, per question key,
by answer, call type and form version; short text counted, never shown; the insights measure."""

import pytest

from apps.common.days import program_today
from apps.incidents import services as incident_services
from apps.incidents.answers import answer_counts, answers_by_call, exported_questions
from apps.insights.selectors import measure_values
from apps.questions import services
from tests.factories import CallTypeFactory
from tests.questions.helpers import DOSES, NALOXONE, published_with

pytestmark = pytest.mark.django_db

NOTES = {"key": "where_found", "kind": "text", "label": "Where was the person found?"}
SEEN = {"key": "last_seen", "kind": "date", "label": "Last seen"}


def encounter(supervisor, call_type, version, answers, *, incident=None):
    """An encounter as a supervisor documents it (any call), answering `version`."""
    if incident is None:
        incident = incident_services.incident_create(
            actor=supervisor, summary="Person not breathing well", location_text="Main & 3rd", call_type=call_type
        )
    incident_services.encounter_record(
        actor=supervisor,
        incident_id=incident.pk,
        disposition="resolved_on_scene",
        custom={"version": version.pk, "answers": answers},
    )
    return incident


def test_counts_per_question_from_known_answers(supervisor):
    overdose, welfare = CallTypeFactory(code="overdose"), CallTypeFactory(code="welfare")
    first = published_with(supervisor, NALOXONE, DOSES, NOTES, SEEN)
    draft = services.form_version_draft_from(actor=supervisor, version_id=first.pk)
    draft.questions.filter(key__in=["naloxone_doses", "where_found"]).delete()
    second = services.form_version_publish(actor=supervisor, version_id=draft.pk)
    a = encounter(
        supervisor, overdose, first, {"naloxone": True, "naloxone_doses": 2, "where_found": "Behind the bus stop"}
    )
    encounter(supervisor, overdose, first, {"naloxone": True, "naloxone_doses": 1, "last_seen": "2026-11-03"})
    encounter(supervisor, welfare, first, {"naloxone": False})
    encounter(supervisor, overdose, second, {"naloxone": True})
    encounter(supervisor, welfare, second, {})
    # An amendment replaces what its encounter said: only the current version of each counts.
    encounter_id = a.encounters.get().pk
    incident_services.encounter_record(
        actor=supervisor,
        incident_id=a.pk,
        encounter_id=encounter_id,
        disposition="resolved_on_scene",
        custom={"version": first.pk, "answers": {"naloxone": True, "naloxone_doses": 3}},
    )

    counts = {row["key"]: row for row in answer_counts()}
    assert list(counts) == ["naloxone", "naloxone_doses", "where_found", "last_seen"]  # as first published
    naloxone = counts["naloxone"]
    assert (naloxone["asked"], naloxone["answered"]) == (5, 4)
    assert naloxone["values"] == {"yes": 3, "no": 1}
    assert naloxone["by_call_type"] == {"overdose": {"yes": 3}, "welfare": {"no": 1}}
    assert naloxone["by_version"] == {str(first.number): 3, str(second.number): 1}
    doses = counts["naloxone_doses"]
    assert (doses["asked"], doses["answered"], doses["values"]) == (3, 2, {"3": 1, "1": 1})
    assert counts["last_seen"]["values"] == {"2026-11": 1}  # a date, to the month only
    notes = counts["where_found"]
    assert (notes["answered"], notes["values"]) == (0, {})  # the amendment dropped it; text is never shown


def test_the_export_has_a_column_per_question_but_short_text(supervisor):
    overdose = CallTypeFactory(code="overdose")
    version = published_with(supervisor, NALOXONE, DOSES, NOTES)
    incident = encounter(supervisor, overdose, version, {"naloxone": True, "naloxone_doses": 2, "where_found": "Alley"})
    encounter(supervisor, overdose, version, {"naloxone": False}, incident=incident)
    assert [q.key for q in exported_questions()] == ["naloxone", "naloxone_doses"]
    assert answers_by_call([incident.pk]) == {incident.pk: {"naloxone": "no;yes", "naloxone_doses": "2"}}


def test_the_insights_measure_counts_answers_per_question_call_type_and_month(supervisor):
    overdose, welfare = CallTypeFactory(code="overdose"), CallTypeFactory(code="welfare")
    version = published_with(supervisor, NALOXONE, DOSES, NOTES)
    encounter(supervisor, overdose, version, {"naloxone": True, "naloxone_doses": 2, "where_found": "Alley"})
    encounter(supervisor, overdose, version, {"naloxone": False})
    encounter(supervisor, welfare, version, {"naloxone": False, "where_found": ""})
    today = program_today()

    def rows(by):
        found = measure_values("question_answers", start=today, end=today, by=by)
        return {r["group"]: (r["value"], str(r["label"])) for r in found}

    assert rows("question") == {
        "naloxone": (3, NALOXONE["label"]),
        "naloxone_doses": (1, DOSES["label"]),
        "where_found": (1, NOTES["label"]),  # counted as answered, never shown
    }
    assert {g: v for g, (v, _label) in rows("call_type").items()} == {"overdose": 4, "welfare": 1}
    assert rows("month")[today.strftime("%Y-%m")][0] == 5
    assert measure_values("question_answers", start=today, end=today)[0]["value"] == 5


def test_the_measure_page_shows_each_question_s_answers_by_call_type(client, supervisor):
    overdose, welfare = CallTypeFactory(code="overdose", name="Overdose"), CallTypeFactory(code="welfare")
    version = published_with(supervisor, NALOXONE, NOTES)
    encounter(supervisor, overdose, version, {"naloxone": True, "where_found": "Behind the bus stop"})
    encounter(supervisor, overdose, version, {"naloxone": True})
    encounter(supervisor, welfare, version, {"naloxone": False})
    client.force_login(supervisor)
    today = program_today().isoformat()
    page = client.get("/insights/measures/question_answers/", {"start": today, "end": today, "by": "question"})
    body = page.content.decode()
    assert page.status_code == 200 and NALOXONE["label"] in body
    table = body.split('data-question="naloxone"')[1].split("</table>")[0]
    assert "answered on 3 of 3 encounters" in table and "Overdose" in table
    assert '<th scope="row">Yes</th><td>2</td><td>2</td><td>0</td>' in table
    assert "Behind the bus stop" not in body  # short text is never shown
