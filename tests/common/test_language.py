"""Each person reads Firstline in their language: chosen by URL, by their own choice, by the device,
or by the browser, in that order; pages and API refusals alike (docs/i18n.md)."""

import re

import pytest

from apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

# Words that are the same in both languages on purpose: names, codes, the other language's name.
SAME_IN_BOTH = {"English", "Español", "Firstline", "TOTP", "FreeOTP", "Aegis", "Google", "Microsoft", "/field/"}


def shown_text(html: str) -> list[str]:
    """The pieces of text a person sees (text between tags, and visible attributes)."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    pieces = re.findall(r"""(?:placeholder|title|alt|aria-label)=["']([^"']+)["']""", html)
    pieces += re.split(r"<[^>]*>", html)
    return [" ".join(piece.split()) for piece in pieces if re.search(r"[A-Za-z]{2}", piece)]


def english_left(spanish: str, english: str, allowed: set[str] = frozenset()) -> list[str]:
    """Text shown identically on the English and the Spanish page: not translated (names allowed)."""
    same = set(shown_text(spanish)) & set(shown_text(english))
    return sorted(text for text in same if not set(text.replace("·", " ").split()) <= SAME_IN_BOTH | set(allowed))


def test_the_sign_in_page_follows_the_browser_language_with_no_english_left(client, settings):
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert '<html lang="es">' in spanish and "Iniciar sesión" in spanish
    assert english_left(spanish, english, set(settings.FIRSTLINE_PROGRAM_NAME.split())) == []
    ended = client.get("/accounts/login/?ended=idle_timeout", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Se cerró su sesión" in ended


def test_a_public_page_is_reachable_in_a_language_by_url(client):
    page = client.get("/accounts/login/?lang=es", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "es" and "Iniciar sesión" in page.content.decode()
    assert "Sign in" in client.get("/accounts/login/?lang=xx", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_switch_sets_the_devices_language_and_strips_lang_from_the_way_back(client):
    page = client.get("/accounts/login/?lang=es&next=/board/").content.decode()
    assert 'name="next" value="/accounts/login/?next=%2Fboard%2F"' in page
    assert '<button type="submit" name="language" value="en" lang="en"' in page
    answer = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert answer.status_code == 302 and client.cookies["django_language"].value == "es"
    assert "Iniciar sesión" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_persons_own_language_beats_the_device_and_the_switch_remembers_it(client, dispatcher):
    client.cookies["django_language"] = "en"
    client.force_login(dispatcher)
    assert "Sign out" in client.get("/accounts/language/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    answer = client.post("/accounts/language/", {"language": "es"})
    assert answer.status_code == 302
    dispatcher.refresh_from_db()
    assert dispatcher.language == "es"
    assert AuditEntry.objects.filter(action="account.language", object_id=str(dispatcher.pk)).exists()
    assert "Cerrar sesión" in client.get("/accounts/language/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    dispatcher.refresh_from_db()
    assert dispatcher.language == "en"
    assert "Sign out" in client.get("/accounts/language/", HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_the_language_page_offers_the_devices_language_and_refuses_an_unknown_one(client, dispatcher):
    dispatcher.language = "es"
    dispatcher.save()
    client.force_login(dispatcher)
    page = client.get("/accounts/language/").content.decode()
    assert "El idioma del dispositivo" in page
    assert client.post("/accounts/language/", {"language": "xx"}).status_code == 400
    client.post("/accounts/language/", {"language": ""})
    dispatcher.refresh_from_db()
    assert dispatcher.language == ""
    assert "Sign out" in client.get("/accounts/language/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_api_refusals_speak_the_requested_language(api):
    refused = api.get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="es")
    assert refused.status_code in (401, 403)
    assert refused["Content-Language"] == "es"
    english = api.get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert refused.json()["detail"] != english and "autenticación" in refused.json()["detail"]
