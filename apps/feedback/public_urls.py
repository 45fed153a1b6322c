"""Pages anyone may open, signed in or not (mounted beside the transparency pages)."""

from django.urls import path

from apps.feedback import pages

urlpatterns = [
    path("transparency/feedback/", pages.community_feedback, name="community-feedback"),
]
