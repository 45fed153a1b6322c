"""Finance staff in the admin: they sign in, reach the funding app's pages and no other, and every
charge they enter goes through the funding services (audited; a charge that breaks a source's
restriction is refused with the service's words and nothing is written).

Every other registered model is judged by walking admin.site._registry, so a model registered
tomorrow is refused to finance staff without a new line here.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.funding import services
from apps.funding.models import Budget, Expenditure
from tests.admin_pages import client_for, inline_management_data, optional_url, refused
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(db):
    return UserFactory(role=Role.FINANCE, username="fin-admin")


@pytest.fixture
def book(finance):
    """FY2026 with one adopted budget: training 5,000 paid by a County grant that caps training at 1,000."""
    fy = services.fiscal_year_create(actor=finance, year=2026)
    county = services.funding_source_save(
        actor=finance,
        name="County",
        kind="grant",
        awarded="30000",
        starts_on=fy.starts_on,
        ends_on=fy.ends_on,
        allowed_categories=["training"],
        caps={"training": "1000"},
    )
    budget = services.budget_version_create(
        actor=finance,
        fiscal_year=fy,
        status=Budget.Status.ADOPTED,
        effective_on=fy.starts_on,
        lines=[{"category": "training", "amount": "5000", "allocations": {county: "5000"}}],
    )
    return {"county": county, "line": budget.lines.get()}


def _errors(response) -> list:
    context = response.context
    return [context["adminform"].form.errors] + [f.formset.errors for f in context["inline_admin_formsets"]]


def _may(model_admin, user, permission: str) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = user
    return getattr(model_admin, f"has_{permission}_permission")(request)


def test_the_index_shows_finance_staff_the_funding_section_only(finance):
    response = client_for(finance).get(reverse("admin:index"))
    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["funding"]
    page = response.content.decode()
    assert reverse("funding-figures") in page and reverse("funding-import") in page
    for other in ("board", "intake-screen", "followups-supervision", "resources-capacity", "api-docs"):
        assert f'href="{reverse(other)}"' not in page, other


def test_finance_staff_open_every_funding_page_and_no_other(finance):
    client = client_for(finance)
    problems = []
    for model, model_admin in admin.site._registry.items():
        funding = model._meta.app_label == "funding"
        for page in ("changelist", "add"):
            url = optional_url(model, page)
            if url is None:
                continue
            response = client.get(url)
            if not funding:
                if not refused(response):
                    problems.append(f"{url}: {response.status_code}, expected refused")
                continue
            allowed = _may(model_admin, finance, "view" if page == "changelist" else "add")
            expected = 200 if allowed else 403
            if response.status_code != expected:
                problems.append(f"{url}: {response.status_code}, expected {expected}")
    assert problems == [], "\n".join(problems)
    apps = {model._meta.app_label for model in admin.site._registry} - {"funding"}
    assert client.get(reverse("admin:app_list", args=["funding"])).status_code == 200
    for label in sorted(apps):
        assert refused(client.get(reverse("admin:app_list", args=[label]))), label


def test_finance_staff_may_do_in_the_funding_admin_what_a_supervisor_may(finance, supervisor):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "funding":
            continue
        for permission in ("view", "add", "change", "delete"):
            assert _may(model_admin, finance, permission) == _may(model_admin, supervisor, permission), (
                model,
                permission,
            )
        assert _may(model_admin, finance, "view")


def test_pages_an_app_adds_to_the_admin_and_view_on_site_are_refused_to_finance_staff(finance, supervisor):
    client = client_for(finance)
    report = reverse("admin:intake_policy_quality_report")
    assert client_for(supervisor).get(report).status_code == 200
    assert client.get(report).status_code == 403
    shortcut = reverse("admin:view_on_site", args=[1, supervisor.pk])
    assert client.get(shortcut).status_code == 403


def test_finance_staff_sign_in_through_the_admin_login_page_and_an_analyst_does_not(finance, analyst):
    assert finance.is_staff and not analyst.is_staff  # the staff flag follows the role
    client = Client()
    response = client.post(reverse("admin:login"), {"username": finance.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    other = Client()
    response = other.post(reverse("admin:login"), {"username": analyst.username, "password": PASSWORD})
    assert response.status_code == 200 and refused(other.get(reverse("admin:index")))


def test_finance_staff_owe_a_second_factor_when_their_role_is_listed(finance, settings):
    settings.FIRSTLINE_MFA_ROLES = ["supervisor", "administrator", "finance"]
    client = Client()
    response = client.post("/accounts/login/", {"username": finance.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/")


def _charge(client, book, amount: str):
    data = {
        "spent_on": "2025-08-15",
        "amount": amount,
        "line": book["line"].pk,
        "source": book["county"].pk,
        "vendor": "Crisis training co-op",
        "description": "De-escalation course",
        "reference": "INV-7",
    }
    return client.post(reverse("admin:funding_expenditure_add"), data, follow=True)


def test_finance_staff_add_an_expenditure_in_the_admin_and_it_is_audited(finance, book):
    response = _charge(client_for(finance), book, "400.00")
    assert response.status_code == 200
    expenditure = Expenditure.objects.get()
    assert (expenditure.amount, expenditure.spent_on, expenditure.created_by) == (400, date(2025, 8, 15), finance)
    entry = AuditEntry.objects.get(action="funding.expenditure.create", object_id=str(expenditure.pk))
    assert (entry.actor_username, entry.actor_role, entry.door) == (finance.username, "finance", "admin")


def test_a_charge_past_the_sources_cap_is_refused_in_the_admin_and_nothing_is_saved(finance, book):
    client = client_for(finance)
    _charge(client, book, "800.00")
    audited = AuditEntry.objects.filter(action="funding.expenditure.create").count()
    response = _charge(client, book, "300.00")
    page = response.content.decode()
    assert "County pays at most 1000.00 for Training; 800.00 is already charged." in page
    assert Expenditure.objects.count() == 1
    assert AuditEntry.objects.filter(action="funding.expenditure.create").count() == audited


def test_finance_staff_add_a_budget_line_split_between_sources_through_the_services(finance, book):
    client = client_for(finance)
    add = client.get(reverse("admin:funding_budgetline_add"))
    data = {
        "budget": book["line"].budget_id,
        "category": "training",
        "amount": "2000.00",
        "program_area": "",
        "notes": "",
        **inline_management_data(add),
    }
    prefix = add.context["inline_admin_formsets"][0].formset.prefix
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-source": book["county"].pk, f"{prefix}-0-amount": "1500"})
    response = client.post(reverse("admin:funding_budgetline_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line = book["line"].budget.lines.get(amount=2000)
    assert [(a.source, a.amount) for a in line.allocations.all()] == [(book["county"], 1500)]
    assert AuditEntry.objects.filter(action="funding.line.create", object_id=str(line.pk)).exists()
    allocation = line.allocations.get()
    assert AuditEntry.objects.filter(action="funding.allocation.set", object_id=str(allocation.pk)).exists()


def test_a_sources_caps_and_reporting_dates_are_saved_through_the_service(finance, book):
    client = client_for(finance)
    county = book["county"]
    url = reverse("admin:funding_fundingsource_change", args=[county.pk])
    change = client.get(url)
    form = change.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) not in (None, False)}
    data.update(
        {
            "allowed_categories": ["training", "staffing"],
            "match_percent": "0",
            "measures": [],
            **inline_management_data(change),
        }
    )
    caps, deadlines = (formset.formset.prefix for formset in change.context["inline_admin_formsets"])
    data.update(
        {
            f"{caps}-TOTAL_FORMS": "1",
            f"{caps}-0-id": county.caps.get().pk,
            f"{caps}-0-source": county.pk,
            f"{caps}-0-category": "training",
            f"{caps}-0-cap": "1200.00",
            f"{deadlines}-TOTAL_FORMS": "1",
            f"{deadlines}-0-due_on": "2025-10-15",
            f"{deadlines}-0-description": "Q1 report",
        }
    )
    audited = AuditEntry.objects.filter(action="funding.source.change").count()
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    county.refresh_from_db()
    assert county.allowed_categories == ["training", "staffing"]
    assert [(c.category, c.cap) for c in county.caps.all()] == [("training", 1200)]
    assert [(d.due_on, d.description) for d in county.deadlines.all()] == [(date(2025, 10, 15), "Q1 report")]
    assert AuditEntry.objects.filter(action="funding.source.change").count() == audited + 1
    entry = AuditEntry.objects.filter(action="funding.source.change").latest("pk")
    assert (entry.actor_username, entry.door) == (finance.username, "admin")
    assert entry.detail["caps"] == {"training": "1200.00"} and entry.detail["deadlines"] == ["2025-10-15"]
