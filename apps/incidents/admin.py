"""Supervisor admin for call types, incidents, assignments and encounters.

Incidents are created and edited through the incidents services, so the admin keeps the same
rules, timeline and events as the board. Assignments, timelines and encounters are read-only here:
they are the record of a response. Opening an incident or an encounter holds people's details, so
each opening is written to the audit log with the door "admin".
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.audit.models import Door
from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline, changed_fields
from apps.incidents import services
from apps.incidents.models import (
    Assignment,
    AssignmentReceipt,
    CallType,
    Encounter,
    EncounterNote,
    EncounterVersion,
    Incident,
    IncidentLogEntry,
)
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.teams.models import Capability

ADMIN_CANCEL_REASON = "Cancelled by supervisor in admin"


def _audited_view(model_admin, request, object_id, action: str, *, target=None, detail=None):
    """Record that a supervisor opened a person's record, then nothing else changes."""
    obj = target if target is not None else model_admin.get_object(request, object_id)
    if obj is not None:
        audit_record(actor=request.user, action=action, obj=obj, door=Door.ADMIN, detail=detail)


# --- call types -----------------------------------------------------------------------------------


class CallTypeForm(forms.ModelForm):
    required_capabilities = forms.MultipleChoiceField(
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A team sent to this kind of call should have all of these."),
    )

    class Meta:
        model = CallType
        fields = ("name", "code", "description", "default_priority", "required_capabilities", "active")


@admin.register(CallType)
class CallTypeAdmin(SupervisorAdmin):
    """Call types are reference data. Incidents protect the ones they use, so only unused ones can be
    deleted; a call type in use is retired by unticking "active"."""

    allow_delete = True
    form = CallTypeForm
    list_display = ("name", "code", "default_priority", "active", "incident_count")
    list_filter = ("active", "default_priority")
    search_fields = ("name", "code", "description")
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(incident_total=Count("incidents"))

    @admin.display(description=_("Incidents"), ordering="incident_total")
    def incident_count(self, obj):
        return obj.incident_total

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="call_type.update" if change else "call_type.create",
            obj=obj,
            detail={"fields": changed_fields(form)},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="call_type.delete", obj=obj, detail={"code": obj.code})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for call_type in queryset:
            self.delete_model(request, call_type)


# --- incidents ------------------------------------------------------------------------------------


class AssignmentInline(SupervisorInline):
    model = Assignment
    fields = (
        "team",
        "status",
        "dispatched_at",
        "acknowledged_at",
        "en_route_at",
        "on_scene_at",
        "cleared_at",
        "cancelled_at",
        "cancel_reason",
    )
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "incident")


class EncounterLinkInline(SupervisorInline):
    model = Encounter
    fk_name = "incident"
    fields = ("open_link", "team", "created_by", "created_at", "current_version", "disposition")
    readonly_fields = fields
    verbose_name_plural = _("encounters (open one to read it; each opening is audited)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "created_by")

    @admin.display(description=_("Encounter"))
    def open_link(self, obj):
        url = reverse("admin:incidents_encounter_change", args=[obj.pk])
        return format_html('<a href="{}">Open encounter {}</a>', url, str(obj.pk)[:8])


class TimelineInline(SupervisorInline):
    model = IncidentLogEntry
    fields = ("at", "kind", "text", "actor")
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class IncidentForm(forms.ModelForm):
    """Carries the version the supervisor opened, so a change made meanwhile on the board is not overwritten."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Incident
        fields = ("summary", "location_text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version


class OpenFilter(admin.SimpleListFilter):
    title = "open or finished"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open calls"), ("no", "Closed or cancelled")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=OPEN_INCIDENT_STATUSES)
        if self.value() == "no":
            return queryset.exclude(status__in=OPEN_INCIDENT_STATUSES)
        return queryset


@admin.register(Incident)
class IncidentAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = IncidentForm
    list_display = ("reference", "received_at", "priority", "call_type", "status", "district", "disposition")
    list_filter = (OpenFilter, "status", "priority", "call_type", "source", "disposition", "district")
    search_fields = ("=id", "external_id", "location_text", "district")
    date_hierarchy = "received_at"
    list_select_related = ("call_type",)
    show_full_result_count = False
    actions = ["cancel_selected"]
    inlines = [AssignmentInline, EncounterLinkInline, TimelineInline]
    add_fields = (
        "source",
        "call_type",
        "priority",
        "summary",
        "location_text",
        "latitude",
        "longitude",
        "district",
        "callback",
        "caller_name",
        "caller_notes",
        "safety_notes",
    )
    record_fields = (
        "reference",
        "status",
        "received_at",
        "source",
        "external_id",
        "created_by",
        "disposition",
        "closed_at",
        "cancelled_at",
        "cancel_reason",
        "version",
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_fields})]
        details = [name for name in services.INCIDENT_EDITABLE_FIELDS if name != "safety_flags"]
        return [("Call", {"fields": self.record_fields}), ("Details", {"fields": [*details, "base_version"]})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj) or obj.status not in OPEN_INCIDENT_STATUSES:
            return (*self.record_fields, *services.INCIDENT_EDITABLE_FIELDS)
        return self.record_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        _audited_view(self, request, object_id, "incident.view")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            incident = self.call_service(
                services.incident_create, actor=request.user, **{name: data.get(name) for name in self.add_fields}
            )
            obj.pk, obj.received_at, obj.status = incident.pk, incident.received_at, incident.status
            obj._state.adding = False
            return
        changes = {name: data[name] for name in form.changed_data if name in services.INCIDENT_EDITABLE_FIELDS}
        if changes:
            self.call_service(
                services.incident_update,
                actor=request.user,
                incident_id=obj.pk,
                base_version=data.get("base_version"),
                **changes,
            )

    def get_changeform_initial_data(self, request):
        return {"source": "911", "priority": 3, **super().get_changeform_initial_data(request)}

    @admin.action(description=_("Cancel selected calls"))
    def cancel_selected(self, request, queryset):
        cancelled = 0
        for incident in queryset.filter(status__in=OPEN_INCIDENT_STATUSES):
            result = self.run_service(
                request,
                services.incident_cancel,
                actor=request.user,
                incident_id=incident.pk,
                reason=ADMIN_CANCEL_REASON,
            )
            cancelled += result is not None
        skipped = queryset.exclude(status__in=OPEN_INCIDENT_STATUSES).count()
        if cancelled:
            self.message_user(
                request,
                ngettext("Cancelled %(count)d call.", "Cancelled %(count)d calls.", cancelled) % {"count": cancelled},
                level=messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d call was already closed or cancelled.",
                    "%(count)d calls were already closed or cancelled.",
                    skipped,
                )
                % {"count": skipped},
                level=messages.WARNING,
            )


@admin.register(Assignment)
class AssignmentAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("incident", "team", "status", "dispatched_at", "acknowledged_at", "on_scene_at", "cleared_at")
    list_filter = ("status", "team")
    search_fields = ("team__call_sign", "=incident__id")
    date_hierarchy = "dispatched_at"
    list_select_related = ("incident", "team")
    show_full_result_count = False
    fields = (
        "incident",
        "team",
        "status",
        "dispatched_by",
        "dispatched_at",
        "acknowledged_at",
        "en_route_at",
        "on_scene_at",
        "transport_started_at",
        "at_destination_at",
        "cleared_at",
        "cancelled_at",
        "cancel_reason",
        "escalated_at",
        "version",
    )
    readonly_fields = fields


# --- encounters -----------------------------------------------------------------------------------


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


@admin.register(AssignmentReceipt)
class AssignmentReceiptAdmin(SupervisorAdmin):
    """Proof that a tablet received an assignment, which is not the same as a person acknowledging it."""

    read_only = True
    list_display = ("assignment", "user", "stream", "seq", "delivered_at")
    search_fields = ("user__username", "stream")
    date_hierarchy = "delivered_at"
    list_select_related = ("assignment__incident", "assignment__team", "user")
    fields = ("assignment", "user", "stream", "seq", "delivered_at")
    readonly_fields = fields


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
        _audited_view(self, request, object_id, "encounter.view")
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
            _audited_view(
                self, request, object_id, "encounter.view", target=version.encounter, detail={"version": version.number}
            )
        return super().change_view(request, object_id, form_url, extra_context)
