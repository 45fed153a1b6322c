"""Open data (issue 15, item 5): each complete month is a release, a Frictionless Data Package
(https://specs.frictionlessdata.io/data-package/): `datapackage.json`, with a Table Schema for each
CSV, and the CSVs. The numbers are the dashboard's (apps/insights/public.py), suppressed cells
written as the package's missing-value marker. Pure shaping: it reads public.summary only.
"""

import csv
import io
import json
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone, translation

from apps.insights import privacy, public
from apps.insights.registry import MEASURES

SUPPRESSED = "suppressed"
FILES = ("counts.csv", "shares.csv", "response_times.csv")
LICENSES = {
    "ODC-PDDL-1.0": (
        "Open Data Commons Public Domain Dedication and License v1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}

_GROUP_FIELDS = [
    {"name": "measure", "type": "string", "description": "The measure's key (see the how-we-count page)."},
    {"name": "measure_name", "type": "string", "description": "The measure's name in plain words."},
    {
        "name": "breakdown",
        "type": "string",
        "description": "What the rows are split by: total, source, call_type, priority or district.",
        "constraints": {"enum": ["total", *public.PUBLIC_BREAKDOWNS]},
    },
    {"name": "group", "type": "string", "description": "The value of the breakdown (empty for total)."},
    {"name": "label", "type": "string", "description": "The group's name in plain words."},
]


def license_info() -> dict:
    name = settings.FIRSTLINE_OPEN_DATA_LICENSE
    title, path = LICENSES.get(name, (name, ""))
    return {"name": name, "title": title, "path": path}


def release_months(today: date | None = None) -> list[date]:
    """Every complete month since the first day with rollups, newest first."""
    today = today or timezone.localdate()
    first = public.first_day()
    if first is None:
        return []
    last_complete = public.month_start(today) - timedelta(days=1)
    return list(reversed(public.months_between(first, last_complete))) if last_complete >= first else []


def _cell(value) -> str:
    return SUPPRESSED if value is None else str(value)


def _rows(summary: dict, kind: str):
    for m in summary["measures"]:
        if m["kind"] != kind:
            continue
        yield m, "total", "", "", m["total"]
        for by, rows in m["breakdowns"].items():
            for r in rows:
                yield m, by, r["group"], r["label"], r["value"]


def release(month: date) -> dict[str, str]:
    """The files of one month's release, by name: datapackage.json and the CSVs (in English)."""
    month = public.month_start(month)
    with translation.override("en"):
        summary = public.summary(month, public.month_end(month))
        files = {"counts.csv": _csv(summary, "count"), "shares.csv": _csv(summary, "share")}
        files["response_times.csv"] = _csv(summary, "duration")
        files["datapackage.json"] = json.dumps(_package(month, summary), indent=2, ensure_ascii=False)
    return files


def _csv(summary: dict, kind: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if kind == "count":
        writer.writerow(["measure", "measure_name", "breakdown", "group", "label", "unit", "value"])
        for m, by, group, label, value in _rows(summary, kind):
            writer.writerow([m["key"], m["name"], by, group, label, m["unit"], _cell(value)])
    elif kind == "share":
        writer.writerow(["measure", "measure_name", "breakdown", "group", "label", "percent"])
        for m, by, group, label, value in _rows(summary, kind):
            writer.writerow([m["key"], m["name"], by, group, label, _cell(value)])
    else:
        writer.writerow(["measure", "measure_name", "breakdown", "group", "label", "p50", "p90", "within_target"])
        for m, by, group, label, value in _rows(summary, kind):
            writer.writerow(
                [m["key"], m["name"], by, group, label]
                + [_cell(value[k]) if value[k] is not None else SUPPRESSED for k in ("p50", "p90", "within_target")]
            )
    return out.getvalue()


def _package(month: date, summary: dict) -> dict:
    threshold = privacy.min_count()
    missing = (
        f"'{SUPPRESSED}': hidden to protect privacy (a count from 1 to {threshold - 1}, a cell that would give "
        f"one away by subtraction, or a rate, median or percentile resting on fewer than {threshold} records), "
        "or no record to compute it from."
    )
    measures = [
        {
            "key": m["key"],
            "name": m["name"],
            "definition": str(MEASURES[m["key"]].definition),
            "formula": str(MEASURES[m["key"]].formula),
            "unit": m["unit"],
            "kind": m["kind"],
        }
        for m in summary["measures"]
    ]
    return {
        "profile": "tabular-data-package",
        "name": f"firstline-public-{month:%Y-%m}",
        "title": f"{settings.FIRSTLINE_PROGRAM_NAME} public measures, {month:%B %Y}",
        "description": (
            f"The program's public measures for {month:%Y-%m-%d} to {public.month_end(month):%Y-%m-%d} "
            f"(local days), the same numbers as the transparency dashboard. Missing values: {missing}"
        ),
        "version": f"{month:%Y.%m}",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [license_info()],
        "measures": measures,
        "temporal": {"start": month.isoformat(), "end": public.month_end(month).isoformat()},
        "resources": [
            _resource(
                "counts",
                "Counts of calls, screenings, dispositions and people served.",
                [
                    {"name": "unit", "type": "string", "description": "What is counted: calls or people."},
                    {
                        "name": "value",
                        "type": "integer",
                        "description": "The count.",
                        "constraints": {"minimum": 0},
                    },
                ],
                missing,
            ),
            _resource(
                "shares",
                "Shares, in percent of a base (for example of closed calls).",
                [
                    {
                        "name": "percent",
                        "type": "number",
                        "description": "The share, percent (0 to 100), one decimal.",
                        "unit": "percent",
                        "constraints": {"minimum": 0, "maximum": 100},
                    }
                ],
                missing,
            ),
            _resource(
                "response_times",
                "Response intervals: the median (p50) and 90th percentile (p90) in whole minutes, and the share "
                "within the priority's target.",
                [
                    {"name": "p50", "type": "integer", "description": "Median, whole minutes.", "unit": "minutes"},
                    {"name": "p90", "type": "integer", "description": "90th percentile, minutes.", "unit": "minutes"},
                    {
                        "name": "within_target",
                        "type": "number",
                        "description": "Share within the priority's target, percent.",
                        "unit": "percent",
                    },
                ],
                missing,
            ),
        ],
    }


def _resource(name: str, description: str, fields: list[dict], missing: str) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": description,
        "schema": {
            "fields": [*_GROUP_FIELDS, *fields],
            "missingValues": [SUPPRESSED],
            "primaryKey": ["measure", "breakdown", "group"],
            "description": missing,
        },
    }
