"""REST doors for incidents, assignments and encounters: validate, call one service, answer."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import user_team_id
from apps.common.errors import PermissionRefused
from apps.common.schema import ok
from apps.incidents import openapi as shapes
from apps.incidents import selectors, services
from apps.incidents.inputs import EncounterInputSerializer, encounter_record_from
from apps.incidents.models import Disposition, Source
from apps.incidents.payloads import assignment_payload, encounter_payload, incident_payload, note_payload
from apps.incidents.states import FIELD_STATUSES


class IncidentInputSerializer(serializers.Serializer):
    location_text = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=5000)
    call_type = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.NINE_ONE_ONE)
    callback = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    district = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    caller_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    caller_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    safety_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    safety_flags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)


class IncidentListCreateApi(APIView):
    @extend_schema(request=IncidentInputSerializer, responses=ok(201, shapes.IncidentShape))
    def post(self, request):
        data = IncidentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_create(actor=request.user, **data.validated_data)
        return Response(incident_payload(incident), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("open", str, enum=["0", "1"])],
        responses=ok(200, shapes.IncidentListShape),
    )
    def get(self, request):
        open_only = request.query_params.get("open", "1") != "0"
        incidents = selectors.incidents_list_for(user=request.user, open_only=open_only)
        return Response({"results": [incident_payload(i) for i in incidents]})


class IncidentDetailApi(APIView):
    class UpdateSerializer(serializers.Serializer):
        base_version = serializers.IntegerField(required=False, allow_null=True)
        summary = serializers.CharField(max_length=5000, required=False)
        location_text = serializers.CharField(max_length=300, required=False)
        priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
        caller_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        safety_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        district = serializers.CharField(max_length=60, required=False, allow_blank=True)
        callback = serializers.CharField(max_length=120, required=False, allow_blank=True)

    @extend_schema(responses=ok(200, shapes.IncidentDetailShape))
    def get(self, request, incident_id):
        incident = selectors.incident_get_for(user=request.user, incident_id=incident_id)
        return Response(incident_payload(incident, with_related=True))

    @extend_schema(request=UpdateSerializer, responses=ok(200, shapes.IncidentDetailShape, conflict=True))
    def patch(self, request, incident_id):
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        base_version = fields.pop("base_version", None)
        services.incident_update(actor=request.user, incident_id=incident_id, base_version=base_version, **fields)
        incident = selectors.incident_get_for(user=request.user, incident_id=incident_id)
        return Response(incident_payload(incident, with_related=True))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class IncidentCancelApi(APIView):
    @extend_schema(request=ReasonSerializer, responses=ok(200, shapes.IncidentShape))
    def post(self, request, incident_id):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_cancel(actor=request.user, incident_id=incident_id, **data.validated_data)
        return Response(incident_payload(incident))


class IncidentCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        disposition = serializers.ChoiceField(choices=Disposition.choices)

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.IncidentShape))
    def post(self, request, incident_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_close(actor=request.user, incident_id=incident_id, **data.validated_data)
        return Response(incident_payload(incident))


class AssignmentCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        team = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=ok(201, shapes.AssignmentShape))
    def post(self, request, incident_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.incident_assign(
            actor=request.user, incident_id=incident_id, team_id=data.validated_data["team"]
        )
        return Response(assignment_payload(assignment), status=status.HTTP_201_CREATED)


class AssignmentAcknowledgeApi(APIView):
    @extend_schema(request=None, responses=ok(200, shapes.AssignmentShape))
    def post(self, request, assignment_id):
        assignment = services.assignment_acknowledge(actor=request.user, assignment_id=assignment_id)
        return Response(assignment_payload(assignment))


class AssignmentStatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[(s.value, s.label) for s in FIELD_STATUSES])

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.AssignmentShape))
    def post(self, request, assignment_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_set_status(
            actor=request.user, assignment_id=assignment_id, status=data.validated_data["status"]
        )
        return Response(assignment_payload(assignment))


class AssignmentCancelApi(APIView):
    @extend_schema(request=ReasonSerializer, responses=ok(200, shapes.AssignmentShape))
    def post(self, request, assignment_id):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_cancel(actor=request.user, assignment_id=assignment_id, **data.validated_data)
        return Response(assignment_payload(assignment))


class EncounterCreateApi(APIView):
    @extend_schema(request=EncounterInputSerializer, responses=ok(201, shapes.EncounterShape, conflict=True))
    def post(self, request):
        data = EncounterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = encounter_record_from(data.validated_data, actor=request.user)
        return Response(encounter_payload(version.encounter), status=status.HTTP_201_CREATED)


class EncounterDetailApi(APIView):
    @extend_schema(responses=ok(200, shapes.EncounterDetailShape))
    def get(self, request, encounter_id):
        encounter = selectors.encounter_get_for(user=request.user, encounter_id=encounter_id)
        return Response(encounter_payload(encounter, all_versions=True))


class EncounterNoteApi(APIView):
    class InputSerializer(serializers.Serializer):
        id = serializers.UUIDField(required=False)
        text = serializers.CharField(max_length=5000)
        device_time = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=ok(201, shapes.NoteShape))
    def post(self, request, encounter_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        note = services.encounter_add_note(
            actor=request.user, encounter_id=encounter_id, note_id=fields.pop("id", None), **fields
        )
        return Response(note_payload(note), status=status.HTTP_201_CREATED)


class TeamAssignmentsApi(APIView):
    """The calls of the caller's own team (the tablet's working set)."""

    @extend_schema(responses=ok(200, shapes.TeamAssignmentsShape))
    def get(self, request):
        team_id = user_team_id(request.user)
        if team_id is None:
            raise PermissionRefused(_("You are not on a team."))
        assignments = selectors.team_assignments_for(user=request.user, team_id=team_id)
        return Response(
            {
                "team": team_id,
                "results": [assignment_payload(a, with_incident=True) for a in assignments],
            }
        )
