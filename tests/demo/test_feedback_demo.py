"""The demo's year of listening: outreach and training every month, community messages in every
state, partners' word on most closed referrals, and feedback cards from the people served, so the
feedback screens are never empty."""

from datetime import timedelta

from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.demo.feedback import DEMO_CARD_TOKEN
from apps.feedback.models import CommunityFeedback, FeedbackCard, OutreachEvent
from apps.feedback.selectors import card_state, feedback_card_for, published_words, recipient_feedback_totals
from apps.followups.models import Referral


def test_outreach_and_training_in_every_month_of_the_year(demo_output, db):
    since = timezone.now().date() - timedelta(days=365)
    events = OutreachEvent.objects.filter(held_on__gte=since)
    months = {d.strftime("%Y-%m") for d in events.values_list("held_on", flat=True)}
    assert len(months) >= 12
    assert events.filter(kind="call_center_training").count() >= 12
    assert events.filter(kind="community").count() >= 24


def test_community_messages_new_reviewed_and_answered_across_the_year(demo_output, db):
    messages = CommunityFeedback.objects.all()
    months = messages.annotate(month=TruncMonth("received_at")).values("month").distinct().count()
    assert months >= 12
    assert set(messages.values_list("status", flat=True)) == {"new", "reviewed", "answered"}
    assert set(messages.values_list("kind", flat=True)) == {"compliment", "concern", "suggestion"}
    answered = messages.filter(status="answered")
    assert not answered.filter(answered_at__isnull=True).exists()
    assert all(m.reviewed_at >= m.received_at for m in answered)
    # Supervisors tagged themes on what they handled and marked a few messages' words publishable.
    assert all(m.themes for m in messages.exclude(status="new"))
    assert len(published_words()) == 5


def test_partners_answered_the_handoff_question_on_most_closed_referrals(demo_output, db):
    closed = Referral.objects.filter(status="closed")
    answered = closed.filter(handoff_info_enough__isnull=False)
    assert closed.count() >= 20 and answered.count() >= closed.count() * 0.6
    assert answered.filter(handoff_info_enough=False).exists()


def test_feedback_cards_offered_and_answered_across_the_year_and_one_left_to_open(demo_output, db):
    cards = FeedbackCard.objects.all()
    months = cards.annotate(month=TruncMonth("issued_at")).values("month").distinct().count()
    assert months >= 12
    today = timezone.now().date()
    totals = recipient_feedback_totals(start=today - timedelta(days=365), end=today)
    assert totals["issued"] >= 500 and 0.2 <= totals["response_rate"] <= 0.5
    assert totals["commented"] > 0 and 60 <= totals["questions"]["respect"]["score"] <= 100
    assert cards.filter(language="es", answered_at__isnull=False).exists()
    assert card_state(feedback_card_for(DEMO_CARD_TOKEN)) == "open"
    assert f"/f/{DEMO_CARD_TOKEN}/" in demo_output
