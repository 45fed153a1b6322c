"""REST endpoints of insights, mounted under /api/v1/."""

from django.urls import path

from apps.insights import apis

urlpatterns = [
    path("public/summary/", apis.PublicSummaryApi.as_view(), name="api-public-summary"),
]
