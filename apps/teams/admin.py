"""Supervisor admin for teams, who is on them, their shifts, status history and certifications.

A team's status is never typed in: it follows its calls, or a supervisor uses the actions, which
call the same service as the board and the tablets. Status history is read-only.

Deleting: shifts that have not started yet, certifications entered by mistake and (in incidents)
unused call types may be deleted; they are plans or reference data, not records of a response.
Teams, memberships and status history are kept forever.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.admin import UserAdmin
from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline, changed_fields
from apps.teams import services
from apps.teams.models import (
    Capability,
    Certification,
    Membership,
    PositionReport,
    Shift,
    Team,
    UnitStatus,
    UnitStatusChange,
)

STATUS_HISTORY_DAYS = 7
EXPIRY_WARNING_DAYS = 60


class CapabilitiesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Capability.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class TeamForm(forms.ModelForm):
    capabilities = CapabilitiesField(help_text=_("What this team can do on a call."))

    class Meta:
        model = Team
        fields = ("call_sign", "name", "capabilities", "vehicle", "radio", "home_district", "active")


class MembershipOfTeamInline(SupervisorInline):
    model = Membership
    fk_name = "team"
    fields = ("user", "position", "active", "started_at", "ended_at")
    readonly_fields = fields
    verbose_name_plural = _("members (change them under Memberships)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class RecentStatusInline(SupervisorInline):
    model = UnitStatusChange
    fk_name = "team"
    fields = ("changed_at", "previous_status", "status", "changed_by", "assignment", "note")
    readonly_fields = fields
    verbose_name_plural = format_lazy(
        _("status changes, last {days} days (all of them under Unit status changes)"), days=STATUS_HISTORY_DAYS
    )

    def get_queryset(self, request):
        since = timezone.now() - timedelta(days=STATUS_HISTORY_DAYS)
        return (
            super()
            .get_queryset(request)
            .filter(changed_at__gte=since)
            .select_related("changed_by", "assignment__incident", "assignment__team")
        )


@admin.register(Team)
class TeamAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = TeamForm
    list_display = ("call_sign", "name", "status", "status_changed_at", "capability_list", "home_district", "active")
    list_filter = ("status", "active", "home_district")
    search_fields = ("call_sign", "name", "vehicle", "radio")
    actions = ["mark_available", "mark_out_of_service", "mark_off_duty"]
    inlines = [MembershipOfTeamInline, RecentStatusInline]
    add_fields = ("call_sign", "name", "capabilities", "vehicle", "radio", "home_district")
    change_fields = (*add_fields, "active", "status", "status_changed_at", "last_position", "version")
    change_readonly = ("status", "status_changed_at", "last_position", "version")

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.change_readonly

    @admin.display(description=_("Capabilities"))
    def capability_list(self, obj):
        labels = dict(Capability.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.capabilities or []) or "-"

    @admin.display(description=_("Last position"))
    def last_position(self, obj):
        if obj.last_position_at is None:
            return "-"
        return f"{obj.last_latitude:.5f}, {obj.last_longitude:.5f} at {obj.last_position_at:%Y-%m-%d %H:%M:%S} UTC"

    def save_model(self, request, obj, form, change):
        if not change:
            team = self.call_service(
                services.team_create,
                actor=request.user,
                **{name: form.cleaned_data.get(name) or "" for name in self.add_fields if name != "capabilities"},
                capabilities=form.cleaned_data.get("capabilities") or [],
            )
            obj.pk, obj.status, obj.version = team.pk, team.status, team.version
            obj._state.adding = False
            return
        # No team_update service exists yet: validate, bump the version clients compare, and audit.
        obj.full_clean()
        obj.version += 1
        obj.save()
        audit_record(actor=request.user, action="team.update", obj=obj, detail={"fields": changed_fields(form)})

    def _set_status(self, request, queryset, status: str) -> None:
        label = UnitStatus(status).label.lower()
        moved = 0
        for team in queryset:
            result = self.run_service(
                request, services.team_set_status, actor=request.user, team_id=team.pk, status=status
            )
            moved += result is not None
        if moved:
            self.message_user(
                request,
                ngettext("%(count)d team marked %(status)s.", "%(count)d teams marked %(status)s.", moved)
                % {"count": moved, "status": label},
                level=messages.SUCCESS,
            )

    @admin.action(description=_("Mark available"))
    def mark_available(self, request, queryset):
        self._set_status(request, queryset, UnitStatus.AVAILABLE)

    @admin.action(description=_("Mark out of service"))
    def mark_out_of_service(self, request, queryset):
        self._set_status(request, queryset, UnitStatus.OUT_OF_SERVICE)

    @admin.action(description=_("Mark off duty"))
    def mark_off_duty(self, request, queryset):
        self._set_status(request, queryset, UnitStatus.OFF_DUTY)


@admin.register(Membership)
class MembershipAdmin(ServiceSaveMixin, SupervisorAdmin):
    """New memberships go through membership_set, which ends the responder's previous one."""

    list_display = ("user", "team", "position", "active", "started_at", "ended_at")
    list_filter = ("active", "team")
    search_fields = ("user__username", "user__first_name", "user__last_name", "team__call_sign")
    list_select_related = ("user", "team")
    raw_id_fields = ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("team", "user", "position")
        return ("team", "user", "position", "active", "started_at", "ended_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("team", "user", "started_at", "ended_at")

    def save_model(self, request, obj, form, change):
        if not change:
            membership = self.call_service(
                services.membership_set, actor=request.user, team=obj.team, user=obj.user, position=obj.position
            )
            obj.pk, obj.active, obj.started_at = membership.pk, membership.active, membership.started_at
            obj._state.adding = False
            return
        if "active" in form.changed_data:
            obj.ended_at = None if obj.active else timezone.now()
        obj.full_clean()
        obj.save()
        audit_record(actor=request.user, action="team.membership", obj=obj, detail={"fields": changed_fields(form)})


@admin.register(Shift)
class ShiftAdmin(SupervisorAdmin):
    """Shifts are the schedule. One that has not started may be deleted; worked shifts are kept."""

    allow_delete = True
    list_display = ("team", "starts_at", "ends_at", "member_count")
    list_filter = ("team",)
    date_hierarchy = "starts_at"
    filter_horizontal = ("members",)
    search_fields = ("team__call_sign", "notes")
    list_select_related = ("team",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("Members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.starts_at > timezone.now())

    def get_actions(self, request):
        # The bulk delete cannot check each shift's start, so only the per-shift delete page is offered.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="shift.update" if change else "shift.create",
            obj=obj,
            detail={"team": obj.team_id},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="shift.delete", obj=obj, detail={"team": obj.team_id})
        super().delete_model(request, obj)


@admin.register(UnitStatusChange)
class UnitStatusChangeAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("changed_at", "team", "previous_status", "status", "changed_by", "note")
    list_filter = ("status", "team")
    date_hierarchy = "changed_at"
    search_fields = ("team__call_sign", "note")
    list_select_related = ("team", "changed_by")
    show_full_result_count = False
    fields = ("team", "changed_at", "previous_status", "status", "changed_by", "assignment", "note")
    readonly_fields = fields


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", "Expired"),
            ("soon", f"Expires within {EXPIRY_WARNING_DAYS} days"),
            ("valid", "Valid"),
            ("never", "Does not expire"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
        value = self.value()
        if value == "expired":
            return queryset.filter(expires_on__lt=today)
        if value == "soon":
            return queryset.filter(expires_on__gte=today, expires_on__lte=soon)
        if value == "valid":
            return queryset.exclude(expires_on__lt=today)
        if value == "never":
            return queryset.filter(expires_on__isnull=True)
        return queryset


@admin.register(Certification)
class CertificationAdmin(SupervisorAdmin):
    """Certifications are typed in from paper; one entered by mistake may be deleted (audited)."""

    allow_delete = True
    list_display = ("responder", "kind", "title", "issued_on", "expires_on", "reference")
    list_filter = (ExpiryFilter, "kind")
    search_fields = ("responder__username", "responder__first_name", "responder__last_name", "title", "reference")
    list_select_related = ("responder",)
    date_hierarchy = "expires_on"

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="certification.update" if change else "certification.create",
            obj=obj,
            detail={"responder": obj.responder_id, "fields": changed_fields(form)},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="certification.delete", obj=obj, detail={"responder": obj.responder_id})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for certification in queryset:
            self.delete_model(request, certification)


# --- a person's team on the account admin ---------------------------------------------------------


class MembershipOfUserInline(SupervisorInline):
    model = Membership
    fk_name = "user"
    fields = ("team", "position", "active", "started_at", "ended_at")
    readonly_fields = fields
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships (change them under Teams › Memberships)")


class UserWithTeamAdmin(UserAdmin):
    """The account admin with the person's current team and memberships. Teams sits above accounts, so
    it extends the account page here instead of the accounts app reaching up to teams."""

    inlines = [*UserAdmin.inlines, MembershipOfUserInline]
    list_display = ("username", "full_name", "role", "current_team", "partner_organization", "is_active", "last_login")

    def get_queryset(self, request):
        team = Membership.objects.filter(user=OuterRef("pk"), active=True).values("team__call_sign")[:1]
        return super().get_queryset(request).annotate(current_team_call_sign=Subquery(team))

    @admin.display(description=_("Team"), ordering="current_team_call_sign")
    def current_team(self, obj):
        return getattr(obj, "current_team_call_sign", None) or "-"


admin.site.unregister(User)
admin.site.register(User, UserWithTeamAdmin)


@admin.register(PositionReport)
class PositionReportAdmin(SupervisorAdmin):
    """Every position the teams' tablets reported (AVL); a call's track is on its assignment's page."""

    read_only = True
    list_display = ("at", "team", "latitude", "longitude", "accuracy_m", "received_at", "reported_by")
    list_filter = ("team",)
    date_hierarchy = "at"
    list_select_related = ("team", "reported_by")
    show_full_result_count = False
