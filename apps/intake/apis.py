"""REST doors of intake: EIDO from call centers, screening, the policy, duplicates, the quality report."""

import json

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import can_create_incident
from apps.common import callers
from apps.common.errors import NotFound, PermissionRefused
from apps.common.schema import ok
from apps.incidents.selectors import incident_get_for
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake import openapi as shapes
from apps.intake import selectors, services
from apps.intake.auth import ApiKeyAuthentication, IntakeThrottle
from apps.intake.eido.document import EidoError
from apps.intake.models import ApiKey, EidoDocument, Handback, ResponseType, ScreeningDecision
from apps.intake.services import eido_for_incident, eido_gaps, eido_receive
from apps.intake.wording import reasons_text
from apps.places.selectors import geocode


def decision_payload(decision: ScreeningDecision) -> dict:
    return {
        "id": decision.pk,
        "policy_version": decision.policy_version.number,
        "policy_version_id": decision.policy_version_id,
        "call_type": decision.call_type.code if decision.call_type_id else None,
        "channel": decision.channel,
        "answers": decision.answers,
        "recommended": decision.recommended,
        "response_type": decision.response_type,
        "eligible": decision.eligible,
        "reasons": reasons_text(decision.reasons),
        "recorded_reasons": decision.reasons,
        "priority": decision.priority,
        "overridden": decision.overridden,
        "override_reason": decision.override_reason,
        "incident": decision.incident_id,
        "decided_by": decision.decided_by.username,
        "decided_at": decision.decided_at.isoformat(),
        "unmet_need": hasattr(decision, "unmet_need"),
        "handback": decision.handbacks.exists(),
    }


def policy_payload(version) -> dict | None:
    if version is None:
        return None
    return {
        "id": version.pk,
        "policy": version.policy.name,
        "number": version.number,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "call_types": [
            {
                "code": r.call_type.code,
                "name": r.call_type.shown_name(),
                "nature_codes": r.nature_codes,
                "open311_service_code": r.open311_service_code or r.call_type.code,
                "priority": r.effective_priority(),
                "response_type": r.response_type,
            }
            for r in version.call_types.all()
        ],
        "questions": [
            {"key": q.key, "text": q.text, "help_text": q.help_text, "yes_leads_to": q.yes_leads_to}
            for q in version.questions.all()
        ],
        "targets": {str(t.priority): t.minutes for t in version.targets.all()},
    }


class CallCenterOnly(IsAuthenticated):
    message = "This door is for call centers with an API key."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and isinstance(request.auth, ApiKey)


class EidoIntakeApi(APIView):
    """POST a NENA EIDO (JSON). Same `$id` again updates the same incident."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [CallCenterOnly]
    throttle_classes = [IntakeThrottle]
    parser_classes: list = []

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            **ok(201, shapes.EidoReceivedShape),
            **ok(200, shapes.EidoReceivedShape),
        },
    )
    def post(self, request):
        center = request.auth.call_center
        try:
            document = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            return self._refused(center, EidoError("$", f"not valid JSON ({error})"))
        try:
            stored, created = eido_receive(call_center=center, document=document)
        except EidoError as error:
            return self._refused(center, error, eido_id=document.get("$id") if isinstance(document, dict) else None)
        decision = stored.decision
        body = {
            "eido_id": stored.eido_id,
            "received_count": stored.received_count,
            "incident": stored.incident_id,
            "reference": stored.incident.reference if stored.incident_id else None,
            "incident_open": bool(stored.incident_id and stored.incident.status in OPEN_INCIDENT_STATUSES),
            "decision": decision_payload(decision) if decision else None,
        }
        gaps = eido_gaps(stored)
        body["screening"] = "not_yet_safe_to_decide" if gaps else "screened"
        body["to_complete"] = gaps
        body["complete_at"] = (
            f"{reverse('intake-screen')}?incident={stored.incident_id}" if gaps and stored.incident_id else None
        )
        body["warnings"] = stored.parsed.get("warnings", [])
        if decision is not None and decision.response_type == ResponseType.NOT_ELIGIBLE:
            handback = decision.handbacks.first()
            body["handback"] = handback.document if handback else None
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _refused(self, center, error: EidoError, eido_id=None):
        services.intake_refused(
            actor=center.service_user,
            action="intake.eido.refused",
            # The audit detail is jsonb, which cannot hold a NUL: keep the record of the refusal anyway.
            reason=f"{error.path}: {error.reason}".replace("\x00", "\ufffd"),
            detail={
                "call_center": center.pk,
                "eido_id": str(eido_id)[:200].replace("\x00", "\ufffd") if eido_id else None,
            },
        )
        return Response(
            {
                "detail": _("The EIDO could not be read at %(path)s: %(reason)s.")
                % {"path": error.path, "reason": error.reason},
                "path": error.path,
                "reason": error.reason,
                error.path: [error.reason],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )


class IncidentEidoApi(APIView):
    """GET the incident as an EIDO: for a handback to the 911 center that sent it, or for dispatch."""

    authentication_classes = [SessionAuthentication, ApiKeyAuthentication]
    throttle_classes = [IntakeThrottle]

    @extend_schema(responses=ok(200, shapes.EIDO_DOCUMENT))
    def get(self, request, incident_id):
        if isinstance(request.auth, ApiKey):
            doc = EidoDocument.objects.filter(call_center=request.auth.call_center, incident_id=incident_id).first()
            if doc is None:
                services.intake_refused(
                    actor=request.user,
                    action="intake.eido.export",
                    reason="incident not sent by this call center",
                    detail={"incident": incident_id},
                )
                raise NotFound(_("No such incident."))
        if not can_create_incident(request.user):
            raise PermissionRefused(_("Only call-takers, dispatchers and supervisors export incidents."))
        incident = incident_get_for(user=request.user, incident_id=incident_id)
        return Response(eido_for_incident(incident))


class HandbackListApi(APIView):
    """A call center polls for the calls handed back to it (not eligible, police requested), as EIDO."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [CallCenterOnly]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("after", int)],
        responses=ok(200, shapes.HandbackListShape),
    )
    def get(self, request):
        after = request.query_params.get("after", "0")
        if not after.isdigit():
            raise ValidationError({"after": [_("A handback id (integer).")]})
        handbacks = list(
            Handback.objects.filter(call_center=request.auth.call_center, pk__gt=int(after)).order_by("pk")[:100]
        )
        services.intake_read(
            actor=request.user,
            action="intake.handback.list",
            detail={"count": len(handbacks), "after": after},
            record_ids=[h.pk for h in handbacks],
        )
        return Response(
            {
                "results": [
                    {
                        "id": h.pk,
                        "created_at": h.created_at.isoformat(),
                        "reason": h.reason,
                        "incident": h.incident_id,
                        "decision": h.decision_id,
                        "eido": h.document,
                    }
                    for h in handbacks
                ]
            }
        )


class ScreenApi(APIView):
    """Screen a call from a console (the screening page's JSON twin)."""

    class InputSerializer(serializers.Serializer):
        call_type = serializers.CharField(max_length=40)
        answers = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True), default=dict)
        location_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        summary = serializers.CharField(max_length=callers.SUMMARY_MAX, required=False, allow_blank=True, default="")
        latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
        longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
        callback = serializers.CharField(
            max_length=callers.CALLBACK_INPUT_MAX, required=False, allow_blank=True, default=""
        )
        caller_name = serializers.CharField(
            max_length=callers.CALLER_NAME_MAX, required=False, allow_blank=True, default=""
        )
        caller_notes = serializers.CharField(
            max_length=callers.CALLER_NOTES_MAX, required=False, allow_blank=True, default=""
        )
        caller_language = serializers.CharField(
            max_length=callers.LANGUAGE_MAX, required=False, allow_blank=True, default=""
        )
        override = serializers.ChoiceField(choices=ResponseType.choices, required=False, allow_null=True)
        override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        location_picked = serializers.BooleanField(required=False, default=False)
        dry_run = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
                raise serializers.ValidationError({"longitude": [_("Give both latitude and longitude, or neither.")]})
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={
            **ok(201, shapes.DecisionShape),
            **ok(
                200,
                shapes.EvaluationShape,
            ),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.pop("dry_run"):
            fields.pop("location_picked")
            if not can_create_incident(request.user):
                raise PermissionRefused(_("Only call-takers, dispatchers and supervisors screen calls."))
            version = selectors.policy_in_force()
            if version is None:
                raise NotFound(_("No eligibility policy is published yet."))
            evaluation = services.screening_evaluate(
                version=version, call_type=services.call_type_resolve(fields["call_type"]), answers=fields["answers"]
            )
            return Response(
                {
                    "policy_version": version.number,
                    "response_type": evaluation.response_type,
                    "state": evaluation.state,
                    "safe_to_decide": evaluation.safe_to_decide,
                    "unanswered_critical": evaluation.unanswered_critical,
                    "eligible": evaluation.eligible,
                    "priority": evaluation.priority,
                    "reasons": reasons_text(evaluation.reasons),
                }
            )
        decision = services.call_screen(actor=request.user, **fields)
        return Response(decision_payload(decision), status=status.HTTP_201_CREATED)


class DecisionDetailApi(APIView):
    @extend_schema(responses=ok(200, shapes.DecisionShape))
    def get(self, request, decision_id):
        return Response(decision_payload(selectors.decision_get_for(user=request.user, decision_id=decision_id)))


class PolicyInForceApi(APIView):
    """The policy call-takers screen with, for consoles and the screening page."""

    authentication_classes = [SessionAuthentication, ApiKeyAuthentication]

    @extend_schema(responses=ok(200, shapes.PolicyInForceShape))
    def get(self, request):
        return Response({"policy": policy_payload(selectors.policy_in_force())})


class PolicyReportApi(APIView):
    @extend_schema(responses=ok(200, shapes.PolicyReportShape))
    def get(self, request):
        return Response({"results": selectors.policy_quality_report(user=request.user)})


class DuplicateListApi(APIView):
    @extend_schema(responses=ok(200, shapes.DuplicateListShape))
    def get(self, request):
        flags = selectors.duplicate_flags_open_for(request.user)[:200]
        return Response(
            {
                "results": [
                    {
                        "id": f.pk,
                        "incident": f.incident_id,
                        "incident_reference": f.incident.reference,
                        "candidate": f.candidate_id,
                        "candidate_reference": f.candidate.reference,
                        "distance_m": f.distance_m,
                        "minutes_apart": f.minutes_apart,
                        "status": f.status,
                    }
                    for f in flags
                ]
            }
        )


class DuplicateLinkApi(APIView):
    class InputSerializer(serializers.Serializer):
        cancel_new = serializers.BooleanField(required=False, default=True)

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.DuplicateResolvedShape))
    def post(self, request, flag_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.duplicate_link(actor=request.user, flag_id=flag_id, **data.validated_data)
        return Response({"id": flag.pk, "status": flag.status, "incident": flag.incident_id})


class DuplicateDismissApi(APIView):
    @extend_schema(request=None, responses=ok(200, shapes.DuplicateResolvedShape))
    def post(self, request, flag_id):
        flag = services.duplicate_dismiss(actor=request.user, flag_id=flag_id)
        return Response({"id": flag.pk, "status": flag.status, "incident": flag.incident_id})


class GeocodeApi(APIView):
    """Candidates for a typed location (the screening page's autocomplete), from the program's own data."""

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=300, trim_whitespace=True)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=10, default=5)

    @extend_schema(
        summary="Geocode a typed location with the local geocoder",
        parameters=[InputSerializer],
        responses=ok(200, shapes.GeocodeShape),
    )
    def get(self, request):
        if not can_create_incident(request.user):
            raise PermissionRefused(_("Only call-takers, dispatchers and supervisors look up locations."))
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        found = geocode(data.validated_data["q"], limit=data.validated_data["limit"])
        return Response({"results": [c.as_dict() for c in found]})
