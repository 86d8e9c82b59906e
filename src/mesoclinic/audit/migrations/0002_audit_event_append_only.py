"""The database itself refuses to change or delete audit events.

PostgreSQL: row triggers reject UPDATE and DELETE (TRUNCATE, used only to empty a
test database, is a separate statement and not affected). SQLite: a trigger rejects
UPDATE; DELETE is left to the application there, because Django empties SQLite test
databases with DELETE between tests.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_is_append_only()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_event_no_update"]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def install_triggers(apps, schema_editor):
    forward, _ = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in forward:
        schema_editor.execute(statement, params=None)  # no placeholders: "%" is PL/pgSQL


def remove_triggers(apps, schema_editor):
    _, backward = STATEMENTS.get(schema_editor.connection.vendor, ([], []))
    for statement in backward:
        schema_editor.execute(statement, params=None)  # no placeholders: "%" is PL/pgSQL


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
