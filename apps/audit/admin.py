"""The access log in the admin: supervisors read it, nobody adds, changes or deletes a row."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditEntry
from apps.common.admin import SupervisorAdmin


def role_choices() -> list[tuple[str, str]]:
    """The roles as the user model names them (the audit log sits below the accounts app)."""
    return list(get_user_model()._meta.get_field("role").choices)


class ActorRoleFilter(admin.SimpleListFilter):
    """Roles by their names, not their codes; the role is the one the person had when they acted."""

    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*role_choices(), ("-", "Nobody signed in")]

    def queryset(self, request, queryset):
        if self.value() == "-":
            return queryset.filter(actor_role="")
        if self.value():
            return queryset.filter(actor_role=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(SupervisorAdmin):
    read_only = True
    allow_delete = False
    list_display = ("at", "actor_label", "role_label", "action", "object_label", "door", "ip", "outcome")
    list_filter = ("door", "outcome", ActorRoleFilter, "object_type")
    search_fields = ("actor_username", "action", "object_type", "object_id", "ip")
    date_hierarchy = "at"
    list_per_page = 100
    # Counting every row of a large log on each page view is slow and tells a supervisor nothing.
    show_full_result_count = False
    fields = (
        "at",
        "actor",
        "actor_username",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "door",
        "ip",
        "outcome",
        "detail",
        "record_ids",
        "chain_seq",
        "prev_hash",
        "row_hash",
    )
    readonly_fields = fields

    @admin.display(description=_("Actor"), ordering="actor_username")
    def actor_label(self, obj):
        return obj.actor_username or "(not signed in)"

    @admin.display(description=_("Role"), ordering="actor_role")
    def role_label(self, obj):
        return dict(role_choices()).get(obj.actor_role, obj.actor_role or "-")

    @admin.display(description=_("Record"), ordering="object_type")
    def object_label(self, obj):
        return f"{obj.object_type}:{obj.object_id}" if obj.object_type else obj.object_id or "-"

    # Spelled out, not only inherited: the log must stay append-only whatever the base class becomes.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
