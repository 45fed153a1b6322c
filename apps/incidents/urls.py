from django.urls import path

from apps.incidents import apis

urlpatterns = [
    path("incidents/", apis.IncidentListCreateApi.as_view(), name="api-incidents"),
    path("incidents/<int:incident_id>/", apis.IncidentDetailApi.as_view(), name="api-incident"),
    path("incidents/<int:incident_id>/cancel/", apis.IncidentCancelApi.as_view(), name="api-incident-cancel"),
    path("incidents/<int:incident_id>/close/", apis.IncidentCloseApi.as_view(), name="api-incident-close"),
    path("incidents/<int:incident_id>/assignments/", apis.AssignmentCreateApi.as_view(), name="api-assign"),
    path("assignments/mine/", apis.TeamAssignmentsApi.as_view(), name="api-my-assignments"),
    path("assignments/<int:assignment_id>/acknowledge/", apis.AssignmentAcknowledgeApi.as_view(), name="api-ack"),
    path("assignments/<int:assignment_id>/status/", apis.AssignmentStatusApi.as_view(), name="api-assignment-status"),
    path("assignments/<int:assignment_id>/cancel/", apis.AssignmentCancelApi.as_view(), name="api-assignment-cancel"),
    path("encounters/", apis.EncounterCreateApi.as_view(), name="api-encounters"),
    path("encounters/<uuid:encounter_id>/", apis.EncounterDetailApi.as_view(), name="api-encounter"),
    path("encounters/<uuid:encounter_id>/notes/", apis.EncounterNoteApi.as_view(), name="api-encounter-notes"),
]
