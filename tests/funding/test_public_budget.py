"""The public budget summary (issue 16, item 5): open to anyone, aggregates only.

The budget in force this fiscal year: staffing 100,000.00 (City 70,000.00, State 30,000.00), training
5,000.00 (State), radios 2,500.50 (no source yet) = 107,500.50; City 70,000.00, State 35,000.00, not
yet assigned 2,500.50. A newer *proposed* version (999,999.00 of staffing) is not in force and not
shown. The lines' notes, team and program area, and a charge's vendor, carry markers that must never
appear.
"""

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.funding import selectors, services
from apps.funding.models import Budget
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
MARKERS = ["Salary of Jane Marker", "SECRET-UNIT", "Marker area", "Vendor-Marker", "Invoice-Marker"]


@pytest.fixture
def budget(db):
    finance = UserFactory(role=Role.FINANCE, username="fin-public")
    today = timezone.localdate()
    starts_on, ends_on = selectors.current_fiscal_year_bounds(today)
    fy = services.fiscal_year_create(actor=finance, year=ends_on.year)
    city = services.funding_source_save(
        actor=finance, name="City", kind="general_fund", awarded="90000", starts_on=starts_on, ends_on=ends_on
    )
    state = services.funding_source_save(
        actor=finance, name="State", kind="grant", awarded="40000", starts_on=starts_on, ends_on=ends_on
    )
    adopted = services.budget_version_create(
        actor=finance,
        fiscal_year=fy,
        status=Budget.Status.ADOPTED,
        lines=[
            {
                "category": "staffing",
                "amount": "100000",
                "allocations": {city: "70000", state: "30000"},
                "notes": "Salary of Jane Marker",
                "team": TeamFactory(call_sign="SECRET-UNIT"),
                "program_area": "Marker area",
            },
            {"category": "training", "amount": "5000", "allocations": {state: "5000"}},
            {"category": "radios", "amount": "2500.50"},
        ],
    )
    services.expenditure_record(
        actor=finance,
        spent_on=starts_on,
        amount="1200",
        line=adopted.lines.get(category="staffing"),
        source=city,
        vendor="Vendor-Marker Jane",
        description="Invoice-Marker",
    )
    services.budget_version_create(
        actor=finance,
        fiscal_year=fy,
        status=Budget.Status.PROPOSED,
        lines=[{"category": "staffing", "amount": "999999", "allocations": {city: "90000"}}],
    )
    return adopted


def test_anyone_reads_the_budget_by_category_and_source_and_no_detail(client, budget):
    page = client.get("/public/budget/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<td id="public-budget-total" class="amount">107,500.50</td>' in body
    assert "<li>City (General fund): 70,000.00</li>" in body
    assert "<li>State (Grant): 35,000.00</li>" in body
    assert '<td class="amount">2,500.50</td>' in body  # radios, no source yet
    spanish = client.get("/public/budget/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<td id="public-budget-total" class="amount">107\xa0500,50</td>' in spanish
    assert "999999" not in body
    for marker in MARKERS:
        assert marker not in body


def test_the_summary_adds_up_to_the_cent(budget):
    summary = selectors.public_budget_summary(timezone.localdate())
    assert summary["budget"] == budget
    assert [(r["label"], r["total"], r["by_source"], r["unallocated"]) for r in summary["rows"]] == [
        ("Staffing", 100000, [70000, 30000], 0),
        ("Radios and communications", 2500.50, [0, 0], 2500.50),
        ("Training", 5000, [0, 5000], 0),
    ]
    assert sum(s["total"] for s in summary["sources"]) + summary["unallocated"] == summary["total"]


def test_the_page_speaks_spanish(client, budget):
    body = client.get("/public/budget/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "El presupuesto del programa" in body and "Personal" in body


def test_with_no_budget_in_force_the_page_says_so(client, db):
    page = client.get("/public/budget/")
    assert page.status_code == 200 and "No budget is in force." in page.content.decode()
