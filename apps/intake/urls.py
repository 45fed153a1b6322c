"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import path

from apps.intake import apis

urlpatterns = [
    path("intake/eido/", apis.EidoIntakeApi.as_view(), name="api-intake-eido"),
    path("incidents/<int:incident_id>/eido/", apis.IncidentEidoApi.as_view(), name="api-incident-eido"),
    path("intake/handbacks/", apis.HandbackListApi.as_view(), name="api-intake-handbacks"),
    path("intake/screen/", apis.ScreenApi.as_view(), name="api-intake-screen"),
    path("intake/decisions/<int:decision_id>/", apis.DecisionDetailApi.as_view(), name="api-intake-decision"),
    path("intake/geocode/", apis.GeocodeApi.as_view(), name="api-intake-geocode"),
    path("intake/policy/", apis.PolicyInForceApi.as_view(), name="api-intake-policy"),
    path("intake/policy-report/", apis.PolicyReportApi.as_view(), name="api-intake-policy-report"),
    path("intake/duplicates/", apis.DuplicateListApi.as_view(), name="api-intake-duplicates"),
    path("intake/duplicates/<int:flag_id>/link/", apis.DuplicateLinkApi.as_view(), name="api-intake-duplicate-link"),
    path(
        "intake/duplicates/<int:flag_id>/dismiss/",
        apis.DuplicateDismissApi.as_view(),
        name="api-intake-duplicate-dismiss",
    ),
]
