"""Supervisors can see what each tablet sent and when; the log is read-only."""

from django.contrib import admin

from apps.common.admin import SupervisorAdmin
from apps.field.models import AppliedMutation


@admin.register(AppliedMutation)
class AppliedMutationAdmin(SupervisorAdmin):
    read_only = True
    list_display = ["applied_at", "type", "record", "user", "device", "device_time"]
    list_filter = ["type"]
    search_fields = ["id", "record", "user__username", "device__name"]
    readonly_fields = [f.name for f in AppliedMutation._meta.fields]
