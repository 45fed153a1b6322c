"""Pages anyone may read, signed in or not, mounted under /public/ (aggregates only, no person)."""

from django.urls import path

from apps.funding import pages

urlpatterns = [
    path("budget/", pages.public_budget, name="public-budget"),
]
