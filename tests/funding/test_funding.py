"""Budgets, sources, spending and the funders' figures against a small data set computed by hand.

The data (fiscal year FY2026 = 2025-07-01 .. 2026-06-30, program time zone America/Denver):
- City (general fund) awards 100,000.00 for every category; County (grant) awards 30,000.00 for
  staffing and training only, at most 5,000.00 for training.
- Budget v1 (adopted, from 2025-07-01): staffing 80,000 split City 60,000 / County 20,000; training
  5,000 County; radios 5,000 City. v2 (amended, from 2026-01-01): staffing 90,000 (City 65,000 /
  County 25,000), the rest as before.
- Q1 (Jul–Sep 2025) spending: staffing City 5,000.00 + County 2,500.00, training County 3,000.00,
  radios City 1,200.50 = 11,700.50 (City 6,200.50, County 5,500.00). February: staffing on v2.
- Q1 calls: four closed (two welfare checks and a mental-health call without police, one with
  police), one cancelled, one closed just after the quarter (2025-10-01 00:30 local); people served
  2 and 3 (the latter's encounter says 1 in v1 and 3 in v2); shifts: 8 h in August and 4 of the 8 h
  of a shift that crosses midnight into October = 12 team-hours.
"""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.accounts.roles import Role
from apps.common.errors import ApplicationError, PermissionRefused
from apps.funding import reports, selectors, services
from apps.funding.models import Budget, Expenditure
from apps.incidents.models import Encounter, EncounterVersion
from apps.teams.models import Shift
from tests.factories import CallTypeFactory, IncidentFactory, OrganizationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
Q1 = (date(2025, 7, 1), date(2025, 9, 30))
MINUTES = {"default": 60, "mental_health": 120}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=DENVER)


@pytest.fixture
def finance(db):
    return UserFactory(role=Role.FINANCE, username="fin")


@pytest.fixture
def book(finance):
    """The budget, both sources and Q1's spending; returns the records a test needs by name."""
    fy = services.fiscal_year_create(actor=finance, year=2026)
    assert (fy.starts_on, fy.ends_on) == (date(2025, 7, 1), date(2026, 6, 30))
    city = services.funding_source_save(
        actor=finance, name="City", kind="general_fund", awarded="100000", starts_on=fy.starts_on, ends_on=fy.ends_on
    )
    county = services.funding_source_save(
        actor=finance,
        name="County",
        kind="grant",
        awarded="30000",
        starts_on=fy.starts_on,
        ends_on=fy.ends_on,
        allowed_categories=["staffing", "training"],
        caps={"training": "5000"},
        deadlines=[(date(2025, 10, 15), "Q1 report")],
    )
    v1 = services.budget_version_create(
        actor=finance,
        fiscal_year=fy,
        status=Budget.Status.ADOPTED,
        lines=[
            {"category": "staffing", "amount": "80000", "allocations": {city: "60000", county: "20000"}},
            {"category": "training", "amount": "5000", "allocations": {county: "5000"}},
            {"category": "radios", "amount": "5000", "allocations": {city: "5000"}},
        ],
    )
    lines = {line.category: line for line in v1.lines.all()}
    for day, category, source, amount in [
        (date(2025, 8, 15), "staffing", city, "5000.00"),
        (date(2025, 8, 15), "staffing", county, "2500.00"),
        (date(2025, 9, 10), "training", county, "3000.00"),
        (date(2025, 9, 20), "radios", city, "1200.50"),
    ]:
        services.expenditure_record(actor=finance, spent_on=day, amount=amount, line=lines[category], source=source)
    v2 = services.budget_version_copy(
        actor=finance, budget=v1, status=Budget.Status.AMENDED, effective_on=date(2026, 1, 1)
    )
    staffing = v2.lines.get(category="staffing")
    services.budget_line_change(actor=finance, line=staffing, amount="90000")
    services.allocation_set(actor=finance, line=staffing, source=city, amount="65000")
    services.allocation_set(actor=finance, line=staffing, source=county, amount="25000")
    services.expenditure_record(actor=finance, spent_on=date(2026, 2, 5), amount="6000", line=staffing, source=city)
    services.expenditure_record(actor=finance, spent_on=date(2026, 2, 5), amount="3000", line=staffing, source=county)
    return {"fy": fy, "city": city, "county": county, "v1": v1, "v2": v2, "lines": lines, "staffing2": staffing}


@pytest.fixture
def operations(db):
    team = TeamFactory()
    responder = UserFactory()
    welfare = CallTypeFactory(code="welfare_check")
    mental = CallTypeFactory(code="mental_health", name="Mental health")
    closed = {"status": "closed"}
    calls = [
        IncidentFactory(received_at=at(2025, 7, 3, 10), call_type=welfare, disposition="resolved_on_scene", **closed),
        IncidentFactory(received_at=at(2025, 8, 9, 22), call_type=welfare, disposition="referred", **closed),
        IncidentFactory(received_at=at(2025, 9, 30, 23, 50), call_type=mental, disposition="transported", **closed),
        IncidentFactory(received_at=at(2025, 9, 1, 12), call_type=welfare, disposition="police_requested", **closed),
    ]
    IncidentFactory(received_at=at(2025, 8, 1, 9), call_type=welfare, status="cancelled")
    IncidentFactory(received_at=at(2025, 10, 1, 0, 30), call_type=welfare, disposition="referred", **closed)
    for incident, versions in [(calls[0], [2]), (calls[1], [1, 3])]:
        encounter = Encounter.objects.create(
            incident=incident, team=team, created_by=responder, current_version=len(versions)
        )
        for number, people in enumerate(versions, start=1):
            EncounterVersion.objects.create(
                encounter=encounter, number=number, people_served=people, disposition="referred", authored_by=responder
            )
    Shift.objects.create(team=team, starts_at=at(2025, 8, 1, 8), ends_at=at(2025, 8, 1, 16))
    Shift.objects.create(team=team, starts_at=at(2025, 9, 30, 20), ends_at=at(2025, 10, 1, 4))
    Shift.objects.create(team=team, starts_at=at(2025, 6, 1, 8), ends_at=at(2025, 6, 1, 16))


@override_settings(FIRSTLINE_POLICE_MINUTES_PER_CALL=MINUTES, FIRSTLINE_PROGRAM_TIME_ZONE="America/Denver")
def test_the_quarters_figures_match_the_hand_computation(book, operations):
    figures = selectors.figures_for_period(*Q1)
    assert figures.spent == Decimal("11700.50")
    assert (figures.calls, figures.people_served, figures.team_hours) == (4, 5, Decimal("12.00"))
    assert figures.cost_per_call == Decimal("2925.13")  # 11,700.50 / 4 = 2,925.125, half up
    assert figures.cost_per_person == Decimal("2340.10")
    assert figures.cost_per_team_hour == Decimal("975.04")
    assert figures.calls_without_police == 3
    assert figures.police_hours_avoided == Decimal("4.0")  # 2 × 60 + 1 × 120 minutes
    shares = {s.source.name: s for s in figures.shares}
    assert (shares["City"].spent, shares["County"].spent) == (Decimal("6200.50"), Decimal("5500.00"))
    assert (shares["City"].share, shares["County"].share) == (Decimal("52.99"), Decimal("47.01"))
    # City's 1,550.125 takes the leftover cent, so the parts add up to the figure.
    assert (shares["City"].cost_per_call, shares["County"].cost_per_call) == (Decimal("1550.13"), Decimal("1375.00"))
    assert (shares["City"].cost_per_person, shares["County"].cost_per_person) == (
        Decimal("1240.10"),
        Decimal("1100.00"),
    )
    assert shares["City"].cost_per_team_hour + shares["County"].cost_per_team_hour == Decimal("975.04")


def test_without_shifts_the_cost_per_team_hour_is_not_made_up(book):
    figures = selectors.figures_for_period(*Q1)
    assert figures.team_hours is None and figures.cost_per_team_hour is None
    assert figures.cost_per_call is None  # no calls at all: nothing to divide by


def test_budget_vs_actual_follows_the_version_in_force(book):
    q1 = {row["category"]: row for row in selectors.budget_vs_actual_by_category(*Q1)}
    assert q1["staffing"]["budget"] == Decimal("80000.00")  # v1 is in force on 2025-09-30
    assert q1["staffing"]["actual"] == Decimal("7500.00")
    assert q1["radios"]["remaining"] == Decimal("3799.50")
    year = {row["category"]: row for row in selectors.budget_vs_actual_by_category(date(2025, 7, 1), date(2026, 6, 30))}
    assert year["staffing"]["budget"] == Decimal("90000.00")  # the amendment, v2
    assert year["staffing"]["actual"] == Decimal("16500.00")
    assert sum(row["actual"] for row in year.values()) == Decimal("20700.50")
    v1 = Budget.objects.get(pk=book["v1"].pk)
    assert v1.lines.get(category="staffing").amount == Decimal("80000.00")  # kept as it was


def test_each_sources_award_allocation_and_burn(book):
    rows = {row["source"].name: row for row in selectors.source_summaries(*Q1)}
    county = rows["County"]
    assert (county["awarded"], county["allocated"], county["spent"]) == (
        Decimal("30000.00"),
        Decimal("25000.00"),
        Decimal("5500.00"),
    )
    assert county["remaining"] == Decimal("24500.00")
    assert county["projected"] == Decimal("21820.65")  # 5,500 over 92 of 365 days
    assert not county["runs_out"] and county["left_unspent"] == Decimal("8179.35")


def test_a_charge_that_breaks_a_restriction_is_refused_and_nothing_is_written(book, finance):
    lines, county, city = book["lines"], book["county"], book["city"]
    before = Expenditure.objects.count()
    with pytest.raises(ApplicationError, match=r"at most 5000\.00 for Training; 3000\.00 is already charged"):
        services.expenditure_record(
            actor=finance, spent_on=date(2025, 9, 25), amount="2500", line=lines["training"], source=county
        )
    with pytest.raises(ApplicationError, match="County does not pay for Radios and communications"):
        services.expenditure_record(
            actor=finance, spent_on=date(2025, 9, 25), amount="10", line=lines["radios"], source=county
        )
    with pytest.raises(ApplicationError, match="not in the budget in force on 2026-02-10"):
        services.expenditure_record(
            actor=finance, spent_on=date(2026, 2, 10), amount="10", line=lines["staffing"], source=city
        )
    with pytest.raises(ApplicationError, match="this was spent on 2025-06-30"):
        services.expenditure_record(
            actor=finance, spent_on=date(2025, 6, 30), amount="10", line=lines["staffing"], source=city
        )
    with pytest.raises(ApplicationError, match="to the cent"):
        services.expenditure_record(
            actor=finance, spent_on=date(2025, 9, 25), amount="10.005", line=lines["staffing"], source=city
        )
    with pytest.raises(ApplicationError, match="newer version"):
        services.budget_line_change(actor=finance, line=lines["radios"], amount="1")
    assert Expenditure.objects.count() == before


MAPPING = {
    "spent_on": "Posted",
    "amount": "Amount",
    "category": "Category",
    "source": "Fund",
    "vendor": "Payee",
    "reference": "Doc",
}
CSV = """Posted,Amount,Category,Fund,Payee,Doc
07/20/2025,100.00,Staffing,City,Payroll,P1
07/20/2025,100.00,Staffing,City,Payroll,P1
07/21/2025,"1,250.25",radios,city,Radio Shop,R9
07/22/2025,12.3.4,Staffing,City,Payroll,P2
07/23/2025,50.00,Staffing,Nobody,Payroll,P3
07/24/2025,2500.00,Training,County,Trainer,T1
"""


def test_the_import_reports_row_errors_and_a_second_run_changes_nothing(book, finance):
    mapping = services.import_mapping_save(actor=finance, name="City ledger", columns=MAPPING, date_format="%m/%d/%Y")
    before = Expenditure.objects.count()
    first = services.spending_import(actor=finance, text=CSV, mapping=mapping, filename="july.csv")
    assert (first.rows_total, first.rows_created, first.rows_already_there) == (6, 3, 0)
    errors = {e["row"]: e["error"] for e in first.errors}
    assert set(errors) == {5, 6, 7}
    assert "is not an amount of money" in errors[5]
    assert "No funding source is called “Nobody”" in errors[6]
    assert "at most 5000.00 for Training" in errors[7]  # the same words as the admin's refusal
    assert Expenditure.objects.count() == before + 3
    assert Expenditure.objects.filter(reference="P1").count() == 2  # two equal rows are two charges
    assert Expenditure.objects.get(reference="R9").amount == Decimal("1250.25")

    second = services.spending_import(actor=finance, text=CSV, mapping=mapping, filename="july.csv")
    assert (second.rows_created, second.rows_already_there, len(second.errors)) == (0, 3, 3)
    assert Expenditure.objects.count() == before + 3


def test_the_command_imports_with_a_saved_mapping(book, finance, tmp_path):
    services.import_mapping_save(actor=finance, name="ledger", columns=MAPPING, date_format="%m/%d/%Y")
    path = tmp_path / "july.csv"
    path.write_text(CSV.splitlines()[0] + "\n" + CSV.splitlines()[1] + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_spending", str(path), mapping="ledger", user="fin", stdout=out)
    assert "1 added" in out.getvalue()
    call_command("import_spending", str(path), mapping="ledger", user="fin", stdout=out)
    assert "0 added, 1 already there" in out.getvalue()


@override_settings(FIRSTLINE_POLICE_MINUTES_PER_CALL=MINUTES)
def test_the_funder_report_opens_in_openpyxl_with_the_figures(book, operations):
    from openpyxl import load_workbook

    book_ = load_workbook(io.BytesIO(reports.funder_report_xlsx(book["county"], *Q1)))
    assert {"Figures", "Restrictions checked", "Expenditures", "Assumptions"} <= set(book_.sheetnames)
    figures = {row[0]: row[1:] for row in book_["Figures"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(figures["Cost per call"][0])) == Decimal("2925.13")
    assert Decimal(str(figures["Cost per call"][1])) == Decimal("1375.00")
    assert Decimal(str(figures["Spending in the period"][1])) == Decimal("5500.00")
    assert figures["Calls handled without police"][0] == 3
    checks = list(book_["Restrictions checked"].iter_rows(min_row=2, values_only=True))
    assert ("Cap per category", "Training: 5000.00", 3000, "yes") in checks
    spent = [Decimal(str(row[-1])) for row in book_["Expenditures"].iter_rows(min_row=2, values_only=True)]
    assert sum(spent) == Decimal("5500.00") and len(spent) == 2
    assumptions = dict(book_["Assumptions"].iter_rows(min_row=2, values_only=True))
    assert assumptions["mental_health"] == 120
    text = reports.funder_report_csv(book["county"], *Q1)
    assert "Cost per call,2925.13,1375.00" in text


@override_settings(FIRSTLINE_POLICE_MINUTES_PER_CALL=MINUTES, FIRSTLINE_PROGRAM_TIME_ZONE="America/Denver")
def test_the_reports_appendix_carries_the_measures_the_funder_asks_for(book, operations, finance):
    from openpyxl import load_workbook

    def appendix(source):
        sheet = load_workbook(io.BytesIO(reports.funder_report_xlsx(source, *Q1)))["Appendix"]
        return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] is not None}

    every = appendix(book["city"])  # City asked for nothing in particular: every measure
    assert (every["Calls handled"], every["Calls handled without police"], every["People served"]) == (4, 3, 5)
    assert Decimal(str(every["Share of calls handled without police (%)"])) == Decimal("75.0")
    assert Decimal(str(every["Estimated police hours avoided"])) == Decimal("4.0")  # 60 + 60 + 120 minutes
    endings = ("Calls resolved on scene", "Calls ending in a referral", "Calls ending in a transport")
    assert [every[k] for k in endings] == [1, 1, 1]
    assert every["Median minutes from call to a team on scene"] == "not available"  # no team stamped on scene
    assert every["Encounters meeting the Medicaid mobile-crisis criteria"] == "0 / 2"
    book["county"].measures = ["billable", "without_police"]
    book["county"].save(update_fields=["measures"])
    assert list(appendix(book["county"])) == [
        "Calls handled without police",
        "Encounters meeting the Medicaid mobile-crisis criteria",
    ]
    with pytest.raises(ApplicationError):
        services.funding_source_save(
            actor=finance, name="County", kind="grant", awarded="30000", starts_on=Q1[0], ends_on=Q1[1], measures=["x"]
        )


@pytest.mark.parametrize(
    ("role", "figures", "keeps"),
    [
        (Role.FINANCE, 200, True),
        (Role.SUPERVISOR, 200, True),
        (Role.ANALYST, 200, False),
        (Role.RESPONDER, 403, False),
        (Role.DISPATCHER, 403, False),
        (Role.CALL_TAKER, 403, False),
        (Role.PARTNER, 403, False),
    ],
)
def test_who_may_see_and_keep_the_programs_money(client, book, role, figures, keeps):
    organization = OrganizationFactory() if role == Role.PARTNER else None
    user = UserFactory(role=role, partner_organization=organization)
    client.force_login(user)
    page = client.get("/funding/", {"start": "2025-07-01", "end": "2025-09-30"})
    assert page.status_code == figures
    if figures == 200:
        body = page.content.decode()
        assert ">11,700.50<" in body  # the spending in the period, as people write money
        # The analyst reads the totals only: no funder report, no billable encounters, no import.
        assert ('id="report"' in body) == keeps and ("/funding/billable/" in body) == keeps
    report = client.get("/funding/report/", {"source": book["city"].pk, "start": "2025-07-01", "end": "2025-09-30"})
    assert report.status_code == (200 if keeps else 403)
    upload = client.post("/funding/import/", {})
    assert upload.status_code == (200 if keeps else 403)
    if keeps:
        services.expenditure_record(
            actor=user, spent_on=date(2025, 9, 1), amount="1", line=book["lines"]["radios"], source=book["city"]
        )
    else:
        with pytest.raises(PermissionRefused):
            services.expenditure_record(
                actor=user, spent_on=date(2025, 9, 1), amount="1", line=book["lines"]["radios"], source=book["city"]
            )


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/funding/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_riverton_demo_keeps_every_restriction_and_loads_once(finance):
    from apps.demo.funding import load_demo_data

    today = date(2026, 12, 1)
    from apps.audit.models import AuditEntry

    assert load_demo_data(today=today)["expenditures"] > 400
    audited = AuditEntry.objects.count()
    assert load_demo_data(today=today) == {"expenditures": 0}  # a second load adds nothing
    assert AuditEntry.objects.count() == audited
    assert set(Budget.objects.values_list("fiscal_year__name", "status")) >= {
        ("FY2026", "adopted"),
        ("FY2026", "amended"),
        ("FY2027", "adopted"),
    }
    for source in selectors.sources_for_choice():
        spent = sum(source.expenditures.values_list("amount", flat=True), Decimal(0))
        assert spent <= source.awarded, source.name
        assert all(check["ok"] for check in selectors.restriction_checks(source, today)), source.name
    year = selectors.figures_for_period(date(2025, 12, 2), today)
    assert year.spent == sum(share.spent for share in year.shares)
    assert sum(share.share for share in year.shares) == Decimal("100.00")
