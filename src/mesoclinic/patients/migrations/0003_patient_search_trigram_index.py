"""A trigram index on the patients' search text, on PostgreSQL: a search for any part of
a name, phone or email then reads the index instead of every patient. SQLite has no such
index and reads the column through."""

from django.db import migrations

INDEX = "patient_search_trigrams"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON patients_patient USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_patient_search_text")]

    operations = [migrations.RunPython(create_index, drop_index)]
