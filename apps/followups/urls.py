"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import path

from apps.followups import apis

urlpatterns = [
    path("followups/", apis.FollowUpListCreateApi.as_view(), name="api-followups"),
    path("followups/<uuid:followup_id>/", apis.FollowUpDetailApi.as_view(), name="api-followup"),
    path("followups/<uuid:followup_id>/complete/", apis.FollowUpCompleteApi.as_view(), name="api-followup-complete"),
    path("referrals/", apis.ReferralListCreateApi.as_view(), name="api-referrals"),
    path("referrals/<uuid:referral_id>/", apis.ReferralDetailApi.as_view(), name="api-referral"),
    path(
        "referrals/<uuid:referral_id>/transition/", apis.ReferralTransitionApi.as_view(), name="api-referral-transition"
    ),
    path("referrals/<uuid:referral_id>/consent/revoke/", apis.ConsentRevokeApi.as_view(), name="api-referral-revoke"),
    path(
        "encounters/<uuid:encounter_id>/referrals/",
        apis.EncounterReferralsApi.as_view(),
        name="api-encounter-referrals",
    ),
    # The missing-partnerships report reads referrals, so it is served here (its path is unchanged).
    path(
        "resources/partnerships/missing/",
        apis.MissingPartnershipsApi.as_view(),
        name="api-resources-missing-partnerships",
    ),
]
