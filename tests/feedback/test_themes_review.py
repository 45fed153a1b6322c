"""Themes and review for publication (issue 17, item 6), through the supervisor's admin and the
public doors: themes are tagged through an audited service and counted by theme and month; words
appear outside the admin only once a supervisor marked them reviewed, with their month only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from apps.audit.models import AuditEntry
from apps.common.errors import PermissionRefused
from apps.feedback.models import CommunityFeedback, FeedbackCard
from apps.feedback.services import feedback_text_publishable, feedback_themes_set
from apps.insights.selectors import measure_values
from tests.factories import DeviceFactory
from tests.feedback.cards import documented_encounter, issue_card

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
UNREVIEWED = "Officer Ramirez was at 412 Elm again"
REVIEWED = "They listened and came back the next day."


def message(text, day, month=9, **extra):
    return CommunityFeedback.objects.create(
        kind="concern", message=text, received_at=datetime(2026, month, day, 12, tzinfo=DENVER), **extra
    )


def test_themes_are_tagged_through_the_admin_audited_and_counted_by_theme_and_month(supervisor):
    first, second = message("The wait was long.", 3), message("Nobody spoke Spanish.", 20)
    october = message("Waited again; felt unsafe.", 2, month=10)
    desk = Client()
    desk.force_login(supervisor)
    url = f"/admin/feedback/communityfeedback/{first.pk}/change/"
    desk.post(url, {"status": "reviewed", "answer": "", "theme_tags": ["wait_time", "respect"]})
    first.refresh_from_db()
    assert first.themes == ["respect", "wait_time"] and first.status == "reviewed"  # in the list's order
    entry = AuditEntry.objects.get(action="community_feedback.themes", actor=supervisor)
    assert entry.detail == {"themes": ["respect", "wait_time"]}
    feedback_themes_set(actor=supervisor, item=second, themes=["language"])
    feedback_themes_set(actor=supervisor, item=october, themes=["wait_time", "safety"])
    with pytest.raises(ValidationError):
        feedback_themes_set(actor=supervisor, item=second, themes=["weather"])

    def rows(by, start=date(2026, 9, 1), end=date(2026, 10, 31)):
        return {r["group"]: r["value"] for r in measure_values("feedback_themes", start=start, end=end, by=by)}

    assert rows("theme") == {"respect": 1, "wait_time": 2, "language": 1, "safety": 1}
    assert rows("theme", end=date(2026, 9, 30)) == {"respect": 1, "wait_time": 1, "language": 1}
    assert rows("month") == {"2026-09": 3, "2026-10": 2}
    september = measure_values("feedback_themes", start=date(2026, 9, 1), end=date(2026, 9, 30), by="theme")
    labels = {r["group"]: str(r["label"]) for r in september}
    assert labels["language"] == "Language access"


def test_only_a_supervisor_tags_or_reviews_and_empty_words_cannot_be_published(supervisor, dispatcher):
    item = message("Kind people.", 4)
    with pytest.raises(PermissionRefused):
        feedback_themes_set(actor=dispatcher, item=item, themes=["respect"])
    with pytest.raises(PermissionRefused):
        feedback_text_publishable(actor=dispatcher, item=item, publishable=True)
    assert not AuditEntry.objects.filter(action__in=["community_feedback.themes", "community_feedback.publishable"])


def test_words_reach_the_public_pages_only_after_review_with_the_month_only(client, supervisor):
    cache.clear()
    hidden = message(UNREVIEWED, 9)
    shown = message(REVIEWED, 14)
    desk = Client()
    desk.force_login(supervisor)
    desk.post(
        "/admin/feedback/communityfeedback/",
        {"action": "mark_publishable", "_selected_action": [shown.pk]},
    )
    shown.refresh_from_db()
    assert shown.publishable_at is not None and shown.publishable_by == supervisor
    assert AuditEntry.objects.filter(
        action="community_feedback.publishable", actor=supervisor, object_id=str(shown.pk)
    ).exists()
    hidden.refresh_from_db()
    assert hidden.publishable_at is None
    page = client.get("/transparency/").content.decode()
    words = page.split('id="in-their-words"')[1].split("</section>")[0]
    assert REVIEWED in words and "September 2026" in words and "14" not in words
    assert UNREVIEWED not in page
    for address in ("/api/v1/public/summary/", "/transparency/how-we-count/", "/transparency/open-data/"):
        assert UNREVIEWED not in client.get(address).content.decode()
    # Taken back: the words leave the public page.
    feedback_text_publishable(actor=supervisor, item=shown, publishable=False)
    cache.clear()
    assert REVIEWED not in client.get("/transparency/").content.decode()
    cache.clear()


def test_a_card_s_words_are_tagged_and_reviewed_in_the_admin(api, responder, team, dispatcher, supervisor, client):
    cache.clear()
    device = DeviceFactory(team=team)
    api.login_as(responder, device=device.pk)
    encounter_id = documented_encounter(api, device, dispatcher, team)
    card_id, token, _ = issue_card(api, device, encounter_id)
    Client().post(f"/f/{token}/", {"respect": "yes", "comment": REVIEWED}, REMOTE_ADDR="203.0.113.9")
    desk = Client()
    desk.force_login(supervisor)
    url = f"/admin/feedback/feedbackcard/{card_id}/change/"
    assert "Reviewed: nothing identifying" in desk.get(url).content.decode()
    assert REVIEWED not in client.get("/transparency/").content.decode()
    desk.post(url, {"theme_tags": ["follow_up"], "publishable": "on"})
    card = FeedbackCard.objects.get(pk=card_id)
    assert card.themes == ["follow_up"] and card.publishable_by == supervisor and card.comment == REVIEWED
    assert AuditEntry.objects.filter(action="feedback_card.publishable", object_id=str(card_id)).exists()
    cache.clear()
    assert REVIEWED in client.get("/transparency/").content.decode()
    cache.clear()
