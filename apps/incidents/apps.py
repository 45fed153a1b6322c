from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.streams.hooks import stream_acknowledged


class IncidentsConfig(AppConfig):
    name = "apps.incidents"
    label = "incidents"
    verbose_name = _("Incidents and encounters")

    def ready(self) -> None:
        """Listen to the live backbone's hooks (the backbone never imports this app)."""
        from apps.incidents.receipts import on_stream_acknowledged  # lazy: imports models, only once apps are loaded

        stream_acknowledged.connect(on_stream_acknowledged, dispatch_uid="incidents.assignment_receipts")
