"""The supervisor's way in: a draft with "Was naloxone administered?" written in the admin, published
with the admin action, then read-only; changing it starts a new draft."""

import pytest

from apps.audit.models import AuditEntry
from apps.questions.models import FormVersion
from apps.questions.selectors import form_for_tablet
from tests.admin_pages import client_for, inline_management_data, url_for

pytestmark = pytest.mark.django_db

PREFIX = "questions"


def question_rows(*rows) -> dict:
    data = {}
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"{PREFIX}-{n}-{name}"] = value
    return data


def test_a_supervisor_adds_a_question_in_the_admin_and_publishes_it(supervisor):
    client = client_for(supervisor)
    add = client.get(url_for(FormVersion, "add"))
    assert add.status_code == 200
    management = {**inline_management_data(add), f"{PREFIX}-TOTAL_FORMS": "2"}
    response = client.post(
        url_for(FormVersion, "add"),
        {
            "note": "Overdose follow-up",
            **management,
            **question_rows(
                {
                    "position": "1",
                    "key": "naloxone",
                    "kind": "yes_no",
                    "label": "Was naloxone administered?",
                    "label_es": "¿Se administró naloxona?",
                    "help_text": "Any dose, by anyone on scene.",
                },
                {
                    "position": "2",
                    "key": "naloxone_route",
                    "kind": "choice",
                    "label": "How was it given?",
                    "required": "on",
                    "choices_text": "nasal | Nasal spray | Aerosol nasal\ninjection | Injection | Inyección",
                    "show_if_question": "naloxone",
                    "show_if_text": "yes",
                },
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = FormVersion.objects.get()
    assert not version.published and version.created_by == supervisor
    route = version.questions.get(key="naloxone_route")
    assert route.choices[1] == {"value": "injection", "label": "Injection", "label_es": "Inyección"}
    assert route.show_if_answers == ["yes"] and route.required
    assert form_for_tablet() is None  # a draft goes to no tablet

    published = client.post(
        url_for(FormVersion, "changelist"), {"action": "publish", "_selected_action": [version.pk]}, follow=True
    )
    assert "is published" in published.content.decode()
    version.refresh_from_db()
    assert version.published and version.published_by == supervisor
    assert [q["key"] for q in form_for_tablet()["questions"]] == ["naloxone", "naloxone_route"]
    assert AuditEntry.objects.filter(action="encounter_form.publish", actor=supervisor).count() == 1
    assert AuditEntry.objects.filter(action="encounter_form.question").count() == 2

    # Published: the page opens read-only and a posted change does nothing.
    page = client.get(url_for(FormVersion, "change", version.pk))
    assert page.status_code == 200 and 'name="note"' not in page.content.decode()
    client.post(url_for(FormVersion, "change", version.pk), {"note": "edited", **management})
    version.refresh_from_db()
    assert version.note == "Overdose follow-up"

    client.post(url_for(FormVersion, "changelist"), {"action": "new_draft", "_selected_action": [version.pk]})
    draft = FormVersion.objects.get(based_on=version)
    assert not draft.published and draft.questions.count() == 2


def test_publishing_a_version_that_does_not_hold_together_says_why(supervisor):
    client = client_for(supervisor)
    add = client.get(url_for(FormVersion, "add"))
    client.post(
        url_for(FormVersion, "add"),
        {
            "note": "",
            **{**inline_management_data(add), f"{PREFIX}-TOTAL_FORMS": "1"},
            **question_rows(
                {"position": "1", "key": "dose", "kind": "number", "label": "Doses", "show_if_question": "nope"}
            ),
        },
    )
    version = FormVersion.objects.get()
    answer = client.post(
        url_for(FormVersion, "changelist"), {"action": "publish", "_selected_action": [version.pk]}, follow=True
    )
    assert "it can only depend on an earlier question" in answer.content.decode()
    version.refresh_from_db()
    assert not version.published
