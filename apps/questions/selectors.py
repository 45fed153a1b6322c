"""Reads of the program's encounter questions: the version tablets answer now, and any published one
an answer names. Counts of the answers live with the encounters (apps/incidents/answers.py)."""

from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.questions.models import FormVersion, Question
from apps.questions.payloads import form_payload
from apps.questions.rules import answers_problems


def form_current() -> FormVersion | None:
    """The newest published version: what a tablet gets on its next refresh."""
    return FormVersion.objects.filter(published_at__isnull=False).order_by("-number").first()


def form_questions(version: FormVersion) -> list[Question]:
    return list(version.questions.order_by("position", "id"))


def form_published(*, version_id) -> FormVersion | None:
    """A published version by id (drafts are never answered); None for anything else."""
    try:
        pk = int(version_id)
    except (TypeError, ValueError):
        return None
    return FormVersion.objects.filter(pk=pk, published_at__isnull=False).first()


def form_for_tablet() -> dict | None:
    version = form_current()
    return form_payload(version, form_questions(version)) if version else None


def questions_by_version(version_ids) -> dict[int, list[Question]]:
    found: dict[int, list[Question]] = {}
    for q in Question.objects.filter(form_version_id__in=set(version_ids)).order_by("position", "id"):
        found.setdefault(q.form_version_id, []).append(q)
    return found


def questions_latest_by_key() -> dict[str, Question]:
    """Each key's question as last published (its words name the key in counts and the export)."""
    latest: dict[str, Question] = {}
    rows = Question.objects.filter(form_version__published_at__isnull=False).select_related("form_version")
    for q in rows.order_by("form_version__number", "position"):
        latest[q.key] = q
    return latest


def answers_checked(*, custom: dict, call_type: str | None) -> tuple[FormVersion, dict]:
    """The published version `custom["version"]` names and the answers cleaned against it.

    Refused (400, field errors under `custom`) for an unknown or draft version, an answer of the
    wrong type, one to a question not asked, or a required question left out.
    """
    if not isinstance(custom, dict):
        raise ApplicationError(
            _("The answers to the program's questions are malformed."), extra={"custom": [_("Must be an object.")]}
        )
    version = form_published(version_id=custom.get("version"))
    if version is None:
        raise ApplicationError(
            _("These answers name a form version the server does not know."),
            extra={"custom": {"version": [_("Not a published form version.")]}},
        )
    answers = custom.get("answers") or {}
    if not isinstance(answers, dict):
        raise ApplicationError(
            _("The answers to the program's questions are malformed."),
            extra={"custom": {"answers": [_("Must be an object, by question key.")]}},
        )
    cleaned, problems = answers_problems(form_questions(version), answers, call_type)
    if problems:
        raise ApplicationError(
            _("Some answers to the program's questions need a look."), extra={"custom": {"answers": problems}}
        )
    return version, cleaned
