"""The event log in the admin, for looking into what the board and tablets were told. Read-only."""

from django.contrib import admin

from apps.common.admin import SupervisorAdmin
from apps.streams.models import Event, StreamCounter, StreamCursor


@admin.register(Event)
class EventAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("stream", "seq", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("stream", "kind")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    list_per_page = 100
    show_full_result_count = False
    fields = ("stream", "seq", "kind", "data", "created_at")
    readonly_fields = fields


@admin.register(StreamCounter)
class StreamCounterAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("stream", "last_seq")
    search_fields = ("stream",)
    fields = ("stream", "last_seq")
    readonly_fields = fields


@admin.register(StreamCursor)
class StreamCursorAdmin(SupervisorAdmin):
    """How far each person's client has acknowledged each stream: for answering "did they get it?"."""

    read_only = True
    list_display = ("user", "stream", "seq", "updated_at")
    search_fields = ("user__username", "stream")
    list_select_related = ("user",)
    fields = ("user", "stream", "seq", "updated_at")
    readonly_fields = fields
