"""The measures of listening (apps/insights/registry/feedback.py): community feedback, outreach and
training, counted from known records by local day, and their public totals on /transparency/ with
the same small-number suppression. (Partners' answers on handoffs: tests/followups/test_handoff_feedback.py.)

September 2026, program time (America/Denver): 12 compliments on the 10th at noon, 10 reviewed two
hours later and 5 answered; 3 concerns on the 11th, reviewed 30 hours later; 1 suggestion on the
30th at 23:30 (1 October in UTC: it counts on the 30th). Outreach: community events on the 5th (40
people) and the 20th (25 people), a call-center training on the 15th (8 call-takers).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from apps.feedback.models import CommunityFeedback, OutreachEvent
from apps.insights.selectors import measure_values
from apps.insights.services import releases_publish
from tests.insights import public_data

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
SEPTEMBER = {"start": date(2026, 9, 1), "end": date(2026, 9, 30)}


@pytest.fixture
def listening(db):
    def message(kind, day, hour, minute=0, reviewed_after=None, answered=False):
        at = datetime(2026, 9, day, hour, minute, tzinfo=DENVER)
        CommunityFeedback.objects.create(
            kind=kind,
            message="Words nobody outside the program reads.",
            received_at=at,
            status="answered" if answered else "reviewed" if reviewed_after else "new",
            reviewed_at=at + reviewed_after if reviewed_after else None,
            answered_at=at + reviewed_after if answered else None,
        )

    for n in range(12):
        message("compliment", 10, 12, reviewed_after=timedelta(hours=2) if n < 10 else None, answered=n < 5)
    for _n in range(3):
        message("concern", 11, 9, reviewed_after=timedelta(hours=30))
    message("suggestion", 30, 23, 30)
    for day, kind, people in ((5, "community", 40), (20, "community", 25), (15, "call_center_training", 8)):
        OutreachEvent.objects.create(
            kind=kind, held_on=date(2026, 9, day), title="An event", audience="Neighbours", people_reached=people
        )


def value(key, **extra):
    return measure_values(key, **(SEPTEMBER | extra))


def test_community_feedback_by_kind_on_the_local_day_it_arrived(listening):
    assert value("community_feedback")[0]["value"] == 16
    assert value("community_compliments")[0]["value"] == 12
    assert value("community_concerns")[0]["value"] == 3
    assert value("community_suggestions")[0]["value"] == 1
    assert value("community_feedback_answered")[0]["value"] == 5
    # The suggestion at 23:30 on the 30th is September's, though it is October in UTC.
    assert measure_values("community_feedback", start=date(2026, 10, 1), end=date(2026, 10, 31))[0]["value"] == 0
    weeks = {r["group"]: r["value"] for r in value("community_feedback", by="week")}
    assert weeks["2026-W37"] == 15 and weeks["2026-W40"] == 1


def test_the_time_to_respond_counts_only_messages_someone_responded_to(listening):
    row = value("community_feedback_response")[0]
    # 10 answered in 120 minutes, 3 in 1800: the median 120, the 90th percentile 1800, of 13.
    assert (row["count"], row["p50"], row["p90"]) == (13, 120, 1800)


def test_outreach_events_and_people_reached_by_kind(listening):
    assert value("outreach_community_events")[0]["value"] == 2
    assert value("outreach_community_people")[0]["value"] == 65
    assert value("outreach_training_events")[0]["value"] == 1
    assert value("outreach_training_people")[0]["value"] == 8
    months = {r["group"]: r["value"] for r in value("outreach_community_people", by="month")}
    assert months == {"2026-09": 65}


def test_the_public_totals_are_suppressed_and_no_words_are_published(client, listening):
    cache.clear()
    public_data.write()
    releases_publish(today=date(2026, 12, 1))
    body = client.get("/api/v1/public/summary/", {"from": "2026-09-01", "to": "2026-09-30"}).json()
    totals = {m["key"]: m["total"] for m in body["measures"]}
    assert totals["community_feedback"] == 16 and totals["community_compliments"] == 12
    # 3 concerns and 1 suggestion are small; 16 - 12 leaves their sum, never either of them.
    assert totals["community_concerns"] is None and totals["community_suggestions"] is None
    assert totals["outreach_community_people"] == 65
    assert totals["outreach_community_events"] is None and totals["outreach_training_people"] is None
    assert "community_feedback_answered" not in totals and "community_feedback_response" not in totals
    page = client.get("/transparency/", {"from": "2026-09-01", "to": "2026-09-30"}).content.decode()
    listening_table = page.split('id="public-listening"')[1].split("</table>")[0]
    assert 'data-measure="community_feedback"' in listening_table and ">16<" in listening_table
    assert "Words nobody outside the program reads" not in page
    cache.clear()
