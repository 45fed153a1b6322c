from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "apps.board"
    label = "board"
    verbose_name = "Dispatch board"
