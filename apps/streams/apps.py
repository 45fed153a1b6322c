from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.accounts.hooks import device_revoked, session_ended


class StreamsConfig(AppConfig):
    name = "apps.streams"
    label = "streams"
    verbose_name = _("Live streams")

    def ready(self) -> None:
        """Listen to accounts' hooks (the accounts app never imports this one)."""
        from apps.streams import receivers  # lazy: imports models, only once apps are loaded

        device_revoked.connect(receivers.on_device_revoked, dispatch_uid="streams.device_revoked")
        session_ended.connect(receivers.on_session_ended, dispatch_uid="streams.session_ended")
