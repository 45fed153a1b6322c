"""Supervisor admin for follow-ups: the program rules and limits are edited here; records are read-only
and changed only through services (actions)."""

from django.contrib import admin

from apps.audit.services import audit_record
from apps.common.admin import SupervisorAdmin, SupervisorInline
from apps.followups import services
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
from apps.followups.webhooks import webhook_retry


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


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(SupervisorAdmin):
    list_display = ["organization", "service", "url", "active", "created_at"]
    list_filter = ["active"]
    raw_id_fields = ["organization", "service"]


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

    @admin.action(description="Cancel the selected follow-ups")
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

    @admin.action(description="Try the selected failed deliveries again")
    def retry_selected(self, request, queryset):
        for delivery in queryset:
            self.run_service(request, webhook_retry, actor=request.user, delivery_id=delivery.pk)
