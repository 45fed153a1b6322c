"""REST doors of the board: the snapshot it starts from, and reassignment in one step."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import role_of
from apps.board.selectors import board_rows, board_snapshot, teams_for_board
from apps.common.errors import PermissionRefused
from apps.common.schema import ok
from apps.incidents import services as incident_services
from apps.incidents.openapi import AssignmentShape
from apps.incidents.payloads import assignment_payload
from apps.incidents.vocab import AGENCIES, CO_RESPONSE_OUTCOMES, CO_RESPONSE_REASONS
from apps.safety import services as safety_services
from apps.safety.history import premise_history
from apps.safety.openapi import (
    CheckInShape,
    CoResponseListShape,
    CoResponseShape,
    EmergencyShape,
    PremiseHistoryShape,
)
from apps.safety.selectors import co_response_payload, co_responses_read, emergency_payload
from apps.teams.apis import TEAM_READERS, TeamListShape, team_payload

S = serializers


class BoardAssignmentShape(AssignmentShape):
    delivered_at = S.DateTimeField(allow_null=True)


class RecommendedTeamShape(S.Serializer):
    id = S.IntegerField()
    call_sign = S.CharField()
    distance_km = S.FloatField(allow_null=True)


class BoardIncidentShape(S.Serializer):
    id = S.IntegerField()
    reference = S.CharField()
    status = S.CharField()
    version = S.IntegerField()
    priority = S.IntegerField()
    received_at = S.DateTimeField()
    age_seconds = S.IntegerField()
    target_minutes = S.IntegerField(allow_null=True)
    due_at = S.DateTimeField(allow_null=True)
    call_type = S.CharField(allow_null=True)
    call_type_name = S.CharField(allow_null=True)
    required_capabilities = S.ListField(child=S.CharField())
    summary = S.CharField()
    location_text = S.CharField()
    latitude = S.FloatField(allow_null=True)
    longitude = S.FloatField(allow_null=True)
    safety_flags = S.ListField(child=S.CharField())
    caller_language = S.CharField()
    second_team_wanted = S.BooleanField()
    screening_complete = S.BooleanField()
    assignments = BoardAssignmentShape(many=True)
    recommended_team = RecommendedTeamShape(allow_null=True)


class BoardCurrentAssignmentShape(S.Serializer):
    id = S.IntegerField()
    incident = S.IntegerField()
    reference = S.CharField()
    status = S.CharField()
    checkin = CheckInShape(allow_null=True)


class PositionShape(S.Serializer):
    latitude = S.FloatField()
    longitude = S.FloatField()
    at = S.DateTimeField()
    age_seconds = S.IntegerField()
    accuracy_m = S.FloatField(allow_null=True)
    stale = S.BooleanField()


class BoardTeamShape(S.Serializer):
    id = S.IntegerField()
    call_sign = S.CharField()
    name = S.CharField()
    status = S.CharField()
    status_changed_at = S.DateTimeField(allow_null=True)
    seconds_in_status = S.IntegerField(allow_null=True)
    capabilities = S.ListField(child=S.CharField())
    has_tablet = S.BooleanField()
    tablet_seen_at = S.DateTimeField(allow_null=True)
    tablet_quiet = S.BooleanField()
    current_assignment = BoardCurrentAssignmentShape(allow_null=True)
    position = PositionShape(allow_null=True)


class BoardSnapshotShape(S.Serializer):
    seq = S.IntegerField()
    server_time = S.DateTimeField()
    response_targets = S.DictField(child=S.IntegerField())
    ack_limit_seconds = S.IntegerField()
    tablet_quiet_seconds = S.IntegerField()
    position_stale_seconds = S.IntegerField()
    incidents = BoardIncidentShape(many=True)
    teams = BoardTeamShape(many=True)
    emergencies = EmergencyShape(many=True)


class BoardSnapshotApi(APIView):
    """Everything the board shows, with `seq`: follow the `board` stream from that cursor."""

    @extend_schema(responses=ok(200, BoardSnapshotShape))
    def get(self, request):
        return Response(board_snapshot(user=request.user))


class BoardRowsShape(S.Serializer):
    server_time = S.DateTimeField()
    incidents = BoardIncidentShape(many=True)
    gone = S.ListField(child=S.IntegerField())  # asked for, no longer open: off the queue
    teams = BoardTeamShape(many=True)


class IdList(S.CharField):
    """Comma-separated record ids (`?incidents=4,9`), at most ROWS_MAX."""

    ROWS_MAX = 50

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        parts = [p for p in text.split(",") if p.strip()]
        if not all(p.strip().isdigit() for p in parts):
            raise serializers.ValidationError(_("Give record ids as numbers separated by commas."))
        if len(parts) > self.ROWS_MAX:
            raise serializers.ValidationError(_("Ask for at most %(limit)d rows.") % {"limit": self.ROWS_MAX})
        return sorted({int(p) for p in parts})


class BoardRowsApi(APIView):
    """The rows a live event changed, shaped as in the snapshot (`?incidents=1,2&teams=3`): the board
    updates those instead of reloading everything."""

    class InputSerializer(serializers.Serializer):
        incidents = IdList(required=False, allow_blank=True, default="")
        teams = IdList(required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[OpenApiParameter("incidents", str), OpenApiParameter("teams", str)],
        responses=ok(200, BoardRowsShape),
    )
    def get(self, request):
        given = self.InputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        ids = given.validated_data
        return Response(board_rows(user=request.user, incident_ids=ids["incidents"] or [], team_ids=ids["teams"] or []))


class TeamListApi(APIView):
    """Every active team with the call it is on: it lives here because teams do not know calls."""

    @extend_schema(responses=ok(200, TeamListShape))
    def get(self, request):
        if role_of(request.user) not in TEAM_READERS:
            raise PermissionRefused(_("Your role does not see team status."))
        return Response({"results": [team_payload(t) for t in teams_for_board()]})


class AssignmentReassignApi(APIView):
    class InputSerializer(serializers.Serializer):
        team = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ok(201, AssignmentShape))
    def post(self, request, assignment_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = incident_services.incident_reassign(
            actor=request.user,
            assignment_id=assignment_id,
            team_id=data.validated_data["team"],
            reason=data.validated_data["reason"],
        )
        return Response(assignment_payload(assignment), status=status.HTTP_201_CREATED)


class EmergencyAcknowledgeApi(APIView):
    """Dispatch has seen a team's emergency: the alarm stays until it is resolved."""

    @extend_schema(request=None, responses=ok(200, EmergencyShape))
    def post(self, request, emergency_id):
        emergency = safety_services.emergency_acknowledge(actor=request.user, emergency_id=emergency_id)
        return Response(emergency_payload(emergency))


class EmergencyResolveApi(APIView):
    """The team is safe: the board's alarm ends."""

    class InputSerializer(serializers.Serializer):
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ok(200, EmergencyShape))
    def post(self, request, emergency_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        emergency = safety_services.emergency_resolve(
            actor=request.user, emergency_id=emergency_id, notes=data.validated_data["notes"]
        )
        return Response(emergency_payload(emergency))


class PremiseHistoryApi(APIView):
    """Prior calls at or near the call's address and the location's caution notes (the read is audited)."""

    @extend_schema(responses=ok(200, PremiseHistoryShape))
    def get(self, request, incident_id):
        return Response(premise_history(actor=request.user, incident_id=incident_id, via="board"))


class CoResponseInput(serializers.Serializer):
    # Chosen by the client, so a retry is the same request.
    id = serializers.UUIDField(required=False)
    agency = serializers.ChoiceField(choices=list(AGENCIES))
    reason = serializers.ChoiceField(choices=list(CO_RESPONSE_REASONS))
    reason_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CoResponseUpdateInput(serializers.Serializer):
    base_version = serializers.IntegerField(required=False, min_value=1)
    arrived_at = serializers.DateTimeField(required=False)
    left_at = serializers.DateTimeField(required=False)
    outcome = serializers.ChoiceField(choices=list(CO_RESPONSE_OUTCOMES), required=False, allow_blank=True)
    outcome_text = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CoResponseListApi(APIView):
    """A call's co-responses (police, fire, EMS asked to come) and the lists a request is made from;
    POST asks for one from the board."""

    @extend_schema(responses=ok(200, CoResponseListShape))
    def get(self, request, incident_id):
        return Response(co_responses_read(actor=request.user, incident_id=incident_id))

    @extend_schema(request=CoResponseInput, responses=ok(201, CoResponseShape))
    def post(self, request, incident_id):
        data = CoResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        co_response = safety_services.co_response_request(
            actor=request.user,
            co_response_id=values.get("id") or uuid.uuid4(),
            incident_id=incident_id,
            agency=values["agency"],
            reason=values["reason"],
            reason_text=values["reason_text"],
            via="board",
        )
        return Response(co_response_payload(co_response), status=status.HTTP_201_CREATED)


class CoResponseApi(APIView):
    """Arrived, left, how it ended. A time already recorded stays; an outcome someone else changed
    since `base_version` is a 409 carrying their version."""

    @extend_schema(request=CoResponseUpdateInput, responses=ok(200, CoResponseShape))
    def patch(self, request, co_response_id):
        data = CoResponseUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        co_response = safety_services.co_response_update(
            actor=request.user, co_response_id=co_response_id, via="board", **data.validated_data
        )
        return Response(co_response_payload(co_response))
