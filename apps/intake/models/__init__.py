"""Call centers as API clients, the versioned eligibility policy, and every screening decision.

A decision keeps the policy version it was made under; a published version never changes, so an
old decision can always be explained by the rules that were in force. Incidents themselves live in
apps.incidents and are written only through its services; this app keeps what intake adds to them.

The models live in the modules of this package by sub-domain; every one is imported here, where
Django and the rest of the code find it.
"""

from apps.intake.models.calls import (
    DuplicateFlag,
    DuplicateStatus,
    EidoDocument,
    Handback,
    Open311Request,
    ScreeningDecision,
    UnmetNeed,
)
from apps.intake.models.centers import ApiKey, CallCenter, CenterKind, Channel
from apps.intake.models.policy import (
    RESPONSE_SEVERITY,
    FrozenWhenPublished,
    Policy,
    PolicyCallType,
    PolicyVersion,
    PriorityTarget,
    ResponseType,
    ScreeningQuestion,
    UnansweredCritical,
)
from apps.intake.models.reviews import REVIEW_NOTE_MAX, CouldHaveServed, ScreenedOutCall, ScreeningReview

__all__ = [
    "RESPONSE_SEVERITY",
    "REVIEW_NOTE_MAX",
    "ApiKey",
    "CallCenter",
    "CenterKind",
    "Channel",
    "CouldHaveServed",
    "DuplicateFlag",
    "DuplicateStatus",
    "EidoDocument",
    "FrozenWhenPublished",
    "Handback",
    "Open311Request",
    "Policy",
    "PolicyCallType",
    "PolicyVersion",
    "PriorityTarget",
    "ResponseType",
    "ScreenedOutCall",
    "ScreeningDecision",
    "ScreeningQuestion",
    "ScreeningReview",
    "UnansweredCritical",
    "UnmetNeed",
]
