"""The base classes every app's ModelAdmin uses in the supervisor admin.

Who may enter, and which apps' pages each role reaches, is the site's decision (config/admin.py:
supervisors and administrators everywhere, finance staff the funding app only, whatever their staff
flag says); within, permissions follow that answer (`may_use`), not Django's per-model permission
rows, so a new model is covered the day it is registered.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import path

from apps.common.errors import ApplicationError


def may_use(admin_site, request, model) -> bool:
    """Whether this request may use the admin's pages of `model`: the site's answer for the model."""
    ask = getattr(admin_site, "may_use", None)
    return ask(request, model) if ask is not None else admin_site.has_permission(request)


class SupervisorAdmin(admin.ModelAdmin):
    """Supervisors view, add and change; deleting is off unless a subclass allows it.

    Records of what happened (incidents, encounters, audit) are never deleted from the admin.
    """

    allow_delete = False
    read_only = False
    # Links a supervisor types without a scheme (partner webhooks, websites) are https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _may_enter(self, request) -> bool:
        return may_use(self.admin_site, request, self.model)

    def has_module_permission(self, request):
        return self._may_enter(request)

    def has_view_permission(self, request, obj=None):
        return self._may_enter(request)

    def has_add_permission(self, request):
        return self._may_enter(request) and not self.read_only

    def has_change_permission(self, request, obj=None):
        return self._may_enter(request) and not self.read_only

    def has_delete_permission(self, request, obj=None):
        return self._may_enter(request) and self.allow_delete and not self.read_only

    def run_service(self, request, func, /, *args, success: str | None = None, **kwargs):
        """Call a service from an admin action and turn its refusal into a message, not a 500."""
        try:
            result = func(*args, **kwargs)
        except (ApplicationError, ValidationError) as error:
            self.message_user(request, service_error_text(error), level=messages.ERROR)
            return None
        if success:
            self.message_user(request, success, level=messages.SUCCESS)
        return result


class ServiceRefused(Exception):
    """A service refused an admin save; the whole save is rolled back and the supervisor is told why."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def service_error_text(error: Exception) -> str:
    return getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))


class ServiceSaveMixin:
    """For admins whose save_model calls a service: a refusal becomes a message, never a 500.

    Django's change form runs inside one transaction; raising out of it undoes anything already
    written, then the supervisor is sent back to the form with the service's own words.
    """

    def call_service(self, func, /, **kwargs):
        try:
            return func(**kwargs)
        except (ApplicationError, ValidationError) as error:
            raise ServiceRefused(service_error_text(error)) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refusal:
            self.message_user(request, refusal.text, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def changed_fields(form) -> list[str]:
    return sorted(name for name in form.changed_data if not name.startswith("password"))


class SupervisorInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return may_use(self.admin_site, request, self.parent_model)


__all__ = [
    "ServiceRefused",
    "ServiceSaveMixin",
    "SupervisorAdmin",
    "SupervisorInline",
    "changed_fields",
    "may_use",
]


class PageAdmin(SupervisorAdmin):
    """An app-index entry that opens one page instead of a list of records (a subclass gives title and page_view)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("", self.admin_site.admin_view(self.page_view), name="{}_{}_changelist".format(*info))]

    def context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": self.title, **extra}
