"""The screening API answers in the requested language: reasons are recorded in English and shown
translated, call types by their name in that language; the demo's call types carry Spanish names."""

import pytest

from apps.incidents.models import CallType
from apps.intake.models import ScreeningDecision
from tests.intake.test_apis import screen_body

pytestmark = pytest.mark.django_db


def test_a_dry_run_in_spanish_gives_its_reasons_in_spanish(policy, api, call_taker):
    api.login_as(call_taker)
    body = screen_body(dry_run=True, answers={"violence_or_threats": "yes"})
    spanish = api.post("/api/v1/intake/screen/?lang=es", body, format="json").json()["reasons"]
    english = api.post("/api/v1/intake/screen/?lang=en", body, format="json").json()["reasons"]
    assert english[:2] == [
        "Welfare check calls are taken: alternative response (our team alone).",
        "Violence or threats: police respond with the team.",
    ]
    assert spanish[:2] == [
        "Las llamadas de tipo «Comprobación de bienestar» se atienden: respuesta alternativa (solo nuestro equipo).",
        "Violencia o amenazas: la policía responde con el equipo.",
    ]
    assert spanish[-1] == "No se preguntó o no se sabe: Hay un delito en curso."


def test_a_decision_keeps_its_english_reasons_and_answers_in_the_readers_language(policy, api, call_taker, dispatcher):
    api.login_as(call_taker)
    created = api.post("/api/v1/intake/screen/?lang=es", screen_body(), format="json")
    assert created.status_code == 201, created.content
    decision = ScreeningDecision.objects.get(pk=created.json()["id"])
    assert decision.reasons[0] == "Welfare check calls are taken: alternative response (our team alone)."
    assert created.json()["recorded_reasons"] == decision.reasons
    assert created.json()["reasons"][0] != decision.reasons[0]
    api.login_as(dispatcher)
    again = api.get(f"/api/v1/intake/decisions/{decision.pk}/?lang=en").json()
    assert again["reasons"] == decision.reasons


def test_the_policy_names_its_call_types_in_the_readers_language(policy, api, call_taker):
    api.login_as(call_taker)
    spanish = api.get("/api/v1/intake/policy/?lang=es").json()["policy"]["call_types"]
    assert {"welfare_check": "Comprobación de bienestar"}.items() <= {c["code"]: c["name"] for c in spanish}.items()


def test_a_supervisors_own_spanish_name_is_what_the_reasons_say(policy, api, call_taker):
    CallType.objects.filter(code="welfare_check").update(names={"es": "Ver cómo está alguien"})
    api.login_as(call_taker)
    body = screen_body(dry_run=True)
    reasons = api.post("/api/v1/intake/screen/?lang=es", body, format="json").json()["reasons"]
    assert "Ver cómo está alguien" in reasons[0]


def test_the_demo_call_types_have_spanish_names(policy):
    names = dict(CallType.objects.values_list("code", "names"))
    assert names["welfare_check"] == {"es": "Comprobación de bienestar"}
    assert all(n.get("es") for n in names.values())
