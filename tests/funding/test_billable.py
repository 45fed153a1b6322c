"""Billable encounters (issue 16, item 6) against a small data set checked by hand.

August 2025, program time zone America/Denver, default criteria (face to face, 15 minutes, a crew of
two, a clinical license valid that day, Medicaid coverage recorded):
- team A's shift on Aug 10 (08:00-16:00) lists a licensed clinician and a peer specialist;
- team B's shift the same day lists a peer specialist and a clinician whose license expired Jul 31.

| call | team | on scene -> cleared | disposition      | coverage  | missing                       |
| c1   | A    | 09:00 -> 09:45      | resolved on scene| medicaid  | nothing: billable             |
| c2   | A    | 10:00 -> 10:10      | resolved on scene| (none)    | duration, coverage            |
| c3   | B    | 11:00 -> 12:00      | referred         | medicaid  | a qualified professional      |
| c4   | A    | 12:00 -> 12:30      | no person found  | medicaid  | face to face                  |
| c5   | A    | 13:00 -> 14:00      | referred         | private   | coverage this payer pays      |
A call on Aug 12 with no shift for team A (crew unknown), a cancelled call and a September call are
left out or counted as the table says in `test_...`.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.funding.billable import billable_encounters
from apps.incidents import services as incident_services
from apps.teams.models import Certification, Shift
from tests.factories import IncidentFactory, OrganizationFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db]
DENVER = ZoneInfo("America/Denver")
AUGUST = {"start": "2025-08-01", "end": "2025-08-31"}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=DENVER)


def _call(supervisor, team, *, received, on_scene, cleared, disposition, coverage, status="closed"):
    incident = IncidentFactory(received_at=received)
    assignment = incident_services.incident_assign(
        actor=supervisor, incident_id=incident.pk, team_id=team.pk, at=received
    )
    incident_services.assignment_set_status(
        actor=supervisor, assignment_id=assignment.pk, status="on_scene", at=on_scene
    )
    version = incident_services.encounter_record(
        actor=supervisor,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition=disposition,
        coverage=coverage,
        narrative="narrative-marker-never-in-billing",
        person={"name": "Name-marker-never-in-billing"},
    )
    incident_services.assignment_set_status(actor=supervisor, assignment_id=assignment.pk, status="cleared", at=cleared)
    incident.refresh_from_db()
    if status == "cancelled":
        type(incident).objects.filter(pk=incident.pk).update(status="cancelled")
    return incident, version.encounter


@pytest.fixture
def calls(db):
    supervisor = UserFactory(role=Role.SUPERVISOR, username="sup-billing")
    team_a, team_b = TeamFactory(call_sign="A-1"), TeamFactory(call_sign="B-1")
    clinician, peer = UserFactory(username="clin-a"), UserFactory(username="peer-a")
    lapsed, peer_b = UserFactory(username="clin-b"), UserFactory(username="peer-b")
    Certification.objects.create(responder=clinician, kind="clinical_license", issued_on=date(2020, 1, 1))
    Certification.objects.create(responder=peer, kind="peer_specialist", issued_on=date(2020, 1, 1))
    Certification.objects.create(
        responder=lapsed, kind="clinical_license", issued_on=date(2020, 1, 1), expires_on=date(2025, 7, 31)
    )
    Certification.objects.create(responder=peer_b, kind="peer_specialist", issued_on=date(2020, 1, 1))
    Shift.objects.create(team=team_a, starts_at=at(2025, 8, 10, 8), ends_at=at(2025, 8, 10, 16)).members.set(
        [clinician, peer]
    )
    Shift.objects.create(team=team_b, starts_at=at(2025, 8, 10, 8), ends_at=at(2025, 8, 10, 16)).members.set(
        [lapsed, peer_b]
    )
    made = {}
    for name, team, start, minutes, disposition, coverage in [
        ("c1", team_a, (9, 0), 45, "resolved_on_scene", "medicaid"),
        ("c2", team_a, (10, 0), 10, "resolved_on_scene", ""),
        ("c3", team_b, (11, 0), 60, "referred", "medicaid"),
        ("c4", team_a, (12, 0), 30, "no_person_found", "medicaid"),
        ("c5", team_a, (13, 0), 60, "referred", "private"),
    ]:
        on_scene = at(2025, 8, 10, *start)
        made[name] = _call(
            supervisor,
            team,
            received=at(2025, 8, 10, start[0] - 1, 50),
            on_scene=on_scene,
            cleared=on_scene.replace(hour=on_scene.hour + minutes // 60, minute=on_scene.minute + minutes % 60),
            disposition=disposition,
            coverage=coverage,
        )
    _call(
        supervisor,
        team_a,
        received=at(2025, 8, 20, 9),
        on_scene=at(2025, 8, 20, 9, 10),
        cleared=at(2025, 8, 20, 10),
        disposition="referred",
        coverage="medicaid",
        status="cancelled",
    )
    _call(
        supervisor,
        team_a,
        received=at(2025, 9, 2, 9),
        on_scene=at(2025, 9, 2, 9, 10),
        cleared=at(2025, 9, 2, 10),
        disposition="referred",
        coverage="medicaid",
    )
    return {"supervisor": supervisor, **made}


def _by_reference(rows):
    return {row.reference: row for row in rows}


@override_settings(FIRSTLINE_PROGRAM_TIME_ZONE="America/Denver")
def test_each_encounter_is_checked_against_every_criterion(calls):
    rows = _by_reference(billable_encounters(date(2025, 8, 1), date(2025, 8, 31)))
    ref = {name: calls[name][0].reference for name in ("c1", "c2", "c3", "c4", "c5")}
    assert set(rows) == set(ref.values())  # neither the cancelled call nor September's
    c1, c2, c3, c4, c5 = (rows[ref[n]] for n in ("c1", "c2", "c3", "c4", "c5"))
    assert c1.billable and c1.missing == []
    assert (c1.minutes, c1.crew, c1.qualified, c1.face_to_face, c1.coverage) == (45, 2, True, True, "medicaid")
    assert c2.minutes == 10 and len(c2.missing) == 2
    assert "10 minutes on scene; at least 15 are needed." in c2.missing
    assert "The person's coverage is not recorded." in c2.missing
    assert c3.qualified is False and c3.crew == 2
    assert c3.missing == ["No qualified behavioural-health professional on the crew (Clinical license)."]
    assert c4.face_to_face is False
    assert c4.missing == ["No face-to-face contact: no person was found."]
    assert c5.missing == ["The person's coverage is Private insurance, which this payer does not reimburse."]


@override_settings(
    FIRSTLINE_PROGRAM_TIME_ZONE="America/Denver",
    FIRSTLINE_BILLABLE_ENCOUNTER={"min_minutes": 5, "coverage": ["medicaid", "private"], "min_crew": 3},
)
def test_the_programs_own_criteria_decide(calls):
    rows = _by_reference(billable_encounters(date(2025, 8, 1), date(2025, 8, 31)))
    c2, c5 = rows[calls["c2"][0].reference], rows[calls["c5"][0].reference]
    assert c2.missing == ["2 on the crew; at least 3 are needed.", "The person's coverage is not recorded."]
    assert c5.missing == ["2 on the crew; at least 3 are needed."]


def test_a_team_with_no_crew_recorded_is_not_billable(calls):
    team = TeamFactory(call_sign="C-1")
    incident, _encounter = _call(
        calls["supervisor"],
        team,
        received=at(2025, 8, 12, 9),
        on_scene=at(2025, 8, 12, 9, 10),
        cleared=at(2025, 8, 12, 10),
        disposition="referred",
        coverage="medicaid",
    )
    row = _by_reference(billable_encounters(date(2025, 8, 1), date(2025, 8, 31)))[incident.reference]
    assert row.crew == 0 and not row.qualified and not row.billable


@override_settings(FIRSTLINE_PROGRAM_TIME_ZONE="America/Denver")
def test_the_page_and_the_csv_show_what_is_missing_and_audit_every_encounter_read(client, calls):
    finance = UserFactory(role=Role.FINANCE, username="fin-billing")
    client.force_login(finance)
    page = client.get("/funding/billable/", AUGUST)
    assert page.status_code == 200
    body = page.content.decode()
    assert "1 of 5 encounters meet every criterion." in body
    assert "narrative-marker" not in body and "Name-marker" not in body
    download = client.get("/funding/billable/", {**AUGUST, "format": "csv"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][-2:] == ["Billable", "What is missing"]
    assert sorted(r[-2] for r in rows[1:]) == ["no", "no", "no", "no", "yes"]
    c2 = next(r for r in rows[1:] if r[1] == calls["c2"][0].reference)
    assert c2[4] == "10" and "The person's coverage is not recorded." in c2[-1]
    assert "narrative-marker" not in download.content.decode()
    reads = AuditEntry.objects.filter(action="funding.billable.read", actor=finance).order_by("pk")
    assert [r.door for r in reads] == ["page", "export"]
    disclosed = {str(calls[n][1].pk) for n in ("c1", "c2", "c3", "c4", "c5")}
    assert all(set(r.record_ids) == disclosed for r in reads)


def test_the_coverage_is_recorded_through_the_encounter_api(client, calls):
    supervisor = calls["supervisor"]
    client.force_login(supervisor)
    incident = calls["c1"][0]
    answer = client.post(
        "/api/v1/encounters/",
        {"incident": incident.pk, "disposition": "referred", "coverage": "medicare"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["current"]["coverage"] == "medicare"
    # An amendment that does not mention the coverage (the tablet's form) keeps it; one that sends
    # a blank clears it.
    encounter_id = answer.json()["id"]
    kept = client.post(
        "/api/v1/encounters/",
        {"id": encounter_id, "incident": incident.pk, "disposition": "referred", "base_version": 1},
        content_type="application/json",
    )
    assert kept.status_code == 201, kept.content
    assert (kept.json()["version"], kept.json()["current"]["coverage"]) == (2, "medicare")
    cleared = client.post(
        "/api/v1/encounters/",
        {"id": encounter_id, "incident": incident.pk, "disposition": "referred", "base_version": 2, "coverage": ""},
        content_type="application/json",
    )
    assert cleared.json()["current"]["coverage"] is None
    refused = client.post(
        "/api/v1/encounters/",
        {"incident": incident.pk, "disposition": "referred", "coverage": "gold-plated"},
        content_type="application/json",
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FINANCE, 200),
        (Role.SUPERVISOR, 200),
        (Role.ANALYST, 403),
        (Role.RESPONDER, 403),
        (Role.DISPATCHER, 403),
        (Role.CALL_TAKER, 403),
        (Role.PARTNER, 403),
    ],
)
def test_only_finance_staff_and_supervisors_see_billable_encounters(client, calls, role, status):
    organization = OrganizationFactory() if role == Role.PARTNER else None
    client.force_login(UserFactory(role=role, partner_organization=organization))
    assert client.get("/funding/billable/", AUGUST).status_code == status
    assert client.get("/funding/billable/", {**AUGUST, "format": "csv"}).status_code == status
