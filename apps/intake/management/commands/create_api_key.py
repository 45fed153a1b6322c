"""Issue an API key for a call center from the shell: `create_api_key --call-center NAME --kind 911`."""

from django.core.management.base import BaseCommand, CommandError

from apps.common.errors import ApplicationError
from apps.intake.models import CallCenter, CenterKind
from apps.intake.services import api_key_issue, call_center_create


class Command(BaseCommand):
    help = "Print a new API key for a call center (created if it does not exist). The key is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("--call-center", required=True, help="The call center's name.")
        parser.add_argument("--kind", default=CenterKind.NINE_ONE_ONE, choices=CenterKind.values)
        parser.add_argument("--contact", default="")
        parser.add_argument("--label", default="", help="A note on where the key is used.")

    def handle(self, *args, call_center, kind, contact, label, **options):
        try:
            center = CallCenter.objects.filter(name=call_center).first()
            if center is None:
                center = call_center_create(actor=None, name=call_center, kind=kind, contact=contact)
                self.stderr.write(f"Created call center {center.name} ({center.get_kind_display()}).")
            _key, raw = api_key_issue(actor=None, call_center_id=center.pk, label=label)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
