"""The only writers of encounter questions: drafting a version, its questions, publishing it.

A supervisor drafts; publishing freezes the version for good and tells every team's tablet
(`encounter.form_published`, which makes a tablet fetch its bootstrap again). A published version
is never edited; `form_version_draft_from` starts the next draft from it.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.questions.models import FormVersion, Question
from apps.questions.rules import definition_problems
from apps.streams.names import team_stream
from apps.streams.services import streams_append
from apps.teams.models import Team

PUBLISHED = _("This version is published and never changes. Start a new draft from it.")


def _check_supervisor(actor) -> None:
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors design the encounter questions."))


def _next_number() -> int:
    # Locking the newest row makes two supervisors' new drafts take different numbers.
    last = FormVersion.objects.select_for_update().order_by("-number").values_list("number", flat=True)[:1]
    return (list(last) or [0])[0] + 1


def _draft(version_id) -> FormVersion:
    version = FormVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        raise NotFound(_("No such form version."))
    if version.published:
        raise ApplicationError(PUBLISHED)
    return version


def form_version_save(*, actor, version: FormVersion, changed: list[str] | None = None) -> FormVersion:
    """Create a draft (numbered next) or change a draft's note."""
    _check_supervisor(actor)
    with transaction.atomic():
        if version.pk is None:
            version.number = _next_number()
            version.created_by = actor
            version.published_at = None
            version.published_by = None
            version.full_clean()
            version.save()
        else:
            _draft(version.pk)
            version.full_clean()
            version.save(update_fields=["note"])
        audit_record(actor=actor, action="encounter_form.draft", obj=version, detail={"fields": changed or []})
    return version


def question_save(*, actor, question: Question, changed: list[str] | None = None) -> Question:
    """Add or change a question of a draft."""
    _check_supervisor(actor)
    with transaction.atomic():
        version = _draft(question.form_version_id)
        question.full_clean()
        question.save()
        audit_record(
            actor=actor,
            action="encounter_form.question",
            obj=version,
            detail={"question": question.key, "fields": changed or [], "removed": False},
        )
    return question


def question_remove(*, actor, question: Question) -> None:
    _check_supervisor(actor)
    with transaction.atomic():
        version = _draft(question.form_version_id)
        key = question.key
        question.delete()
        audit_record(
            actor=actor,
            action="encounter_form.question",
            obj=version,
            detail={"question": key, "fields": [], "removed": True},
        )


def form_version_publish(*, actor, version_id) -> FormVersion:
    """Freeze a draft and send it to every team's tablets on their next refresh."""
    _check_supervisor(actor)
    with transaction.atomic():
        version = _draft(version_id)
        questions = list(version.questions.order_by("position", "id"))
        if not questions:
            raise ApplicationError(_("Add at least one question before publishing."))
        problems = definition_problems(questions)
        if problems:
            raise ApplicationError(" ".join(problems), extra={"questions": problems})
        version.published_at = timezone.now()
        version.published_by = actor
        version.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=actor,
            action="encounter_form.publish",
            obj=version,
            detail={"number": version.number, "questions": [q.key for q in questions]},
        )
        teams = Team.objects.filter(active=True).values_list("pk", flat=True)
        streams_append(
            streams=[team_stream(pk) for pk in teams],
            kind="encounter.form_published",
            data={"form_version": version.pk, "number": version.number},
        )
    return version


def form_version_draft_from(*, actor, version_id) -> FormVersion:
    """A new draft holding a copy of a version's questions: how a published version is "edited"."""
    _check_supervisor(actor)
    with transaction.atomic():
        source = FormVersion.objects.filter(pk=version_id).first()
        if source is None:
            raise NotFound(_("No such form version."))
        draft = FormVersion(
            number=_next_number(),
            based_on=source,
            created_by=actor,
            note=_("Based on version %(number)s") % {"number": source.number},
        )
        draft.save()
        copies = []
        for q in source.questions.order_by("position", "id"):
            q.pk = None
            q.form_version = draft
            copies.append(q)
        Question.objects.bulk_create(copies)
        audit_record(
            actor=actor,
            action="encounter_form.draft",
            obj=draft,
            detail={"fields": [], "based_on": source.number},
        )
    return draft
