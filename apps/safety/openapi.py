"""The shape of an emergency as the doors answer it and the board's snapshot lists it."""

from rest_framework import serializers

S = serializers


class EmergencyShape(S.Serializer):
    id = S.UUIDField()
    team = S.IntegerField()
    call_sign = S.CharField()
    incident = S.IntegerField(allow_null=True)
    incident_reference = S.CharField(allow_null=True)
    raised_by = S.CharField()
    raised_at = S.DateTimeField()
    latitude = S.FloatField(allow_null=True)
    longitude = S.FloatField(allow_null=True)
    accuracy_m = S.FloatField(allow_null=True)
    status = S.ChoiceField(choices=["open", "acknowledged", "resolved"])
    acknowledged_at = S.DateTimeField(allow_null=True)
    resolved_at = S.DateTimeField(allow_null=True)
