"""The program's own questions in the de-identified export: a column each (short text never), the
answers of each call's encounters, and a line each in the data dictionary."""

import csv
import io

import pytest

from apps.accounts.roles import Role
from apps.common.days import program_today
from apps.incidents import services as incident_services
from tests.factories import CallTypeFactory, UserFactory
from tests.questions.helpers import DOSES, NALOXONE, published_with

pytestmark = pytest.mark.django_db

NOTES = {"key": "where_found", "kind": "text", "label": "Where was the person found?"}


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_each_question_is_a_column_of_the_export_and_a_line_of_its_dictionary(client, supervisor):
    version = published_with(supervisor, NALOXONE, DOSES, NOTES)
    incident = incident_services.incident_create(
        actor=supervisor, summary="Man slumped on a bench", location_text="Main & 3rd", call_type=CallTypeFactory()
    )
    incident_services.encounter_record(
        actor=supervisor,
        incident_id=incident.pk,
        disposition="resolved_on_scene",
        custom={"version": version.pk, "answers": {"naloxone": True, "naloxone_doses": 2, "where_found": "Bench"}},
    )
    client.force_login(UserFactory(role=Role.ANALYST))
    today = program_today().isoformat()
    rows = read_csv(client.get(f"/insights/export/calls.csv?start={today}&end={today}"))
    assert [(r["q_naloxone"], r["q_naloxone_doses"]) for r in rows] == [("yes", "2")]
    assert "q_where_found" not in rows[0] and "Bench" not in str(rows)
    dictionary = {d["column"]: d for d in read_csv(client.get("/insights/export/dictionary.csv"))}
    assert dictionary["q_naloxone"]["description"] == "Encounter question: Was naloxone administered?"
    assert dictionary["q_naloxone"]["values"] == "yes, no"
    assert "q_where_found" not in dictionary
