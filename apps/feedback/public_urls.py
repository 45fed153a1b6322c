"""Pages anyone may open, signed in or not (mounted beside the transparency pages)."""

from django.urls import path

from apps.feedback import pages

urlpatterns = [
    path("transparency/feedback/", pages.community_feedback, name="community-feedback"),
    # The feedback card's short link (the QR code and the text message carry it).
    path("f/<str:token>/", pages.feedback_card, name="feedback-card"),
]
