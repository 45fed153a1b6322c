"""The shapes the tablet's doors answer, for the OpenAPI schema (see docs/sync.md)."""

from rest_framework import serializers

from apps.incidents.openapi import EncounterShape, TeamAssignmentShape
from apps.resources.openapi import ServiceCardShape

S = serializers


class MutationResultShape(S.Serializer):
    id = S.CharField(allow_null=True, help_text="The mutation's id, as sent.")
    status = S.ChoiceField(choices=["applied", "duplicate", "conflict", "rejected"])
    record = S.JSONField(allow_null=True, help_text="The record as stored (the server's copy on a conflict).")
    errors = S.DictField(help_text="Why it was refused: field errors, or detail.")
    http_status = S.IntegerField(help_text="The status the same change would have had through REST.")


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
    statuses = S.DictField(child=S.CharField())
    age_ranges = S.JSONField()
    housing = S.JSONField()
    transitions = S.DictField(
        child=S.ListField(child=S.CharField()), help_text="The statuses a responder may report next, by status."
    )
    followup_options = FollowupOptionShape(many=True, help_text="The follow-up choices the tablet offers.")


class BootstrapShape(S.Serializer):
    server_time = S.DateTimeField()
    me = S.DictField(help_text="The signed-in user, as auth/me answers it.")
    device = DeviceRefShape(allow_null=True)
    idle_seconds = S.IntegerField()
    offline_wipe_days = S.IntegerField()
    time_zone = S.CharField()
    team = MeTeamShape()
    assignments = TeamAssignmentShape(many=True)
    encounters = EncounterShape(many=True)
    cursors = S.DictField(child=S.IntegerField(), help_text="Each followed stream's head: follow from here.")
    vocab = VocabShape()


class FieldResourcesShape(S.Serializer):
    available = S.BooleanField()
    generated_at = S.DateTimeField(required=False)
    detail = S.CharField(required=False)
    results = ServiceCardShape(many=True)
