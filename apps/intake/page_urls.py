"""Pages and non-/api/v1 endpoints of this app, mounted at the site root."""

from django.urls import path, re_path

from apps.intake import open311, pages

FMT = r"(?P<format>json|xml)"

urlpatterns = [
    path("intake/screen/", pages.screen, name="intake-screen"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.ServiceListView.as_view(), name="open311-services"),
    re_path(
        rf"^open311/v2/services/(?P<service_code>[-\w]+)\.{FMT}$",
        open311.ServiceDefinitionView.as_view(),
        name="open311-service",
    ),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.RequestListView.as_view(), name="open311-requests"),
    re_path(
        rf"^open311/v2/requests/(?P<request_id>\d+)\.{FMT}$",
        open311.RequestDetailView.as_view(),
        name="open311-request",
    ),
]
