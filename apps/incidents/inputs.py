"""The encounter as a door sends it, validated once and mapped onto encounter_record.

The REST door (apps/incidents/apis.py) and the tablet's sync (apps/field/services.py) both send an
encounter; the shape lives here, beside the service, so neither door borrows it from the other.
"""

from rest_framework import serializers

from apps.common.nul import refuse_nul
from apps.incidents import services
from apps.incidents.models import Coverage, Disposition


class EncounterInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    incident = serializers.IntegerField()
    assignment = serializers.IntegerField(required=False, allow_null=True)
    base_version = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    people_served = serializers.IntegerField(min_value=0, max_value=500, default=1)
    needs = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    services_provided = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    followup_needed = serializers.BooleanField(default=False)
    referral_needed = serializers.BooleanField(default=False)
    # Left out, the previous version's coverage is kept (the tablet's form does not ask for it).
    coverage = serializers.ChoiceField(choices=Coverage.choices, required=False, allow_blank=True)
    narrative = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    person = serializers.DictField(required=False, default=dict, validators=[refuse_nul])
    device_time = serializers.DateTimeField(required=False, allow_null=True)
    # The program's own questions: {"version": <published form version id>, "answers": {key: value}},
    # checked by the service against that version. Left out, the previous version's answers are kept.
    custom = serializers.DictField(required=False, allow_null=True, validators=[refuse_nul])


def encounter_record_from(validated: dict, *, actor, device=None):
    """Map validated input onto the service."""
    fields = dict(validated)
    return services.encounter_record(
        actor=actor,
        encounter_id=fields.pop("id", None),
        incident_id=fields.pop("incident"),
        assignment_id=fields.pop("assignment", None),
        device=device,
        **fields,
    )
