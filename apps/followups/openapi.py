"""The shapes the follow-up and referral doors answer, for the OpenAPI schema (the payloads are built
in `payloads.py` and, for partners, `selectors.referral_disclosure`)."""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

S = serializers


def _when(**kw):
    return S.DateTimeField(allow_null=True, **kw)


class FollowUpShape(S.Serializer):
    id = S.UUIDField()
    kind = S.CharField()
    kind_label = S.CharField()
    status = S.CharField()
    due_at = _when()
    escalate_at = _when()
    team = S.IntegerField(allow_null=True)
    assignee = S.IntegerField(allow_null=True)
    encounter = S.UUIDField(allow_null=True)
    responder = S.IntegerField(allow_null=True)
    referral = S.UUIDField(allow_null=True)
    certification = S.IntegerField(allow_null=True)
    previous = S.UUIDField(allow_null=True)
    notes = S.CharField()
    outcome = S.CharField(allow_null=True)
    outcome_notes = S.CharField()
    completed_at = _when()
    created_at = _when()
    version = S.IntegerField()


class FollowUpListShape(S.Serializer):
    results = FollowUpShape(many=True)


class ConsentShape(S.Serializer):
    scope = S.ListField(child=S.CharField())
    recipients = S.CharField()
    expires_at = _when()
    substance_use_records = S.BooleanField()
    given_by = S.CharField()
    purpose = S.CharField()
    recipient_name = S.CharField()
    recorded_at = _when()
    revoked_at = _when()


# "from" is a Python keyword, so this one is built rather than declared.
ReferralStepShape = type(
    "ReferralStepShape",
    (S.Serializer,),
    {
        "from": S.CharField(allow_null=True),
        "to": S.CharField(),
        "reason": S.CharField(),
        "at": _when(),
        "actor": S.IntegerField(allow_null=True),
        "actor_role": S.CharField(),
    },
)


class ReferralShape(S.Serializer):
    """A referral as the program's own users see it."""

    id = S.UUIDField()
    encounter = S.UUIDField()
    service = S.UUIDField()
    service_name = S.CharField()
    organization = S.UUIDField()
    status = S.CharField()
    status_label = S.CharField()
    status_reason = S.CharField()
    status_changed_at = _when()
    need = S.CharField()
    notes = S.CharField()
    consent = ConsentShape(allow_null=True)
    consent_problems = S.ListField(child=S.CharField())
    part2_reasons = S.ListField(child=S.CharField())
    created_by = S.IntegerField(allow_null=True)
    created_at = _when()
    version = S.IntegerField()
    history = ReferralStepShape(many=True, required=False)


class NamedShape(S.Serializer):
    id = S.UUIDField()
    name = S.CharField()


class DisclosedConsentShape(S.Serializer):
    active = S.BooleanField()
    scope = S.ListField(child=S.CharField())
    expires_at = _when()
    revoked = S.BooleanField()
    recipient_allowed = S.BooleanField()


class PartnerReferralShape(S.Serializer):
    """A referral as a partner sees it: the loop's state, and only the personal fields consented to."""

    id = S.UUIDField()
    status = S.CharField()
    status_changed_at = _when()
    status_reason = S.CharField()
    version = S.IntegerField()
    service = NamedShape()
    organization = NamedShape()
    created_at = _when()
    consent = DisclosedConsentShape()
    substance_use_protected = S.BooleanField()
    notice = S.CharField()
    shared = S.DictField()


def referral_for_reader(**kw):
    """A program user's view of a referral, or a partner's."""
    return PolymorphicProxySerializer(
        component_name="ReferralForReader",
        serializers=[ReferralShape, PartnerReferralShape],
        resource_type_field_name=None,
        **kw,
    )


class ReferralListShape(S.Serializer):
    results = referral_for_reader(many=True)


class EncounterReferralsShape(S.Serializer):
    encounter = S.UUIDField()
    referrals = ReferralShape(many=True)
    followups = FollowUpShape(many=True)


class MissingPartnershipRowShape(S.Serializer):
    need = S.CharField()
    need_label = S.CharField()
    district = S.CharField()
    has_active_partner = S.BooleanField()
    encounters = S.IntegerField()
    referrals_no_capacity = S.IntegerField()
    referrals_not_eligible = S.IntegerField()
    referrals_no_partner = S.IntegerField()
    total = S.IntegerField()


# "from" is a Python keyword, so this one is built rather than declared.
MissingPartnershipsShape = type(
    "MissingPartnershipsShape",
    (S.Serializer,),
    {
        "from": S.DateField(),
        "to": S.DateField(),
        "needs_without_active_partner": S.ListField(child=S.CharField()),
        "rows": MissingPartnershipRowShape(many=True),
    },
)
