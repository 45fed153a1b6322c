"""Pages and non-/api/v1 endpoints of this app, mounted at the site root."""

from django.urls import path

from apps.field import pages

urlpatterns = [
    path("field/", pages.app_shell, name="field-app"),
    path("field/manifest.webmanifest", pages.manifest, name="field-manifest"),
    path("field/sw.js", pages.service_worker, name="field-sw"),
]
