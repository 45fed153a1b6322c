"""The call-taker's screening page: one screen, keyboard first, the policy in force, a recorded decision.

The page is a plain form (it works without JavaScript); "Check" shows what the policy says and why,
"Confirm" records the decision through call_screen, which creates the incident or the handback.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.roles import can_create_incident
from apps.common import callers
from apps.common.errors import ApplicationError
from apps.incidents.models import CallType, LocationSource, Source
from apps.intake import selectors, services
from apps.intake.models import ResponseType, ScreeningDecision

ANSWER_CHOICES = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")), ("unknown", gettext_lazy("Unknown"))]
NOT_YET_SAFE_LABEL = gettext_lazy("Not yet safe to decide")
SHORTCUTS = [
    ("Alt+T", gettext_lazy("Call type")),
    ("Alt+L", gettext_lazy("Location")),
    ("Alt+S", gettext_lazy("What is happening")),
    ("Y / N / U", gettext_lazy("Answer the focused question and go to the next")),
    ("Alt+C", gettext_lazy("Check eligibility")),
    ("Alt+O", gettext_lazy("Override the result")),
    ("Alt+D", gettext_lazy("Confirm the decision")),
    ("Alt+N", gettext_lazy("New call")),
]


def _form_values(post) -> dict:
    return {
        "call_type": post.get("call_type", ""),
        "location_text": post.get("location_text", "").strip(),
        "summary": post.get("summary", "").strip(),
        "callback": post.get("callback", "").strip(),
        "caller_name": post.get("caller_name", "").strip(),
        "caller_language": post.get("caller_language", "").strip(),
        "source": post.get("source", Source.NINE_ONE_ONE),
        "latitude": post.get("latitude", "").strip(),
        "longitude": post.get("longitude", "").strip(),
        "override": post.get("override", ""),
        "override_reason": post.get("override_reason", "").strip(),
        "incident": post.get("incident", "").strip(),
        "location_picked": post.get("location_picked", "") == "1",
    }


def _held_values(incident) -> dict:
    """A call from a call center, held on the board: the page starts from what the center sent."""
    return {
        "call_type": incident.call_type.code if incident.call_type_id else "",
        "location_text": incident.location_text,
        "summary": incident.summary,
        "callback": callers.callback_display(incident.callback) if incident.callback else "",
        "caller_name": incident.caller_name,
        "caller_language": incident.caller_language,
        "source": incident.source,
        "latitude": "" if incident.latitude is None else str(incident.latitude),
        "longitude": "" if incident.longitude is None else str(incident.longitude),
        "override": "",
        "override_reason": "",
        "incident": str(incident.pk),
        "location_picked": incident.location_source == LocationSource.PICKED,
    }


def _coordinates(values: dict, errors: dict) -> tuple[float | None, float | None]:
    lat, lon = values["latitude"], values["longitude"]
    if not lat and not lon:
        return None, None
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        errors["latitude"] = [_("Give both latitude and longitude as numbers, or leave both empty.")]
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["latitude"] = [_("Those coordinates are out of range.")]
        return None, None
    return latitude, longitude


# The order fields appear on the page: the first one with an error gets the focus.
FIELD_ORDER = ["call_type", "location_text", "summary", "callback", "caller_name", "caller_language", "latitude"]


def _field_errors(errors: dict, questions) -> dict:
    """Errors keyed by the form field they belong to (answers.<key> and unanswered keys become q_<key>)."""
    out = {
        k: v for k, v in errors.items() if k != "__all__" and isinstance(v, list) and k not in {"answers", "unanswered"}
    }
    texts = {q.key: q.text for q in questions}
    for key in errors.get("unanswered", []):
        question = _(texts.get(key, key))  # the demo's questions are in the catalog; a program's own are not
        out[f"q_{key}"] = [
            _("Ask this: \u201c%(question)s\u201d A safety question needs yes or no.") % {"question": question}
        ]
    if "answers" in errors and not errors.get("unanswered"):
        out["answers"] = errors["answers"]
    return out


@login_required
def screen(request):
    if not can_create_incident(request.user):
        raise PermissionDenied
    version = selectors.policy_in_force()
    taken = {row.call_type_id for row in version.call_types.all()} if version else set()
    call_types = [(ct, ct.pk in taken) for ct in CallType.objects.filter(active=True).order_by("name")]
    questions = list(version.questions.all()) if version else []
    context = {
        "version": version,
        "call_types": call_types,
        "answer_choices": ANSWER_CHOICES,
        "response_types": ResponseType.choices,
        "response_labels": {**dict(ResponseType.choices), services.NOT_YET_SAFE: NOT_YET_SAFE_LABEL},
        "not_yet_safe_label": NOT_YET_SAFE_LABEL,
        "sources": Source.choices,
        "languages": callers.LANGUAGES,
        "shortcuts": SHORTCUTS,
        "values": _form_values({}),
        "answers": {},
        "errors": {},
        "evaluation": None,
        "recent": selectors.decisions_recent(user=request.user, limit=5),
        "held": list(selectors.held_calls()),
        "held_call": None,
    }
    held_id = request.POST.get("incident") or request.GET.get("incident")
    if held_id:
        context["held_call"] = selectors.held_call_for(user=request.user, incident_id=held_id)
        if context["held_call"] is not None and request.method != "POST":
            context["values"] = _held_values(context["held_call"])
    done = request.GET.get("done")
    if done and done.isdigit():
        context["done"] = (
            ScreeningDecision.objects.select_related("incident", "call_type", "policy_version")
            .filter(pk=done, decided_by=request.user)
            .first()
        )
    if request.method == "POST" and version is not None:
        values = _form_values(request.POST)
        answers = {q.key: request.POST.get(f"q_{q.key}", "") for q in questions}
        context.update(values=values, answers=answers)
        errors: dict = {}
        for name, value in {**values, **{f"q_{k}": v for k, v in answers.items()}}.items():
            # A NUL cannot be stored; refuse the form instead of failing on save.
            if isinstance(value, str) and "\x00" in value:
                errors[name] = [_("Remove the invisible NUL character.")]
        latitude, longitude = _coordinates(values, errors)
        try:
            call_type = services.call_type_resolve(values["call_type"])
            if call_type is None:
                errors["call_type"] = [_("Choose the call type.")]
            if not errors:
                evaluation = services.screening_evaluate(version=version, call_type=call_type, answers=answers)
                context["evaluation"] = evaluation
                if request.POST.get("action") != "decide" and not evaluation.safe_to_decide:
                    errors["unanswered"] = evaluation.unanswered_critical
                    errors["__all__"] = [_("Not yet safe to decide: answer the safety questions marked below.")]
            if not errors and request.POST.get("action") == "decide":
                decision = services.call_screen(
                    actor=request.user,
                    answers=answers,
                    call_type=call_type,
                    location_text=values["location_text"],
                    summary=values["summary"],
                    override=values["override"] or None,
                    override_reason=values["override_reason"],
                    source=values["source"] if values["source"] in Source.values else None,
                    latitude=latitude,
                    longitude=longitude,
                    callback=values["callback"],
                    caller_name=values["caller_name"],
                    caller_language=values["caller_language"],
                    held_incident_id=context["held_call"].pk if context["held_call"] else None,
                    location_picked=values["location_picked"],
                )
                return redirect(f"{request.path}?done={decision.pk}")
        except (ApplicationError, ValidationError) as error:
            extra = getattr(error, "extra", None) or getattr(error, "message_dict", None) or {}
            errors.update({k: v for k, v in extra.items() if isinstance(v, list)})
            errors.setdefault("__all__", [getattr(error, "message", None) or "; ".join(error.messages)])
        context["errors"] = errors
    field_errors = _field_errors(context["errors"], questions)
    question_rows = [
        {
            "q": q,
            "answer": context["answers"].get(q.key, ""),
            "critical": services.question_is_critical(q),
            "errors": field_errors.get(f"q_{q.key}", []),
        }
        for q in questions
    ]
    order = [*FIELD_ORDER[:6], *[f"q_{q.key}" for q in questions], "latitude", "override", "override_reason"]
    context.update(
        question_rows=question_rows,
        field_errors=field_errors,
        first_error=next((name for name in order if name in field_errors), ""),
        general_errors=context["errors"].get("__all__", []),
        error_list=[(k, m) for k, msgs in field_errors.items() for m in msgs],
    )
    return render(request, "intake/screen.html", context, status=400 if context["errors"] else 200)
