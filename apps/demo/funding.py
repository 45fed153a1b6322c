"""Riverton's money: a budget for each fiscal year the demo's last twelve months touch, five funding
sources, and a year of spending (weekly payroll, monthly everything else), charged through the same
services as the admin so every restriction is kept.

Idempotent: records are found by name, and each demo charge has a fixed fingerprint, so a second
`load_demo` adds nothing. All names and amounts are invented.
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import FUNDING_WRITE_ROLES
from apps.funding import conf, services
from apps.funding.models import Budget, Category, Expenditure, FiscalYear, FundingSource
from apps.funding.selectors import budget_in_force

C = Category
CITY, COUNTY, OPIOID, MEDICAID, FOUNDATION = "city", "county", "opioid", "medicaid", "foundation"

# category, program area, annual amount, {source: part}; the parts add up to the line.
LINES = [
    (
        C.STAFFING,
        "Responders and clinicians",
        "1850000",
        {CITY: "900000", COUNTY: "450000", MEDICAID: "300000", OPIOID: "200000"},
    ),
    (C.FRINGE, "", "555000", {CITY: "400000", COUNTY: "155000"}),
    (C.DIRECT, "Client supplies and transport", "120000", {COUNTY: "60000", FOUNDATION: "60000"}),
    (C.INDIRECT, "", "240000", {CITY: "240000"}),
    (C.RADIOS, "", "48000", {CITY: "48000"}),
    (C.VEHICLES, "Four vans", "96000", {CITY: "60000", COUNTY: "36000"}),
    (C.UNIFORMS, "", "22000", {CITY: "22000"}),
    (C.MARKETING, "Community outreach", "30000", {OPIOID: "15000", FOUNDATION: "15000"}),
    (C.WELLNESS, "Responder wellness", "36000", {FOUNDATION: "36000"}),
    (C.TRAINING, "", "65000", {OPIOID: "40000", FOUNDATION: "25000"}),
    (C.TECHNOLOGY, "", "70000", {CITY: "70000"}),
    (C.OTHER, "", "18000", {CITY: "18000"}),
]
# The mid-year amendment: the county adds money for a fifth van from January.
AMENDMENT = {(C.VEHICLES, "Four vans"): ("120000", {CITY: "60000", COUNTY: "60000"})}
PAYROLL = {C.STAFFING, C.FRINGE}


def _fiscal_year(actor, year: int) -> FiscalYear:
    return services.fiscal_year_create(actor=actor, year=year)


def _source(actor, **spec) -> FundingSource:
    """The demo's source as it is, or created once (a second load writes and audits nothing)."""
    return FundingSource.objects.filter(name=spec["name"]).first() or services.funding_source_save(actor=actor, **spec)


def _sources(actor, fiscal_year: FiscalYear, *, amended: bool) -> dict[str, FundingSource]:
    fy, start, end = fiscal_year.name, fiscal_year.starts_on, fiscal_year.ends_on
    county_extra = Decimal("24000") if amended else Decimal(0)  # the fifth van
    specs = {
        CITY: {
            "name": f"City of Riverton general fund {fy}",
            "kind": "general_fund",
            "awarded": "1758000",
            "starts_on": start,
            "ends_on": end,
            "restrictions_notes": "Appropriated yearly by the city council.",
        },
        COUNTY: {
            "name": f"Riverton County behavioral health {fy}",
            "kind": "grant",
            "awarded": str(Decimal("701000") + county_extra),
            "starts_on": start,
            "ends_on": end,
            "allowed_categories": [C.STAFFING, C.FRINGE, C.DIRECT, C.VEHICLES],
            "match_percent": "10",
            "caps": {C.VEHICLES: "60000"},
            "deadlines": [(start + timedelta(days=d), "Quarterly outcomes report") for d in (105, 197, 288, 379)],
        },
        MEDICAID: {
            "name": f"Medicaid mobile crisis reimbursement {fy}",
            "kind": "medicaid",
            "awarded": "300000",
            "starts_on": start,
            "ends_on": end,
            "allowed_categories": [C.STAFFING, C.FRINGE],
        },
    }
    sources = {key: _source(actor, **spec) for key, spec in specs.items()}
    sources[OPIOID] = _source(
        actor=actor,
        name="Opioid settlement fund (Riverton County)",
        kind="settlement",
        awarded="765000",
        starts_on=date(2025, 7, 1),
        ends_on=date(2028, 6, 30),
        allowed_categories=[C.STAFFING, C.DIRECT, C.MARKETING, C.TRAINING],
        caps={C.TRAINING: "120000"},
        restrictions_notes="Opioid remediation only: peer support, naloxone training and outreach.",
        deadlines=[
            (date(2026, 9, 30), "Annual settlement expenditure report"),
            (date(2027, 9, 30), "Annual settlement expenditure report"),
        ],
    )
    sources[FOUNDATION] = _source(
        actor=actor,
        name="Riverton Community Foundation wellness grant",
        kind="philanthropy",
        awarded="272000",
        starts_on=date(2025, 7, 1),
        ends_on=date(2027, 6, 30),
        allowed_categories=[C.DIRECT, C.MARKETING, C.WELLNESS, C.TRAINING],
        match_percent="25",
        deadlines=[(date(2026, 7, 31), "Interim narrative and budget"), (date(2027, 7, 31), "Final report")],
    )
    return sources


def _budget(actor, fiscal_year: FiscalYear, sources: dict, *, amend_on: date | None) -> None:
    if fiscal_year.budgets.exists():
        return
    lines = [
        {
            "category": cat,
            "program_area": area,
            "amount": amount,
            "allocations": {sources[key]: part for key, part in parts.items()},
        }
        for cat, area, amount, parts in LINES
    ]
    services.budget_version_create(
        actor=actor,
        fiscal_year=fiscal_year,
        status=Budget.Status.PROPOSED,
        lines=lines,
        notes="As proposed to the city council.",
    )
    adopted = services.budget_version_create(
        actor=actor,
        fiscal_year=fiscal_year,
        status=Budget.Status.ADOPTED,
        lines=lines,
        notes="As adopted by the city council.",
    )
    if amend_on is None:
        return
    amended = services.budget_version_copy(
        actor=actor, budget=adopted, status=Budget.Status.AMENDED, effective_on=amend_on
    )
    for line in amended.lines.all():
        change = AMENDMENT.get((line.category, line.program_area))
        if change:
            services.budget_line_change(actor=actor, line=line, amount=change[0], notes="Fifth van (county).")
            for key, part in change[1].items():
                services.allocation_set(actor=actor, line=line, source=sources[key], amount=part)


def _charges(day: date):
    """(category, fraction of the annual line) posted on this day: payroll every Friday, the rest on the 15th."""
    if day.weekday() == 4:
        for category in PAYROLL:
            yield category, Decimal(1) / Decimal(52)
    if day.day == 15:
        for category, *_rest in LINES:
            if category not in PAYROLL:
                yield category, Decimal(1) / Decimal(12)


def _spend(actor, *, start: date, end: date) -> int:
    made = 0
    day = start
    while day <= end:
        budget = budget_in_force(day)
        for category, fraction in _charges(day) if budget else ():
            for line in budget.lines.filter(category=category).prefetch_related("allocations__source"):
                for allocation in line.allocations.all():
                    source = allocation.source
                    if not source.starts_on <= day <= source.ends_on:
                        continue
                    fingerprint = hashlib.sha256(f"demo:{day}:{category}:{source.name}".encode()).hexdigest()
                    if Expenditure.objects.filter(fingerprint=fingerprint).exists():
                        continue
                    amount = (allocation.amount * fraction).quantize(Decimal("0.01"))
                    services.expenditure_record(
                        actor=actor,
                        spent_on=day,
                        amount=amount,
                        line=line,
                        source=source,
                        vendor="Riverton payroll" if category in PAYROLL else "Various vendors",
                        description=f"{line.get_category_display()} {day:%B %Y}",
                        reference=f"DEMO-{day:%Y%m%d}-{category[:4].upper()}",
                        fingerprint=fingerprint,
                    )
                    made += 1
        day += timedelta(days=1)
    return made


def load_demo_data(*, stdout=None, today: date | None = None, since: date | None = None) -> dict:
    """A year of Riverton's money ending today (or from `since`, when the demo's calls go back further):
    the fiscal years it touches, their budgets and spending."""
    today = today or timezone.localdate()
    actor = User.objects.filter(role__in=FUNDING_WRITE_ROLES, is_active=True).order_by("role", "pk").first()
    if actor is None:
        return {"expenditures": 0}
    start = min(since or today, today - timedelta(days=364))
    with transaction.atomic():
        years = []
        month = conf.fiscal_year_start_month()
        for day in (start, today):
            year = day.year + (1 if month > 1 and day.month >= month else 0)
            if year not in years:
                years.append(year)
        for year in years:
            fiscal_year = _fiscal_year(actor, year)
            middle = fiscal_year.starts_on + timedelta(days=184)
            amend_on = date(middle.year, middle.month, 1) if fiscal_year.ends_on < today else None
            sources = _sources(actor, fiscal_year, amended=amend_on is not None)
            _budget(actor, fiscal_year, sources, amend_on=amend_on)
        made = _spend(actor, start=start, end=today)
    if stdout is not None:
        stdout.write(f"  {made} expenditures charged")
    return {"expenditures": made}
