from django.contrib import admin

from apps.common.admin import SupervisorAdmin
from apps.operations.models import Alert, Heartbeat


@admin.register(Alert)
class AlertAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("raised_at", "part", "message", "cleared_at")
    list_filter = ("part",)


@admin.register(Heartbeat)
class HeartbeatAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("part", "at", "detail")
