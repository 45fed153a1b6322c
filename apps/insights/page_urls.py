"""The program's insights pages, mounted under /insights/."""

from django.urls import path

from apps.insights import pages

urlpatterns = [
    path("", pages.home, name="insights-home"),
    path("measures/<slug:measure_key>/", pages.measure, name="insights-measure"),
    path("measures/<slug:measure_key>/calls/", pages.calls_behind, name="insights-calls"),
    path("export/", pages.export_page, name="insights-export"),
    path("export/calls.csv", pages.export_csv, name="insights-export-csv"),
    path("export/dictionary.csv", pages.dictionary_csv, name="insights-dictionary"),
]
