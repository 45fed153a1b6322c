"""Pages and non-/api/v1 endpoints of this app, mounted at the site root."""

from django.urls import path

from apps.followups import pages

urlpatterns = [
    path("partners/", pages.partner_inbox, name="partner-inbox"),
    path("partners/referrals/<uuid:referral_id>/", pages.partner_referral, name="partner-referral"),
    path("partners/referrals/<uuid:referral_id>/transition/", pages.partner_transition, name="partner-transition"),
    path("followups/supervision/", pages.supervision, name="followups-supervision"),
    path(
        "followups/supervision/deliveries/<uuid:delivery_id>/retry/",
        pages.supervision_retry,
        name="followups-retry",
    ),
]
