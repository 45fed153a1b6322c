"""REST doors for follow-ups and referrals: validate, call one service, answer."""

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import Role, is_supervisor, role_of
from apps.audit.services import audit_record
from apps.common.days import program_today
from apps.common.errors import ApplicationError, PermissionRefused
from apps.common.schema import ok
from apps.followups import openapi as shapes
from apps.followups import selectors, services
from apps.followups.disclosure import referrals_part2_reasons
from apps.followups.models import FollowUp, Referral
from apps.followups.payloads import followup_payload, referral_payload
from apps.followups.reports import missing_partnerships


class FollowUpListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        id = serializers.UUIDField(required=False)
        kind = serializers.ChoiceField(choices=FollowUp.Kind.choices)
        due_at = serializers.DateTimeField()
        team = serializers.IntegerField(required=False, allow_null=True)
        assignee = serializers.IntegerField(required=False, allow_null=True)
        encounter = serializers.UUIDField(required=False, allow_null=True)
        responder = serializers.IntegerField(required=False, allow_null=True)
        notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

        def validate(self, attrs):
            if attrs.get("team") is None and attrs.get("assignee") is None:
                raise serializers.ValidationError({"team": [_("Give a team or an assignee.")]})
            return attrs

    @extend_schema(request=InputSerializer, responses=ok(201, shapes.FollowUpShape, conflict=True))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        f = services.followup_create(
            actor=request.user,
            kind=v["kind"],
            due_at=v["due_at"],
            team_id=v.get("team"),
            assignee_id=v.get("assignee"),
            encounter_id=v.get("encounter"),
            responder_id=v.get("responder"),
            notes=v.get("notes", ""),
            followup_id=v.get("id"),
        )
        return Response(followup_payload(f), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("mine", str, enum=["1"]),
        ],
        responses=ok(200, shapes.FollowUpListShape),
    )
    def get(self, request):
        qs = selectors.followups_visible_to(request.user)
        wanted = request.query_params.get("status")
        if wanted:
            statuses = wanted.split(",")
            unknown = [s for s in statuses if s not in FollowUp.Status.values]
            if unknown:
                raise ApplicationError(
                    _("Invalid value."),
                    extra={"status": [_("Choose from %(allowed)s.") % {"allowed": ", ".join(FollowUp.Status.values)}]},
                )
            qs = qs.filter(status__in=statuses)
        else:
            qs = qs.exclude(status__in=[FollowUp.Status.DONE, FollowUp.Status.CANCELLED])
        if request.query_params.get("mine") == "1":
            qs = qs.filter(assignee=request.user)
        rows = list(qs.order_by("due_at")[:200])
        audit_record(
            actor=request.user,
            action="followup.list",
            object_type="followups.followup",
            detail={"count": len(rows)},
            record_ids=[f.pk for f in rows],
        )
        return Response({"results": [followup_payload(f) for f in rows]})


class FollowUpDetailApi(APIView):
    @extend_schema(responses=ok(200, shapes.FollowUpShape))
    def get(self, request, followup_id):
        f = selectors.followup_get_for(user=request.user, followup_id=followup_id)
        return Response(followup_payload(f))


class FollowUpCompleteApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=FollowUp.Outcome.choices)
        notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        next_due_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.FollowUpShape, conflict=True))
    def post(self, request, followup_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = services.followup_complete(actor=request.user, followup_id=followup_id, **data.validated_data)
        return Response(followup_payload(f))


class ReferralListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        id = serializers.UUIDField(required=False)
        encounter = serializers.UUIDField()
        service = serializers.UUIDField()
        consent = serializers.JSONField()
        need = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        send = serializers.BooleanField(required=False, default=True)

    @extend_schema(request=InputSerializer, responses=ok(201, shapes.ReferralShape, conflict=True))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        referral = services.referral_create(
            actor=request.user,
            encounter_id=v["encounter"],
            service_id=v["service"],
            consent=v["consent"],
            need=v["need"],
            notes=v["notes"],
            referral_id=v.get("id"),
            send=v["send"],
        )
        referral = selectors.referral_get_for(user=request.user, referral_id=referral.pk)
        return Response(referral_payload(referral), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("status", str)],
        responses=ok(200, shapes.ReferralListShape),
    )
    def get(self, request):
        qs = selectors.referrals_visible_to(request.user)
        wanted = request.query_params.get("status")
        if wanted:
            statuses = wanted.split(",")
            unknown = [s for s in statuses if s not in Referral.Status.values]
            if unknown:
                raise ApplicationError(
                    _("Invalid value."),
                    extra={"status": [_("Choose from %(allowed)s.") % {"allowed": ", ".join(Referral.Status.values)}]},
                )
            qs = qs.filter(status__in=statuses)
        rows = list(qs.order_by("-created_at")[:200])
        audit_record(
            actor=request.user,
            action="referral.list",
            object_type="followups.referral",
            detail={"count": len(rows)},
            record_ids=[r.pk for r in rows],
        )
        if role_of(request.user) == Role.PARTNER:
            results = [selectors.referral_disclose(referral=r, recipient=request.user) for r in rows]
        else:
            part2 = referrals_part2_reasons(rows)
            results = [referral_payload(r, part2=part2[r.pk]) for r in rows]
        return Response({"results": results})


class ReferralDetailApi(APIView):
    @extend_schema(responses=ok(200, shapes.referral_for_reader()))
    def get(self, request, referral_id):
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
        if role_of(request.user) == Role.PARTNER:
            return Response(selectors.referral_disclose(referral=referral, recipient=request.user))
        return Response(referral_payload(referral))


class ReferralTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Referral.Status.choices)
        reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        # A partner closing the referral may answer these; unanswered stays null.
        handoff_info_enough = serializers.BooleanField(required=False, allow_null=True, default=None)
        handoff_timely = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.referral_for_reader()))
    def post(self, request, referral_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.referral_transition(actor=request.user, referral_id=referral_id, **data.validated_data)
        return ReferralDetailApi().get(request, referral_id)


class ConsentRevokeApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ok(200, shapes.ReferralShape))
    def post(self, request, referral_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.consent_revoke(actor=request.user, referral_id=referral_id, **data.validated_data)
        referral = selectors.referral_get_for(user=request.user, referral_id=referral_id)
        return Response(referral_payload(referral))


class EncounterReferralsApi(APIView):
    """The loop as seen from the encounter: each referral with every stamped step, and follow-ups."""

    @extend_schema(responses=ok(200, shapes.EncounterReferralsShape))
    def get(self, request, encounter_id):
        referrals = selectors.encounter_referrals_for(user=request.user, encounter_id=encounter_id)
        followups = selectors.encounter_followups_for(user=request.user, encounter_id=encounter_id)
        return Response(
            {
                "encounter": str(encounter_id),
                "referrals": [referral_payload(r) for r in referrals],
                "followups": [followup_payload(f) for f in followups],
            }
        )


class MissingPartnershipsApi(APIView):
    class InputSerializer(serializers.Serializer):
        start = serializers.DateField(required=False)
        end = serializers.DateField(required=False)

    @extend_schema(
        summary="Needs no active partner could take, by need and district (supervisors)",
        parameters=[InputSerializer],
        responses=ok(200, shapes.MissingPartnershipsShape),
    )
    def get(self, request):
        if not is_supervisor(request.user):
            raise PermissionRefused(_("Only supervisors may see the partnerships report."))
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        end = data.validated_data.get("end") or program_today()
        start = data.validated_data.get("start") or end - timedelta(days=30)
        if start > end:
            raise ApplicationError(_("Invalid period."), extra={"start": [_("Must be on or before end.")]})
        return Response(missing_partnerships(start=start, end=end))
