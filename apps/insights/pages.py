"""The program's insights pages (/insights/): every measure of the registry for analysts and
supervisors, as a table with its chart, its CSV and the previous period beside it; the calls behind a
number for supervisors (audited); and the analysts' de-identified export with its data dictionary.

Thin doors: the numbers come from `selectors.measure_values` through `tables`, the rows from
`rows`; who may open what is decided by apps.accounts.roles. Never shows a person's record to an
analyst.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.accounts.roles import may_open_calls_behind_insights, may_read_funding_totals, may_read_insights
from apps.audit.services import audit_record
from apps.insights import export, registry, rows, tables
from apps.insights.forms import read_filters


def _refuse_unless_reader(user) -> None:
    if not may_read_insights(user):
        raise PermissionDenied(_("The program's measures are for analysts and supervisors."))


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _measure_or_404(key: str):
    measure = registry.MEASURES.get(key)
    if measure is None:
        raise Http404(_("No such measure."))
    return measure


def _query(values: dict, **extra) -> str:
    """The filters as a query string, for the links that keep them (CSV, another measure, the calls)."""
    params = {"start": values["start"].isoformat(), "end": values["end"].isoformat()}
    if values.get("by"):
        params["by"] = values["by"]
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode(params)


def _common(request, form) -> dict:
    return {
        "form": form,
        "may_drill": may_open_calls_behind_insights(request.user),
        "may_read_funding": may_read_funding_totals(request.user),
    }


@login_required
def home(request):
    """Every measure for the period beside the previous period (`?format=csv` downloads it)."""
    _refuse_unless_reader(request.user)
    form, values = read_filters(request.GET)
    if values is None:
        return render(request, "insights/home.html", {**_common(request, form), "lines": []}, status=400)
    start, end = values["start"], values["end"]
    lines = tables.overview(start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(tables.overview_csv(lines), f"insights-{start.isoformat()}-{end.isoformat()}.csv")
    previous_start, previous_end = tables.previous_period(start, end)
    context = {
        **_common(request, form),
        "lines": lines,
        "columns": tables.overview_columns(),
        "start": start,
        "end": end,
        "by": values["by"],
        "previous_start": previous_start,
        "previous_end": previous_end,
        "query": _query(values),
    }
    return render(request, "insights/home.html", context)


@login_required
def measure(request, measure_key: str):
    """One measure: its definition, the chart and the table for the period and breakdown chosen,
    and the previous period (`?format=csv` downloads the table as shown)."""
    _refuse_unless_reader(request.user)
    chosen = _measure_or_404(measure_key)
    form, values = read_filters(request.GET)
    if values is None:
        return render(request, "insights/measure.html", {**_common(request, form), "measure": chosen}, status=400)
    table = tables.measure_table(chosen.key, start=values["start"], end=values["end"], by=values["by"])
    if request.GET.get("format") == "csv":
        by = table.by or "all"
        return _csv(table.csv(), f"{chosen.key}-{by}-{table.start.isoformat()}-{table.end.isoformat()}.csv")
    may_drill = may_open_calls_behind_insights(request.user) and rows.drillable(chosen.key)
    calls_url = reverse("insights-calls", kwargs={"measure_key": chosen.key})
    shown = [
        {"row": row, "calls_url": f"{calls_url}?{_query(values, by=table.by, group=row.group)}" if may_drill else ""}
        for row in table.rows
    ]
    total_calls = f"{calls_url}?{_query({**values, 'by': None})}" if may_drill else ""
    context = {
        **_common(request, form),
        "measure": chosen,
        "table": table,
        "shown_rows": shown,
        "total_calls_url": total_calls,
        "query": _query(values),
        "chart": mark_safe(table.chart(chart_id=f"chart-{chosen.key}")),  # noqa: S308 (charts escapes every text)
        "unit": tables.unit_label(chosen),
        "breakdown_refused": values["by"] is not None and table.by is None,
    }
    if chosen.key == "question_answers":
        context["question_tables"] = tables.question_tables(start=values["start"], end=values["end"])
    return render(request, "insights/measure.html", context)


@login_required
def calls_behind(request, measure_key: str):
    """The calls behind one number: supervisors only, and the read is audited naming every call."""
    if not may_open_calls_behind_insights(request.user):
        raise PermissionDenied(_("Only supervisors open the calls behind a number."))
    chosen = _measure_or_404(measure_key)
    form, values = read_filters(request.GET)
    if values is None:
        context = {**_common(request, form), "measure": chosen, "found": None}
        return render(request, "insights/calls.html", context, status=400)
    by = values["by"] if values["by"] in chosen.breakdowns else None
    group = request.GET.get("group")  # "" is a value too: the calls with no district, no call type...
    found = rows.calls_behind_for(
        user=request.user, measure=chosen.key, start=values["start"], end=values["end"], by=by, group=group
    )
    context = {
        **_common(request, form),
        "measure": chosen,
        "found": found,
        "start": values["start"],
        "end": values["end"],
        "by": by,
        "by_label": registry.BREAKDOWN_LABELS.get(by, "") if by else "",
        "group": group,
    }
    return render(request, "insights/calls.html", context)


@login_required
def export_page(request):
    """The de-identified export: choose a period, read the data dictionary, download."""
    _refuse_unless_reader(request.user)
    form, values = read_filters(request.GET, with_breakdown=False)
    context = {**_common(request, form), "columns": export.export_columns(), "values": values}
    return render(request, "insights/export.html", context, status=200 if values else 400)


@login_required
def export_csv(request):
    """One row per call received in the period, with no direct identifier (apps/insights/export.py)."""
    _refuse_unless_reader(request.user)
    form, values = read_filters(request.GET, with_breakdown=False)
    if values is None:
        context = {**_common(request, form), "columns": export.export_columns(), "values": None}
        return render(request, "insights/export.html", context, status=400)
    start, end = values["start"], values["end"]
    found = rows.deidentified_call_rows(start=start, end=end)
    audit_record(
        actor=request.user,
        action="insights.export",
        door="export",
        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(found)},
    )
    return _csv(export.rows_csv(found), f"calls-deidentified-{start.isoformat()}-{end.isoformat()}.csv")


@login_required
def dictionary_csv(request):
    _refuse_unless_reader(request.user)
    return _csv(export.dictionary_csv(), "calls-deidentified-dictionary.csv")
