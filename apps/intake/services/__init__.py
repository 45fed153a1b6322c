"""Every write intake makes: call centers and their keys, policy versions, screening decisions.

Incidents are created and changed only through apps.incidents.services; this package never writes
an Incident row itself. Each function checks who acts, writes inside one transaction, audits, and
appends its board event in the same transaction. Doors call these through this package's names;
the modules inside are split by sub-domain.
"""

from apps.incidents.services import call_type_resolve  # the incidents' own lookup, for intake's doors
from apps.intake.services.calls import call_screen, held_call_create
from apps.intake.services.duplicates import duplicate_dismiss, duplicate_link
from apps.intake.services.eido import eido_gaps, eido_receive
from apps.intake.services.handbacks import (
    eido_for_decision,
    eido_for_incident,
    handback_create,
    intake_read,
    intake_refused,
)
from apps.intake.services.keys import (
    api_key_authenticate,
    api_key_issue,
    api_key_revoke,
    api_key_rotate,
    call_center_create,
    call_center_update,
)
from apps.intake.services.open311 import open311_request_create
from apps.intake.services.policy import policy_version_draft, policy_version_edit, policy_version_publish
from apps.intake.services.reviews import screening_review
from apps.intake.services.screening import (
    NOT_YET_SAFE,
    Evaluation,
    question_is_critical,
    screening_evaluate,
)

__all__ = [
    "NOT_YET_SAFE",
    "Evaluation",
    "api_key_authenticate",
    "api_key_issue",
    "api_key_revoke",
    "api_key_rotate",
    "call_center_create",
    "call_center_update",
    "call_screen",
    "call_type_resolve",
    "duplicate_dismiss",
    "duplicate_link",
    "eido_for_decision",
    "eido_for_incident",
    "eido_gaps",
    "eido_receive",
    "handback_create",
    "held_call_create",
    "intake_read",
    "intake_refused",
    "open311_request_create",
    "policy_version_draft",
    "policy_version_edit",
    "policy_version_publish",
    "question_is_critical",
    "screening_evaluate",
    "screening_review",
]
