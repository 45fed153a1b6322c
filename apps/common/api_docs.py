"""The OpenAPI schema and its Swagger UI page, behind sign-in when the program asks for it.

The schema lists every door and field name of the API: harmless for an open-source project, but a
map for an attacker probing one program's server, so production keeps it for signed-in users
(FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN). The Swagger UI runs from our static files with its start-up
script served as a separate file, so the page needs no inline script under the CSP; its icons are
data: images, allowed on this page alone.
"""

from csp.decorators import csp_update
from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated


class DocsPermissionMixin:
    def get_permissions(self):
        if settings.FIRSTLINE_API_DOCS_REQUIRE_SIGN_IN:
            return [IsAuthenticated()]
        return [AllowAny()]


class SchemaView(DocsPermissionMixin, SpectacularAPIView):
    pass


class DocsView(DocsPermissionMixin, SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


def docs_view():
    return csp_update({"img-src": ["data:"]})(DocsView.as_view(url_name="api-schema"))
