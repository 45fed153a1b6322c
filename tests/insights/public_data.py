"""A known public history written straight into the daily rollups (what apps/insights/public.py
reads): September and October 2026, many calls, several small cells.

September: 911 × 40 (priority 2, north, resolved on scene, 1 person each), 988 × 3 (priority 1,
south, police requested), 211 × 12 (priority 3, east, referred). October: 911 × 30 (priority 2,
north, resolved), 988 × 15 (priority 1, south, resolved). Every call is closed and screened in;
to on scene 10 minutes for 911, 30 for the others.
"""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from apps.insights.models import DailyRollup, RollupDay

SEPTEMBER = [("911", 40, "2", "north", "resolved_on_scene"), ("988", 3, "1", "south", "police_requested")]
SEPTEMBER += [("211", 12, "3", "east", "referred")]
OCTOBER = [("911", 30, "2", "north", "resolved_on_scene"), ("988", 15, "1", "south", "resolved_on_scene")]


def _counts(source, n, disposition):
    police = disposition == "police_requested"
    minutes = 10 if source == "911" else 30
    counts = {
        "calls": n,
        "calls_closed": n,
        "screenings": n,
        "screened_in": n,
        f"disposition_{disposition}": n,
        "people_served": n,
        "within_target": n if minutes <= 20 else 0,
    }
    if not police:
        counts["calls_without_police"] = n
    return counts, {"to_on_scene": {str(minutes): n}, "to_dispatch": {"2": n}}


def write(month_rows=(("2026-09-15", SEPTEMBER), ("2026-10-15", OCTOBER))):
    for day_text, rows in month_rows:
        day = date.fromisoformat(day_text)
        per: dict[tuple[str, str], list] = defaultdict(
            lambda: [defaultdict(int), defaultdict(lambda: defaultdict(int))]
        )
        for source, n, priority, district, disposition in rows:
            counts, histograms = _counts(source, n, disposition)
            for dimension, value in [("all", ""), ("source", source), ("priority", priority), ("district", district)]:
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
