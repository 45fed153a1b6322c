"""Feedback cards through their real doors: offered from the tablet by a sync mutation (the token
never reaches the database), answered once on the public page with no sign-in, expired and unknown
links, the hourly limit per address, text messages that keep no number, the supervisor's audited
reading, and the totals the insights measures read."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.common.days import program_today
from apps.feedback.models import FeedbackCard
from apps.feedback.selectors import recipient_feedback_totals
from apps.insights.selectors import measure_values
from tests.factories import DeviceFactory
from tests.feedback.cards import card_mutation, documented_encounter, issue_card, new_token, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def encounter_id(tablet, device, dispatcher, team):
    return documented_encounter(tablet, device, dispatcher, team)


def answer(token, address="203.0.113.7", client=None, query="", **fields):
    body = {"respect": "yes", "needs_met": "partly", "call_again": "yes", "comment": "", **fields}
    return (client or Client()).post(f"/f/{token}/{query}", body, REMOTE_ADDR=address)


def rows_as_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")  # noqa: S608 - a fixed table name
        return " ".join(row[0] for row in cursor.fetchall())


def test_a_card_offered_from_the_tablet_keeps_only_the_digest_of_its_token(tablet, device, encounter_id, team):
    card_id, token, result = issue_card(tablet, device, encounter_id)
    assert result["status"] == "applied", result
    assert result["record"]["encounter"] == encounter_id and result["record"]["answered"] is False
    card = FeedbackCard.objects.get(pk=card_id)
    assert card.team == team and card.expires_at - card.issued_at == timedelta(days=14)
    everything = " ".join(
        rows_as_text(table) for table in ("feedback_feedbackcard", "field_appliedmutation", "audit_auditentry")
    )
    assert token not in everything and token.upper() not in everything
    assert card.token_hash in everything  # the digest is what is kept
    assert str(encounter_id) not in token
    assert AuditEntry.objects.filter(action="feedback_card.issue", object_id=card_id).exists()


def test_another_team_cannot_offer_a_card_for_an_encounter(
    tablet, device, encounter_id, api, other_responder, other_team
):
    other_device = DeviceFactory(team=other_team)
    api.login_as(other_responder, device=other_device.pk)
    _card, _token, result = issue_card(api, other_device, encounter_id)
    assert result["status"] == "rejected" and result["http_status"] == 403
    assert not FeedbackCard.objects.exists()


def test_a_bad_digest_is_a_field_error(tablet, device, encounter_id):
    mutation = card_mutation(encounter_id, new_token())
    mutation["data"]["token_hash"] = "not-a-digest"
    [result] = sync(tablet, device, [mutation]).json()["results"]
    assert result["status"] == "rejected" and result["http_status"] == 400 and "token_hash" in result["errors"]


def test_the_person_answers_once_and_a_second_time_is_thanked_but_refused(tablet, device, encounter_id):
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    page = Client().get(f"/f/{token}/")
    assert page.status_code == 200 and "Were you treated with respect?" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    sent = answer(token, comment="They listened to me. Gracias.")
    assert sent.status_code == 200 and "Your answers have reached the program" in sent.content.decode()
    card = FeedbackCard.objects.get(pk=card_id)
    assert (card.respect, card.needs_met, card.call_again) == ("yes", "partly", "yes")
    assert card.comment == "They listened to me. Gracias." and card.answered_at is not None
    assert "listened to me" not in rows_as_text("feedback_feedbackcard")  # encrypted at rest
    again = Client().get(f"/f/{token}/")
    assert again.status_code == 200 and "already been answered" in again.content.decode()
    refused = answer(token, respect="no", comment="Changing my mind")
    assert refused.status_code == 409 and "already been answered" in refused.content.decode()
    card.refresh_from_db()
    assert card.respect == "yes" and card.comment == "They listened to me. Gracias."
    assert AuditEntry.objects.filter(action="feedback_card.answer", object_id=card_id).count() == 1


def test_a_token_typed_from_a_printed_card_in_capitals_with_dashes_works(tablet, device, encounter_id):
    _card, token, _ = issue_card(tablet, device, encounter_id)
    typed = "-".join(token.upper()[i : i + 5] for i in range(0, 20, 5))
    assert Client().get(f"/f/{typed}/").status_code == 200


def test_an_expired_card_says_so_plainly_and_takes_nothing(tablet, device, encounter_id):
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    FeedbackCard.objects.filter(pk=card_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(f"/f/{token}/")
    assert page.status_code == 410 and "This card has expired" in page.content.decode()
    assert answer(token).status_code == 410
    assert FeedbackCard.objects.get(pk=card_id).answered_at is None


def test_unknown_and_malformed_links_get_the_same_page_revealing_nothing(tablet, device, encounter_id):
    unknown = Client().get(f"/f/{new_token()}/")
    malformed = Client().get("/f/not-a-card/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content
    assert "We could not find this card" in unknown.content.decode()
    assert answer(new_token()).status_code == 404


def test_the_card_speaks_spanish(tablet, device, encounter_id):
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    page = Client().get(f"/f/{token}/?lang=es").content.decode()
    assert "¿Le trataron con respeto?" in page and 'href="?lang=en"' in page
    assert answer(token, query="?lang=es").status_code == 200
    assert FeedbackCard.objects.get(pk=card_id).language == "es"


def test_bad_answers_are_a_400_with_the_fields_named(tablet, device, encounter_id):
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    assert answer(token, respect="maybe").status_code == 400
    empty = answer(token, respect="", needs_met="", call_again="", comment="   ")
    assert empty.status_code == 400 and "Answer at least one question" in empty.content.decode()
    assert FeedbackCard.objects.get(pk=card_id).answered_at is None


def test_ten_answers_an_hour_from_one_address_then_a_clear_429(tablet, device, encounter_id, settings):
    settings.FIRSTLINE_FEEDBACK_CARD_PER_HOUR = 10
    tokens = [issue_card(tablet, device, encounter_id)[1] for _ in range(12)]
    for token in tokens[:10]:
        assert answer(token, address="198.51.100.20").status_code == 200
    refused = answer(tokens[10], address="198.51.100.20")
    assert refused.status_code == 429
    assert "Please try again in an hour" in refused.content.decode()
    assert answer(tokens[10], address="198.51.100.21").status_code == 200  # a neighbour is not held back
    assert FeedbackCard.objects.filter(answered_at__isnull=False).count() == 11


def test_the_link_is_texted_through_the_file_backend_and_no_number_is_kept(
    tablet, device, encounter_id, settings, tmp_path
):
    settings.FIRSTLINE_SMS_FILE_PATH = str(tmp_path)
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    url = f"/api/v1/field/feedback-cards/{card_id}/text/"
    sent = tablet.post(
        url, {"device": str(device.pk), "token": token, "phone": "+1 (303) 555-0187", "language": "es"}, format="json"
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["texts_sent"] == 1
    [message] = list(tmp_path.iterdir())
    text = message.read_text()
    assert f"/f/{token}/?lang=es" in text and "5550187" not in text and "303" not in text and "87" in text
    everything = " ".join(
        rows_as_text(t) for t in ("feedback_feedbackcard", "audit_auditentry", "field_appliedmutation")
    )
    assert "5550187" not in everything and "555-0187" not in everything and token not in everything
    assert AuditEntry.objects.filter(action="feedback_card.text", object_id=card_id).exists()
    wrong = tablet.post(url, {"device": str(device.pk), "token": new_token(), "phone": "3035550187"}, format="json")
    assert wrong.status_code == 404
    bad = tablet.post(url, {"device": str(device.pk), "token": token, "phone": "call me"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()
    assert len(list(tmp_path.iterdir())) == 1


def test_another_team_cannot_text_a_card(
    tablet, device, encounter_id, api, other_responder, other_team, tmp_path, settings
):
    settings.FIRSTLINE_SMS_FILE_PATH = str(tmp_path)
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    other_device = DeviceFactory(team=other_team)
    api.login_as(other_responder, device=other_device.pk)
    url = f"/api/v1/field/feedback-cards/{card_id}/text/"
    refused = api.post(url, {"device": str(other_device.pk), "token": token, "phone": "3035550187"}, format="json")
    assert refused.status_code == 403 and not list(tmp_path.iterdir())


def test_a_supervisor_reads_the_answers_in_the_admin_and_the_opening_is_audited(
    tablet, device, encounter_id, supervisor, dispatcher
):
    card_id, token, _ = issue_card(tablet, device, encounter_id)
    answer(token, comment="The responder knelt down to talk to me.")
    desk = Client()
    desk.force_login(supervisor)
    listing = desk.get("/admin/feedback/feedbackcard/").content.decode()
    assert "knelt down" not in listing
    opened = desk.get(f"/admin/feedback/feedbackcard/{card_id}/change/").content.decode()
    assert "knelt down" in opened
    assert AuditEntry.objects.filter(action="feedback_card.view", actor=supervisor, object_id=card_id).exists()
    other = Client()
    other.force_login(dispatcher)
    assert other.get(f"/admin/feedback/feedbackcard/{card_id}/change/").status_code in {302, 403}


def test_the_totals_count_response_rate_and_scores(tablet, device, encounter_id):
    tokens = [issue_card(tablet, device, encounter_id)[1] for _ in range(5)]
    answer(tokens[0], respect="yes", needs_met="yes", call_again="yes", comment="Good")
    answer(tokens[1], respect="partly", needs_met="no", call_again="partly")
    answer(tokens[2], respect="no", needs_met="", call_again="", comment="")
    totals = recipient_feedback_totals(start=date.today() - timedelta(days=1), end=date.today())
    assert (totals["issued"], totals["answered"], totals["response_rate"], totals["commented"]) == (5, 3, 0.6, 1)
    assert totals["questions"]["respect"] == {"yes": 1, "partly": 1, "no": 1, "answers": 3, "score": 50.0}
    assert totals["questions"]["needs_met"]["score"] == 50.0 and totals["questions"]["needs_met"]["answers"] == 2
    assert totals["questions"]["call_again"]["score"] == 75.0
    empty = recipient_feedback_totals(start=date(2000, 1, 1), end=date(2000, 1, 2))
    assert empty["response_rate"] is None and empty["questions"]["respect"]["score"] is None


def test_the_insights_measures_count_cards_by_team_and_call_type(tablet, device, encounter_id, team):
    tokens = [issue_card(tablet, device, encounter_id)[1] for _ in range(4)]
    answer(tokens[0], respect="yes", needs_met="yes", call_again="yes")
    answer(tokens[1], respect="partly", needs_met="no", call_again="")
    today = program_today()

    def rows(key, by):
        return {r["group"]: (r["value"], r["count"]) for r in measure_values(key, start=today, end=today, by=by)}

    sign = team.call_sign
    assert rows("cards_issued", "team") == {sign: (4, 4)}
    assert rows("card_response_rate", "team") == {sign: (50.0, 4)}
    assert rows("card_respect_score", "team") == {sign: (75.0, 2)}  # yes 100, partly 50, of 2 answers
    assert rows("card_needs_met_score", "team") == {sign: (50.0, 2)}
    assert rows("card_call_again_score", "team") == {sign: (100.0, 1)}  # one answer only
    code = FeedbackCard.objects.values_list("encounter__incident__call_type__code", flat=True).first()
    assert rows("cards_issued", "call_type") == {code or "": (4, 4)}  # a call with no type is "Not recorded"
    assert measure_values("cards_issued", start=today, end=today)[0]["value"] == 4
