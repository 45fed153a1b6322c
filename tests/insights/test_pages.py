"""The program's insights pages (/insights/) through the real Django client, role by role: analysts
and supervisors read the measures, the CSV is the table, the previous period's numbers are right on
a known data set, only supervisors open the calls behind a number (audited), everyone else is refused.

Data: tests/insights/pages_data.py. October 2026: 5 calls (911 ×3 in north, one of them cancelled;
988 ×2 in south); September 2026 (October's previous period): 2 calls (911 north, 988 south).
"""

import csv
import io
from datetime import date
from html.parser import HTMLParser

import pytest

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.common.days import program_today
from apps.insights import services as insight_services
from apps.insights.forms import default_period
from apps.insights.tables import previous_period
from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.insights.dataset import Clock, build, mdt, mst, people
from tests.insights.pages_data import MARKERS, build_program

pytestmark = pytest.mark.django_db
OCTOBER = "start=2026-10-01&end=2026-10-31"


@pytest.fixture
def program():
    built = build_program()
    insight_services.rollups_rebuild()
    return built


def signed_in(client, role):
    extra = {"partner_organization": OrganizationFactory()} if role == Role.PARTNER else {}
    user = UserFactory(role=role, username=f"pages-{role}", **extra)
    assert client.login(username=user.username, password=PASSWORD)
    return user


class Cells(HTMLParser):
    """The text of every row of one table (by id): header, body and footer rows alike."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.depth = table_id, False, 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []
        elif self.inside and tag == "a":
            self.links.append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "table" and self.inside:
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_of(response, table_id: str) -> Cells:
    parser = Cells(table_id)
    parser.feed(response.content.decode())
    return parser


def csv_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_previous_period_has_the_same_length():
    assert previous_period(date(2026, 10, 1), date(2026, 10, 31)) == (date(2026, 9, 1), date(2026, 9, 30))
    assert previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 10, 5), date(2026, 10, 11)) == (date(2026, 9, 28), date(2026, 10, 4))
    # Months so far: the same months before, to the same day (clamped to a shorter month), so
    # October meets all of July and not July's last two days.
    assert previous_period(date(2026, 10, 1), date(2026, 12, 2)) == (date(2026, 7, 1), date(2026, 9, 2))
    assert previous_period(date(2026, 10, 1), date(2026, 10, 15)) == (date(2026, 9, 1), date(2026, 9, 15))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 30)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_an_analyst_starts_on_the_insights_pages(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/insights/"
    assert client.get("/insights/").status_code == 200


def test_every_measure_is_listed_beside_the_previous_period(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get(f"/insights/?{OCTOBER}")
    assert response.status_code == 200
    rows = table_of(response, "insights-overview").rows
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Calls received"] == ["Calls received", "calls", "5", "2", "+3"]
    assert by_name["Calls cancelled"] == ["Calls cancelled", "calls", "1", "0", "+1"]
    assert by_name["Calls closed"][2:] == ["1", "0", "+1"]
    assert by_name["People served"][2:] == ["2", "0", "+2"]
    assert csv_of(client.get(f"/insights/?{OCTOBER}&format=csv")) == rows


def test_a_measure_by_a_category_compares_each_category_with_its_previous_value(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get(f"/insights/measures/calls/?{OCTOBER}&by=source")
    assert response.status_code == 200
    rows = table_of(response, "measure-table").rows
    assert rows[0] == ["Source", "Value (calls)", "Previous period", "Change", "Change (%)"]
    assert rows[1:] == [
        ["911", "3", "1", "+2", "+200"],
        ["988 crisis line", "2", "1", "+1", "+100"],
        ["Whole period", "5", "2", "+3", "+150"],
    ]
    body = response.content.decode()
    assert '<svg class="chart"' in body and "<desc" in body
    assert "Previous period: 2026-09-01 to 2026-09-30." in body
    download = client.get(f"/insights/measures/calls/?{OCTOBER}&by=source&format=csv")
    assert csv_of(download) == rows
    assert "/calls/" not in "".join(table_of(response, "measure-table").links)  # no drill-down for analysts


def test_a_measure_by_month_and_a_duration(client, program):
    signed_in(client, Role.ANALYST)
    rows = table_of(client.get(f"/insights/measures/calls/?{OCTOBER}&by=month"), "measure-table").rows
    assert rows[0][-4:] == ["Compared with", "Previous period", "Change", "Change (%)"]
    assert rows[1][1:] == ["5", "September 2026", "2", "+3", "+150"]
    duration = client.get(f"/insights/measures/to_on_scene/?{OCTOBER}")
    rows = table_of(duration, "measure-table").rows
    assert rows[0][:5] == [
        "Period",
        "Median (p50), minutes",
        "90th percentile (p90), minutes",
        "Within target (%)",
        "Records",
    ]
    assert rows[1][0] == "Whole period" and rows[1][1:3] == ["24", "24"] and rows[1][4] == "1"
    assert rows[1][5:] == ["–", "–"]  # September: no call reached the scene
    assert csv_of(client.get(f"/insights/measures/to_on_scene/?{OCTOBER}&format=csv")) == rows


def test_a_supervisor_opens_the_calls_behind_a_number_and_the_read_is_audited(client, program):
    supervisor = signed_in(client, Role.SUPERVISOR)
    page = client.get(f"/insights/measures/calls/?{OCTOBER}&by=district")
    links = [link for link in table_of(page, "measure-table").links if "/calls/" in link]
    north = next(link for link in links if "group=north" in link)
    response = client.get(north)
    assert response.status_code == 200
    shown = table_of(response, "calls-behind").rows[1:]
    north_calls = [c for c in program["october"] if c.district == "north"]
    assert sorted(row[0] for row in shown) == sorted(c.reference for c in north_calls)
    entry = AuditEntry.objects.get(action="insights.drilldown")
    assert entry.actor == supervisor and entry.door == "page"
    assert sorted(entry.record_ids) == sorted(str(c.pk) for c in north_calls)
    assert entry.detail["measure"] == "calls" and entry.detail["group"] == "north"
    cancelled = client.get(f"/insights/measures/calls_cancelled/calls/?{OCTOBER}")
    assert [row[0] for row in table_of(cancelled, "calls-behind").rows[1:]] == [program["october"][2].reference]
    reached = client.get(f"/insights/measures/to_on_scene/calls/?{OCTOBER}")  # only the worked call got there
    assert [row[0] for row in table_of(reached, "calls-behind").rows[1:]] == [program["worked"].reference]
    # Follow-ups rest on no call: no drill-down is offered, and asking lists nothing.
    followups = client.get(f"/insights/measures/followups_on_time/?{OCTOBER}")
    assert "/calls/" not in "".join(table_of(followups, "measure-table").links)
    assert table_of(client.get(f"/insights/measures/followups_on_time/calls/?{OCTOBER}"), "calls-behind").rows[1:] == [
        ["No call is behind this number."]
    ]


def test_an_analyst_never_opens_the_calls_behind_a_number(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get(f"/insights/measures/calls/calls/?{OCTOBER}&by=district&group=north")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="insights.drilldown").exists()
    for incident in program["october"]:
        assert incident.reference not in response.content.decode()


def test_no_page_shows_a_person_to_an_analyst(client, program):
    signed_in(client, Role.ANALYST)
    for path in (f"/insights/?{OCTOBER}", f"/insights/measures/calls/?{OCTOBER}&by=team"):
        body = client.get(path).content.decode()
        for marker in MARKERS:
            assert marker not in body


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.RESPONDER, Role.CALL_TAKER, Role.FINANCE, Role.PARTNER])
def test_roles_without_insights_are_refused(client, program, role):
    signed_in(client, role)
    for path in ("/insights/", "/insights/measures/calls/", "/insights/measures/calls/calls/"):
        assert client.get(path).status_code == 403, path


def test_signed_out_readers_are_sent_to_sign_in(client, program):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_filters_are_a_400_naming_the_field(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get("/insights/measures/calls/?start=2026-10-31&end=2026-10-01")
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
    assert client.get("/insights/?start=someday").status_code == 400
    assert client.get("/insights/?by=shoe_size").status_code == 400
    assert client.get("/insights/?start=2020-01-01&end=2026-01-01").status_code == 400
    assert client.get("/insights/measures/no_such_measure/").status_code == 404


def test_a_breakdown_the_measure_does_not_have_falls_back_to_the_whole_period(client, program):
    signed_in(client, Role.ANALYST)
    response = client.get(f"/insights/measures/followups_on_time/?{OCTOBER}&by=district")
    assert response.status_code == 200
    assert "This measure has no breakdown of that kind" in response.content.decode()


def test_the_pages_speak_spanish(client, program):
    signed_in(client, Role.ANALYST)
    body = client.get(f"/insights/measures/calls/?{OCTOBER}&by=source&lang=es").content.decode()
    assert "Periodo anterior" in body and "Descargar esta tabla como CSV" in body


def test_screening_and_referral_numbers_open_their_calls(client, monkeypatch, supervisor, dispatcher):
    """On the measures' own hand-computed history (tests/insights/dataset.py): S1 screened in (a police
    co-response, its call made), S2 screened out with no call; R1 sent from C3 to the shelter, R2 from
    C1 to the food bank."""
    clock = Clock(monkeypatch, mdt(10, 1, 9))
    world = build(people(supervisor=supervisor, dispatcher=dispatcher), clock)
    insight_services.rollups_rebuild()
    clock.at(mst(11, 3, 9))
    assert client.login(username=supervisor.username, password=PASSWORD)
    period = "start=2026-10-30&end=2026-11-02"

    def shown(path):
        response = client.get(path)
        assert response.status_code == 200, path
        return sorted(row[0] for row in table_of(response, "calls-behind").rows[1:])

    assert shown(f"/insights/measures/screened_in/calls/?{period}") == [world.calls["S1"].reference]
    assert shown(f"/insights/measures/screened_out/calls/?{period}") == ["No call is behind this number."]
    c1, c3 = world.calls["C1"].reference, world.calls["C3"].reference
    assert shown(f"/insights/measures/referrals_sent/calls/?{period}") == sorted([c1, c3])
    page = client.get(f"/insights/measures/referrals_sent/?{period}&by=partner")
    shelter = world.partners["shelter"][0].organization_id
    link = next(link for link in table_of(page, "measure-table").links if f"group={shelter}" in link)
    assert shown(link) == [c3]  # the partner is named by its organization's id
    assert shown(f"/insights/measures/referrals_served/calls/?{period}") == [c3]


def test_with_no_period_chosen_the_fields_show_the_period_in_effect(client, program):
    signed_in(client, Role.ANALYST)
    body = client.get("/insights/measures/calls/?by=month").content.decode()
    start, end = default_period(program_today())
    assert f'name="start" value="{start.isoformat()}"' in body and f'name="end" value="{end.isoformat()}"' in body
    assert '<option value="month" selected>' in body
