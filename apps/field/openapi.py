"""The shapes the tablet's doors answer, for the OpenAPI schema (see docs/sync.md)."""

from rest_framework import serializers

from apps.incidents.openapi import EncounterShape, TeamAssignmentShape
from apps.resources.openapi import ServiceCardShape
from apps.safety.openapi import CheckInShape, CoResponseShape, CoResponseVocabularyShape, PremiseHistoryShape

S = serializers


class MutationResultShape(S.Serializer):
    id = S.CharField(allow_null=True)
    status = S.ChoiceField(choices=["applied", "duplicate", "conflict", "rejected"])
    record = S.JSONField(allow_null=True)
    errors = S.DictField()
    http_status = S.IntegerField()


class SyncShape(S.Serializer):
    results = MutationResultShape(many=True)


class DeviceRefShape(S.Serializer):
    id = S.UUIDField()
    name = S.CharField()


class MeTeamShape(S.Serializer):
    id = S.IntegerField()
    call_sign = S.CharField()
    name = S.CharField()
    status = S.CharField()


class FollowupOptionShape(S.Serializer):
    code = S.CharField()
    label = S.CharField()
    due_in_hours = S.IntegerField()
    kind = S.CharField()


class VocabShape(S.Serializer):
    needs = S.DictField(child=S.CharField())
    services_provided = S.DictField(child=S.CharField())
    dispositions = S.DictField(child=S.CharField())
    coverages = S.DictField(child=S.CharField())
    statuses = S.DictField(child=S.CharField())
    age_ranges = S.JSONField()
    housing = S.JSONField()
    transitions = S.DictField(
        child=S.ListField(child=S.CharField()),
    )
    followup_options = FollowupOptionShape(many=True)
    co_response = CoResponseVocabularyShape()


class PositionReportShape(S.Serializer):
    moving_seconds = S.IntegerField()
    still_seconds = S.IntegerField()
    moved_metres = S.IntegerField()


class WordsShape(S.Serializer):
    en = S.CharField()
    es = S.CharField()


class FormChoiceShape(S.Serializer):
    value = S.CharField()
    label = WordsShape()


class ShowIfShape(S.Serializer):
    question = S.CharField()
    answers = S.ListField(child=S.CharField())


class FormQuestionShape(S.Serializer):
    key = S.CharField()
    kind = S.ChoiceField(choices=["yes_no", "choice", "choices", "number", "text", "date"])
    label = WordsShape()
    help = WordsShape()
    required = S.BooleanField()
    choices = FormChoiceShape(many=True)
    min = S.FloatField(allow_null=True)
    max = S.FloatField(allow_null=True)
    show_if = ShowIfShape(allow_null=True)
    call_types = S.ListField(child=S.CharField())


class EncounterFormShape(S.Serializer):
    """The program's own encounter questions (apps/questions), as last published."""

    id = S.IntegerField()
    number = S.IntegerField()
    published_at = S.DateTimeField()
    questions = FormQuestionShape(many=True)


class BootstrapShape(S.Serializer):
    server_time = S.DateTimeField()
    me = S.DictField()
    device = DeviceRefShape(allow_null=True)
    idle_seconds = S.IntegerField()
    offline_wipe_days = S.IntegerField()
    feedback_card_days = S.IntegerField()
    time_zone = S.CharField()
    team = MeTeamShape()
    assignments = TeamAssignmentShape(many=True)
    encounters = EncounterShape(many=True)
    cursors = S.DictField(child=S.IntegerField())
    vocab = VocabShape()
    premise_history = S.DictField(child=PremiseHistoryShape())  # by call id
    co_responses = S.DictField(child=CoResponseShape(many=True))  # by call id
    checkins = S.DictField(child=CheckInShape())  # by assignment id
    encounter_form = EncounterFormShape(allow_null=True)
    position_report = PositionReportShape()


class FieldAssignmentShape(S.Serializer):
    assignment = TeamAssignmentShape()
    premise_history = PremiseHistoryShape(allow_null=True)  # while the assignment is active
    co_responses = CoResponseShape(many=True)
    checkin = CheckInShape(allow_null=True)  # while on scene


class FieldResourcesShape(S.Serializer):
    available = S.BooleanField()
    generated_at = S.DateTimeField(required=False)
    detail = S.CharField(required=False)
    results = ServiceCardShape(many=True)


class FeedbackCardIssuedShape(S.Serializer):
    id = S.UUIDField()
    encounter = S.UUIDField()
    issued_at = S.DateTimeField()
    expires_at = S.DateTimeField()
    answered = S.BooleanField()


class FeedbackCardTextedShape(S.Serializer):
    id = S.UUIDField()
    texts_sent = S.IntegerField()
