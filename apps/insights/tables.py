"""A measure as the insights pages show it: the table (the truth), its CSV and its chart, for one
period, one breakdown and the previous period of the same length.

The CSV is written from the very cells the page shows, so the download and the table cannot
disagree. Values come from `selectors.measure_values` (the rollups); nothing here reads a record.
"""

import csv
import io
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.common.days import day_bounds
from apps.incidents.answers import answer_counts
from apps.insights import charts, registry, selectors

TIME_BREAKDOWNS = ("week", "month")
UNITS = {
    "calls": gettext_lazy("calls"),
    "minutes": gettext_lazy("minutes"),
    "percent": "%",
    "people": gettext_lazy("people"),
    "hours": gettext_lazy("hours"),
    "referrals": gettext_lazy("referrals"),
    "needs": gettext_lazy("needs"),
    "messages": gettext_lazy("messages"),
    "events": gettext_lazy("events"),
    "cards": gettext_lazy("cards"),
    "tags": gettext_lazy("tags"),
    "answers": gettext_lazy("answers"),
}


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length before `start`: as many whole months when the period is whole
    months (October against September, a quarter against the one before); months so far (from a
    first of the month to a day within a later month) against as many months before, to the same
    day of the last (1 October to 2 December against 1 July to 2 September), so each month meets
    its counterpart whole and not a sliver of one; else as many days."""
    previous_end = start - timedelta(days=1)
    if start.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = _month_start(start, months)
        if (end + timedelta(days=1)).day == 1:
            return first, previous_end
        last_month = _month_start(end, months)
        return first, last_month.replace(day=min(end.day, monthrange(last_month.year, last_month.month)[1]))
    return previous_end - timedelta(days=(end - start).days), previous_end


def unit_label(measure) -> str:
    return str(UNITS.get(measure.unit, measure.unit))


def number(value) -> str:
    return charts.plain_number(value)


def signed(value) -> str:
    """A change: '+3', '−2.5' (a true minus sign), '0'; a dash when either side is missing."""
    if value is None:
        return "–"
    text = charts.plain_number(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return "0"


def change(current, previous) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def relative_change(current, previous) -> float | None:
    """The change as a percent of the previous value; none when the previous one is zero or missing."""
    if current is None or not previous:
        return None
    return round((current - previous) * 100 / previous, 1)


@dataclass
class Row:
    group: str | None
    cells: list[str]
    value: float | None = None
    previous: float | None = None
    label: str = ""


@dataclass
class MeasureTable:
    measure: object
    by: str | None
    start: date
    end: date
    previous_start: date
    previous_end: date
    columns: list[str]
    rows: list[Row]
    total: Row
    notes: list[str] = field(default_factory=list)

    @property
    def is_time(self) -> bool:
        return self.by in TIME_BREAKDOWNS

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for row in [*self.rows, self.total]:
            writer.writerow(row.cells)
        return out.getvalue()

    def chart(self, *, chart_id: str) -> str:
        fmt = _formatter(self.measure)
        if self.by is None:
            points = [charts.Point(self.total.label, self.total.value, previous=self.total.previous)]
            return charts.bar_chart(points, chart_id=chart_id, title=_chart_title(self), fmt=fmt)
        points = [charts.Point(row.label, row.value, previous=row.previous) for row in self.rows]
        draw = charts.line_chart if self.is_time else charts.bar_chart
        return draw(points, chart_id=chart_id, title=_chart_title(self), fmt=fmt)


def _formatter(measure):
    if measure.unit == "percent":
        return lambda v: "–" if v is None else f"{charts.plain_number(v)} %"
    return charts.plain_number


def _chart_title(table: MeasureTable) -> str:
    if table.by is None:
        return _("%(measure)s (%(unit)s), this period and the previous one") % {
            "measure": table.measure.name,
            "unit": unit_label(table.measure),
        }
    return _("%(measure)s (%(unit)s) by %(breakdown)s") % {
        "measure": table.measure.name,
        "unit": unit_label(table.measure),
        "breakdown": str(registry.BREAKDOWN_LABELS.get(table.by, table.by)).lower(),
    }


def _columns(measure, by: str | None) -> list[str]:
    first = str(registry.BREAKDOWN_LABELS.get(by, by)) if by else _("Period")
    columns = [first]
    if measure.kind == "duration":
        columns += [
            _("Median (p50), minutes"),
            _("90th percentile (p90), minutes"),
            _("Within target (%)"),
            _("Records"),
        ]
    elif measure.kind == "share":
        columns += [_("Share (%)"), _("Out of (records)")]
    else:
        columns += [_("Value (%(unit)s)") % {"unit": unit_label(measure)}]
    if by in TIME_BREAKDOWNS:
        columns.append(_("Compared with"))
    columns += [_("Previous period"), _("Change")]
    if measure.kind == "count":
        columns.append(_("Change (%)"))
    return columns


def _cells(measure, label: str, now: dict | None, then: dict | None, *, compared_with: str | None) -> Row:
    value = now.get("value") if now else None
    previous = then.get("value") if then else None
    cells = [label]
    if measure.kind == "duration":
        cells += [
            number(value),
            number(now.get("p90") if now else None),
            number(now.get("within_target") if now else None),
            number(now.get("count", 0) if now else 0),
        ]
    elif measure.kind == "share":
        cells += [number(value), number(now.get("count", 0) if now else 0)]
    else:
        cells += [number(value)]
    if compared_with is not None:
        cells.append(compared_with)
    cells += [number(previous), signed(change(value, previous))]
    if measure.kind == "count":
        cells.append(signed(relative_change(value, previous)))
    return Row(group=(now or {}).get("group"), cells=cells, value=value, previous=previous, label=label)


def measure_table(key: str, *, start: date, end: date, by: str | None) -> MeasureTable:
    """The measure for [start, end] (local days, inclusive) broken down by `by` (or overall), with
    the previous period of the same length beside it.

    Categories are compared with the same category of the previous period; weeks and months with the
    week or month at the same position in the previous period (the first with the first), which the
    table names in its own column.
    """
    measure = registry.MEASURES[key]
    if by is not None and by not in measure.breakdowns:
        by = None
    previous_start, previous_end = previous_period(start, end)
    overall = selectors.measure_values(key, start=start, end=end, by=None)
    overall_then = selectors.measure_values(key, start=previous_start, end=previous_end, by=None)
    rows: list[Row] = []
    if by is not None:
        now_rows = selectors.measure_values(key, start=start, end=end, by=by)
        then_rows = selectors.measure_values(key, start=previous_start, end=previous_end, by=by)
        if by in TIME_BREAKDOWNS:
            for index, now in enumerate(now_rows):
                then = then_rows[index] if index < len(then_rows) else None
                compared = then["label"] if then else "–"
                rows.append(_cells(measure, str(now["label"]), now, then, compared_with=compared))
        else:
            then_by_group = {r["group"]: r for r in then_rows}
            for now in now_rows:
                then = then_by_group.get(now["group"])
                rows.append(_cells(measure, str(now["label"]), now, then, compared_with=None))
    total = _cells(
        measure,
        _("Whole period"),
        overall[0] if overall else None,
        overall_then[0] if overall_then else None,
        compared_with=f"{previous_start.isoformat()} – {previous_end.isoformat()}" if by in TIME_BREAKDOWNS else None,
    )
    total.group = None
    return MeasureTable(
        measure=measure,
        by=by,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        columns=_columns(measure, by),
        rows=rows,
        total=total,
    )


def overview(*, start: date, end: date) -> list[dict]:
    """Every measure's whole-period value beside the previous period's (the insights front page)."""
    previous_start, previous_end = previous_period(start, end)
    lines = []
    for measure in registry.MEASURES.values():
        now = selectors.measure_values(measure.key, start=start, end=end, by=None)
        then = selectors.measure_values(measure.key, start=previous_start, end=previous_end, by=None)
        row = _cells(measure, str(measure.name), now[0] if now else None, then[0] if then else None, compared_with=None)
        line = {"measure": measure, "unit": unit_label(measure), "row": row}
        line["cells"] = overview_cells(line)
        lines.append(line)
    return lines


def overview_columns() -> list[str]:
    return [_("Measure"), _("Unit"), _("This period"), _("Previous period"), _("Change")]


def overview_cells(line: dict) -> list[str]:
    row = line["row"]
    value, previous = row.value, row.previous
    return [str(line["measure"].name), line["unit"], number(value), number(previous), signed(change(value, previous))]


def overview_csv(lines: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(overview_columns())
    for line in lines:
        writer.writerow(line["cells"])
    return out.getvalue()


def question_tables(*, start: date, end: date) -> list[dict]:
    """The answers to the program's encounter questions on encounters recorded start..end: per
    question, how often each answer was given, overall and by call type (program-level; short text is
    counted as answered, never shown). [{"key", "label", "asked", "answered", "call_types": [label],
    "values": [{"value", "count", "by_call_type": [count per call type]}]}]"""
    found = answer_counts(since=day_bounds(start)[0], until=day_bounds(end)[1])
    codes = sorted({code for q in found for code in q["by_call_type"]})
    names = selectors.group_labels("call_type", codes)
    words = {"yes": _("Yes"), "no": _("No")}
    out = []
    for q in found:
        values = sorted(q["values"].items(), key=lambda item: (-item[1], item[0]))
        out.append(
            {
                "key": q["key"],
                "label": q["label"],
                "asked": q["asked"],
                "answered": q["answered"],
                "call_types": [names[code] for code in codes],
                "values": [
                    {
                        "value": words.get(value, value),
                        "count": count,
                        "by_call_type": [q["by_call_type"].get(code, {}).get(value, 0) for code in codes],
                    }
                    for value, count in values
                ],
            }
        )
    return out
