"""Every write about incidents, assignments and encounters.

Each function checks who is acting, locks what it changes, writes, audits, appends the events the
board and tablets follow, and leaves side effects to after commit. Every door calls these, through
this package's names; the modules inside are split by what they write.
"""

from apps.incidents.services.assignments import (
    assignment_acknowledge,
    assignment_cancel,
    assignment_set_status,
    incident_assign,
    incident_reassign,
)
from apps.incidents.services.encounters import (
    encounter_add_note,
    encounter_record,
    encounter_writes_flush,
    encounter_writes_held,
)
from apps.incidents.services.escalation import assignments_escalate_overdue
from apps.incidents.services.incidents import (
    INCIDENT_EDITABLE_FIELDS,
    TEXT_BOUNDS,
    call_type_resolve,
    incident_cancel,
    incident_close,
    incident_create,
    incident_fields_checked,
    incident_screened_out,
    incident_update,
)
from apps.incidents.services.notes import incident_timeline_add
from apps.incidents.services.shared import timeline_batch

__all__ = [
    "INCIDENT_EDITABLE_FIELDS",
    "TEXT_BOUNDS",
    "assignment_acknowledge",
    "assignment_cancel",
    "assignment_set_status",
    "assignments_escalate_overdue",
    "call_type_resolve",
    "encounter_add_note",
    "encounter_record",
    "encounter_writes_flush",
    "encounter_writes_held",
    "incident_assign",
    "incident_cancel",
    "incident_close",
    "incident_create",
    "incident_fields_checked",
    "incident_reassign",
    "incident_screened_out",
    "incident_timeline_add",
    "incident_update",
    "timeline_batch",
]
