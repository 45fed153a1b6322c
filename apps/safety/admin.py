from django.contrib import admin

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, changed_fields
from apps.safety.models import CoResponse, Emergency, LocationCaution
from apps.safety.services import caution_save


@admin.register(Emergency)
class EmergencyAdmin(SupervisorAdmin):
    """Supervisors read every emergency; raising and answering one happen on the tablet and the board."""

    read_only = True
    list_display = ("raised_at", "team", "incident", "raised_by", "acknowledged_at", "resolved_at")
    list_filter = ("team",)
    list_select_related = ("team", "incident", "raised_by")


@admin.register(CoResponse)
class CoResponseAdmin(SupervisorAdmin):
    """Supervisors read every co-response; they are asked for and updated on the tablet and the board."""

    read_only = True
    list_display = ("requested_at", "incident", "agency", "reason", "requested_via", "arrived_at", "left_at", "outcome")
    list_filter = ("agency", "reason", "outcome", "requested_via")
    list_select_related = ("incident",)


@admin.register(LocationCaution)
class LocationCautionAdmin(ServiceSaveMixin, SupervisorAdmin):
    """Caution notes per location, shown with the premise history of every call there."""

    list_display = ("location_text", "flags", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("location_text",)
    fields = ("location_text", "latitude", "longitude", "flags", "note", "active")

    def save_model(self, request, obj, form, change):
        self.call_service(caution_save, actor=request.user, caution=obj, changed=changed_fields(form))
