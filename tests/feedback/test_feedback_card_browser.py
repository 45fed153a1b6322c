"""The feedback card end to end in real Chromium: a responder offers it on the tablet with no signal
(QR code and short link drawn on the tablet), it reaches the server when the signal comes back, and
the person served answers it once on a phone-sized browser with no sign-in; in Spanish too; an
expired card says so. Every page the person sees is checked with axe."""

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.feedback.models import FeedbackCard
from apps.feedback.services import feedback_card_issue
from apps.incidents import services
from tests.a11y import assert_accessible
from tests.feedback.cards import new_token
from tests.field.browser import eventually
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]

PHONE = {"width": 390, "height": 844}


def encounter_of(responder, dispatcher, team, place="Eastside Library"):
    incident, assignment = assigned_call(dispatcher, team, location_text=place)
    version = services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="resolved_on_scene",
        narrative="Talked it through on the steps.",
    )
    return version.encounter


def card_for(responder, encounter, **changes) -> str:
    token = new_token()
    card = feedback_card_issue(
        actor=responder,
        card_id=uuid.uuid4(),
        encounter_id=encounter.pk,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
    )
    if changes:
        FeedbackCard.objects.filter(pk=card.pk).update(**changes)
    return token


def test_a_card_offered_offline_is_answered_once_on_a_phone_with_no_sign_in(
    field_app, chromium, asgi_server, responder, tablet_device, dispatcher, team
):
    encounter = encounter_of(responder, dispatcher, team)
    context, tablet = field_app(responder, tablet_device)
    tablet.click(".call-card:has-text('Eastside Library')")
    tablet.wait_for_selector("[data-action=feedback-card]")
    context.set_offline(True)
    tablet.click("[data-action=feedback-card]")
    tablet.wait_for_selector("#feedback-card svg.card-qr path")
    link = tablet.inner_text("#card-link").strip()
    assert link.startswith(asgi_server.url + "/f/")
    assert tablet.get_attribute("#feedback-card svg.card-qr path", "d").count("h1v1") > 100
    tablet.emulate_media(media="print")
    assert tablet.is_visible("#feedback-card") and not tablet.is_visible(".card-tools")
    tablet.emulate_media(media="screen")
    assert not FeedbackCard.objects.exists()  # drawn on the tablet, with no signal
    context.set_offline(False)
    tablet.evaluate("FL.sync()")
    assert eventually(lambda: FeedbackCard.objects.filter(encounter=encounter).exists())

    phone = chromium.new_context(base_url=asgi_server.url, viewport=PHONE)
    page = phone.new_page()
    page.goto(link)  # as typed from the card: grouped with dashes
    page.wait_for_selector("h1:has-text('How did we do?')")
    assert_accessible(page)
    page.click("label:has(input[name=respect][value=yes])")
    page.click("label:has(input[name=needs_met][value=partly])")
    page.click("label:has(input[name=call_again][value=yes])")
    page.fill("textarea[name=comment]", "She sat with me until my sister came.")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Thank you')")
    assert_accessible(page)
    card = FeedbackCard.objects.get(encounter=encounter)
    assert (card.respect, card.needs_met, card.call_again) == ("yes", "partly", "yes")
    assert card.comment == "She sat with me until my sister came."
    page.goto(link)
    page.wait_for_selector("text=This card has already been answered.")
    phone.close()


def test_the_card_in_spanish_and_an_expired_card_on_a_phone(chromium, asgi_server, responder, dispatcher, team):
    encounter = encounter_of(responder, dispatcher, team)
    token = card_for(responder, encounter)
    expired = card_for(responder, encounter, expires_at=timezone.now() - timedelta(days=1))
    phone = chromium.new_context(base_url=asgi_server.url, viewport=PHONE)
    page = phone.new_page()
    page.goto(f"/f/{token}/")
    page.click("a:has-text('Español')")
    page.wait_for_selector("h1:has-text('¿Cómo lo hicimos?')")
    assert_accessible(page)
    page.click("label:has(input[name=respect][value=yes])")
    page.click("label:has(input[name=call_again][value=partly])")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Gracias')")
    card = FeedbackCard.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert (card.respect, card.needs_met, card.call_again, card.language) == ("yes", "", "partly", "es")
    page.goto(f"/f/{expired}/?lang=es")
    page.wait_for_selector("h1:has-text('Esta tarjeta ha vencido')")
    assert_accessible(page)
    page.goto(f"/f/{new_token()}/?lang=en")
    page.wait_for_selector("h1:has-text('We could not find this card')")
    phone.close()
