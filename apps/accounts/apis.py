from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.enrollment import enrollment_payload
from apps.accounts.models import Device
from apps.accounts.selectors import second_factor_state, user_summary
from apps.common.schema import ok
from apps.common.throttles import ScopedClientAddressThrottle


class UserShape(serializers.Serializer):
    """What `user_summary` answers."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    team = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class SessionShape(serializers.Serializer):
    user = UserShape()
    second_factor = serializers.ChoiceField(choices=["not_required", "verified", "verify", "enroll"])


class MeShape(serializers.Serializer):
    user = UserShape()


class DeviceStatusShape(serializers.Serializer):
    status = serializers.ChoiceField(choices=["in_service"])


class LoginApi(APIView):
    """Open a session. Unauthenticated, so no CSRF token is needed yet; it is set in the answer.

    `second_factor` tells the client what the session still owes: "not_required", "verified",
    "verify" (POST a code to auth/second-factor/) or "enroll" (the /accounts/second-factor/ page).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedClientAddressThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        device = serializers.UUIDField(required=False, allow_null=True)
        device_key = serializers.CharField(max_length=128, required=False, allow_blank=True, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=ok(200, SessionShape))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.auth_login(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            device_id=data.validated_data.get("device"),
            device_key=data.validated_data.get("device_key") or None,
        )
        get_token(request)
        return Response({"user": user_summary(user), "second_factor": second_factor_state(user, request.session)})


class SecondFactorApi(APIView):
    """Give the session its second factor: a code from the authenticator app, or one recovery code."""

    throttle_classes = [ScopedClientAddressThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=64)

    @extend_schema(request=InputSerializer, responses=ok(200, SessionShape))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.second_factor_verify(request=request, code=data.validated_data["code"])
        return Response({"user": user_summary(request.user), "second_factor": "verified"})


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=ok(204, None))
    def post(self, request):
        services.auth_logout(request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(responses=ok(200, MeShape))
    def get(self, request):
        get_token(request)
        return Response({"user": user_summary(request.user)})


class DeviceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", "name", "team", "registered_at", "last_seen_at", "revoked_at"]


class DeviceEnrollmentOutputSerializer(DeviceOutputSerializer):
    """The tablet with its one-time enrollment code, link and QR code; shown once, never stored."""

    enrollment_code = serializers.CharField()
    enrollment_url = serializers.CharField()
    enrollment_expires_at = serializers.DateTimeField()
    enrollment_qr_svg = serializers.CharField()

    class Meta(DeviceOutputSerializer.Meta):
        fields = [
            *DeviceOutputSerializer.Meta.fields,
            "enrollment_code",
            "enrollment_url",
            "enrollment_expires_at",
            "enrollment_qr_svg",
        ]


def _with_enrollment(request, device, code) -> dict:
    return {**DeviceOutputSerializer(device).data, **enrollment_payload(request, device, code)}


class DeviceRegisterApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        # The team a tablet belongs to, through the device's own foreign key: accounts sits below teams.
        team = serializers.PrimaryKeyRelatedField(
            queryset=Device.team.field.related_model.objects.all(), required=False, allow_null=True
        )

    @extend_schema(request=InputSerializer, responses=ok(201, DeviceEnrollmentOutputSerializer))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, code = services.device_register(actor=request.user, **data.validated_data)
        return Response(_with_enrollment(request, device, code), status=status.HTTP_201_CREATED)


class DeviceEnrollmentRenewApi(APIView):
    """A new one-time enrollment code for a registered tablet (the old one stops working)."""

    @extend_schema(request=None, responses=ok(200, DeviceEnrollmentOutputSerializer))
    def post(self, request, device_id):
        device, code = services.device_enrollment_renew(actor=request.user, device_id=device_id)
        return Response(_with_enrollment(request, device, code))


class DeviceEnrollApi(APIView):
    """The tablet exchanges its one-time code for its key. Unauthenticated, throttled like sign-in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedClientAddressThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        enrollment_code = serializers.CharField(max_length=40)

    class OutputSerializer(serializers.Serializer):
        device = serializers.UUIDField()
        device_key = serializers.CharField()
        name = serializers.CharField()
        team = serializers.IntegerField(allow_null=True)

    @extend_schema(request=InputSerializer, responses=ok(200, OutputSerializer))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, key = services.device_enroll(enrollment_code=data.validated_data["enrollment_code"])
        body = {"device": str(device.pk), "device_key": key, "name": device.name, "team": device.team_id}
        response = Response(body)
        response["Cache-Control"] = "no-store"
        return response


class DeviceRevokeApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ok(200, DeviceOutputSerializer))
    def post(self, request, device_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.device_revoke(actor=request.user, device_id=device_id, reason=data.validated_data["reason"])
        return Response(DeviceOutputSerializer(device).data)


class DeviceCheckApi(APIView):
    """A tablet asks, with its key, whether it is still in service (a revoked one then wipes itself)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedClientAddressThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        device = serializers.UUIDField()
        device_key = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=ok(200, DeviceStatusShape))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.device_check(device_id=data.validated_data["device"], device_key=data.validated_data["device_key"])
        return Response({"status": "in_service"})
