from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and devices")

    def ready(self):
        # lazy: AppConfig.ready wiring; the receivers import models, which load only once apps are ready
        from apps.accounts import receivers  # noqa: F401 (connects the sign-in audit)
