# Delivery receipts move here from the streams app: the model takes over the existing table, which
# is then renamed to this app's name. No row is copied.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0005_caller_language'),
        ('streams', '0003_assignmentreceipt_to_incidents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AssignmentReceipt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stream', models.CharField(max_length=64)),
                        ('seq', models.BigIntegerField()),
                        ('delivered_at', models.DateTimeField()),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='receipts', to='incidents.assignment')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['delivered_at'],
                        'db_table': 'streams_assignmentreceipt',
                        'constraints': [models.UniqueConstraint(fields=('assignment', 'user'), name='assignment_receipt_once_per_user')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='assignmentreceipt', table=None),
    ]
