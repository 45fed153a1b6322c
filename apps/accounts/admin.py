"""Supervisor admin for people, their roles and the program's tablets.

Supervisors manage the roles below theirs; only an administrator (or a superuser) manages supervisor
and administrator accounts or makes someone one (apps.accounts.roles.may_manage_account), so one
supervisor cannot take over another by resetting a password. Every credential change (password
set, role change, second factor reset, sign-in unlock) is audited. Tablets are registered and
revoked through the accounts services, so the admin follows the same rules as the API.
Session keys and second-factor secrets are never shown: they are credentials.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from apps.accounts.enrollment import enrollment_payload
from apps.accounts.models import Device, DeviceSession, User
from apps.accounts.roles import ADMIN_ROLES, Role, may_manage_account, role_of
from apps.accounts.selectors import second_factor_summary
from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline, changed_fields

ADMIN_REVOKE_REASON = "Revoked by supervisor in admin"
MANAGE_FACTORS_URL = "/accounts/second-factor/manage/"
ROLE_GRANT_REFUSAL = "Only an administrator can make someone a supervisor or administrator."


# --- saving through services ----------------------------------------------------------------------


# --- users ----------------------------------------------------------------------------------------


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else "never"


def may_grant_admin_roles(actor) -> bool:
    return bool(actor.is_active and (actor.is_superuser or role_of(actor) == Role.ADMINISTRATOR))


class RoleRulesMixin:
    """Form checks shared by the add and change forms: who may grant which role, partners' organization."""

    actor = None  # set by UserAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._role_before = self.instance.role if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in ADMIN_ROLES and role != self._role_before and not may_grant_admin_roles(self.actor):
            self.add_error("role", ROLE_GRANT_REFUSAL)
        if role == Role.PARTNER and "partner_organization" in self.fields and not cleaned.get("partner_organization"):
            self.add_error("partner_organization", "A partner user must belong to a partner organization.")
        return cleaned


class UserCreateForm(RoleRulesMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "role", "partner_organization", "first_name", "last_name", "email", "phone")


class UserEditForm(RoleRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SupervisorAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    # The teams app extends this admin with the person's team (apps/teams/admin.py): it sits above accounts.
    list_display = ("username", "full_name", "role", "partner_organization", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    list_select_related = ("partner_organization",)
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "phone")}),
        ("Program", {"fields": ("role", "partner_organization")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Second factor", {"fields": ("second_factors",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "phone")}),
        ("Program", {"fields": ("role", "partner_organization")}),
    )
    filter_horizontal = ()
    actions = ["reset_second_factor", "unlock_sign_in"]

    @admin.display(description=_("Name"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("Second factors"))
    def second_factors(self, obj):
        """Which factors the account has (names and dates, never a key); changed by the reset action."""
        if obj is None or obj.pk is None:
            return "-"
        summary = second_factor_summary(obj)
        keys = format_html_join(
            "",
            "<li>{} (added {}, last used {})</li>",
            ((key["name"], _day(key["added_at"]), _day(key["last_used_at"])) for key in summary["passkeys"]),
        )
        return format_html(
            '<ul class="second-factors"><li>Required for this role: {}</li><li>Authenticator app: {}</li>'
            "<li>Recovery codes left: {}</li><li>Passkeys and security keys: {}<ul>{}</ul></li></ul>"
            '<p>Each person adds or removes their own keys at <a href="{}">{}</a>.</p>',
            "yes" if summary["required"] else "no",
            "set up" if summary["authenticator_app"] else "none",
            summary["recovery_codes_left"],
            len(summary["passkeys"]),
            keys,
            MANAGE_FACTORS_URL,
            MANAGE_FACTORS_URL,
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["is_staff", "last_login", "date_joined", "second_factors"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A supervisor may look at a supervisor's or administrator's account but not change it, nor
        # its password: that is how one account would take over another.
        return obj is None or may_manage_account(request.user, obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                audit_record(
                    actor=request.user,
                    action="user.password.set",
                    obj=user,
                    detail={"usable": user.has_usable_password(), "role": user.role},
                )
        return response

    @admin.action(description=_("Reset second factor (they enroll again at next sign-in)"))
    def reset_second_factor(self, request, queryset):
        done = 0
        for user in queryset:
            done += self.run_service(request, services.second_factor_reset, actor=request.user, user=user) is not None
        if done:
            self.message_user(
                request,
                ngettext(
                    "Second factor reset for %(count)d account.", "Second factor reset for %(count)d accounts.", done
                )
                % {"count": done},
                level=messages.SUCCESS,
            )

    @admin.action(description=_("Unlock sign-in after too many failed attempts"))
    def unlock_sign_in(self, request, queryset):
        done = 0
        for user in queryset:
            done += self.run_service(request, services.sign_in_unlock, actor=request.user, user=user) is not None
        if done:
            self.message_user(
                request,
                ngettext("Sign-in unlocked for %(count)d account.", "Sign-in unlocked for %(count)d accounts.", done)
                % {"count": done},
                level=messages.SUCCESS,
            )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        # The form already refused this; checked again so no other path through the admin slips by.
        before = form._role_before
        if obj.role in ADMIN_ROLES and obj.role != before and not may_grant_admin_roles(request.user):
            raise PermissionDenied(ROLE_GRANT_REFUSAL)
        if change and not may_manage_account(request.user, obj):
            raise PermissionDenied(_("Only an administrator can change a supervisor's or administrator's account."))
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="user.update" if change else "user.create",
            obj=obj,
            detail={"fields": changed_fields(form), "role": obj.role, "password_set": not change},
        )
        if change and obj.role != before:
            audit_record(
                actor=request.user, action="user.role.change", obj=obj, detail={"from": before, "to": obj.role}
            )


# Permissions follow the role, not Django's groups, so the groups page would only mislead.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
# Second-factor devices hold secrets and are changed only by enrolling or by the audited reset action
# above; django-otp's own admin pages would show the keys and let anyone add one unaudited.
for _otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)


# --- tablets --------------------------------------------------------------------------------------


class RevokedFilter(admin.SimpleListFilter):
    title = "revoked"
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("no", "In service"), ("yes", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


class SessionOfDeviceInline(SupervisorInline):
    model = DeviceSession
    fields = ("user", "started_at", "ended_at")
    readonly_fields = fields
    verbose_name_plural = _("sessions opened on this tablet")


@admin.register(Device)
class DeviceAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ("name", "team", "registered_at", "last_seen_at", "last_user", "revoked_at")
    list_filter = (RevokedFilter, "team")
    search_fields = ("name", "id")
    list_select_related = ("team", "last_user")
    actions = ["revoke_selected", "renew_enrollment"]
    inlines = [SessionOfDeviceInline]
    readonly_fields = (
        "id",
        "registered_at",
        "registered_by",
        "last_seen_at",
        "last_user",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
        "enrolled_at",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "team")
        return ("id", "name", "team", *self.readonly_fields[1:])

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            obj.save()
            audit_record(actor=request.user, action="device.update", obj=obj, detail={"fields": changed_fields(form)})
            return
        device, code = self.call_service(services.device_register, actor=request.user, name=obj.name, team=obj.team)
        obj.pk, obj.registered_at, obj.registered_by = device.pk, device.registered_at, device.registered_by
        obj._state.adding = False
        request._firstline_enrollment = (device, code)

    def response_add(self, request, obj, post_url_continue=None):
        # The code is shown now, once: it is not stored, so this page cannot be opened again later.
        enrollment = getattr(request, "_firstline_enrollment", None)
        if enrollment is None:
            return super().response_add(request, obj, post_url_continue)
        return self._enrollment_page(request, *enrollment)

    def _enrollment_page(self, request, device, code):
        context = {
            **self.admin_site.each_context(request),
            "title": f"Enroll {device.name}",
            "device": device,
            "opts": self.model._meta,
            **enrollment_payload(request, device, code),
        }
        response = TemplateResponse(request, "accounts/device_enrollment.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Give the selected tablet a new enrollment code"))
    def renew_enrollment(self, request, queryset):
        devices = list(queryset[:2])
        if len(devices) != 1:
            self.message_user(request, _("Choose exactly one tablet to enroll."), level=messages.ERROR)
            return None
        result = self.run_service(
            request, services.device_enrollment_renew, actor=request.user, device_id=devices[0].pk
        )
        if result is None:
            return None
        return self._enrollment_page(request, *result)

    @admin.action(description=_("Revoke selected tablets"))
    def revoke_selected(self, request, queryset):
        revoked = 0
        for device in queryset:
            if device.is_revoked:
                continue
            result = self.run_service(
                request, services.device_revoke, actor=request.user, device_id=device.pk, reason=ADMIN_REVOKE_REASON
            )
            revoked += result is not None
        if revoked:
            self.message_user(
                request,
                ngettext(
                    "Revoked %(count)d tablet; its sessions have ended.",
                    "Revoked %(count)d tablets; their sessions have ended.",
                    revoked,
                )
                % {"count": revoked},
                level=messages.SUCCESS,
            )


@admin.register(DeviceSession)
class DeviceSessionAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("device", "user", "started_at", "ended_at")
    list_filter = ("ended_at",)
    search_fields = ("device__name", "user__username")
    list_select_related = ("device", "user")
    date_hierarchy = "started_at"
    fields = ("device", "user", "started_at", "ended_at")  # never the session key: it is a credential


__all__ = ["DeviceAdmin", "DeviceSessionAdmin", "UserAdmin"]
