"""The shapes the incident doors answer, for the OpenAPI schema (the payloads are built in `payloads.py`;
`tests/common/test_openapi.py` checks that both name the same keys)."""

from rest_framework import serializers

S = serializers


def _when(**kw):
    return S.DateTimeField(allow_null=True, **kw)


class AssignmentShape(S.Serializer):
    id = S.IntegerField()
    incident = S.IntegerField()
    team = S.IntegerField()
    team_call_sign = S.CharField()
    status = S.CharField()
    active = S.BooleanField()
    version = S.IntegerField()
    dispatched_at = _when()
    acknowledged_at = _when()
    en_route_at = _when()
    on_scene_at = _when()
    transport_started_at = _when()
    at_destination_at = _when()
    cleared_at = _when()
    cancelled_at = _when()
    escalated_at = _when()


class IncidentShape(S.Serializer):
    id = S.IntegerField()
    reference = S.CharField()
    status = S.CharField()
    version = S.IntegerField()
    received_at = _when()
    source = S.CharField()
    call_type = S.CharField(allow_null=True)
    call_type_name = S.CharField(allow_null=True)
    priority = S.IntegerField()
    summary = S.CharField()
    location_text = S.CharField()
    latitude = S.FloatField(allow_null=True)
    longitude = S.FloatField(allow_null=True)
    district = S.CharField()
    location_source = S.CharField()  # device, geocoded, picked, none; '' for calls recorded before it was kept
    location_score = S.FloatField(allow_null=True)
    callback = S.CharField()
    caller_name = S.CharField()
    caller_notes = S.CharField()
    safety_notes = S.CharField()
    safety_flags = S.ListField(child=S.CharField())
    disposition = S.CharField(allow_null=True)
    closed_at = _when()
    cancelled_at = _when()


class TimelineEntryShape(S.Serializer):
    at = _when()
    kind = S.CharField()
    text = S.CharField()  # in the request's language
    recorded_text = S.CharField()  # as recorded, in English
    actor = S.CharField(allow_null=True)


class IncidentDetailShape(IncidentShape):
    assignments = AssignmentShape(many=True)
    timeline = TimelineEntryShape(many=True)


class IncidentListShape(S.Serializer):
    results = IncidentShape(many=True)


class TeamAssignmentShape(AssignmentShape):
    incident_detail = IncidentShape()


class TeamAssignmentsShape(S.Serializer):
    team = S.IntegerField()
    results = TeamAssignmentShape(many=True)


class CustomAnswersShape(S.Serializer):
    """The program's own questions (apps/questions): the published version answered, and the answers by key."""

    version = S.IntegerField(allow_null=True)
    answers = S.DictField()


class EncounterVersionShape(S.Serializer):
    number = S.IntegerField()
    people_served = S.IntegerField()
    needs = S.ListField(child=S.CharField())
    services_provided = S.ListField(child=S.CharField())
    disposition = S.CharField()
    followup_needed = S.BooleanField()
    referral_needed = S.BooleanField()
    coverage = S.CharField(allow_null=True)
    narrative = S.CharField()
    person = S.DictField()
    custom = CustomAnswersShape()
    authored_by = S.CharField()
    device_time = _when()
    created_at = _when()


class NoteShape(S.Serializer):
    id = S.UUIDField()
    text = S.CharField()
    author = S.CharField()
    created_at = _when()
    device_time = _when()


class EncounterShape(S.Serializer):
    id = S.UUIDField()
    incident = S.IntegerField()
    assignment = S.IntegerField(allow_null=True)
    team = S.IntegerField(allow_null=True)
    version = S.IntegerField()
    disposition = S.CharField(allow_null=True)
    created_at = _when()
    current = EncounterVersionShape(allow_null=True)
    notes = NoteShape(many=True)


class EncounterDetailShape(EncounterShape):
    versions = EncounterVersionShape(many=True)
