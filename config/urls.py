from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

from apps.accounts import pages as accounts_pages
from apps.common.api_docs import SchemaView, docs_view
from apps.operations import views as operations

API_APPS = ["accounts", "teams", "incidents", "streams", "board", "intake", "field", "followups", "resources", "audit"]

urlpatterns = [
    path("", accounts_pages.home, name="home"),
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.page_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The words of static JS (locale/*/djangojs.po) for ?lang=; the field app's service worker keeps each.
    path(
        "jsi18n/",
        cache_control(public=True, max_age=3600)(JavaScriptCatalog.as_view(packages=["apps.common"])),
        name="javascript-catalog",
    ),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", docs_view(), name="api-docs"),
]
urlpatterns += [path("api/v1/", include(f"apps.{app}.urls")) for app in API_APPS]
urlpatterns += [path("", include(f"apps.{app}.page_urls")) for app in API_APPS if app != "accounts"]
urlpatterns += [path("funding/", include("apps.funding.page_urls"))]
urlpatterns += [path("public/", include("apps.funding.public_urls"))]
# The transparency dashboard, how we count, open data and the public summary API (apps/insights).
urlpatterns += [path("", include("apps.feedback.public_urls"))]
urlpatterns += [path("", include("apps.insights.public_urls")), path("api/v1/", include("apps.insights.urls"))]
# The program's measures for analysts and supervisors (apps/insights/pages.py).
urlpatterns += [path("insights/", include("apps.insights.page_urls"))]
