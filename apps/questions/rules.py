"""What a version's questions must be, and what an answer to them must be: pure checks, no writes.

The tablet (static/field/questions.js) applies the same rules offline; the server applies them again
to every answer it receives, against the version the tablet says it used, and keeps the answers with
that version (never mapped onto a newer one).
"""

from datetime import date

from django.utils.translation import gettext as _

from apps.questions.models import QuestionKind

TEXT_LIMIT = 500
KIND = QuestionKind
YES, NO = "yes", "no"


def choice_values(question) -> list[str]:
    if question.kind == KIND.YES_NO:
        return [YES, NO]
    return [str(c.get("value", "")) for c in question.choices or []]


def definition_problems(questions: list) -> list[str]:
    """Why a version cannot be published yet (empty when it can)."""
    problems: list[str] = []
    seen: dict[str, object] = {}
    for q in questions:
        name = q.key
        if q.key in seen:
            problems.append(_("Two questions use the key %(key)s.") % {"key": name})
        if q.kind in (KIND.CHOICE, KIND.CHOICES):
            values = choice_values(q)
            if len(values) < 2 or any(not v for v in values) or len(set(values)) != len(values):
                problems.append(_("%(key)s: give at least two choices, each with its own value.") % {"key": name})
        if q.kind == KIND.NUMBER and q.min_value is not None and q.max_value is not None and q.min_value > q.max_value:
            problems.append(_("%(key)s: the lowest number is above the highest.") % {"key": name})
        if q.show_if_question:
            earlier = seen.get(q.show_if_question)
            if earlier is None:
                problems.append(_("%(key)s: it can only depend on an earlier question.") % {"key": name})
            elif earlier.kind not in (KIND.YES_NO, KIND.CHOICE, KIND.CHOICES):
                problems.append(_("%(key)s: it can only depend on a yes-or-no or choice question.") % {"key": name})
            elif not q.show_if_answers or any(a not in choice_values(earlier) for a in q.show_if_answers):
                problems.append(
                    _("%(key)s: say which answers of %(earlier)s show it (%(values)s).")
                    % {"key": name, "earlier": earlier.key, "values": ", ".join(choice_values(earlier))}
                )
        seen[q.key] = q
    return problems


def _as_words(question, value) -> list[str]:
    """An answer as the words a condition compares (yes/no, or the chosen values)."""
    if value is None:
        return []
    if question.kind == KIND.YES_NO:
        return [YES if value else NO]
    if question.kind == KIND.CHOICES:
        return [str(v) for v in value]
    return [str(value)]


def shown(questions: list, answers: dict, call_type: str | None) -> set[str]:
    """The keys of the questions asked, given the answers so far and the call's type."""
    by_key = {q.key: q for q in questions}
    asked: set[str] = set()
    for q in questions:
        if q.call_types and (call_type or "") not in q.call_types:
            continue
        if q.show_if_question:
            earlier = by_key.get(q.show_if_question)
            if earlier is None or earlier.key not in asked:
                continue
            if not set(_as_words(earlier, answers.get(earlier.key))) & set(q.show_if_answers):
                continue
        asked.add(q.key)
    return asked


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _clean_one(question, value):
    """The answer in its stored form, or raises ValueError with the words to show."""
    kind = question.kind
    if kind == KIND.YES_NO:
        if not isinstance(value, bool):
            raise ValueError(_("Answer yes or no."))
        return value
    if kind == KIND.CHOICE:
        if not isinstance(value, str) or value not in choice_values(question):
            raise ValueError(_("Not one of the choices."))
        return value
    if kind == KIND.CHOICES:
        allowed = choice_values(question)
        if not isinstance(value, list) or any(not isinstance(v, str) or v not in allowed for v in value):
            raise ValueError(_("Not one of the choices."))
        return [v for v in allowed if v in value]
    if kind == KIND.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ValueError(_("Give a number."))
        if question.min_value is not None and value < question.min_value:
            raise ValueError(_("At least %(min)s.") % {"min": f"{question.min_value:g}"})
        if question.max_value is not None and value > question.max_value:
            raise ValueError(_("At most %(max)s.") % {"max": f"{question.max_value:g}"})
        return value
    if kind == KIND.DATE:
        try:
            if isinstance(value, str) and len(value) == 10:
                return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise ValueError(_("Give a date as YYYY-MM-DD."))
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(_("Give a short text."))
    value = value.strip()
    if len(value) > TEXT_LIMIT:
        raise ValueError(_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT})
    return value


def answers_problems(questions: list, answers: dict, call_type: str | None) -> tuple[dict, dict]:
    """(the cleaned answers, the problems by question key). Unanswered questions are left out."""
    known = {q.key for q in questions}
    problems: dict[str, list[str]] = {}
    for key in answers:
        if key not in known:
            problems[str(key)[:40]] = [_("Not a question of this version.")]
    cleaned: dict = {}
    for q in questions:
        if q.key in answers and not _empty(answers[q.key]):
            try:
                cleaned[q.key] = _clean_one(q, answers[q.key])
            except ValueError as error:
                problems[q.key] = [str(error)]
    asked = shown(questions, cleaned, call_type)
    for q in questions:
        if q.key in cleaned and q.key not in asked:
            problems[q.key] = [_("This question was not asked on this call.")]
        elif q.required and q.key in asked and q.key not in cleaned and q.key not in problems:
            problems[q.key] = [_("This question needs an answer.")]
    return cleaned, problems
