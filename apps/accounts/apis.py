from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.models import Device
from apps.accounts.selectors import user_summary
from apps.teams.models import Team


class LoginApi(APIView):
    """Open a session. Unauthenticated, so no CSRF token is needed yet; it is set in the answer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        device = serializers.UUIDField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.auth_login(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            device_id=data.validated_data.get("device"),
        )
        get_token(request)
        return Response({"user": user_summary(user)})


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        services.auth_logout(request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    def get(self, request):
        get_token(request)
        return Response({"user": user_summary(request.user)})


class DeviceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ["id", "name", "team", "registered_at", "last_seen_at", "revoked_at"]


class DeviceRegisterApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=DeviceOutputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.device_register(actor=request.user, **data.validated_data)
        return Response(DeviceOutputSerializer(device).data, status=status.HTTP_201_CREATED)


class DeviceRevokeApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=DeviceOutputSerializer)
    def post(self, request, device_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.device_revoke(actor=request.user, device_id=device_id, reason=data.validated_data["reason"])
        return Response(DeviceOutputSerializer(device).data)
