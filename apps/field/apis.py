"""REST doors of the tablet app: the sync endpoint, the working set, and the resource cache.

The sync endpoint answers 200 with one result per mutation even when some are refused: a batch is
never all-or-nothing. Only a malformed envelope is a 400, and a revoked or unknown tablet a 401.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import acting_user
from apps.accounts.services import SESSION_DEVICE_KEY
from apps.audit.models import Outcome
from apps.audit.services import audit_record
from apps.common.schema import ok
from apps.feedback.services import feedback_card_text
from apps.field import conf, selectors, services
from apps.field import openapi as shapes
from apps.incidents.openapi import EncounterShape
from apps.safety.openapi import EmergencyShape
from apps.safety.selectors import emergency_payload
from apps.safety.services import emergency_raise


def _device_refusal(request, device_id):
    """The session must be open and bound to the tablet named; a stranger learns nothing about ids.

    A revoked tablet whose session was ended by the revocation is told so by the session guard
    (apps.accounts.middleware) from its session cookie, before this runs.
    """
    if not request.user.is_authenticated:
        return None, Response(
            {"detail": _("Sign in first."), "code": "not_authenticated"}, status=status.HTTP_401_UNAUTHORIZED
        )
    session_device = request.session.get(SESSION_DEVICE_KEY)
    if session_device is None or session_device != str(device_id):
        audit_record(
            actor=request.user,
            action="field.device_mismatch",
            object_type="accounts.device",
            object_id=str(device_id),
            outcome=Outcome.DENIED,
            detail={"session_device": session_device},
        )
        return None, Response(
            {
                "detail": _("This session was opened on another tablet. Sign in again on this one."),
                "code": "device_mismatch",
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    device = getattr(request, "session_device", None)  # read by the session guard, this request
    if device is None or str(device.pk) != str(device_id):
        device = selectors.device_for_sync(device_id=device_id)
    if device is None:
        return None, Response(
            {"detail": _("This tablet is not registered to the program."), "code": "device_unknown"},
            status=status.HTTP_401_UNAUTHORIZED,
        )
    if device.is_revoked:
        audit_record(
            actor=request.user,
            action="field.sync",
            obj=device,
            outcome=Outcome.DENIED,
            detail={"reason": "device revoked"},
        )
        return None, Response(
            {
                "detail": _("This tablet was revoked by a supervisor. Its local data must be erased."),
                "code": "device_revoked",
            },
            status=status.HTTP_401_UNAUTHORIZED,
        )
    return device, None


def _bound_device(request):
    """The tablet a read of the working set is for: `?device=` (or the session's), bound to the session."""
    device_id = request.query_params.get("device")
    if device_id:
        try:
            device_id = serializers.UUIDField().to_internal_value(device_id)
        except serializers.ValidationError:
            return None, Response({"device": [_("Must be a UUID.")]}, status=status.HTTP_400_BAD_REQUEST)
    elif request.user.is_authenticated:
        device_id = request.session.get(SESSION_DEVICE_KEY)
    if not request.user.is_authenticated:
        return None, Response(
            {"detail": _("Sign in first."), "code": "not_authenticated"}, status=status.HTTP_401_UNAUTHORIZED
        )
    if device_id is None:
        # Signed in, but on no tablet: the field app's working set is only for a bound session.
        return None, Response(
            {"detail": _("Sign in on an enrolled tablet in the field app."), "code": "device_required"},
            status=status.HTTP_403_FORBIDDEN,
        )
    return _device_refusal(request, device_id)


class SyncApi(APIView):
    """Apply a batch of queued mutations, each exactly once. See docs/sync.md."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        device = serializers.UUIDField()
        mutations = serializers.ListField(child=serializers.JSONField(), allow_empty=True)

        def validate_mutations(self, value):
            limit = conf.max_batch()
            if len(value) > limit:
                raise serializers.ValidationError(_("Send at most %(limit)d changes per batch.") % {"limit": limit})
            return value

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.SyncShape))
    def post(self, request):
        envelope = self.InputSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        device, refusal = _device_refusal(request, envelope.validated_data["device"])
        if refusal is not None:
            return refusal
        results = services.sync_apply(
            actor=acting_user(request.user), device=device, mutations=envelope.validated_data["mutations"]
        )
        return Response({"results": results})


class BootstrapApi(APIView):
    """The working set the tablet caches, for the tablet the session is bound to (`?device=` must name it)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("device", str)],
        responses=ok(200, shapes.BootstrapShape),
    )
    def get(self, request):
        device, refusal = _bound_device(request)
        if refusal is not None:
            return refusal
        return Response(selectors.field_working_set(user=request.user, device=device))


class AssignmentApi(APIView):
    """One of the team's assignments as the tablet's store holds it: what a live event names."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("device", str)],
        responses=ok(200, shapes.FieldAssignmentShape),
    )
    def get(self, request, assignment_id: int):
        device, refusal = _bound_device(request)
        if refusal is not None:
            return refusal
        return Response(selectors.field_assignment(user=request.user, device=device, assignment_id=assignment_id))


class EncounterApi(APIView):
    """One of the team's encounters as the tablet's store holds it: what a live event names."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("device", str)],
        responses=ok(200, EncounterShape),
    )
    def get(self, request, encounter_id):
        device, refusal = _bound_device(request)
        if refusal is not None:
            return refusal
        return Response(selectors.field_encounter(user=request.user, device=device, encounter_id=encounter_id))


class ResourcesApi(APIView):
    """The resource directory, shaped for the tablet's offline search."""

    @extend_schema(responses=ok(200, shapes.FieldResourcesShape))
    def get(self, request):
        return Response(selectors.field_resources(user=request.user))


class EmergencyRaiseApi(APIView):
    """The emergency button: raised at once for the responder's own team (the tablet also queues it
    with the same id when this cannot reach the server, and the outbox's copy is the same emergency)."""

    class InputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        team = serializers.IntegerField(required=False, allow_null=True, default=None)
        latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90, default=None)
        longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180, default=None)
        accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0, default=None)

    @extend_schema(request=InputSerializer, responses=ok(201, EmergencyShape))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        emergency = emergency_raise(
            actor=request.user,
            emergency_id=given["id"],
            team_id=given["team"],
            latitude=given["latitude"],
            longitude=given["longitude"],
            accuracy_m=given["accuracy"],
        )
        return Response(emergency_payload(emergency), status=status.HTTP_201_CREATED)


class FeedbackCardTextApi(APIView):
    """Send a feedback card's link by text message. Needs signal (the tablet says so when offline)
    and the card on the server (the tablet syncs first). The number is used once and never stored;
    the token proves this tablet holds the card, and is not stored either."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        device = serializers.UUIDField(required=False)  # the session's tablet when left out
        token = serializers.RegexField(r"^[0-9a-hjkmnp-tv-z]{20}$")
        phone = serializers.CharField(max_length=40)
        language = serializers.ChoiceField(choices=["en", "es"], required=False, default="en")

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.FeedbackCardTextedShape))
    def post(self, request, card_id):
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        device_id = given.validated_data.get("device") or request.session.get(SESSION_DEVICE_KEY)
        if request.user.is_authenticated and device_id is None:
            return Response(
                {"detail": _("Sign in on an enrolled tablet in the field app."), "code": "device_required"},
                status=status.HTTP_403_FORBIDDEN,
            )
        _device, refusal = _device_refusal(request, device_id)
        if refusal is not None:
            return refusal
        card = feedback_card_text(
            actor=request.user,
            card_id=card_id,
            token=given.validated_data["token"],
            phone=given.validated_data["phone"],
            language=given.validated_data["language"],
            link_base=request.build_absolute_uri("/"),
        )
        response = Response({"id": str(card.pk), "texts_sent": card.texts_sent})
        response["Cache-Control"] = "no-store"
        return response
