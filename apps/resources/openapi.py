"""The shapes the resource directory doors answer, for the OpenAPI schema (cards are built in
`cards.py`; the HSDS doors answer HSDS 3.1 objects, described there by their own standard)."""

from rest_framework import serializers

S = serializers


class CapacityShape(S.Serializer):
    available = S.IntegerField(allow_null=True)
    total = S.IntegerField(allow_null=True)
    unit = S.CharField()
    updated_at = S.DateTimeField(allow_null=True)
    stale = S.BooleanField()


class ServiceCardShape(S.Serializer):
    """One service as the tablets keep it for offline search."""

    id = S.UUIDField()
    name = S.CharField()
    description = S.CharField()
    organization = S.CharField()
    organization_id = S.UUIDField()
    address = S.CharField()
    latitude = S.FloatField(allow_null=True)
    longitude = S.FloatField(allow_null=True)
    phone = S.CharField()
    url = S.CharField()
    hours = S.JSONField()
    eligibility = S.CharField()
    min_age = S.IntegerField(allow_null=True)
    max_age = S.IntegerField(allow_null=True)
    languages = S.ListField(child=S.CharField())
    needs = S.ListField(child=S.CharField())
    capacity = CapacityShape(allow_null=True)


class SearchCardShape(ServiceCardShape):
    distance_km = S.FloatField(allow_null=True)
    hours_today = S.ListField(child=S.CharField())
    hours_summary = S.ListField(child=S.CharField())
    open_state = S.CharField()
    open_now = S.BooleanField(allow_null=True)


class SearchShape(S.Serializer):
    count = S.IntegerField()
    results = SearchCardShape(many=True)


class FieldCacheShape(S.Serializer):
    services = ServiceCardShape(many=True)


class ServiceCapacityShape(S.Serializer):
    service = S.UUIDField()
    capacity = CapacityShape(allow_null=True)


HSDS_OBJECT = {"type": "object", "additionalProperties": True, "description": "An HSDS 3.1 object."}
HSDS_PAGE = {
    "type": "object",
    "description": "An HSDS 3.1 page (or, with format=ndjson, one object per line).",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": HSDS_OBJECT},
    },
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
}
HSDS_ROOT = {
    "type": "object",
    "properties": {"version": {"type": "string"}, "profile": {"type": "string"}, "openapi_url": {"type": "string"}},
    "required": ["version", "profile", "openapi_url"],
}
