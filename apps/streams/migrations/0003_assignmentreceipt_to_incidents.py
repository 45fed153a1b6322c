# Delivery receipts belong to the incidents app (the backbone does not know assignments). The table
# is kept here and renamed by incidents.0006, which takes the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('streams', '0002_assignmentreceipt_streamcursor'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AssignmentReceipt')],
            database_operations=[],
        ),
    ]
