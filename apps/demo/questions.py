"""Riverton's own encounter questions: version 1 asks "Was naloxone administered?" and, only after a
yes, how many doses. Published through the questions services before the week's history is played,
so the week's encounters answer it (chosen from each call's number, not the shared random stream).
Idempotent: a second `load_demo` publishes nothing new.
"""

from apps.questions.models import FormVersion, Question
from apps.questions.selectors import form_current
from apps.questions.services import form_version_publish, form_version_save, question_save

QUESTIONS = (
    {
        "key": "naloxone",
        "kind": "yes_no",
        "label": "Was naloxone administered?",
        "label_es": "¿Se administró naloxona?",
        "help_text": "Any dose, by anyone on scene, before or after the team arrived.",
        "help_text_es": "Cualquier dosis, por cualquier persona en el lugar, antes o después de llegar el equipo.",
    },
    {
        "key": "naloxone_doses",
        "kind": "number",
        "label": "How many doses?",
        "label_es": "¿Cuántas dosis?",
        "required": True,
        "min_value": 1,
        "max_value": 10,
        "show_if_question": "naloxone",
        "show_if_answers": ["yes"],
    },
)


def published_form(*, actor) -> FormVersion:
    """The demo's version 1, published once."""
    current = form_current()
    if current is not None:
        return current
    version = form_version_save(actor=actor, version=FormVersion(note="Naloxone on scene (demo)"))
    for position, fields in enumerate(QUESTIONS):
        question_save(actor=actor, question=Question(form_version=version, position=position, **fields))
    return form_version_publish(actor=actor, version_id=version.pk)


def answers_for(call_number: int) -> dict | None:
    """The answers a demo encounter gives: about one call in nine had naloxone given, once or twice."""
    form = form_current()
    if form is None or not form.questions.filter(key="naloxone").exists():
        return None
    if call_number % 9 == 4:
        return {"version": form.pk, "answers": {"naloxone": True, "naloxone_doses": 1 + call_number % 2}}
    return {"version": form.pk, "answers": {"naloxone": False}}
