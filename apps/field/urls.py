"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import path

from apps.field import apis

urlpatterns = [
    path("field/sync/", apis.SyncApi.as_view(), name="api-field-sync"),
    path("field/bootstrap/", apis.BootstrapApi.as_view(), name="api-field-bootstrap"),
    path("field/assignments/<int:assignment_id>/", apis.AssignmentApi.as_view(), name="api-field-assignment"),
    path("field/encounters/<uuid:encounter_id>/", apis.EncounterApi.as_view(), name="api-field-encounter"),
    path("field/emergencies/", apis.EmergencyRaiseApi.as_view(), name="api-field-emergency"),
    path("field/resources/", apis.ResourcesApi.as_view(), name="api-field-resources"),
    path(
        "field/feedback-cards/<uuid:card_id>/text/",
        apis.FeedbackCardTextApi.as_view(),
        name="api-field-feedback-card-text",
    ),
]
