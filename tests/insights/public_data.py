"""A known public history written straight into the daily rollups (what apps/insights/public.py
reads): September and October 2026, many calls, several small cells.

September: 911 × 25 (priority 2, north, welfare, resolved on scene) and × 15 (priority 3, south,
mental health, referred), 988 × 3 (priority 1, south, mental health, police requested), 211 × 12
(priority 3, east, welfare, resolved), 311 × 14 (priority 4, north, welfare, cancelled), 911 × 12
(priority 2, north, welfare, cancelled). October:
911 × 30 (priority 2, north, welfare, resolved), 988 × 15 (priority 1, south, mental health,
resolved). Every call is screened in; one person served per closed call; to on scene 10 minutes
for 911, 30 for the others.
"""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from apps.insights.models import DailyRollup, RollupDay

SEPTEMBER = [
    ("911", 25, "2", "north", "welfare", "resolved_on_scene"),
    ("911", 15, "3", "south", "mental_health", "referred"),
    ("988", 3, "1", "south", "mental_health", "police_requested"),
    ("211", 12, "3", "east", "welfare", "resolved_on_scene"),
    ("311", 14, "4", "north", "welfare", "cancelled"),
    ("911", 12, "2", "north", "welfare", "cancelled"),
]
OCTOBER = [
    ("911", 30, "2", "north", "welfare", "resolved_on_scene"),
    ("988", 15, "1", "south", "mental_health", "resolved_on_scene"),
]


def _counts(source, n, disposition):
    minutes = 10 if source == "911" else 30
    counts = {"calls": n, "screenings": n, "screened_in": n}
    if disposition == "cancelled":
        return counts | {"calls_cancelled": n}, {}
    counts |= {"calls_closed": n, f"disposition_{disposition}": n, "people_served": n}
    counts["within_target"] = n if minutes <= 20 else 0
    if disposition != "police_requested":
        counts["calls_without_police"] = n
    return counts, {"to_on_scene": {str(minutes): n}, "to_dispatch": {"2": n}}


def write(month_rows=(("2026-09-15", SEPTEMBER), ("2026-10-15", OCTOBER))):
    for day_text, rows in month_rows:
        day = date.fromisoformat(day_text)
        per: dict[tuple[str, str], list] = defaultdict(
            lambda: [defaultdict(int), defaultdict(lambda: defaultdict(int))]
        )
        for source, n, priority, district, call_type, disposition in rows:
            counts, histograms = _counts(source, n, disposition)
            dimensions = [("all", ""), ("source", source), ("priority", priority), ("district", district)]
            for dimension, value in [*dimensions, ("call_type", call_type)]:
                bucket = per[(dimension, value)]
                for k, v in counts.items():
                    bucket[0][k] += v
                for k, hist in histograms.items():
                    for minutes, c in hist.items():
                        bucket[1][k][minutes] += c
        for (dimension, value), (counts, histograms) in per.items():
            DailyRollup.objects.create(
                day=day,
                dimension=dimension,
                value=value,
                counts=dict(counts),
                histograms={k: dict(v) for k, v in histograms.items()},
            )
        RollupDay.objects.create(day=day, refreshed_at=timezone.now())
