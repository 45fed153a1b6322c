"""The funder report for one source and period, as rows that the XLSX and CSV files both print."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.funding import selectors
from apps.funding.measures import appendix_measures
from apps.funding.models import FundingSource, Measure


def _rule_label(rule: str) -> str:
    return {
        "allowed_categories": _("Allowed categories"),
        "cap": _("Cap per category"),
        "awarded": _("Amount awarded"),
        "match": _("Match required"),
    }[rule]


def funder_report_sections(source: FundingSource, start: date, end: date) -> list[tuple[str, list[list]]]:
    """Sections of (title, rows); the first row of each is its heading."""
    figures = selectors.figures_for_period(start, end)
    share = next((s for s in figures.shares if s.source.pk == source.pk), None)
    summary = next((s for s in selectors.source_summaries(start, end) if s["source"].pk == source.pk), None)
    none = _("not available")

    def shown(value):
        return none if value is None else value

    hours_note = (
        _("No shift is recorded, so no cost per team-hour can be computed.") if figures.team_hours is None else ""
    )
    sections = [
        (
            _("Funder report"),
            [
                [_("Item"), _("Value")],
                [_("Funding source"), source.name],
                [_("Kind"), source.get_kind_display()],
                [_("Period"), f"{start.isoformat()} – {end.isoformat()}"],
                [_("Currency"), figures.currency],
            ],
        ),
        (
            _("Figures"),
            [
                [_("Figure"), _("Program"), _("This source's share")],
                [_("Spending in the period"), figures.spent, share.spent if share else 0],
                [_("Share of spending (%)"), 100, share.share if share else 0],
                [_("Calls handled"), figures.calls, ""],
                [_("People served"), figures.people_served, ""],
                [_("Team-hours on shift"), shown(figures.team_hours), hours_note],
                [_("Cost per call"), shown(figures.cost_per_call), shown(share.cost_per_call if share else None)],
                [
                    _("Cost per person served"),
                    shown(figures.cost_per_person),
                    shown(share.cost_per_person if share else None),
                ],
                [
                    _("Cost per team-hour on shift"),
                    shown(figures.cost_per_team_hour),
                    shown(share.cost_per_team_hour if share else None),
                ],
                [_("Calls handled without police"), figures.calls_without_police, ""],
                [_("Estimated police hours avoided"), figures.police_hours_avoided, ""],
            ],
        ),
        (
            _("Assumptions"),
            [[_("Call type"), _("Police minutes per call")]]
            + [
                [code if code != "default" else _("Any other call type"), minutes]
                for code, minutes in sorted(figures.police_minutes_per_call.items())
            ],
        ),
    ]
    if summary:
        sections.append(
            (
                _("Award"),
                [
                    [_("Item"), _("Amount")],
                    [_("Amount awarded"), summary["awarded"]],
                    [_("Allocated in the budget in force"), summary["allocated"]],
                    [_("Spent to the period's end"), summary["spent_to_date"]],
                    [_("Remaining"), summary["remaining"]],
                    [_("Projected spending at the award's end"), summary["projected"]],
                ],
            )
        )
    sections.append(
        (
            _("Restrictions checked"),
            [[_("Restriction"), _("Limit"), _("Charged"), _("Kept")]]
            + [
                [_rule_label(c["rule"]), c["value"], c["actual"], _("yes") if c["ok"] else _("no")]
                for c in selectors.restriction_checks(source, end)
            ],
        )
    )
    sections.append(
        (
            _("Reporting dates"),
            [[_("Due on"), _("What is due")]] + [[d.due_on, d.description] for d in source.deadlines.all()],
        )
    )
    sections.append(
        (
            _("Appendix"),
            [[_("Measure"), _("Value")]]
            + [[Measure(code).label, shown(value)] for code, value in appendix_measures(source, figures)]
            + [[_("These are the program's operational measures for the period (no insights registry yet)."), ""]],
        )
    )
    sections.append(
        (
            _("Expenditures"),
            [[_("Date"), _("Category"), _("Vendor"), _("Description"), _("Reference"), _("Amount")]]
            + [
                [e.spent_on, e.line.get_category_display(), e.vendor, e.description, e.reference, e.amount]
                for e in selectors.expenditures_for(source, start, end)
            ],
        )
    )
    return sections


def _cell(value):
    return str(value) if not isinstance(value, int | float | str | date) and value is not None else value


def funder_report_csv(source: FundingSource, start: date, end: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for title, rows in funder_report_sections(source, start, end):
        writer.writerow([title])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
        writer.writerow([])
    return out.getvalue()


def funder_report_xlsx(source: FundingSource, start: date, end: date) -> bytes:
    """One sheet per section; money cells are numbers with two decimals (exact in the file's text)."""
    # lazy: openpyxl takes ~0.1 s to import and only this export needs it, not every process serving pages
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in funder_report_sections(source, start, end):
        sheet = book.create_sheet(title=title[:31])
        for number, row in enumerate(rows):
            sheet.append([_cell(v) if not isinstance(v, Decimal) else v for v in row])
            if number == 0:
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal | float):
                    cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def billable_csv(rows) -> str:
    """The checked encounters, one a line: no name, no narrative, only what billing staff check."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Encounter"),
            _("Call"),
            _("Received"),
            _("Team"),
            _("Minutes on scene"),
            _("Crew"),
            _("Qualified professional"),
            _("Face to face"),
            _("Coverage"),
            _("Billable"),
            _("What is missing"),
        ]
    )
    yes, no = _("yes"), _("no")
    for r in rows:
        writer.writerow(
            [
                str(r.id),
                r.reference,
                timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
                r.team,
                "" if r.minutes is None else r.minutes,
                r.crew,
                yes if r.qualified else no,
                yes if r.face_to_face else no,
                r.coverage_label,
                yes if r.billable else no,
                " ".join(r.missing),
            ]
        )
    return out.getvalue()
