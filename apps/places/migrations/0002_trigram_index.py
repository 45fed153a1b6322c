"""The pg_trgm extension and a trigram GIN index on Street.name_key, on PostgreSQL only.

Embedded mode (SQLite) has neither; its geocoder matches names with rapidfuzz instead.
"""

from django.db import migrations

INDEX = "places_street_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON places_street USING gin (name_key gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
