"""The public pages of insights, open to anyone (aggregates only): /transparency/ and /open-data/."""

from django.urls import path, re_path

from apps.insights import public_pages

urlpatterns = [
    path("transparency/", public_pages.dashboard, name="transparency"),
    path("transparency/how-we-count/", public_pages.how_we_count, name="transparency-how-we-count"),
    path("open-data/", public_pages.open_data, name="open-data"),
    re_path(
        r"^open-data/(?P<month>\d{4}-\d{2})/(?P<filename>datapackage\.json|[a-z_]+\.csv)$",
        public_pages.open_data_file,
        name="open-data-file",
    ),
]
