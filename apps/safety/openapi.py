"""The shapes of an emergency, a premise history and a co-response as the doors answer them."""

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


class CoResponseShape(S.Serializer):
    id = S.UUIDField()
    incident = S.IntegerField()
    team = S.IntegerField(allow_null=True)
    agency = S.CharField()
    agency_name = S.CharField()
    reason = S.CharField()
    reason_name = S.CharField()
    reason_text = S.CharField()
    requested_by = S.CharField()
    requested_via = S.ChoiceField(choices=["tablet", "board"])
    requested_at = S.DateTimeField()
    arrived_at = S.DateTimeField(allow_null=True)
    left_at = S.DateTimeField(allow_null=True)
    outcome = S.CharField()
    outcome_name = S.CharField()
    outcome_text = S.CharField()
    version = S.IntegerField()


class CodeNameShape(S.Serializer):
    code = S.CharField()
    name = S.CharField()


class CoResponseListShape(S.Serializer):
    co_responses = CoResponseShape(many=True)
    agencies = CodeNameShape(many=True)
    reasons = CodeNameShape(many=True)
    outcomes = CodeNameShape(many=True)


class CheckInShape(S.Serializer):
    assignment = S.IntegerField()
    team = S.IntegerField()
    incident = S.IntegerField()
    due_at = S.DateTimeField()
    interval_minutes = S.IntegerField()
    answered_at = S.DateTimeField(allow_null=True)
    overdue_at = S.DateTimeField(allow_null=True)


class CoResponseVocabularyShape(S.Serializer):
    agencies = CodeNameShape(many=True)
    reasons = CodeNameShape(many=True)
    outcomes = CodeNameShape(many=True)
