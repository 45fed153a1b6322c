import django.db.models
from django.db import migrations

import apps.common.language


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_device_enrollment"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=django.db.models.CharField(
                blank=True,
                choices=apps.common.language.language_choices,
                help_text="The language of every screen for this person. Blank: the device's or browser's language.",
                max_length=10,
                verbose_name="language",
            ),
        ),
    ]
