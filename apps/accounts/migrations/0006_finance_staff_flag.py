"""Finance staff enter the admin (its funding pages only), so their staff flag follows the role as
every other role's does (User.save). The admin's door asks the role, not the flag; this keeps the
user admin's "staff status" column true for accounts made before."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(role="finance", is_staff=False).update(is_staff=True)


def backwards(apps, schema_editor):
    apps.get_model("accounts", "User").objects.filter(role="finance", is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_alter_user_role")]

    operations = [migrations.RunPython(forwards, backwards)]
