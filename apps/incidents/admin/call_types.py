"""Supervisor admin for call types: reference data, audited on every change."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.common.admin import SupervisorAdmin, changed_fields
from apps.common.names import NAME_FIELDS, OtherNamesForm
from apps.incidents.models import CallType
from apps.teams.models import Capability


class CallTypeForm(OtherNamesForm):
    required_capabilities = forms.MultipleChoiceField(
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A team sent to this kind of call should have all of these."),
    )

    class Meta:
        model = CallType
        fields = (
            "name",
            *NAME_FIELDS,
            "code",
            "description",
            "default_priority",
            "required_capabilities",
            "needs_second_team",
            "checkin_minutes",
            "active",
        )


@admin.register(CallType)
class CallTypeAdmin(SupervisorAdmin):
    """Call types are reference data. Incidents protect the ones they use, so only unused ones can be
    deleted; a call type in use is retired by unticking "active"."""

    allow_delete = True
    form = CallTypeForm
    list_display = ("name", "code", "default_priority", "needs_second_team", "active", "incident_count")
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
