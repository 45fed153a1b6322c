"""Re-encrypt every encrypted field under the newest key in FIRSTLINE_FIELD_KEYS.

Rotation: put a new key in front of FIRSTLINE_FIELD_KEYS (keep the old ones behind it), restart,
run this, then drop the old keys and restart again. Rows are rewritten in batches; a row already
under the newest key is left alone, so running it twice (or after an interruption) is safe. Lookup
digests (e.g. the callback's) are recomputed too, which is what a changed SECRET_KEY needs.
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from apps.audit.services import audit_record
from apps.common.crypto import encrypted_fields, reencrypt_model


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest FIRSTLINE_FIELD_KEYS key (batched, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        counts = {}
        for model in apps.get_models():
            if encrypted_fields(model):
                counts[model._meta.label] = reencrypt_model(model, batch_size=batch_size)
                self.stdout.write(f"{model._meta.label}: {counts[model._meta.label]} rows rewritten")
        total = sum(counts.values())
        audit_record(actor=None, action="crypto.rotate_keys", detail={"rewritten": counts})
        self.stdout.write(f"Rewrote {total} rows under the newest key.")
