"""The daily burn-rate warning (issue 16, item 3), run through the real beat task.

Four sources over the same 180-day period, 91 days of which have passed today (both ends counted),
each awarded 10,000.00:
- Fast spent 8,000.00: 8,000 × 180 / 91 = 15,824.18 projected, more than awarded → runs out;
- Slow spent 1,000.00: 1,978.02 projected, 8,021.98 (80 %) left → left unspent;
- Steady spent 4,900.00: 9,692.31 projected, 3 % left (under the 10 % threshold) → nothing;
- New began 10 days ago (under the 30 days before a pace is trusted) and spent nothing → nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.funding.models import Budget, BudgetLine, BurnRateWarning, Expenditure, FiscalYear, FundingSource
from apps.funding.tasks import burn_rate_check
from config.celery import installed_schedules
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(db):
    today = timezone.localdate()
    start, end = today - timedelta(days=90), today + timedelta(days=89)
    year = FiscalYear.objects.create(name="FY-test", starts_on=start, ends_on=end)
    budget = Budget.objects.create(fiscal_year=year, number=1, status="adopted", effective_on=start)
    line = BudgetLine.objects.create(budget=budget, category="staffing", amount=Decimal("100000"))
    made = {}
    for name, spent, begins in [
        ("Fast", "8000.00", start),
        ("Slow", "1000.00", start),
        ("Steady", "4900.00", start),
        ("New", None, today - timedelta(days=9)),
    ]:
        source = FundingSource.objects.create(
            name=name, kind="grant", awarded=Decimal("10000.00"), starts_on=begins, ends_on=end
        )
        if spent:
            Expenditure.objects.create(
                spent_on=start + timedelta(days=5), amount=Decimal(spent), line=line, source=source
            )
        made[name] = source
    made["line"] = line
    UserFactory(role=Role.SUPERVISOR, username="sup-burn", email="sup@example.org")
    UserFactory(role=Role.FINANCE, username="fin-burn", email="fin@example.org")
    UserFactory(role=Role.RESPONDER, username="resp-burn", email="resp@example.org")
    return made


def test_the_beat_runs_the_check_daily():
    entry = installed_schedules(["apps.funding"])["funding-burn-rate-check"]
    assert entry["task"] == "apps.funding.tasks.burn_rate_check" and entry["schedule"] == 24 * 3600.0


def test_a_source_that_runs_out_and_one_that_leaves_money_are_warned_once(sources):
    assert burn_rate_check() == 2
    warnings = {(w.source.name, w.condition): w for w in BurnRateWarning.objects.select_related("source")}
    assert set(warnings) == {("Fast", "runs_out"), ("Slow", "left_unspent")}
    assert warnings[("Fast", "runs_out")].projected == Decimal("15824.18")
    assert warnings[("Slow", "left_unspent")].projected == Decimal("1978.02")
    assert len(mail.outbox) == 2
    assert {tuple(m.to) for m in mail.outbox} == {("fin@example.org", "sup@example.org")}
    fast = next(m for m in mail.outbox if "Fast" in m.subject)
    assert "15824.18" in fast.body and "runs out before the period ends" in fast.body
    assert AuditEntry.objects.filter(action="funding.burn_warning", door="task").count() == 2

    # The next day's run: the same conditions hold, and nobody is told again.
    assert burn_rate_check() == 0
    assert BurnRateWarning.objects.count() == 2 and len(mail.outbox) == 2

    # Slow now spends fast enough to run out: a new condition for it, warned once.
    Expenditure.objects.create(
        spent_on=timezone.localdate(), amount=Decimal("8000.00"), line=sources["line"], source=sources["Slow"]
    )
    assert burn_rate_check() == 1
    assert BurnRateWarning.objects.filter(source=sources["Slow"], condition="runs_out").exists()
    assert burn_rate_check() == 0 and len(mail.outbox) == 3


def test_the_figures_page_shows_the_warnings(client, sources):
    burn_rate_check()
    client.force_login(UserFactory(role=Role.FINANCE, username="fin-page"))
    body = client.get("/funding/").content.decode()
    assert 'id="burn-warnings"' in body
    assert "leaving 8021.98 unspent" in body
    assert "Steady" not in body.split('id="burn-warnings"')[1].split("</section>")[0]
