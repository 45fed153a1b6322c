"""Reads of the answers to the program's own encounter questions (apps/questions), for insights and
the de-identified export. Only the current version of each encounter counts; each answer is read as
the form version it was given under asked it, and questions are grouped across versions by key.

Short-text answers are counted as answered, never shown or exported (free text can name someone);
dates are given to the month only.
"""

from collections import Counter, defaultdict
from datetime import datetime

from django.db.models import F

from apps.incidents.models import EncounterVersion
from apps.questions.models import QuestionKind
from apps.questions.selectors import questions_by_version, questions_latest_by_key


def _current_answers(*, since: datetime | None = None, until: datetime | None = None, incident_ids=None):
    rows = EncounterVersion.objects.filter(number=F("encounter__current_version"), form_version__isnull=False)
    if since is not None:
        rows = rows.filter(encounter__created_at__gte=since)
    if until is not None:
        rows = rows.filter(encounter__created_at__lt=until)
    if incident_ids is not None:
        rows = rows.filter(encounter__incident_id__in=incident_ids)
    return list(
        rows.order_by("encounter__created_at").values_list(
            "form_version_id",
            "form_version__number",
            "encounter__incident__call_type__code",
            "answers",
            "encounter__incident_id",
        )
    )


def answer_words(kind: str, value) -> list[str]:
    """An answer as the values counted: yes/no, each chosen value, a number, a date's month."""
    if value is None or value == "" or value == []:
        return []
    if kind == QuestionKind.YES_NO:
        return ["yes" if value else "no"]
    if kind == QuestionKind.CHOICES:
        return [str(v) for v in value]
    if kind == QuestionKind.DATE:
        return [str(value)[:7]]
    if kind == QuestionKind.NUMBER:
        return [f"{value:g}"]
    if kind == QuestionKind.TEXT:
        return []
    return [str(value)]


def answer_counts(*, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    """Per question key: encounters that answered it, counts of each answer, by call type and by version.

    `asked` counts encounters whose form version holds the question, `answered` those that answered.
    """
    rows = _current_answers(since=since, until=until)
    by_version = questions_by_version({r[0] for r in rows})
    latest = questions_latest_by_key()
    found: dict[str, dict] = {}
    for version_id, number, call_type, answers, _incident in rows:
        for q in by_version.get(version_id, []):
            entry = found.setdefault(
                q.key,
                {
                    "asked": 0,
                    "answered": 0,
                    "values": Counter(),
                    "by_call_type": defaultdict(Counter),
                    "by_version": Counter(),
                },
            )
            entry["asked"] += 1
            value = (answers or {}).get(q.key)
            if value is None or value == "" or value == []:
                continue
            entry["answered"] += 1
            entry["by_version"][str(number)] += 1
            for word in answer_words(q.kind, value):
                entry["values"][word] += 1
                entry["by_call_type"][call_type or ""][word] += 1
    order = list(latest)
    result = []
    for key in sorted(found, key=lambda k: order.index(k) if k in order else len(order)):
        entry = found[key]
        q = latest.get(key)
        result.append(
            {
                "key": key,
                "label": q.label if q else key,
                "kind": q.kind if q else "",
                "asked": entry["asked"],
                "answered": entry["answered"],
                "values": dict(entry["values"]),
                "by_call_type": {code: dict(c) for code, c in sorted(entry["by_call_type"].items())},
                "by_version": dict(entry["by_version"]),
            }
        )
    return result


def answers_by_call(incident_ids) -> dict[int, dict[str, str]]:
    """For the export: per call, each question key's answers over its encounters ("yes", "a;b").

    `incident_ids` is a list or a query of ids.
    """
    rows = _current_answers(incident_ids=incident_ids)
    by_version = questions_by_version({r[0] for r in rows})
    words: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for version_id, _number, _call_type, answers, incident_id in rows:
        for q in by_version.get(version_id, []):
            for word in answer_words(q.kind, (answers or {}).get(q.key)):
                words[incident_id][q.key].add(word)
    return {pk: {key: ";".join(sorted(v)) for key, v in keys.items()} for pk, keys in words.items()}


def exported_questions() -> list:
    """The questions the export has a column for (every published key but short text), as last published."""
    return [q for q in questions_latest_by_key().values() if q.kind != QuestionKind.TEXT]


def answers_for_measures(*, since: datetime, until: datetime) -> list[tuple[datetime, str, str]]:
    """Each question answered on an encounter recorded in [since, until), its current version only:
    (encounter recorded at, call type code, question key). Never the answer itself."""
    rows = EncounterVersion.objects.filter(
        number=F("encounter__current_version"),
        form_version__isnull=False,
        encounter__created_at__gte=since,
        encounter__created_at__lt=until,
    ).values_list("form_version_id", "encounter__created_at", "encounter__incident__call_type__code", "answers")
    rows = list(rows)
    by_version = questions_by_version({r[0] for r in rows})
    found = []
    for version_id, at, call_type, answers in rows:
        for q in by_version.get(version_id, []):
            value = (answers or {}).get(q.key)
            if not (value is None or value == "" or value == []):
                found.append((at, call_type or "", q.key))
    return found


def question_labels(keys) -> dict[str, str]:
    """Each question key's label as last published (the key itself when it is gone)."""
    latest = questions_latest_by_key()
    return {key: str(latest[key].label) if key in latest else key for key in keys}
