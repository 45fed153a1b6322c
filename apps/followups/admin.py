"""Supervisor admin for follow-ups: the program rules and limits are edited here; records are read-only
and changed only through services (actions)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.common.admin import PageAdmin, ServiceSaveMixin, SupervisorAdmin, SupervisorInline
from apps.common.days import program_today
from apps.followups import services
from apps.followups.endpoints import MIN_SECRET_LENGTH, new_endpoint_secret
from apps.followups.models import (
    Consent,
    FollowUp,
    FollowUpRule,
    PartnerEndpoint,
    PartnerServiceStaff,
    Referral,
    ReferralStallRule,
    ReferralStatusChange,
    Reminder,
    WebhookAttempt,
    WebhookDelivery,
)
from apps.followups.reports import missing_partnerships
from apps.followups.webhooks import webhook_retry
from apps.resources.models import MissingPartnershipsReport


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(SupervisorAdmin):
    list_display = ["name", "kind", "due_after_hours", "grace_hours", "active"]
    list_filter = ["active", "kind"]
    list_editable = ["active"]
    allow_delete = True


@admin.register(ReferralStallRule)
class ReferralStallRuleAdmin(SupervisorAdmin):
    list_display = ["status", "limit_hours", "active"]
    list_editable = ["limit_hours", "active"]
    allow_delete = True


class PartnerEndpointForm(forms.ModelForm):
    """The secret is never shown back: empty keeps it (or, for a new endpoint, generates one)."""

    url = forms.URLField(
        assume_scheme="https",
        max_length=200,
        help_text=_("The partner's https address; internal and private addresses are refused."),
    )
    secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret (a new endpoint gets a generated one, shown once)."),
    )

    class Meta:
        model = PartnerEndpoint
        fields = ["organization", "service", "url", "secret", "active"]

    generated = False

    def clean_secret(self):
        value = self.cleaned_data.get("secret") or ""
        if not value:
            if self.instance.pk:
                return self.instance.secret
            self.generated = True
            return new_endpoint_secret()
        if len(value) < MIN_SECRET_LENGTH or value.strip() != value:
            raise forms.ValidationError(
                _("Use at least %(count)d characters, or leave it empty.") % {"count": MIN_SECRET_LENGTH}
            )
        return value


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(ServiceSaveMixin, SupervisorAdmin):
    """Saves through partner_endpoint_create/update: the address policy, the secret and the audit."""

    form = PartnerEndpointForm
    list_display = ["organization", "service", "url", "active", "created_at"]
    list_filter = ["active"]
    raw_id_fields = ["organization", "service"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            endpoint, secret = self.call_service(
                services.partner_endpoint_create,
                actor=request.user,
                organization_id=data["organization"].pk,
                url=data["url"],
                secret=data["secret"],
                active=data.get("active", True),
                service_id=data["service"].pk if data.get("service") else None,
            )
            obj.pk, obj.created_at, obj.secret = endpoint.pk, endpoint.created_at, endpoint.secret
            obj._state.adding = False
            if form.generated:
                self.message_user(
                    request,
                    _("Give this shared secret to the partner now; it is not shown again: %(secret)s")
                    % {"secret": secret},
                    level=messages.WARNING,
                )
            return
        self.call_service(
            services.partner_endpoint_update,
            actor=request.user,
            endpoint_id=obj.pk,
            url=data["url"],
            secret=data["secret"],
            active=data.get("active"),
            service_id=data["service"].pk if data.get("service") else None,
        )

    def get_readonly_fields(self, request, obj=None):
        return ["organization"] if obj is not None else []


@admin.register(PartnerServiceStaff)
class PartnerServiceStaffAdmin(SupervisorAdmin):
    """Which partner staff work for which service: who a consent to 'the service referred to' reaches."""

    list_display = ["user", "service"]
    raw_id_fields = ["user", "service"]
    allow_delete = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        detail = {"user": obj.user_id, "service": str(obj.service_id)}
        audit_record(actor=request.user, action="partner_staff.save", obj=obj, door="admin", detail=detail)

    def delete_model(self, request, obj):
        detail = {"user": obj.user_id, "service": str(obj.service_id)}
        audit_record(actor=request.user, action="partner_staff.delete", obj=obj, door="admin", detail=detail)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReminderInline(SupervisorInline):
    model = Reminder
    fields = ["kind", "created_at", "streams", "email_sent_at", "email_error"]
    readonly_fields = fields


@admin.register(FollowUp)
class FollowUpAdmin(SupervisorAdmin):
    read_only = True
    list_display = ["kind", "due_at", "status", "team", "assignee", "outcome"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_at"
    inlines = [ReminderInline]
    actions = ["cancel_selected"]

    @admin.action(description=_("Cancel the selected follow-ups"))
    def cancel_selected(self, request, queryset):
        for f in queryset:
            self.run_service(request, services.followup_cancel, actor=request.user, followup_id=f.pk, reason="admin")


class HistoryInline(SupervisorInline):
    model = ReferralStatusChange
    fields = ["at", "from_status", "to_status", "reason", "actor", "actor_role"]
    readonly_fields = fields


class ConsentInline(SupervisorInline):
    model = Consent
    fields = [
        "scope",
        "recipients",
        "expires_at",
        "substance_use_records",
        "given_by",
        "purpose",
        "recipient_name",
        "recorded_at",
        "revoked_at",
    ]
    readonly_fields = fields


@admin.register(Referral)
class ReferralAdmin(SupervisorAdmin):
    read_only = True
    list_display = ["id", "service", "status", "status_changed_at", "created_at"]
    list_filter = ["status"]
    inlines = [ConsentInline, HistoryInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit_record(actor=request.user, action="referral.view", object_type="followups.referral", object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)


class AttemptInline(SupervisorInline):
    model = WebhookAttempt
    fields = ["number", "at", "status_code", "ok", "error", "duration_ms"]
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SupervisorAdmin):
    read_only = True
    list_display = ["event", "endpoint", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "event"]
    inlines = [AttemptInline]
    actions = ["retry_selected"]

    @admin.action(description=_("Try the selected failed deliveries again"))
    def retry_selected(self, request, queryset):
        for delivery in queryset:
            self.run_service(request, webhook_retry, actor=request.user, delivery_id=delivery.pk)


# --- the missing-partnerships report (needs met in the field that no partner could take) -------


class PeriodForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start must be on or before the end."))
        return data


@admin.register(MissingPartnershipsReport)
class MissingPartnershipsReportAdmin(PageAdmin):
    title = "Missing partnerships: needs no active partner could take"

    def page_view(self, request):
        end = program_today()
        initial = {"start": end - timedelta(days=30), "end": end}
        form = PeriodForm(request.GET or initial)
        report = None
        if form.is_valid():
            report = missing_partnerships(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        return TemplateResponse(
            request, "resources/admin_missing_partnerships.html", self.context(request, form=form, report=report)
        )
