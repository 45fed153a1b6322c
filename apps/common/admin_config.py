from django.contrib.admin.apps import AdminConfig


class FirstlineAdminConfig(AdminConfig):
    default_site = "apps.common.admin.FirstlineAdminSite"
