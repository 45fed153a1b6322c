"""Supervisor admin for encounters and their versions and notes: read-only, each opening audited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.common.admin import SupervisorAdmin, SupervisorInline
from apps.incidents.admin.opening import audit_opening
from apps.incidents.models import Encounter, EncounterNote, EncounterVersion


class VersionInline(SupervisorInline):
    model = EncounterVersion
    fields = (
        "number",
        "created_at",
        "authored_by",
        "disposition",
        "people_served",
        "needs",
        "services_provided",
        "followup_needed",
        "referral_needed",
        "coverage",
        "narrative",
        "person",
        "device",
        "device_time",
    )
    readonly_fields = fields
    ordering = ("-number",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("authored_by", "device")


class NoteInline(SupervisorInline):
    model = EncounterNote
    fields = ("created_at", "author", "text", "device_time")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Encounter)
class EncounterAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("short_id", "incident", "team", "created_by", "created_at", "current_version", "disposition")
    list_filter = ("disposition", "team")
    search_fields = ("=id", "=incident__id")
    date_hierarchy = "created_at"
    list_select_related = ("incident", "team", "created_by")
    show_full_result_count = False
    fields = ("id", "incident", "assignment", "team", "created_by", "created_at", "current_version", "disposition")
    readonly_fields = fields
    inlines = [VersionInline, NoteInline]

    @admin.display(description=_("Encounter"))
    def short_id(self, obj):
        return str(obj.pk)[:8]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit_opening(self, request, object_id, "encounter.view")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(EncounterVersion)
class EncounterVersionAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("encounter", "number", "disposition", "authored_by", "created_at")
    list_filter = ("disposition",)
    search_fields = ("=encounter__id",)
    date_hierarchy = "created_at"
    list_select_related = ("encounter__incident", "authored_by")
    show_full_result_count = False
    fields = (*VersionInline.fields[:1], "encounter", *VersionInline.fields[1:])
    readonly_fields = fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None:
            audit_opening(
                self, request, object_id, "encounter.view", target=version.encounter, detail={"version": version.number}
            )
        return super().change_view(request, object_id, form_url, extra_context)
