"""Supervisor admin for intake: call centers and keys, the versioned policy, decisions and the report.

Keys are issued, rotated and revoked by actions that call the services; a new key is shown once in
the confirmation message and never again. Published policy versions are read-only: make a draft.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline, may_use
from apps.intake import selectors, services
from apps.intake.models import (
    ApiKey,
    CallCenter,
    DuplicateFlag,
    EidoDocument,
    Handback,
    Open311Request,
    Policy,
    PolicyCallType,
    PolicyVersion,
    PriorityTarget,
    ScreeningDecision,
    ScreeningQuestion,
    UnmetNeed,
)


class ApiKeyInline(SupervisorInline):
    model = ApiKey
    fields = ["prefix", "label", "created_at", "last_used_at", "revoked_at", "revoked_reason"]
    readonly_fields = fields


@admin.register(CallCenter)
class CallCenterAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ["name", "kind", "contact", "active", "service_user"]
    fields = ["name", "kind", "contact", "active"]
    inlines = [ApiKeyInline]
    actions = ["issue_key"]

    def get_readonly_fields(self, request, obj=None):
        return ["name"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            self.call_service(
                services.call_center_update,
                actor=request.user,
                call_center_id=obj.pk,
                kind=obj.kind,
                contact=obj.contact,
                active=obj.active,
            )
            return
        created = self.call_service(
            services.call_center_create, actor=request.user, name=obj.name, kind=obj.kind, contact=obj.contact
        )
        obj.pk = created.pk
        obj.service_user = created.service_user
        obj._state.adding = False

    @admin.action(description=_("Issue a new API key (shown once)"))
    def issue_key(self, request, queryset):
        for center in queryset:
            result = self.run_service(request, services.api_key_issue, actor=request.user, call_center_id=center.pk)
            if result:
                self.message_user(
                    request,
                    _("New key for %(center)s (copy it now; it is not shown again): %(key)s")
                    % {"center": center.name, "key": result[1]},
                    level=messages.WARNING,
                )


@admin.register(ApiKey)
class ApiKeyAdmin(SupervisorAdmin):
    list_display = ["prefix", "call_center", "label", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["call_center", ("revoked_at", admin.EmptyFieldListFilter)]
    fields = ["call_center", "prefix", "label", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    actions = ["revoke", "rotate"]

    def has_add_permission(self, request):
        return False  # keys are issued from the call center's page, so the secret is shown once

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            self.run_service(request, services.api_key_revoke, actor=request.user, api_key_id=key.pk, reason="admin")
        self.message_user(request, _("Revoked."), level=messages.SUCCESS)

    @admin.action(description=_("Rotate selected keys (revoke and issue a replacement, shown once)"))
    def rotate(self, request, queryset):
        for key in queryset:
            result = self.run_service(request, services.api_key_rotate, actor=request.user, api_key_id=key.pk)
            if result:
                self.message_user(
                    request,
                    _("Replacement for %(prefix)s… (copy it now; it is not shown again): %(key)s")
                    % {"prefix": key.prefix, "key": result[1]},
                    level=messages.WARNING,
                )


class DraftInline(admin.TabularInline):
    """Editable while the version is a draft; read-only once published."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        # On the add page the draft is copied from the latest version; its rows are edited after.
        return may_use(self.admin_site, request, self.parent_model) and obj is not None and not obj.is_published

    def has_view_permission(self, request, obj=None):
        return may_use(self.admin_site, request, self.parent_model)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class PolicyCallTypeInline(DraftInline):
    model = PolicyCallType
    fields = ["call_type", "nature_codes", "open311_service_code", "priority", "response_type", "description"]


class ScreeningQuestionInline(DraftInline):
    model = ScreeningQuestion
    fields = ["order", "key", "text", "help_text", "critical", "yes_leads_to", "yes_reason", "priority_if_yes"]


class PriorityTargetInline(DraftInline):
    model = PriorityTarget
    fields = ["priority", "minutes", "label"]


class PolicyVersionInline(SupervisorInline):
    model = PolicyVersion
    fields = ["number", "published_at", "published_by", "notes"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Policy)
class PolicyAdmin(SupervisorAdmin):
    list_display = ["name", "in_force"]
    change_list_template = "intake/admin_policy_changelist.html"
    inlines = [PolicyVersionInline]
    actions = ["new_draft"]

    @admin.display(description=_("Version in force"))
    def in_force(self, obj):
        version = obj.versions.filter(published_at__isnull=False).order_by("-published_at").first()
        return f"v{version.number}" if version else "—"

    @admin.action(description=_("Start a new draft version (copied from the latest)"))
    def new_draft(self, request, queryset):
        for policy in queryset:
            self.run_service(
                request,
                services.policy_version_draft,
                actor=request.user,
                policy_id=policy.pk,
                success=f"Draft created for {policy.name}.",
            )

    def get_urls(self):
        custom = [
            path(
                "quality-report/",
                self.admin_site.admin_view(self.quality_report_view),
                name="intake_policy_quality_report",
            )
        ]
        return custom + super().get_urls()

    def quality_report_view(self, request):
        rows = selectors.policy_quality_report(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Policy quality report",
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "intake/admin_policy_report.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["report_url"] = reverse("admin:intake_policy_quality_report")
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ["policy", "number", "published_at", "published_by"]
    list_filter = ["policy"]
    fields = ["policy", "number", "notes", "unanswered_critical", "published_at", "published_by"]
    inlines = [PolicyCallTypeInline, ScreeningQuestionInline, PriorityTargetInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["number", "published_at", "published_by"]
        if obj.is_published:
            return self.fields
        return ["policy", "number", "published_at", "published_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            draft = self.call_service(services.policy_version_draft, actor=request.user, policy_id=obj.policy_id)
            obj.pk, obj.number = draft.pk, draft.number
            obj._state.adding = False
        self.call_service(
            services.policy_version_edit,
            actor=request.user,
            version_id=obj.pk,
            notes=obj.notes,
            unanswered_critical=obj.unanswered_critical,
        )

    @admin.action(description=_("Publish (freezes the version and puts it in force)"))
    def publish(self, request, queryset):
        for version in queryset:
            self.run_service(
                request,
                services.policy_version_publish,
                actor=request.user,
                version_id=version.pk,
                success=f"{version.policy.name} v{version.number} is now in force.",
            )


class ReadOnlyAdmin(SupervisorAdmin):
    """Records of calls: viewable, never edited. Opening one is audited (it can describe a person)."""

    read_only = True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit_record(
            actor=request.user,
            action=f"{self.model._meta.label_lower}.view",
            object_type=self.model._meta.label_lower,
            object_id=object_id,
        )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ScreeningDecision)
class ScreeningDecisionAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "call_type", "response_type", "overridden", "policy_version", "channel", "decided_by"]
    list_filter = ["response_type", "overridden", "channel", "policy_version"]
    readonly_fields = [
        "policy_version",
        "call_type",
        "channel",
        "call_center",
        "answers",
        "recommended",
        "response_type",
        "reasons",
        "priority",
        "overridden",
        "override_reason",
        "incident_link",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("Incident"))
    def incident_link(self, obj):
        if not obj.incident_id:
            return "—"
        return format_html("{}", obj.incident.reference)


@admin.register(Handback)
class HandbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "incident", "call_center", "created_by"]
    readonly_fields = ["created_at", "reason", "decision", "incident", "call_center", "created_by", "document"]
    fields = readonly_fields


@admin.register(UnmetNeed)
class UnmetNeedAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "call_type", "incident"]
    list_filter = ["call_type"]


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "incident", "candidate", "distance_m", "minutes_apart", "status"]
    list_filter = ["status"]


@admin.register(EidoDocument)
class EidoDocumentAdmin(ReadOnlyAdmin):
    list_display = ["eido_id", "call_center", "incident", "received_count", "last_received_at"]
    list_filter = ["call_center"]


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "call_center", "service_code", "requested_at"]
    list_filter = ["call_center"]


from apps.intake import admin_reviews  # noqa: E402, F401  the review of screened-out calls, in its own module
