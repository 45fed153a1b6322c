"""A published version of the program's questions, as a supervisor would make it in the admin."""

from apps.questions import services
from apps.questions.models import FormVersion, Question

NALOXONE = {
    "key": "naloxone",
    "kind": "yes_no",
    "label": "Was naloxone administered?",
    "label_es": "¿Se administró naloxona?",
}
DOSES = {
    "key": "naloxone_doses",
    "kind": "number",
    "label": "How many doses?",
    "label_es": "¿Cuántas dosis?",
    "required": True,
    "min_value": 1,
    "max_value": 10,
    "show_if_question": "naloxone",
    "show_if_answers": ["yes"],
}


def draft_with(supervisor, *questions, note="") -> FormVersion:
    version = services.form_version_save(actor=supervisor, version=FormVersion(note=note))
    for position, fields in enumerate(questions):
        services.question_save(actor=supervisor, question=Question(form_version=version, position=position, **fields))
    return version


def published_with(supervisor, *questions) -> FormVersion:
    version = draft_with(supervisor, *questions)
    return services.form_version_publish(actor=supervisor, version_id=version.pk)
