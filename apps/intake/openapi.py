"""The shapes the intake doors answer, for the OpenAPI schema (EIDO documents are described by the
NENA EIDO schema vendored in `eido_schema/`, not here)."""

from rest_framework import serializers

S = serializers

EIDO_DOCUMENT = {"type": "object", "additionalProperties": True, "description": "A NENA EIDO (JSON) document."}


class DecisionShape(S.Serializer):
    id = S.IntegerField()
    policy_version = S.IntegerField()
    policy_version_id = S.IntegerField()
    call_type = S.CharField(allow_null=True)
    channel = S.CharField()
    answers = S.DictField()
    recommended = S.CharField()
    response_type = S.CharField()
    eligible = S.BooleanField()
    reasons = S.ListField(child=S.CharField())  # in the request's language
    recorded_reasons = S.ListField(child=S.CharField())  # as recorded, in English
    priority = S.IntegerField(allow_null=True)
    overridden = S.BooleanField()
    override_reason = S.CharField()
    incident = S.IntegerField(allow_null=True)
    decided_by = S.CharField()
    decided_at = S.DateTimeField()
    unmet_need = S.BooleanField()
    handback = S.BooleanField()


class EvaluationShape(S.Serializer):
    """A dry run: what the policy says, nothing recorded."""

    policy_version = S.IntegerField()
    response_type = S.CharField()
    state = S.CharField()
    safe_to_decide = S.BooleanField()
    unanswered_critical = S.ListField(child=S.CharField())
    eligible = S.BooleanField()
    priority = S.IntegerField()
    reasons = S.ListField(child=S.CharField())


class EidoReceivedShape(S.Serializer):
    eido_id = S.CharField()
    received_count = S.IntegerField()
    incident = S.IntegerField(allow_null=True)
    reference = S.CharField(allow_null=True)
    incident_open = S.BooleanField()
    decision = DecisionShape(allow_null=True)
    screening = S.ChoiceField(choices=["screened", "not_yet_safe_to_decide"])
    to_complete = S.ListField(child=S.CharField())
    complete_at = S.CharField(allow_null=True)
    warnings = S.ListField(child=S.CharField())
    handback = S.JSONField(required=False, allow_null=True)


class HandbackShape(S.Serializer):
    id = S.IntegerField()
    created_at = S.DateTimeField()
    reason = S.CharField()
    incident = S.IntegerField(allow_null=True)
    decision = S.IntegerField(allow_null=True)
    eido = S.JSONField()


class HandbackListShape(S.Serializer):
    results = HandbackShape(many=True)


class PolicyCallTypeShape(S.Serializer):
    code = S.CharField()
    name = S.CharField()
    nature_codes = S.ListField(child=S.CharField())
    open311_service_code = S.CharField()
    priority = S.IntegerField()
    response_type = S.CharField()


class PolicyQuestionShape(S.Serializer):
    key = S.CharField()
    text = S.CharField()
    help_text = S.CharField()
    yes_leads_to = S.CharField()


class PolicyShape(S.Serializer):
    id = S.IntegerField()
    policy = S.CharField()
    number = S.IntegerField()
    published_at = S.DateTimeField(allow_null=True)
    call_types = PolicyCallTypeShape(many=True)
    questions = PolicyQuestionShape(many=True)
    targets = S.DictField(child=S.IntegerField())


class PolicyInForceShape(S.Serializer):
    policy = PolicyShape(allow_null=True)


class OverrideReasonShape(S.Serializer):
    reason = S.CharField()
    count = S.IntegerField()


class PolicyReportRowShape(S.Serializer):
    policy = S.CharField()
    policy_version = S.IntegerField()
    policy_version_id = S.IntegerField()
    call_type = S.CharField(allow_null=True)
    call_type_name = S.CharField()
    decisions = S.IntegerField()
    screened_in = S.IntegerField()
    needed_police_backup = S.IntegerField()
    overridden = S.IntegerField()
    override_reasons = OverrideReasonShape(many=True)
    overrides_to_not_eligible = S.IntegerField()
    overrides_to_eligible = S.IntegerField()
    not_eligible = S.IntegerField()


class PolicyReportShape(S.Serializer):
    results = PolicyReportRowShape(many=True)


class DuplicateShape(S.Serializer):
    id = S.IntegerField()
    incident = S.IntegerField()
    incident_reference = S.CharField()
    candidate = S.IntegerField()
    candidate_reference = S.CharField()
    distance_m = S.FloatField(allow_null=True)
    minutes_apart = S.FloatField(allow_null=True)
    status = S.CharField()


class DuplicateListShape(S.Serializer):
    results = DuplicateShape(many=True)


class DuplicateResolvedShape(S.Serializer):
    id = S.IntegerField()
    status = S.CharField()
    incident = S.IntegerField()


class GeocodeCandidateShape(S.Serializer):
    label = S.CharField()
    latitude = S.FloatField()
    longitude = S.FloatField()
    district = S.CharField()
    score = S.FloatField()  # 0-1, 1 for an exact match
    how = S.CharField()  # exact, fuzzy, interpolated, nearest, intersection, landmark


class GeocodeShape(S.Serializer):
    results = GeocodeCandidateShape(many=True)
