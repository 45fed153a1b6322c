"""The program's money pages, mounted under /funding/."""

from django.urls import path

from apps.funding import pages

urlpatterns = [
    path("", pages.figures, name="funding-figures"),
    path("import/", pages.spending_import_page, name="funding-import"),
    path("report/", pages.funder_report, name="funding-report"),
    path("billable/", pages.billable_encounters_page, name="funding-billable"),
]
