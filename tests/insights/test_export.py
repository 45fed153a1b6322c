"""The analysts' de-identified export (/insights/export/): one row per call, no direct identifier,
dates to the month, places to the district, and a data dictionary for every column.

Data: tests/insights/pages_data.py (five October calls, two September ones, one fully worked).
"""

import csv
import io
import re

import pytest
from django.utils.html import escape

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.insights.export import COLUMNS
from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.insights.pages_data import MARKERS, build_program

pytestmark = pytest.mark.django_db
OCTOBER = "?start=2026-10-01&end=2026-10-31"


@pytest.fixture
def program():
    return build_program()


def signed_in(client, role):
    extra = {"partner_organization": OrganizationFactory()} if role == Role.PARTNER else {}
    user = UserFactory(role=role, username=f"export-{role}", **extra)
    assert client.login(username=user.username, password=PASSWORD)
    return user


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_an_analyst_downloads_one_row_per_call_with_no_identifier(client, program):
    analyst = signed_in(client, Role.ANALYST)
    response = client.get("/insights/export/calls.csv" + OCTOBER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    for marker in MARKERS:
        assert marker not in body, marker
    for incident in program["october"] + program["september"]:
        assert incident.reference not in body
    assert "39.7392" not in body and "-104.9903" not in body
    rows = read_csv(response)
    assert list(rows[0]) == [c.name for c in COLUMNS]
    assert len(rows) == 5  # October only, the 23:30 call of the 31st included (local time)
    assert {r["month"] for r in rows} == {"2026-10"}
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["month"]) for r in rows)
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert sorted(r["district"] for r in rows) == ["north", "north", "north", "south", "south"]
    assert sorted((r["source"], r["call_type"]) for r in rows) == [
        ("911", "welfare_check"),
        ("911", "welfare_check"),
        ("911", "welfare_check"),
        ("988", "mental_health"),
        ("988", "welfare_check"),
    ]
    worked = next(r for r in rows if r["status"] == "closed")
    assert worked["disposition"] == "resolved_on_scene"
    assert worked["first_team"] == "CR-71" and worked["teams"] == "1"
    assert (worked["minutes_to_dispatch"], worked["minutes_dispatch_to_en_route"]) == ("10.0", "2.0")
    assert (worked["minutes_en_route_to_on_scene"], worked["minutes_to_on_scene"]) == ("12.0", "24.0")
    assert worked["minutes_on_scene"] == "30.0"
    assert worked["people_served"] == "2" and worked["police_involved"] == "false"
    waiting = [r for r in rows if r["status"] == "pending"]
    assert len(waiting) == 3 and {r["minutes_to_on_scene"] for r in waiting} == {""}
    assert [r["status"] for r in rows].count("cancelled") == 1
    entry = AuditEntry.objects.get(action="insights.export")
    assert entry.actor == analyst and entry.door == "export"
    assert entry.detail == {"start": "2026-10-01", "end": "2026-10-31", "rows": 5}


def test_the_export_names_no_identifying_column():
    names = {c.name for c in COLUMNS}
    for forbidden in ("name", "caller_name", "callback", "phone", "address", "location_text", "latitude"):
        assert forbidden not in names
    assert not names & {"summary", "narrative", "notes", "caller_notes", "id", "incident", "received_at", "day"}


def test_the_dictionary_describes_every_column_on_the_page_and_in_its_file(client, program):
    signed_in(client, Role.ANALYST)
    page = client.get("/insights/export/")
    assert page.status_code == 200
    body = page.content.decode()
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in body
        assert escape(str(column.description)) in body
    dictionary = read_csv(client.get("/insights/export/dictionary.csv"))
    assert [d["column"] for d in dictionary] == [c.name for c in COLUMNS]
    assert all(d["description"] for d in dictionary)
    assert next(d for d in dictionary if d["column"] == "month")["values"] == "YYYY-MM"


def test_the_dictionary_is_in_spanish_for_a_spanish_reader(client, program):
    signed_in(client, Role.ANALYST)
    body = client.get("/insights/export/?lang=es").content.decode()
    assert "Diccionario de datos" in body


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.RESPONDER, Role.CALL_TAKER, Role.FINANCE, Role.PARTNER])
def test_roles_without_insights_are_refused_the_export(client, program, role):
    signed_in(client, role)
    for path in ("/insights/export/", "/insights/export/calls.csv" + OCTOBER, "/insights/export/dictionary.csv"):
        assert client.get(path).status_code == 403, path
    assert not AuditEntry.objects.filter(action="insights.export").exists()


def test_a_bad_period_is_a_400_with_the_field_named(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get("/insights/export/calls.csv?start=2026-10-31&end=2026-10-01")
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
    assert client.get("/insights/export/calls.csv?start=yesterday").status_code == 400
