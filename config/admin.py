"""The admin site: who may enter, which of its pages each role reaches, and what its first page says.

Supervisors and administrators enter and reach every page; finance staff enter and reach only the
funding app's pages (apps.accounts.roles.ADMIN_APPS_OF_ROLE); nobody else enters, whatever their
staff flag says. It lives in the project package, above every app, because its first page reads the
operations app and its door asks the accounts app; the apps' ModelAdmins only know the base classes
in apps/common/admin.py, which ask `may_use` here for every model.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.accounts.roles import admin_apps_of, is_supervisor, may_enter_admin
from apps.operations.selectors import parts_stopped
from apps.operations.services import WHAT_STOPS

# The site's own pages every user who enters may open, whatever apps their role is limited to.
SITE_PAGES = ("", "logout/", "password_change/", "password_change/done/", "jsi18n/", "autocomplete/")


class FirstlineLoginForm(AdminAuthenticationForm):
    """The admin's sign-in asks the role (the same question as the site's door), not the staff flag."""

    def confirm_login_allowed(self, user):
        if not may_enter_admin(user):
            raise self.get_invalid_login_error()


class FirstlineAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Firstline admin")  # supervisors, administrators and finance staff
    site_title = gettext_lazy("Firstline admin")
    index_title = gettext_lazy("Program administration")
    index_template = "admin/firstline_index.html"
    # Django's left-hand model list repeats the first page and took 300 px of every list at 1440 px:
    # the incident list's last columns were cut off. Breadcrumbs lead back to the first page.
    enable_nav_sidebar = False
    login_form = FirstlineLoginForm

    def index(self, request, extra_context=None):
        """The first page a supervisor sees says when a background part (worker, beat, stream) stopped."""
        supervisor = is_supervisor(request.user) or request.user.is_superuser
        stopped = [
            {"part": part, "message": WHAT_STOPS[part], "last_seen": last} for part, last in parts_stopped().items()
        ]
        context = {"operations_stopped": stopped if supervisor else [], "sees_operations": supervisor}
        return super().index(request, {**context, **(extra_context or {})})

    def has_permission(self, request) -> bool:
        return may_enter_admin(request.user)

    def may_use(self, request, model) -> bool:
        """Whether this request may use the admin's pages of `model` (every SupervisorAdmin asks)."""
        if not self.has_permission(request):
            return False
        apps = admin_apps_of(request.user)
        return apps is None or model._meta.app_label in apps

    def admin_view(self, view, cacheable=False):
        """Every admin page, the apps' own extra pages included, refuses a page outside the role's apps.

        The ModelAdmins' permissions already do; this also covers a page an app adds in get_urls
        and the site's "view on site" redirect, so a new page cannot open to finance staff by mistake.
        """
        inner = super().admin_view(view, cacheable)

        def scoped(request, *args, **kwargs):
            if self.has_permission(request) and not self._within_apps(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(scoped, inner)

    def _within_apps(self, request) -> bool:
        apps = admin_apps_of(request.user)
        if apps is None:
            return True
        rest = request.path[len(reverse(f"{self.name}:index")) :]
        return rest in SITE_PAGES or rest.split("/", 1)[0] in apps
