"""Pages and non-/api/v1 endpoints of this app, mounted at the site root."""

from django.urls import path

from apps.board import views

urlpatterns = [path("board/", views.board_page, name="board")]
