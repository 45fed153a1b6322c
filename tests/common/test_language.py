"""Each person reads Firstline in their language: chosen by URL, by their own choice, by the device,
or by the browser, in that order; pages and API refusals alike (docs/i18n.md)."""

import re

import pytest

from apps.audit.models import AuditEntry
from tests.intake.conftest import policy  # noqa: F401 (the screening page needs a published policy)

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
    from django.conf import settings

    same = set(shown_text(spanish)) & set(shown_text(english))
    allowed = SAME_IN_BOTH | set(allowed) | set(settings.FIRSTLINE_PROGRAM_NAME.split())
    return sorted(text for text in same if not set(text.replace("·", " ").split()) <= allowed)


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
    assert '<footer class="page-footer">' in page and 'name="language" value="en" lang="en"' in page
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


def test_the_services_refusals_and_field_messages_speak_spanish_and_keep_their_codes(api, responder):
    refused = api.post("/api/v1/devices/enroll/", {"enrollment_code": "NOPE"}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert refused.status_code == 401
    assert refused.json()["code"] == "enrollment_refused"
    assert refused.json()["detail"].startswith("Este código de registro no es válido")
    api.login_as(responder)
    board = api.get("/api/v1/board/", HTTP_ACCEPT_LANGUAGE="es")
    assert board.status_code == 403 and board.json()["detail"] == "El tablero es para despachadores y supervisores."
    position = api.post(
        f"/api/v1/teams/{responder.team_id_current}/position/",
        {"latitude": 120, "longitude": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    in_english = api.post(
        f"/api/v1/teams/{responder.team_id_current}/position/", {"latitude": 120, "longitude": 0}, format="json"
    )
    assert position.status_code == in_english.status_code == 400
    assert position.json().keys() == in_english.json().keys() == {"latitude"}  # the same field names
    assert position.json()["latitude"] != in_english.json()["latitude"]


def test_the_partner_inbox_is_in_spanish_with_no_english_left(client, partner_user):
    client.force_login(partner_user)
    english = client.get("/partners/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/partners/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Aviso a quien la recibe" in spanish and "No hay derivaciones aquí." in spanish
    allowed = {*partner_user.partner_organization.name.split(), *partner_user.get_full_name().split(), "(partner-a)"}
    assert english_left(spanish, english, allowed | {partner_user.username, "Part", "CFR", "42", "(42", "2)"}) == []


def test_the_screening_page_is_in_spanish_with_no_english_left(client, call_taker, policy):  # noqa: F811
    client.force_login(call_taker)
    english = client.get("/intake/screen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/intake/screen/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Evaluar una llamada" in spanish and "¿Se sabe si alguien tiene un arma?" in spanish
    names = {*call_taker.get_full_name().split(), call_taker.username, f"({call_taker.username})"}
    codes = {"Alt+T", "Alt+L", "Alt+S", "Alt+C", "Alt+O", "Alt+D", "Alt+N", "Y", "N", "U", "/", "v1"}
    policy_name = {*policy.policy.name.split(), f"v{policy.number}"}  # data the program named
    assert english_left(spanish, english, names | codes | policy_name | {"No"}) == []


def test_dates_and_numbers_follow_the_language_and_the_programs_clock(settings):
    from datetime import UTC, datetime

    from django.utils import translation

    from apps.common.formats import number, when

    settings.FIRSTLINE_PROGRAM_TIME_ZONE = "America/Denver"
    moment = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # 11:30 in Denver
    with translation.override("es"):
        assert when(moment) == "01/12/2026 11:30"
        assert number(1234.5, 1) == "1\xa0234,5"  # Spanish groups thousands with a (no-break) space
    with translation.override("en"):
        assert when(moment).startswith("12/01/2026 11:30")
        assert number(1234.5, 1) == "1,234.5"
    assert when(None) == ""
    with translation.override("es"):
        assert when("2026-12-01T18:30:00+00:00") == "01/12/2026 11:30"  # as payloads carry it


def test_stored_screening_reasons_are_shown_in_the_readers_language(policy):  # noqa: F811
    """Decisions keep the engine's English; the page rebuilds each sentence from the catalog."""
    from django.utils import translation

    from apps.intake.wording import reason_text

    with translation.override("es"):
        assert reason_text("Welfare check calls are taken: alternative response (our team alone).") == (
            "Las llamadas de tipo «Comprobación de bienestar» se atienden: respuesta alternativa (solo nuestro equipo)."
        )
        assert reason_text("Not yet safe to decide: no answer to Is anyone known to have a weapon.") == (
            "Todavía no es seguro decidir: falta la respuesta a Se sabe si alguien tiene un arma."
        )
        assert reason_text("A weapon is involved.") == "Hay un arma de por medio."
        assert reason_text("A reason the program wrote itself.") == "A reason the program wrote itself."
    with translation.override("en"):
        assert reason_text("A weapon is involved.") == "A weapon is involved."
