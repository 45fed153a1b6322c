"""What a sync batch's handlers (apps/field/mutations.py) read once for the whole batch.

Reads only; the services the handlers call still lock and check everything they change.
"""

from rest_framework import serializers

from apps.incidents.models import Assignment
from apps.incidents.selectors import encounter_facts, encounters_new


class BatchLookups:
    """What a batch's handlers read once for all its mutations instead of once each: when each
    assignment was dispatched (never changes), and one instance of each data serializer. Which call
    and assignment an encounter belongs to is read once per batch by apps.incidents.selectors
    (`encounter_facts`). The services still lock and check."""

    ASSIGNMENT_TYPES = frozenset({"assignment.acknowledge", "assignment.status"})

    def __init__(self, mutations: list[dict] = ()):
        assignment_ids = set()
        for m in mutations:
            record = str(m.get("record") or "")
            if m["type"] in self.ASSIGNMENT_TYPES and record.isdigit() and len(record) < 10:
                assignment_ids.add(int(record))
        self.dispatched = (
            dict(Assignment.objects.filter(pk__in=assignment_ids).values_list("pk", "dispatched_at"))
            if assignment_ids
            else {}
        )
        for assignment_id in assignment_ids:
            self.dispatched.setdefault(assignment_id, None)  # no such assignment: the service says so
        self._serializers: dict = {}
        # Which encounters the batch creates do not exist yet: one query, not a lookup per create.
        encounters_new(m.get("record") for m in mutations if m["type"] == "encounter.create")

    def dispatched_at(self, assignment_id: int):
        if assignment_id not in self.dispatched:
            self.dispatched[assignment_id] = (
                Assignment.objects.filter(pk=assignment_id).values_list("dispatched_at", flat=True).first()
            )
        return self.dispatched[assignment_id]

    def encounter(self, encounter_id: str) -> dict | None:
        """{id, incident_id, assignment_id, ...} of an encounter, or None (one created earlier in this
        batch too)."""
        return encounter_facts(encounter_id)

    def validated(self, serializer_class, data: dict) -> dict:
        """Checked by one instance per batch: building a serializer's fields costs more than using them."""
        serializer = self._serializers.get(serializer_class)
        if serializer is None:
            serializer = self._serializers[serializer_class] = serializer_class()
        try:
            return dict(serializer.run_validation(data))
        except serializers.ValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
