"""Drafting and publishing the program's encounter questions: the rules, the audit, the tablets' event."""

import pytest

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError, PermissionRefused
from apps.questions import services
from apps.questions.models import FormVersion, Question
from apps.questions.selectors import form_for_tablet
from apps.streams.models import Event
from apps.streams.names import team_stream
from tests.questions.helpers import DOSES, NALOXONE, draft_with, published_with

pytestmark = pytest.mark.django_db


def test_publishing_freezes_the_version_tells_every_team_and_is_audited(supervisor, team, other_team):
    version = published_with(supervisor, NALOXONE, DOSES)
    assert version.published_at is not None and version.published_by == supervisor
    for t in (team, other_team):
        event = Event.objects.get(stream=team_stream(t.pk), kind="encounter.form_published")
        assert event.data == {"form_version": version.pk, "number": version.number}
    entry = AuditEntry.objects.get(action="encounter_form.publish")
    assert entry.actor == supervisor and entry.detail["questions"] == ["naloxone", "naloxone_doses"]
    form = form_for_tablet()
    assert form["id"] == version.pk
    assert [q["key"] for q in form["questions"]] == ["naloxone", "naloxone_doses"]
    assert form["questions"][0]["label"] == {"en": "Was naloxone administered?", "es": "¿Se administró naloxona?"}
    assert form["questions"][1]["show_if"] == {"question": "naloxone", "answers": ["yes"]}


def test_a_published_version_never_changes_and_editing_starts_a_new_draft(supervisor):
    version = published_with(supervisor, NALOXONE)
    question = version.questions.get()
    question.label = "Changed"
    with pytest.raises(ApplicationError):
        services.question_save(actor=supervisor, question=question)
    with pytest.raises(ApplicationError):
        services.question_save(
            actor=supervisor, question=Question(form_version=version, key="x", kind="text", label="X")
        )
    with pytest.raises(ApplicationError):
        services.form_version_publish(actor=supervisor, version_id=version.pk)
    assert Question.objects.get(pk=question.pk).label == NALOXONE["label"]
    draft = services.form_version_draft_from(actor=supervisor, version_id=version.pk)
    assert draft.number == version.number + 1 and not draft.published and draft.based_on == version
    assert list(draft.questions.values_list("key", flat=True)) == ["naloxone"]
    copy = draft.questions.get()
    copy.label = "Was naloxone given?"
    services.question_save(actor=supervisor, question=copy)
    assert version.questions.get().label == NALOXONE["label"]
    assert form_for_tablet()["id"] == version.pk  # a draft goes to no tablet


def test_a_version_that_does_not_hold_together_is_not_published(supervisor):
    lonely = {**DOSES, "show_if_question": "missing"}
    version = draft_with(supervisor, lonely)
    with pytest.raises(ApplicationError) as refused:
        services.form_version_publish(actor=supervisor, version_id=version.pk)
    assert "earlier question" in refused.value.message
    one_choice = {"key": "route", "kind": "choice", "label": "Route", "choices": [{"value": "nasal", "label": "Nasal"}]}
    version = draft_with(supervisor, one_choice)
    with pytest.raises(ApplicationError):
        services.form_version_publish(actor=supervisor, version_id=version.pk)
    empty = draft_with(supervisor)
    with pytest.raises(ApplicationError):
        services.form_version_publish(actor=supervisor, version_id=empty.pk)
    assert not FormVersion.objects.filter(published_at__isnull=False).exists()


def test_only_supervisors_design_the_questions(responder, dispatcher):
    for someone in (responder, dispatcher):
        with pytest.raises(PermissionRefused):
            services.form_version_save(actor=someone, version=FormVersion())
