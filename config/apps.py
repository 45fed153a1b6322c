from django.contrib.admin.apps import AdminConfig


class FirstlineAdminConfig(AdminConfig):
    """Django's admin with Firstline's site (config/admin.py)."""

    default_site = "config.admin.FirstlineAdminSite"
