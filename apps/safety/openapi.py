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


class PriorCallShape(S.Serializer):
    incident = S.IntegerField()
    reference = S.CharField()
    received_at = S.DateTimeField()
    call_type = S.CharField(allow_null=True)
    call_type_name = S.CharField(allow_null=True)
    disposition = S.CharField(allow_null=True)
    disposition_name = S.CharField(allow_null=True)
    safety_flags = S.ListField(child=S.CharField())
    match = S.ChoiceField(choices=["address", "nearby"])
    distance_m = S.IntegerField(allow_null=True)


class CautionShape(S.Serializer):
    id = S.IntegerField()
    location_text = S.CharField()
    flags = S.ListField(child=S.CharField())
    flag_names = S.ListField(child=S.CharField())
    note = S.CharField()
    updated_at = S.DateTimeField()


class PremiseHistoryShape(S.Serializer):
    incident = S.IntegerField()
    radius_m = S.IntegerField()
    months = S.IntegerField()
    prior_calls = PriorCallShape(many=True)
    cautions = CautionShape(many=True)
