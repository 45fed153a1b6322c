"""The supervisor admin site: who may enter, and what its first page says.

Supervisors and administrators enter; nobody else does, whatever their staff flag says. It lives in
the project package, above every app, because its first page reads the operations app and its door
asks the accounts app; the apps' ModelAdmins only know the base classes in apps/common/admin.py.
"""

from django.contrib import admin

from apps.accounts.roles import ADMIN_ROLES, role_of
from apps.operations.selectors import parts_stopped
from apps.operations.services import WHAT_STOPS


class FirstlineAdminSite(admin.AdminSite):
    site_header = "Firstline supervisor admin"
    site_title = "Firstline admin"
    index_title = "Program administration"
    index_template = "admin/firstline_index.html"
    # Django's left-hand model list repeats the first page and took 300 px of every list at 1440 px:
    # the incident list's last columns were cut off. Breadcrumbs lead back to the first page.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        """The first page a supervisor sees says when a background part (worker, beat, stream) stopped."""
        stopped = [
            {"part": part, "message": WHAT_STOPS[part], "last_seen": last} for part, last in parts_stopped().items()
        ]
        return super().index(request, {"operations_stopped": stopped, **(extra_context or {})})

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or role_of(user) in ADMIN_ROLES))
