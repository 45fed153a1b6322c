"""Community feedback through its real doors: the public form with no sign-in (English and Spanish),
what is kept and how (encrypted, audited), bad input, the hidden field, the hourly limit that stops a
script and not a family, and the supervisor's queue with the response-time measure."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.feedback.models import CommunityFeedback, OutreachEvent
from apps.feedback.selectors import community_feedback_totals, outreach_totals

pytestmark = pytest.mark.django_db

FORM = "/transparency/feedback/"


def send(client, address="203.0.113.7", **fields):
    body = {"kind": "compliment", "message": "The team was kind to my brother.", "contact": "", **fields}
    return client.post(FORM, body, REMOTE_ADDR=address)


def test_anyone_sends_a_message_and_it_is_kept_encrypted_and_audited(client):
    page = client.get(FORM)
    assert page.status_code == 200 and "Tell us how we are doing" in page.content.decode()
    answer = send(client, contact="555-0100", message="Thank you for coming so fast.")
    assert answer.status_code == 200 and "Thank you" in answer.content.decode()
    feedback = CommunityFeedback.objects.get()
    assert (feedback.kind, feedback.message, feedback.contact, feedback.status) == (
        "compliment",
        "Thank you for coming so fast.",
        "555-0100",
        "new",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT message, contact FROM feedback_communityfeedback")
        raw = " ".join(cursor.fetchone())
    assert "coming so fast" not in raw and "555-0100" not in raw
    assert AuditEntry.objects.filter(action="community_feedback.receive", object_id=str(feedback.pk)).exists()


def test_the_form_speaks_spanish(client):
    page = client.get(FORM + "?lang=es").content.decode()
    assert "Cuéntenos cómo lo estamos haciendo" in page and "Felicitación" in page


def test_bad_input_is_a_400_with_the_fields_named_and_nothing_kept(client):
    answer = send(client, message="   ", kind="praise")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "field-error" in text and "Select a valid choice" in text
    assert not CommunityFeedback.objects.exists()


def test_a_form_that_fills_the_hidden_field_is_thanked_and_nothing_is_kept(client):
    assert send(client, website="http://spam.example").status_code == 200
    assert not CommunityFeedback.objects.exists()


def test_an_address_may_send_five_an_hour_and_others_are_not_held_back(client, settings):
    settings.FIRSTLINE_FEEDBACK_PER_HOUR = 5
    for _ in range(5):
        assert send(client, address="198.51.100.9").status_code == 200
    refused = send(client, address="198.51.100.9")
    assert refused.status_code == 429 and "try again later" in refused.content.decode()
    assert send(client, address="198.51.100.10").status_code == 200
    assert CommunityFeedback.objects.count() == 6


def test_a_supervisor_reads_and_answers_and_the_response_time_is_measured(client, supervisor):
    send(client, kind="concern", message="Nobody called me back.", contact="me@example.org")
    feedback = CommunityFeedback.objects.get()
    CommunityFeedback.objects.filter(pk=feedback.pk).update(received_at=timezone.now() - timedelta(hours=30))
    desk = Client()
    desk.force_login(supervisor)
    listing = desk.get("/admin/feedback/communityfeedback/").content.decode()
    assert "Concern" in listing and "Nobody called me back." not in listing
    opened = desk.get(f"/admin/feedback/communityfeedback/{feedback.pk}/change/").content.decode()
    assert "Nobody called me back." in opened
    assert AuditEntry.objects.filter(action="community_feedback.view", actor=supervisor).exists()
    url = f"/admin/feedback/communityfeedback/{feedback.pk}/change/"
    refused = desk.post(url, {"status": "answered", "answer": ""}, follow=True).content.decode()
    assert "Write what was answered" in refused
    feedback.refresh_from_db()
    assert feedback.status == "new"
    desk.post(url, {"status": "answered", "answer": "Called back; apologised; follow-up booked."})
    feedback.refresh_from_db()
    assert feedback.status == "answered" and feedback.answered_at and feedback.reviewed_at
    totals = community_feedback_totals(start=date.today() - timedelta(days=3), end=date.today())
    assert totals["received"] == 1 and totals["answered"] == 1 and totals["by_kind"] == {"concern": 1}
    assert 29.9 <= totals["median_response_hours"] <= 30.5


def test_a_supervisor_records_outreach_and_training_and_they_are_counted(supervisor, dispatcher):
    desk = Client()
    desk.force_login(supervisor)
    today = date.today()
    for kind, people in (("community", 40), ("community", 25), ("call_center_training", 12)):
        answer = desk.post(
            "/admin/feedback/outreachevent/add/",
            {
                "kind": kind,
                "held_on": today.isoformat(),
                "title": "Session",
                "audience": "Neighbours",
                "organisations": "Library",
                "people_reached": people,
                "notes": "",
                "materials": "",
            },
        )
        assert answer.status_code == 302, answer.content.decode()[:500]
    assert OutreachEvent.objects.filter(recorded_by=supervisor).count() == 3
    assert AuditEntry.objects.filter(action="outreach.create").count() == 3
    assert outreach_totals(start=today, end=today) == {
        "community": {"events": 2, "people": 65},
        "call_center_training": {"events": 1, "people": 12},
    }
    other = Client()
    other.force_login(dispatcher)
    assert other.get("/admin/feedback/outreachevent/").status_code in {302, 403}
