"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import path

from apps.resources import apis

urlpatterns = [
    path("resources/search/", apis.SearchApi.as_view(), name="api-resources-search"),
    path("resources/services/", apis.FieldCacheApi.as_view(), name="api-resources-field-cache"),
    path("resources/services/<uuid:service_id>/capacity/", apis.CapacityApi.as_view(), name="api-resources-capacity"),
]
