from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import Role
from apps.common.schema import ok
from apps.teams import services
from apps.teams.services import MANUAL_STATUSES

TEAM_READERS = {Role.RESPONDER, Role.DISPATCHER, Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMINISTRATOR}


def team_payload(team) -> dict:
    current = getattr(team, "current_assignments", None)
    return {
        "id": team.pk,
        "call_sign": team.call_sign,
        "name": team.name,
        "status": team.status,
        "status_changed_at": team.status_changed_at.isoformat() if team.status_changed_at else None,
        "capabilities": team.capabilities,
        "home_district": team.home_district,
        "latitude": team.last_latitude,
        "longitude": team.last_longitude,
        "position_at": team.last_position_at.isoformat() if team.last_position_at else None,
        "current_assignment": (
            {"id": current[0].pk, "incident": current[0].incident_id, "status": current[0].status} if current else None
        ),
    }


class CurrentAssignmentShape(serializers.Serializer):
    id = serializers.IntegerField()
    incident = serializers.IntegerField()
    status = serializers.CharField()


class TeamShape(serializers.Serializer):
    """What `team_payload` answers."""

    id = serializers.IntegerField()
    call_sign = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())
    home_district = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    position_at = serializers.DateTimeField(allow_null=True)
    current_assignment = CurrentAssignmentShape(allow_null=True)


class TeamListShape(serializers.Serializer):
    results = TeamShape(many=True)


class TeamStatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=sorted(MANUAL_STATUSES))
        note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ok(200, TeamShape))
    def post(self, request, team_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_set_status(actor=request.user, team_id=team_id, **data.validated_data)
        return Response(team_payload(team))


class TeamPositionApi(APIView):
    class InputSerializer(serializers.Serializer):
        latitude = serializers.FloatField(min_value=-90, max_value=90)
        longitude = serializers.FloatField(min_value=-180, max_value=180)

    @extend_schema(request=InputSerializer, responses=ok(200, TeamShape))
    def post(self, request, team_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = services.team_report_position(actor=request.user, team_id=team_id, **data.validated_data)
        return Response(team_payload(team))
