"""What a sync batch's handlers (apps/field/mutations.py) read once for the whole batch.

Reads only; the services the handlers call still lock and check everything they change.
"""

from rest_framework import serializers

from apps.incidents.models import Assignment, Encounter


class BatchLookups:
    """What a batch's handlers read once for all its mutations instead of once each: when each
    assignment was dispatched, which call and assignment each amended encounter belongs to (neither
    ever changes), and one instance of each data serializer. The services still lock and check."""

    ASSIGNMENT_TYPES = frozenset({"assignment.acknowledge", "assignment.status"})

    def __init__(self, mutations: list[dict] = ()):
        assignment_ids, encounter_ids = set(), set()
        for m in mutations:
            record = str(m.get("record") or "")
            if m["type"] in self.ASSIGNMENT_TYPES and record.isdigit() and len(record) < 10:
                assignment_ids.add(int(record))
            elif m["type"] == "encounter.amend":
                try:
                    encounter_ids.add(str(serializers.UUIDField().to_internal_value(record)))
                except serializers.ValidationError:
                    continue
        self.dispatched = (
            dict(Assignment.objects.filter(pk__in=assignment_ids).values_list("pk", "dispatched_at"))
            if assignment_ids
            else {}
        )
        for assignment_id in assignment_ids:
            self.dispatched.setdefault(assignment_id, None)  # no such assignment: the service says so
        self.encounters = (
            {str(row["id"]): row for row in Encounter.objects.filter(pk__in=encounter_ids).values(*self._ENCOUNTER)}
            if encounter_ids
            else {}
        )
        self._serializers: dict = {}

    _ENCOUNTER = ("id", "incident_id", "assignment_id")

    def dispatched_at(self, assignment_id: int):
        if assignment_id not in self.dispatched:
            self.dispatched[assignment_id] = (
                Assignment.objects.filter(pk=assignment_id).values_list("dispatched_at", flat=True).first()
            )
        return self.dispatched[assignment_id]

    def encounter(self, encounter_id: str) -> dict | None:
        """An encounter created earlier in this batch is read when first asked for."""
        if self.encounters.get(encounter_id) is None:
            self.encounters[encounter_id] = Encounter.objects.filter(pk=encounter_id).values(*self._ENCOUNTER).first()
        return self.encounters[encounter_id]

    def validated(self, serializer_class, data: dict) -> dict:
        """Checked by one instance per batch: building a serializer's fields costs more than using them."""
        serializer = self._serializers.get(serializer_class)
        if serializer is None:
            serializer = self._serializers[serializer_class] = serializer_class()
        try:
            return dict(serializer.run_validation(data))
        except serializers.ValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
