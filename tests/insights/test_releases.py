"""The public releases (apps/insights/services/releases.py): each month's protected numbers and the
default period are computed ahead by the publish task, so a reader reads stored rows and never
runs the suppression. Data: tests/insights/public_data.py (September and October 2026)."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from apps.insights import public
from apps.insights.models import PublicRelease
from apps.insights.services import releases_publish
from apps.insights.tasks import publish
from tests.insights import public_data

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)
DEFAULT = public.default_range(TODAY)


@pytest.fixture
def history(db):
    cache.clear()
    public_data.write()
    yield
    cache.clear()


def calls(body):
    return next(m for m in body["measures"] if m["key"] == "calls")


def test_before_any_release_a_reader_is_told_the_months_are_pending(client, history):
    body = client.get("/api/v1/public/summary/", {"from": "2026-09-01", "to": "2026-10-31"}).json()
    assert body["pending"] == ["2026-09", "2026-10"]
    assert calls(body)["total"] is None  # nothing computed for the reader
    assert not PublicRelease.objects.exists()
    page = client.get("/transparency/", {"from": "2026-09-01", "to": "2026-10-31"})
    assert page.status_code == 200 and 'id="public-pending"' in page.content.decode()


def test_the_task_stores_every_month_and_the_default_period_in_each_language(history):
    written = releases_publish(today=TODAY)
    periods = set(PublicRelease.objects.values_list("start", "end", "language"))
    months = public.months_between(date(2026, 9, 1), TODAY)
    expected = {(m, public.month_end(m), lang) for m in months for lang in ("en", "es")} | {
        (*DEFAULT, lang) for lang in ("en", "es")
    }
    assert periods == expected and written == len(expected)
    spanish = PublicRelease.objects.get(start=date(2026, 9, 1), end=date(2026, 9, 30), language="es").summary
    english = PublicRelease.objects.get(start=date(2026, 9, 1), end=date(2026, 9, 30), language="en").summary
    assert calls(spanish)["name"] == "Llamadas recibidas" and calls(english)["name"] == "Calls received"
    for by, rows in calls(english)["breakdowns"].items():  # the same cells hidden, other words
        values = {r["group"]: r["value"] for r in rows}
        assert values == {r["group"]: r["value"] for r in calls(spanish)["breakdowns"][by]}
    assert calls(english)["total"] == calls(spanish)["total"] == 81
    # Nothing changed: the next run writes nothing.
    assert releases_publish(today=TODAY) == 0


def test_the_beat_task_publishes(history):
    publish.apply()
    september = PublicRelease.objects.get(start=date(2026, 9, 1), end=date(2026, 9, 30), language="en")
    assert calls(september.summary)["total"] == 81


def test_a_reader_of_a_released_period_reads_one_row(client, history, django_assert_max_num_queries):
    releases_publish(today=TODAY)
    cache.clear()
    with django_assert_max_num_queries(1):
        body = client.get("/api/v1/public/summary/", {"from": "2026-09-01", "to": "2026-09-30"}).json()
    assert calls(body)["total"] == 81 and body["pending"] == []
    assert body["released_at"]


def test_any_other_range_is_the_sum_of_its_released_months(client, history):
    releases_publish(today=TODAY)
    both = client.get("/api/v1/public/summary/", {"from": "2026-08-01", "to": "2026-10-31"}).json()
    months = [
        client.get("/api/v1/public/summary/", {"from": f"2026-{m:02d}-01", "to": public.month_end(date(2026, m, 1))})
        for m in (8, 9, 10)
    ]
    months = [calls(m.json()) for m in months]
    assert calls(both)["total"] == sum(m["total"] for m in months) == 126
    for by, rows in calls(both)["breakdowns"].items():
        for row in rows:
            parts = [next((r["value"] for r in m["breakdowns"][by] if r["group"] == row["group"]), 0) for m in months]
            # A range shows a sum only when every month shows its part: nothing new to subtract.
            assert row["value"] == (None if None in parts else sum(parts)), (by, row)


def test_a_change_to_a_months_rollups_publishes_that_month_and_the_default_period_again(history):
    releases_publish(today=TODAY)
    before = dict(PublicRelease.objects.values_list("pk", "computed_at"))
    public_data.write((("2026-10-20", [("911", 20, "2", "north", "welfare", "cancelled")]),))
    written = releases_publish(today=TODAY)
    assert written == 4  # October and the default period, in English and Spanish
    october = PublicRelease.objects.get(start=date(2026, 10, 1), end=date(2026, 10, 31), language="en")
    assert calls(october.summary)["total"] == 65
    assert october.computed_at > before[october.pk]
    default = PublicRelease.objects.get(start=DEFAULT[0], end=DEFAULT[1], language="en")
    assert calls(default.summary)["total"] == 146


@override_settings(FIRSTLINE_PUBLIC_RELEASE_SECONDS=3600)
def test_this_month_is_published_again_at_most_every_release_seconds(history):
    today = date(2026, 10, 25)
    releases_publish(today=today)
    public_data.write((("2026-10-25", [("911", 20, "2", "north", "welfare", "cancelled")]),))
    assert releases_publish(today=today) == 0  # October is this month: not before an hour
    PublicRelease.objects.filter(start=date(2026, 10, 1)).update(computed_at=timezone.now() - timedelta(hours=2))
    assert releases_publish(today=today) == 2


def test_another_threshold_never_reads_the_old_releases(client, history):
    releases_publish(today=TODAY)
    with override_settings(FIRSTLINE_PUBLIC_MIN_COUNT=20):
        cache.clear()
        body = client.get("/api/v1/public/summary/", {"from": "2026-09-01", "to": "2026-09-30"}).json()
        assert body["pending"] == ["2026-09"] and body["min_count"] == 20
        releases_publish(today=TODAY)
        assert set(PublicRelease.objects.values_list("min_count", flat=True)) == {20}
