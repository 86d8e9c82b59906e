"""SQLite's counterpart of the PostgreSQL trigram index (0003): an FTS5 table of the
patients' search text, tokenized by trigrams, kept in step with the patients by triggers.
A search for any part of a name, phone or email then reads the index, not every patient
(patients/selectors.py). PostgreSQL needs none of this."""

from django.db import migrations

TABLE = "patients_patient_search"  # patients/selectors.py searches it
ADD_ROW = f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
# An external-content index forgets a row by the text it indexed.
FORGET_ROW = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
)
CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    " search_text, content='patients_patient', content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON patients_patient BEGIN {ADD_ROW} END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON patients_patient BEGIN {FORGET_ROW} END",
    # Only when a name, the phone or the email changed the text.
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE ON patients_patient"
    f" WHEN old.search_text IS NOT new.search_text BEGIN {FORGET_ROW} {ADD_ROW} END",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_patient_search_trigram_index")]

    operations = [migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP))]
