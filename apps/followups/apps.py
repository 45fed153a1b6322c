from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.incidents.hooks import encounter_recorded


class FollowupsConfig(AppConfig):
    name = "apps.followups"
    label = "followups"
    verbose_name = _("Follow-ups and referrals")

    def ready(self) -> None:
        """Listen to incidents' hooks (the incidents app never calls this one)."""
        from apps.followups.services import on_encounter_recorded  # lazy: imports models, only once apps are loaded

        encounter_recorded.connect(on_encounter_recorded, dispatch_uid="followups.apply_rules")
