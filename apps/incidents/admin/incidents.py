"""Supervisor admin for incidents, their assignments and the assignments' delivery receipts.

Incidents are created, edited and cancelled through the incidents services, so the admin keeps the
same rules, timeline and events as the board; assignments and receipts are read-only records.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline
from apps.incidents import services
from apps.incidents.admin.opening import audit_opening
from apps.incidents.models import Assignment, AssignmentReceipt, Encounter, Incident, IncidentLogEntry
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.incidents.timeline import shown_text
from apps.teams.selectors import team_track

ADMIN_CANCEL_REASON = "Cancelled by supervisor in admin"


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
    fields = ("at", "kind", "entry", "actor")
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    @admin.display(description=_("Entry"))
    def entry(self, obj):
        return shown_text(obj)  # in the supervisor's language; `text` keeps the English record

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
        audit_opening(self, request, object_id, "incident.view")
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
        "track",
    )
    readonly_fields = fields

    @admin.display(description=_("Track"))
    def track(self, obj):
        """Where the team's tablet reported being from dispatch to the end of the assignment (AVL)."""
        end = obj.cleared_at or obj.cancelled_at or timezone.now()
        points = team_track(team_id=obj.team_id, start=obj.dispatched_at, end=end)
        if not points:
            return _("No position reported during this assignment.")
        return format_html(
            "{}<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _track_svg(points),
            _("Time"),
            _("Position"),
            _("Accuracy"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}, {}</td><td>{}</td></tr>",
                (
                    (
                        p["at"][:19].replace("T", " "),
                        f"{p['latitude']:.5f}",
                        f"{p['longitude']:.5f}",
                        f"± {p['accuracy_m']:.0f} m" if p["accuracy_m"] is not None else "—",
                    )
                    for p in points
                ),
            ),
        )


def _track_svg(points: list[dict]):
    """The track as a line in a small box, north up (no map tiles: the admin loads nothing outside)."""
    lats = [p["latitude"] for p in points]
    lons = [p["longitude"] for p in points]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 1e-4)
    xy = " ".join(
        f"{10 + (lon - min(lons)) / span * 280:.1f},{10 + (max(lats) - lat) / span * 180:.1f}"
        for lat, lon in zip(lats, lons, strict=True)
    )
    return format_html(
        '<svg width="300" height="200" role="img" aria-label="{}" style="border:1px solid #ccc">'
        '<polyline points="{}" fill="none" stroke="#1f4e8c" stroke-width="3"/></svg>',
        _("The team's track, north up"),
        xy,
    )


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
