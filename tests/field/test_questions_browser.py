"""The program's own questions on the tablet: "Was naloxone administered?" published from the admin
reaches an open tablet on its next refresh, is answered there with no signal (its follow-on question
shown only after "Yes", a required answer checked offline), and the answers sync with the version the
tablet used, even after a newer version was published meanwhile."""

import pytest

from apps.incidents.models import EncounterVersion
from apps.questions import services
from tests.field.browser import eventually, in_thread, pending, until
from tests.field.helpers import assigned_call
from tests.questions.helpers import DOSES, NALOXONE, draft_with, published_with

pytestmark = [pytest.mark.browser, pytest.mark.services]


def newer_version(supervisor, older):
    draft = services.form_version_draft_from(actor=supervisor, version_id=older.pk)
    draft.questions.filter(key="naloxone_doses").delete()
    return services.form_version_publish(actor=supervisor, version_id=draft.pk)


def test_a_question_published_in_the_admin_is_answered_offline_and_kept_with_its_version(
    field_app, browser_login, responder, tablet_device, dispatcher, team, supervisor
):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Alley behind 5th St")
    draft = draft_with(supervisor, NALOXONE, DOSES, note="Overdose questions")
    context, page = field_app(responder, tablet_device)
    assert page.evaluate("FL.state.boot.encounter_form") is None

    # The supervisor publishes it in the admin; the open tablet hears of it and fetches it.
    admin = browser_login(supervisor, path="/admin/questions/formversion/")
    admin.check(f"input[name=_selected_action][value='{draft.pk}']")
    admin.select_option("select[name=action]", "publish")
    admin.click("button[name=index]")
    admin.wait_for_selector(".messagelist:has-text('is published')")
    assert until(page, f"FL.state.boot.encounter_form && FL.state.boot.encounter_form.id === {draft.pk}", 20)

    # No signal from here: the question is on the form, from what the tablet holds.
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.click(".call-card:has-text('Alley behind 5th St')")
    page.click("[data-action=new-encounter]")
    questions = page.locator(".program-questions")
    questions.wait_for()
    assert questions.get_attribute("data-form-version") == str(draft.pk)
    assert "Was naloxone administered?" in questions.inner_text()
    assert page.locator("#q-naloxone_doses").count() == 0  # shown only after "Yes"
    page.click("[data-action=q-pick][data-question=naloxone][data-code=yes]")
    page.wait_for_selector("#q-naloxone_doses")
    page.click("[data-action=pick][data-field=disposition][data-code=resolved_on_scene]")
    page.click("[data-action=submit-form]")
    page.wait_for_selector(".question[data-key=naloxone_doses] .field-error:has-text('This question needs an answer.')")
    assert pending(page) == 0
    page.fill("#q-naloxone_doses", "12")
    page.click("[data-action=submit-form]")
    page.wait_for_selector(".question[data-key=naloxone_doses] .field-error:has-text('At most 10.')")
    page.fill("#q-naloxone_doses", "2")
    page.click("[data-action=submit-form]")
    page.wait_for_selector("body[data-view=calls]")
    assert pending(page) == 1
    page.click(".call-card:has-text('Alley behind 5th St')")
    answer = page.locator(".encounter dt:has-text('Was naloxone administered?') + dd")
    assert answer.inner_text() == "Yes"
    assert page.locator(".encounter dt:has-text('How many doses?') + dd").inner_text() == "2"

    # Meanwhile a newer version, without the follow-on question, is published.
    newer = in_thread(newer_version, supervisor, draft)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    stored = eventually(lambda: EncounterVersion.objects.filter(encounter__incident=incident).first())
    assert stored is not None
    assert stored.form_version_id == draft.pk and stored.answers == {"naloxone": True, "naloxone_doses": 2}
    assert until(page, f"FL.state.boot.encounter_form.id === {newer.pk}", 20)
    assert pending(page) == 0


def test_a_spanish_tablet_asks_the_question_in_spanish_with_no_signal(
    field_app, responder, tablet_device, dispatcher, team, supervisor
):
    assigned_call(dispatcher, team, location_text="Calle Colfax 1200")
    version = published_with(
        supervisor, {**NALOXONE, "help_text": "Any dose.", "help_text_es": "Cualquier dosis."}, DOSES
    )
    context, page = field_app(responder, tablet_device)
    page.select_option("#fl-language", "es")
    page.wait_for_selector("html[lang=es]")
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.click(".call-card:has-text('Calle Colfax 1200')")
    page.click("[data-action=new-encounter]")
    questions = page.locator(f".program-questions[data-form-version='{version.pk}']")
    questions.wait_for()
    assert "¿Se administró naloxona?" in questions.inner_text() and "Cualquier dosis." in questions.inner_text()
    page.click("[data-action=q-pick][data-question=naloxone][data-code=yes]")
    page.wait_for_selector(".question[data-key=naloxone_doses]:has-text('¿Cuántas dosis?')")
    assert page.inner_text("[data-action=q-pick][data-question=naloxone][data-code=yes]").endswith("Sí")
