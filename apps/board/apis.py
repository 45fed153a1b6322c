"""REST doors of the board: the snapshot it starts from, and reassignment in one step."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import role_of
from apps.board.selectors import board_snapshot, teams_for_board
from apps.common.errors import PermissionRefused
from apps.incidents import services as incident_services
from apps.incidents.serializers import assignment_payload
from apps.teams.apis import TEAM_READERS, team_payload


class BoardSnapshotApi(APIView):
    """Everything the board shows, with `seq`: follow the `board` stream from that cursor."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(board_snapshot(user=request.user))


class TeamListApi(APIView):
    """Every active team with the call it is on: it lives here because teams do not know calls."""

    def get(self, request):
        if role_of(request.user) not in TEAM_READERS:
            raise PermissionRefused(_("Your role does not see team status."))
        return Response({"results": [team_payload(t) for t in teams_for_board()]})


class AssignmentReassignApi(APIView):
    class InputSerializer(serializers.Serializer):
        team = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
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
