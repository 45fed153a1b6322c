"""REST endpoints of the board, mounted under /api/v1/."""

from django.urls import path

from apps.board import apis

urlpatterns = [
    path("board/", apis.BoardSnapshotApi.as_view(), name="api-board"),
    path("board/rows/", apis.BoardRowsApi.as_view(), name="api-board-rows"),
    path("teams/", apis.TeamListApi.as_view(), name="api-teams"),
    path("board/incidents/<int:incident_id>/premise/", apis.PremiseHistoryApi.as_view(), name="api-board-premise"),
    path(
        "board/incidents/<int:incident_id>/co-responses/",
        apis.CoResponseListApi.as_view(),
        name="api-board-co-responses",
    ),
    path("board/co-responses/<uuid:co_response_id>/", apis.CoResponseApi.as_view(), name="api-board-co-response"),
    path(
        "board/emergencies/<uuid:emergency_id>/acknowledge/",
        apis.EmergencyAcknowledgeApi.as_view(),
        name="api-board-emergency-acknowledge",
    ),
    path(
        "board/emergencies/<uuid:emergency_id>/resolve/",
        apis.EmergencyResolveApi.as_view(),
        name="api-board-emergency-resolve",
    ),
    path(
        "board/assignments/<int:assignment_id>/reassign/",
        apis.AssignmentReassignApi.as_view(),
        name="api-board-reassign",
    ),
]
