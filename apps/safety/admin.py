from django.contrib import admin

from apps.common.admin import SupervisorAdmin
from apps.safety.models import Emergency


@admin.register(Emergency)
class EmergencyAdmin(SupervisorAdmin):
    """Supervisors read every emergency; raising and answering one happen on the tablet and the board."""

    read_only = True
    list_display = ("raised_at", "team", "incident", "raised_by", "acknowledged_at", "resolved_at")
    list_filter = ("team",)
    list_select_related = ("team", "incident", "raised_by")
