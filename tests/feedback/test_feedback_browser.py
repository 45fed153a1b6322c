"""The public feedback form on a phone, with no sign-in: reachable from the transparency pages,
sent with the keyboard-free taps a phone user makes, and free of serious accessibility problems."""

import pytest

from apps.feedback.models import CommunityFeedback
from tests.a11y import assert_accessible
from tests.field.browser import eventually

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_resident_sends_a_suggestion_from_a_phone_in_spanish(chromium, asgi_server):
    context = chromium.new_context(base_url=asgi_server.url, viewport=PHONE, locale="es-MX")
    page = context.new_page()
    page.goto("/transparency/?lang=es")
    page.click("a[href$='/transparency/feedback/']")
    page.wait_for_selector("h1:has-text('Cuéntenos cómo lo estamos haciendo')")
    assert_accessible(page)
    page.check("input[value=suggestion]")
    page.fill("textarea[name=message]", "Pongan el número del equipo en los autobuses.")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Gracias')")
    assert_accessible(page)
    assert eventually(lambda: CommunityFeedback.objects.filter(kind="suggestion", language="es").exists())
    context.close()
