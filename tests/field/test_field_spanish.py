"""A Spanish-speaking responder's whole journey on the tablet, online and offline, with no English on screen:
choose Spanish on the tablet, enroll, sign in, receive a call, document it with no signal, reopen the
app with no signal (the catalog comes from the service worker's cache), then sync. The call's type
shows by the Spanish name the program gave it."""

import pytest

from apps.incidents.models import Encounter
from tests.common.spanish import english_left
from tests.factories import PASSWORD, CallTypeFactory, DeviceFactory, enrollment_code_for
from tests.field.browser import eventually, in_thread
from tests.field.conftest import TABLET
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]

CALL = {
    "location_text": "Calle Colfax 1200",
    "summary": "Persona dormida en una entrada, no responde",
    "caller_notes": "Quien llama dice que está ahí desde la mañana.",
    "safety_flags": ["perro en el lugar"],
    "call_type": "welfare_check",
}


def no_english(page):
    assert english_left(page) == []


def test_a_responder_works_a_call_in_spanish_online_and_offline(chromium, asgi_server, responder, team, dispatcher):
    CallTypeFactory(code="welfare_check", name="Welfare check", names={"es": "Comprobación de bienestar"})
    tablet = DeviceFactory(team=team, name="Tableta de la unidad A")
    context = chromium.new_context(base_url=asgi_server.url, viewport=TABLET)
    page = context.new_page()
    page.goto("/field/")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#fl-language", "es")  # the tablet's own choice, kept on it
    page.wait_for_selector("html[lang=es] #enroll-form:has-text('Código de registro')")
    no_english(page)

    page.fill("#fl-enroll-code", enrollment_code_for(tablet))
    page.click("#enroll-form button[type=submit]")
    page.wait_for_selector("#login-form")
    no_english(page)
    page.fill("#fl-username", responder.username)
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-boot=loaded]", timeout=20000)
    page.wait_for_function("() => document.body.dataset.sw === 'ready'", timeout=20000)
    page.wait_for_function("() => document.body.dataset.conn === 'live'", timeout=15000)

    in_thread(assigned_call, dispatcher, team, **CALL)  # the call arrives while the app is open
    # The new call takes over the screen, in Spanish too.
    page.wait_for_selector("#new-call:has-text('Calle Colfax 1200')", timeout=15000)
    page.wait_for_selector("#new-call:has-text('Comprobación de bienestar')")
    no_english(page)

    context.set_offline(True)
    page.wait_for_selector("body[data-conn=offline]")
    page.click("#new-call-ack")  # acknowledged (queued) and the call opens
    page.wait_for_selector("[data-action=new-encounter]")
    page.click("[data-action=new-encounter]")
    page.click("[data-field=followup_needed]")
    no_english(page)  # the form: needs, services, endings and follow-up choices come from the server
    page.click(".big-choices .chip >> nth=0")
    page.fill("#narrative", "Aceptó una cama en el albergue.")
    page.click("[data-action=submit-form]")
    page.wait_for_selector("#message:has-text('Atención guardada')")  # back on the calls list, saying so
    assert "Se enviará cuando haya señal" in page.inner_text("#message")
    no_english(page)

    page.reload()  # no network: the shell, the modules and the Spanish catalog come from the cache
    page.wait_for_selector("body[data-view=locked]")
    page.wait_for_selector("#login-form:has-text('Contraseña')")
    no_english(page)
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])")
    page.wait_for_selector("#pending:has-text('esperando para sincronizar')")
    no_english(page)

    context.set_offline(False)
    page.wait_for_selector("body[data-pending='0']", timeout=20000)
    assert eventually(lambda: Encounter.objects.filter(incident__location_text=CALL["location_text"]).exists())
    page.click(".nav-btn[data-view=calls]")
    page.click(".call-card:has-text('Calle Colfax 1200')")
    page.wait_for_selector(".encounter:has-text('Aceptó una cama')")
    no_english(page)
    context.close()
