"""The public summary (apps/insights/public.py): the dashboard's and the API's numbers, with the
same suppression, for whole months. Data: tests/insights/public_data.py."""

import pytest
from django.core.cache import cache

from apps.common import formats
from apps.insights import public, suppression
from apps.insights.services import releases_publish
from tests.insights import public_data
from tests.insights.test_privacy_attack import every_attack

pytestmark = pytest.mark.django_db
RANGE = {"from": "2026-09-01", "to": "2026-10-31"}


@pytest.fixture
def history(db):
    cache.clear()
    public_data.write()
    releases_publish()
    yield
    cache.clear()


def measure(body, key):
    return next(m for m in body["measures"] if m["key"] == key)


def rows(entry, by):
    return {r["group"]: r["value"] for r in entry["breakdowns"][by]}


def test_counts_are_summed_over_whole_months_and_small_ones_hidden(client, history):
    body = client.get("/api/v1/public/summary/", RANGE).json()
    calls = measure(body, "calls")
    assert calls["total"] == 126
    assert [(r["group"], r["value"]) for r in calls["by_month"]] == [("2026-09", 81), ("2026-10", 45)]
    # September's 3 calls from 988 (priority 1, police requested) are hidden, and the range
    # shows a sum only when each month's cell is shown: 988 is hidden for September and October.
    assert rows(calls, "source")["988"] is None
    assert rows(calls, "priority")["1"] is None
    assert measure(body, "disposition_police_requested")["total"] is None
    # Whatever is shown is the true sum.
    truth = {"911": 82, "988": 18, "211": 12, "311": 14}
    assert all(v == truth[g] for g, v in rows(calls, "source").items() if v is not None)
    assert measure(body, "calls_closed")["total"] == 100
    assert measure(body, "screenings")["total"] == 126


def test_no_hidden_cell_of_a_month_can_be_worked_out(history):
    release = suppression.month_release(public.date(2026, 9, 1))
    small = {n for n, v in release.publication.cells.items() if 0 < v < 11}
    assert small and small <= release.hidden
    assert every_attack(release.publication, set(release.hidden)) == set()
    # The hidden cells are those the API shows as null.
    assert release.value("calls", "source", "988") is None


def test_october_alone_shows_every_cell(client, history):
    body = client.get("/api/v1/public/summary/", {"from": "2026-10-01", "to": "2026-10-31"}).json()
    calls = measure(body, "calls")
    assert calls["total"] == 45 and rows(calls, "source") == {"911": 30, "988": 15}
    assert measure(body, "without_police_share")["total"] == 100.0
    on_scene = measure(body, "to_on_scene")
    assert on_scene["total"] == {"p50": 10, "p90": 30, "within_target": pytest.approx(66.7)}
    assert rows(on_scene, "source")["988"] == {"p50": 30, "p90": 30, "within_target": 0.0}  # 0 of 15: none small


def test_a_median_on_fewer_than_eleven_calls_is_hidden(client, history):
    body = client.get("/api/v1/public/summary/", RANGE).json()
    by_source = rows(measure(body, "to_on_scene"), "source")
    assert by_source["988"]["p50"] == 30  # 18 calls
    assert measure(body, "to_on_scene")["total"]["p50"] == 10


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-09-02", "to": "2026-10-31"}, "from"),
        ({"from": "2026-09-01", "to": "2026-10-30"}, "to"),
        ({"from": "2026-13-01", "to": "2026-10-31"}, "from"),
        ({"from": "2026-10-01", "to": "2026-09-30"}, "to"),
        ({"from": "2026-09-01"}, "to"),
        ({"from": "1900-01-01", "to": "2026-10-31"}, "to"),
        ({"from": "nonsense", "to": "2026-02-30"}, "to"),
    ],
)
def test_bad_dates_are_refused_with_field_errors(client, history, query, field):
    answer = client.get("/api/v1/public/summary/", query)
    assert answer.status_code == 400
    assert field in answer.json()


def test_the_dashboard_shows_the_apis_numbers(client, history):
    api = client.get("/api/v1/public/summary/", RANGE).json()
    page = client.get("/transparency/", RANGE)
    assert page.status_code == 200
    assert page.context["summary"] == api
    body = page.content.decode()
    assert '<li class="headline" data-measure="calls">' in body
    headline = body.split('data-measure="calls">')[1].split("</li>")[0]
    assert ">126<" in headline
    assert "hidden" in body and "/public/budget/" in body and "/transparency/feedback/" in body


def test_a_bad_range_on_the_dashboard_is_a_400_page_not_an_error(client, history):
    page = client.get("/transparency/", {"from": "2026-09-05", "to": "2026-10-31"})
    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.content.decode()


def test_the_pages_speak_spanish(client, history):
    for path in ("/transparency/", "/transparency/how-we-count/", "/open-data/"):
        body = client.get(path, RANGE, HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert 'lang="es"' in body
    assert "Cómo va el programa" in client.get("/transparency/", RANGE, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    api = client.get("/api/v1/public/summary/", RANGE, HTTP_ACCEPT_LANGUAGE="es").json()
    assert measure(api, "calls")["name"] == "Llamadas recibidas"


def test_how_we_count_lists_every_public_measure_from_the_registry(client, history):
    body = client.get("/transparency/how-we-count/").content.decode()
    for m in public.public_measures():
        assert f'id="measure-{m.key}"' in body
    assert "A count from 1 to 10 is hidden" in body
    assert 'id="measure-screening_overridden"' not in body  # a program measure, not public


def test_a_burst_of_readers_is_served_from_the_cache(client, history, django_assert_max_num_queries):
    first = client.get("/api/v1/public/summary/", RANGE).json()
    with django_assert_max_num_queries(0):
        for _ in range(20):
            assert client.get("/api/v1/public/summary/", RANGE).json() == first


def test_no_team_and_no_finer_place_than_a_district(client, history):
    body = client.get("/api/v1/public/summary/", RANGE).json()
    assert set(body["breakdowns"]) == {"source", "call_type", "priority", "district"}


def test_by_default_the_last_twelve_complete_months(client, history):
    assert public.default_range(public.date(2026, 12, 1)) == (public.date(2025, 12, 1), public.date(2026, 11, 30))
    assert public.default_range(public.date(2026, 3, 31)) == (public.date(2025, 3, 1), public.date(2026, 2, 28))
    body = client.get("/api/v1/public/summary/").json()
    start, end = public.default_range()
    assert (body["from"], body["to"]) == (start.isoformat(), end.isoformat())
    assert 'id="this-month"' in client.get("/transparency/").content.decode()


def test_the_dashboard_writes_numbers_and_the_moment_as_people_read_them(client, db):
    """Thousands grouped in the reader's language, the rollups' moment on the program's clock (not an
    ISO timestamp), and each public page linked once."""
    cache.clear()
    public_data.write((("2026-11-15", [("911", 15601, "2", "north", "welfare", "resolved_on_scene")]),))
    releases_publish()
    november = {"from": "2026-11-01", "to": "2026-11-30"}
    english = client.get("/transparency/", november)
    body = english.content.decode()
    headline = body.split('data-measure="calls">')[1].split("</li>")[0]
    assert ">15,601<" in headline
    as_of = english.context["summary"]["as_of"]
    assert as_of not in body and f"Numbers as of {formats.when(as_of, 'long')}." in body
    assert body.count('href="/transparency/feedback/"') == 1
    spanish = client.get("/transparency/", november, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">15\xa0601<" in spanish.split('data-measure="calls">')[1].split("</li>")[0]
    share = spanish.split('data-measure="without_police_share">')[1].split("</li>")[0]
    assert ">100,0\xa0%<" in share  # Spanish writes a space before the sign; English none
    assert ">100.0%<" in body.split('data-measure="without_police_share">')[1].split("</li>")[0]
    cache.clear()
