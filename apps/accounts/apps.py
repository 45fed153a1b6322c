from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and devices"

    def ready(self):
        from apps.accounts import receivers  # noqa: F401 (connects the sign-in audit)
