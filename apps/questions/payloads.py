"""The one wire shape of a published version: what the tablet's bootstrap carries, in both languages
(the tablet switches language with no network)."""


def question_payload(question) -> dict:
    show_if = (
        {"question": question.show_if_question, "answers": list(question.show_if_answers)}
        if question.show_if_question
        else None
    )
    return {
        "key": question.key,
        "kind": question.kind,
        "label": {"en": question.label, "es": question.label_es or question.label},
        "help": {"en": question.help_text, "es": question.help_text_es or question.help_text},
        "required": question.required,
        "choices": [
            {
                "value": c["value"],
                "label": {"en": c.get("label", c["value"]), "es": c.get("label_es") or c.get("label")},
            }
            for c in question.choices or []
        ],
        "min": question.min_value,
        "max": question.max_value,
        "show_if": show_if,
        "call_types": list(question.call_types or []),
    }


def form_payload(version, questions) -> dict:
    return {
        "id": version.pk,
        "number": version.number,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "questions": [question_payload(q) for q in questions],
    }
