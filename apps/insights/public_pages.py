"""The public pages (issue 15, items 3 and 5): the transparency dashboard, how we count, and the
open-data releases. No sign-in; thin: the numbers come from public.summary (cached by range and
language), the words from the measure registry."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from apps.common.errors import ApplicationError
from apps.feedback.selectors import published_words
from apps.insights import charts, opendata, privacy, public
from apps.insights.registry import public_measures

# The dashboard's tables: the counts shown side by side for each month and each breakdown.
COLUMNS = (
    "calls",
    "screened_in",
    "screened_out",
    "calls_closed",
    "calls_without_police",
    "without_police_share",
    "people_served",
)
# What the community told the program, and the outreach and training that make it known.
LISTENING = (
    "community_feedback",
    "community_compliments",
    "community_concerns",
    "community_suggestions",
    "outreach_community_events",
    "outreach_community_people",
    "outreach_training_events",
    "outreach_training_people",
)
IN_THEIR_WORDS = 5  # the latest words supervisors reviewed for publication, shown with their month only
HEADLINES = ("calls", "screened_out", "without_police_share", "to_on_scene", "people_served")


def _table(measures: dict, groups_of) -> dict:
    """Rows (a group's label and one cell per column) for the columns the summary has."""
    columns = [measures[k] for k in COLUMNS if k in measures]
    rows: dict[str, dict] = {}
    for m in columns:
        for r in groups_of(m):
            rows.setdefault(r["group"], {"label": r["label"], "cells": {}})["cells"][m["key"]] = r["value"]
    return {
        "columns": [{"key": m["key"], "name": m["name"], "unit": m["unit"]} for m in columns],
        "rows": [
            {
                "label": row["label"],
                "cells": [{"value": row["cells"].get(m["key"], 0), "unit": m["unit"]} for m in columns],
            }
            for row in rows.values()
        ],
    }


def _chart(rows: list[dict], *, chart_id: str, title: str) -> str:
    """Bars for one measure's rows (charts.py escapes every word); a hidden value is said so."""

    def shown(value):
        return _("hidden") if value is None else charts.plain_number(value)

    points = [charts.Point(label=str(r["label"]), value=r["value"]) for r in rows]
    return mark_safe(charts.bar_chart(points, chart_id=chart_id, title=title, fmt=shown))  # noqa: S308


@require_GET
@cache_control(public=True, max_age=60)
def dashboard(request):
    status, errors = 200, {}
    try:
        if request.GET.get("from") or request.GET.get("to"):
            start, end = public.parse_range(request.GET.get("from"), request.GET.get("to"))
        else:
            start, end = public.default_range()
    except ApplicationError as error:
        status, errors = 400, error.extra or {}
        start, end = public.default_range()
    summary = public.summary(start, end)
    measures = {m["key"]: m for m in summary["measures"]}
    breakdowns = [
        {"key": by, "label": label, **_table(measures, lambda m, by=by: m["breakdowns"].get(by, []))}
        for by, label in summary["breakdowns"].items()
    ]
    context = {
        "summary": summary,
        "start": start,
        "end": end,
        "errors": errors,
        "headlines": [measures[k] for k in HEADLINES if k in measures],
        "months": _table(measures, lambda m: m["by_month"]),
        "breakdowns": breakdowns,
        "dispositions": [m for m in summary["measures"] if m["key"].startswith("disposition_")],
        "durations": [m for m in summary["measures"] if m["kind"] == "duration"],
        "listening": [measures[k] for k in LISTENING if k in measures],
        "words": published_words(limit=IN_THEIR_WORDS),
        "min_count": summary["min_count"],
        "range_months": public.months_between(start, end),
        "this_month": public.this_month(),
    }
    if "calls" in measures:
        calls = measures["calls"]
        context["month_chart"] = _chart(calls["by_month"], chart_id="chart-calls-by-month", title=calls["name"])
        if "source" in calls["breakdowns"]:
            title = _("%(measure)s by source") % {"measure": calls["name"]}
            context["source_chart"] = _chart(
                calls["breakdowns"]["source"], chart_id="chart-calls-by-source", title=title
            )
    return render(request, "insights/public/dashboard.html", context, status=status)


@require_GET
@cache_control(public=True, max_age=300)
def how_we_count(request):
    threshold = privacy.min_count()
    return render(
        request,
        "insights/public/how_we_count.html",
        {"measures": public_measures(), "min_count": threshold, "below": threshold - 1},
    )


@require_GET
@cache_control(public=True, max_age=300)
def open_data(request):
    return render(
        request,
        "insights/public/open_data.html",
        {"months": opendata.release_months(), "license": opendata.license_info(), "files": opendata.FILES},
    )


@require_GET
@cache_control(public=True, max_age=300)
def open_data_file(request, month: str, filename: str):
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404(_("No such release.")) from None
    if first not in opendata.release_months() or filename not in (*opendata.FILES, "datapackage.json"):
        raise Http404(_("No such release."))
    content = opendata.release(first)[filename]
    kind = "application/json" if filename.endswith(".json") else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    if filename.endswith(".csv"):
        response["Content-Disposition"] = f'attachment; filename="firstline-{month}-{filename}"'
    return response
