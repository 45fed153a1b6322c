"""REST doors of insights. The public summary is open to anyone: aggregates only, suppressed by
apps/insights/privacy.py, the same numbers as /transparency/ (both read public.summary)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.schema import obj, ok
from apps.insights import public

_VALUE = {"type": ["number", "null"], "description": "The number, or null where it is suppressed or there is none."}
_ROW = obj({"group": {"type": "string"}, "label": {"type": "string"}, "value": {}})
PUBLIC_SUMMARY = obj(
    {
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "as_of": {"type": ["string", "null"], "format": "date-time", "description": "When the rollups were refreshed."},
        "released_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When these numbers were computed (the oldest of the months they are summed from).",
        },
        "pending": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Months (YYYY-MM) not released yet: their counts are null until the publish task has run.",
        },
        "min_count": {"type": "integer", "description": "Counts below it (and above zero) are suppressed (null)."},
        "breakdowns": {"type": "object", "additionalProperties": {"type": "string"}},
        "measures": {
            "type": "array",
            "items": obj(
                {
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "unit": {"type": "string"},
                    "kind": {"type": "string", "enum": ["count", "share", "duration"]},
                    "total": {
                        "description": "A count or a share: a number or null. A duration: {p50, p90, within_target}.",
                        "oneOf": [_VALUE, obj({"p50": _VALUE, "p90": _VALUE, "within_target": _VALUE})],
                    },
                    "by_month": {"type": "array", "items": _ROW},
                    "breakdowns": {"type": "object", "additionalProperties": {"type": "array", "items": _ROW}},
                }
            ),
        },
    },
)


class PublicSummaryApi(APIView):
    """The transparency dashboard's numbers as JSON, for anyone (no sign-in).

    `from` is the first day of a month and `to` the last day of one (both optional: the last twelve
    complete months by default); anything else is a 400 with field errors. Counts from 1 to min_count - 1,
    cells that would give one away by subtraction, and rates or percentiles resting on fewer than
    min_count records are null. Each month, this month so far and the default period are computed
    ahead by the publish task; any other range is the sum of its months. Cached for a minute.
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="The public measures for whole months (no sign-in)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=ok(200, PUBLIC_SUMMARY),
    )
    def get(self, request):
        raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
        if raw_from or raw_to:
            start, end = public.parse_range(raw_from, raw_to)
        else:
            start, end = public.default_range()
        response = Response(public.summary(start, end))
        response["Cache-Control"] = "public, max-age=60"
        return response
