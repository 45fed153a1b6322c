"""REST doors of the resource directory under /api/v1/resources/: field search, capacity, reports."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.errors import NotFound
from apps.common.schema import ok
from apps.resources import openapi as shapes
from apps.resources import selectors, services
from apps.resources.cards import capacity_payload
from apps.resources.models import ServiceCapacity

MAX_RESULTS = 100


class SearchApi(APIView):
    class InputSerializer(serializers.Serializer):
        need = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
        radius_km = serializers.FloatField(required=False, min_value=0.1, max_value=500)
        open_now = serializers.BooleanField(required=False, default=False)
        language = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
        age = serializers.IntegerField(required=False, min_value=0, max_value=130)
        has_capacity = serializers.BooleanField(required=False, default=False)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_RESULTS, default=20)

        def validate(self, attrs):
            if ("lat" in attrs) != ("lon" in attrs):
                raise serializers.ValidationError({"lat": [_("Give both lat and lon, or neither.")]})
            return attrs

    @extend_schema(
        summary="Search the resource directory for the field",
        parameters=[InputSerializer],
        responses=ok(200, shapes.SearchShape),
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        query = selectors.SearchQuery(
            need=v["need"] or v["q"],
            latitude=v.get("lat"),
            longitude=v.get("lon"),
            radius_km=v.get("radius_km"),
            open_now=v["open_now"],
            language=v["language"],
            age=v.get("age"),
            has_capacity=v["has_capacity"],
            limit=v["limit"],
        )
        results = selectors.services_search(query=query)
        return Response({"count": len(results), "results": results})


class FieldCacheApi(APIView):
    @extend_schema(
        summary="Every active service, as the tablets keep it for offline search",
        responses=ok(200, shapes.FieldCacheShape),
    )
    def get(self, request):
        return Response({"services": selectors.services_for_field_cache()})


class CapacityApi(APIView):
    class InputSerializer(serializers.Serializer):
        # The columns are PositiveIntegerField: a larger number is a 400 here, not a database error.
        available = serializers.IntegerField(min_value=0, max_value=2_147_483_647, allow_null=True)
        total = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, allow_null=True)
        unit = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(
        summary="Update a service's available capacity (its partner staff or supervisors)",
        request=InputSerializer,
        responses=ok(200, shapes.ServiceCapacityShape),
    )
    def post(self, request, service_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        capacity = services.capacity_update(
            actor=request.user,
            service_id=service_id,
            available=data.validated_data["available"],
            total=data.validated_data.get("total"),
            unit=data.validated_data.get("unit") or None,
        )
        return Response({"service": str(service_id), "capacity": capacity_payload(capacity)})

    @extend_schema(summary="A service's current capacity", responses=ok(200, shapes.ServiceCapacityShape))
    def get(self, request, service_id):
        service = selectors.service_for_capacity(service_id)
        if service is None:
            raise NotFound(_("No such service."))
        capacity = ServiceCapacity.objects.filter(service=service).first()
        return Response({"service": str(service_id), "capacity": capacity_payload(capacity)})
