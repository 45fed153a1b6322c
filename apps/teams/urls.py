from django.urls import path

from apps.teams import apis

urlpatterns = [
    path("teams/<int:team_id>/status/", apis.TeamStatusApi.as_view(), name="api-team-status"),
    path("teams/<int:team_id>/position/", apis.TeamPositionApi.as_view(), name="api-team-position"),
]
