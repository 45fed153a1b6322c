"""Open311 GeoReport v2 under /open311/v2/: services from the policy in force, requests from 311 centers.

Services (and their definitions) are public, as the spec intends. Requests carry a call center's
`api_key`; reading requests back also needs the key and shows only that center's own requests,
because a request can describe a person. Errors use the spec's shape: [{"code", "description"}].
"""

import re
import xml.etree.ElementTree as ET  # building XML only; nothing is parsed here
from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake import conf
from apps.intake.auth import IntakeThrottle, Open311KeyAuthentication
from apps.intake.models import ApiKey, Open311Request, ResponseType
from apps.intake.selectors import call_type_for_service_code
from apps.intake.services import intake_refused, question_is_critical
from apps.intake.services.open311 import (
    LANGUAGE_ATTRIBUTE,
    Open311Error,
    open311_policy,
    open311_request_create,
)

MAX_RESULTS = 1000
SERVICE_CODE = re.compile(r"[-\w]+")  # as the service URL accepts it
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute"}
ITEM_NAMES |= {"values": "value"}


def _xml_value(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, sub in value.items():
            _xml_value(element, key, sub)
    elif isinstance(value, list):
        for sub in value:
            _xml_value(element, ITEM_NAMES.get(name, "item"), sub)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


class Open311XMLRenderer(renderers.BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        root_name = getattr(view, "xml_root", "service_requests") if not getattr(view, "_error", False) else "errors"
        if isinstance(data, dict):
            root = ET.Element(root_name)
            for key, value in data.items():
                _xml_value(root, key, value)
        else:
            root = ET.Element(root_name)
            for item in data or []:
                _xml_value(root, ITEM_NAMES.get(root_name, "item"), item)
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


class Open311View(APIView):
    """Answers in .json or .xml by the URL's suffix; every error in the spec's list-of-errors shape."""

    authentication_classes = [Open311KeyAuthentication]
    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer, Open311XMLRenderer]
    parser_classes = [FormParser, MultiPartParser]
    throttle_classes = [IntakeThrottle]
    xml_root = "service_requests"

    def handle_exception(self, exc):
        self._error = True
        if isinstance(exc, ApplicationError):
            code, text = exc.status_code, exc.message
            fields = [f"{k}: {'; '.join(v)}" for k, v in exc.extra.items() if isinstance(v, list)]
            if fields:
                text = f"{text} ({' '.join(fields)})"
        elif isinstance(exc, exceptions.APIException):
            code = exc.status_code
            text = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            if isinstance(exc, exceptions.Throttled):
                text = "Too many requests for this api_key; slow down."
        else:
            raise exc
        response = Response([{"code": code, "description": str(text)}], status=code)
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def _key(self, request) -> ApiKey:
        if not isinstance(request.auth, ApiKey):
            raise exceptions.PermissionDenied(_("api_key is required: a valid key issued to your call center."))
        return request.auth


def _service_payload(row, *, has_questions: bool) -> dict:
    return {
        "service_code": row.open311_service_code or row.call_type.code,
        "service_name": row.call_type.name,
        "description": row.description or row.call_type.description or row.call_type.name,
        "metadata": has_questions,
        "type": "realtime",
        "keywords": ", ".join(row.nature_codes),
        "group": "Community response",
    }


class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request, format=None):
        version = open311_policy()
        has_questions = bool(version.questions.all())
        return Response([_service_payload(row, has_questions=has_questions) for row in version.call_types.all()])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request, service_code, format=None):
        version = open311_policy()
        row = call_type_for_service_code(version, service_code)
        if row is None:
            raise exceptions.NotFound(_("No service with service_code '%(code)s'.") % {"code": service_code})
        return Response(
            {
                "service_code": service_code,
                "attributes": [
                    *(
                        {
                            "variable": True,
                            "code": q.key,
                            "datatype": "singlevaluelist",
                            "required": question_is_critical(q),
                            "datatype_description": "yes or no (a safety question: required)"
                            if question_is_critical(q)
                            else "yes, no or unknown",
                            "order": i + 1,
                            "description": q.text,
                            "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}],
                        }
                        for i, q in enumerate(version.questions.all())
                    ),
                    {
                        "variable": True,
                        "code": LANGUAGE_ATTRIBUTE,
                        "datatype": "singlevaluelist",
                        "required": False,
                        "datatype_description": "the caller's preferred language",
                        "order": len(version.questions.all()) + 1,
                        "description": "Which language does the caller prefer?",
                        "values": [{"key": code, "name": name} for code, _iso3, name in callers.LANGUAGES],
                    },
                ],
            }
        )


def _request_payload(req: Open311Request) -> dict:
    decision = req.decision
    incident = decision.incident
    if incident is None:
        state, notes = "closed", "Not eligible for a community response; routed back to the call center."
        updated = decision.decided_at
    else:
        state = "open" if incident.status in OPEN_INCIDENT_STATUSES else "closed"
        notes = incident.get_status_display()
        updated = incident.updated_at
    return {
        "service_request_id": str(req.pk),
        "status": state,
        "status_notes": notes,
        "service_name": decision.call_type.name if decision.call_type_id else "",
        "service_code": req.service_code,
        "description": req.description,
        "agency_responsible": conf.program_name(),
        "service_notice": "",
        "requested_datetime": req.requested_at.isoformat(),
        "updated_datetime": updated.isoformat() if updated else None,
        "expected_datetime": None,
        "address": req.address_string or (incident.location_text if incident else ""),
        "address_id": None,
        "zipcode": None,
        "lat": req.latitude,
        "long": req.longitude,
        "media_url": None,
    }


class RequestListView(Open311View):
    xml_root = "service_requests"

    def post(self, request, format=None):
        key = self._key(request)
        try:
            created = open311_request_create(api_key=key, data=request.data)
        except (Open311Error, ApplicationError) as error:
            intake_refused(
                actor=key.call_center.service_user,
                action="intake.open311.refused",
                reason=str(getattr(error, "message", None) or getattr(error, "detail", error)),
                detail={"call_center": key.call_center_id},
            )
            raise
        decision = created.decision
        notice = (
            "Not eligible for a community response; the call is routed back to you."
            if decision.response_type == ResponseType.NOT_ELIGIBLE
            else f"Accepted: {decision.get_response_type_display()}."
        )
        return Response(
            [{"service_request_id": str(created.pk), "service_notice": notice, "account_id": None}],
            status=status.HTTP_201_CREATED,
        )

    def get(self, request, format=None):
        key = self._key(request)
        qs = Open311Request.objects.filter(call_center=key.call_center).select_related(
            "decision__incident", "decision__call_type"
        )
        ids = request.query_params.get("service_request_id")
        if ids:
            wanted = [i.strip() for i in ids.split(",") if i.strip()]
            if not all(i.isdigit() for i in wanted):
                raise Open311Error("service_request_id is a comma-separated list of ids.")
            qs = qs.filter(pk__in=wanted)
        else:
            qs = self._window(qs, request.query_params)
        if request.query_params.get("service_code"):
            codes = request.query_params["service_code"].split(",")
            if not all(SERVICE_CODE.fullmatch(code) for code in codes):
                raise Open311Error("service_code is a comma-separated list of service codes.")
            qs = qs.filter(service_code__in=codes)
        wanted_status = request.query_params.get("status")
        if wanted_status and not set(wanted_status.split(",")) <= {"open", "closed"}:
            raise Open311Error("status is open or closed.")
        results = []
        for req in qs.order_by("-requested_at")[:MAX_RESULTS]:
            payload = _request_payload(req)
            if wanted_status and payload["status"] not in wanted_status.split(","):
                continue
            results.append(payload)
        audit_record(
            actor=request.user,
            action="intake.open311.list",
            object_type="intake.open311request",
            detail={"count": len(results)},
            record_ids=[r["service_request_id"] for r in results],
        )
        return Response(results)

    def _window(self, qs, params):
        start, end = params.get("start_date"), params.get("end_date")
        start_at = parse_datetime(start) if start else None
        end_at = parse_datetime(end) if end else None
        if (start and start_at is None) or (end and end_at is None):
            raise Open311Error("start_date and end_date are W3C date-times, e.g. 2026-01-31T17:00:00Z.")
        if start_at and timezone.is_naive(start_at):
            start_at = timezone.make_aware(start_at, timezone.UTC)
        if end_at and timezone.is_naive(end_at):
            end_at = timezone.make_aware(end_at, timezone.UTC)
        days = timedelta(days=conf.open311_default_days())
        if start_at is None and end_at is None:
            end_at = timezone.now()
            start_at = end_at - days
        elif start_at is None:
            start_at = end_at - days
        elif end_at is None:
            end_at = start_at + days
        if start_at > end_at:
            raise Open311Error("start_date is after end_date.")
        return qs.filter(requested_at__gte=start_at, requested_at__lte=end_at)


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    def get(self, request, request_id, format=None):
        key = self._key(request)
        req = (
            Open311Request.objects.filter(call_center=key.call_center, pk=request_id)
            .select_related("decision__incident", "decision__call_type")
            .first()
        )
        if req is None:
            intake_refused(
                actor=request.user,
                action="intake.open311.view",
                reason="not this center's request",
                detail={"request": request_id},
            )
            raise exceptions.NotFound(_("No service request %(id)s.") % {"id": request_id})
        audit_record(actor=request.user, action="intake.open311.view", obj=req)
        return Response([_request_payload(req)])
