"""Partner endpoints: the URL policy as a field validator, and the shared secret encrypted at rest.

The data step encrypts every secret stored in plain text before this migration (reversing it
writes them back in plain text, so the column can shrink to its old type again).
"""

from django.db import migrations, models

import apps.common.crypto
import apps.followups.egress


def _rewrite(apps, schema_editor, change) -> None:
    table = schema_editor.quote_name(apps.get_model("followups", "PartnerEndpoint")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")  # noqa: S608 (the table name is ours)
        for pk, stored in cursor.fetchall():
            new = change(stored or "")
            if new != stored:
                cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [new, pk])  # noqa: S608


def encrypt_existing(apps, schema_editor):
    from apps.common.crypto import PREFIX, encrypt

    _rewrite(apps, schema_editor, lambda s: encrypt(s) if s and not s.startswith(PREFIX) else s)


def decrypt_existing(apps, schema_editor):
    from apps.common.crypto import decrypt

    _rewrite(apps, schema_editor, decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0005_part2_consent_recipients"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnerendpoint",
            name="secret",
            field=apps.common.crypto.EncryptedTextField(help_text="Shared secret for the HMAC-SHA256 signature."),
        ),
        migrations.AlterField(
            model_name="partnerendpoint",
            name="url",
            field=models.URLField(
                help_text="The partner's https address; internal and private addresses are refused.",
                validators=[apps.followups.egress.validate_endpoint_url],
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
