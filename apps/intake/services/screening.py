"""What the policy says about a call: the evaluation of one policy version against a call type and
the answers given. Reads only; writes nothing (calls.py acts on it).
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from apps.common.errors import ApplicationError
from apps.incidents.models import CallType
from apps.intake.models import RESPONSE_SEVERITY, PolicyVersion, ResponseType, ScreeningQuestion, UnansweredCritical

# Whatever the policy says, these are safety questions with no default answer.
ALWAYS_CRITICAL = {"weapon_involved", "violence_or_threats", "medical_emergency"}
NOT_YET_SAFE = "not_yet_safe"


def question_is_critical(question: ScreeningQuestion) -> bool:
    return question.critical or question.key in ALWAYS_CRITICAL


@dataclass
class Evaluation:
    """What the policy says about a call, before anyone overrides it."""

    version: PolicyVersion
    call_type: CallType | None
    response_type: str
    priority: int
    reasons: list[str] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    unanswered_critical: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.response_type != ResponseType.NOT_ELIGIBLE

    @property
    def safe_to_decide(self) -> bool:
        """A call is never screened in on a silence: every critical question needs an answer first."""
        return not self.unanswered_critical or not self.eligible

    @property
    def state(self) -> str:
        """What the screen shows: the response type, or 'not yet safe to decide' (never green)."""
        return self.response_type if self.safe_to_decide else NOT_YET_SAFE


def _answer(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in {"yes", "y", "true", "1", "on"}:
        return True
    if text in {"no", "n", "false", "0", "off"}:
        return False
    if text in {"", "unknown", "?"}:
        return None
    raise ApplicationError(
        _("Answer yes, no or unknown."),
        extra={"answers": [_("'%(value)s' is not yes, no or unknown.") % {"value": value}]},
    )


def screening_evaluate(*, version: PolicyVersion, call_type: CallType | None, answers: dict) -> Evaluation:
    """Apply one policy version to a call type and the answers given. Reads only; writes nothing."""
    questions = list(version.questions.all())
    known = {q.key for q in questions}
    unknown = sorted(set(answers or {}) - known)
    if unknown:
        raise ApplicationError(
            _("Those are not questions of the policy in force."),
            extra={"answers": [_("Unknown question '%(key)s'.") % {"key": key} for key in unknown]},
        )
    normalized = {q.key: _answer((answers or {}).get(q.key)) for q in questions}
    row = None
    if call_type is not None:
        row = next((r for r in version.call_types.all() if r.call_type_id == call_type.pk), None)
    if row is None:
        name = call_type.name if call_type else "This kind of"
        return Evaluation(
            version=version,
            call_type=call_type,
            response_type=ResponseType.NOT_ELIGIBLE,
            priority=call_type.default_priority if call_type else 3,
            reasons=[f"{name} calls are not taken under policy v{version.number}."],
            answers=normalized,
        )
    response = row.response_type
    priority = row.effective_priority()
    with translation.override(None):  # reasons are recorded in English, whoever screens (apps/intake/wording.py)
        response_label = str(ResponseType(row.response_type).label).lower()
    reasons = [f"{row.call_type.name} calls are taken: {response_label}."]
    flags = []
    unanswered_critical = []
    assume_yes = version.unanswered_critical == UnansweredCritical.ASSUME_YES
    for q in questions:
        unanswered = normalized[q.key] is None and question_is_critical(q)
        if unanswered and not assume_yes:
            unanswered_critical.append(q.key)
        if normalized[q.key] is True or (unanswered and assume_yes):
            flags.append(q.key)
            reasons.append(q.yes_reason if normalized[q.key] else f"Not answered, treated as yes: {q.yes_reason}")
            if RESPONSE_SEVERITY[q.yes_leads_to] > RESPONSE_SEVERITY[response]:
                response = q.yes_leads_to
            if q.priority_if_yes:
                priority = min(priority, q.priority_if_yes)
    evaluation = Evaluation(
        version=version,
        call_type=row.call_type,
        response_type=response,
        priority=priority,
        reasons=reasons,
        answers=normalized,
        flags=flags,
        unanswered_critical=unanswered_critical,
    )
    if not evaluation.safe_to_decide:
        texts = [q.text.rstrip("?.") for q in questions if q.key in unanswered_critical]
        reasons.append(f"Not yet safe to decide: no answer to {'; '.join(texts)}.")
    others = [q.text.rstrip("?.") for q in questions if normalized[q.key] is None and not question_is_critical(q)]
    if others:
        reasons.append(f"Not asked or unknown: {'; '.join(others)}.")
    return evaluation
