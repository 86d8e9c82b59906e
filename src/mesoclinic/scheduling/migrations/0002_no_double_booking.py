"""No practitioner and no room is ever booked twice at once, whatever writes the rows.

PostgreSQL: exclusion constraints over the appointment's time range (btree_gist lets the
practitioner and room ids share a GiST index with the range). SQLite: triggers that abort
an insert or update overlapping a holding appointment; SQLite runs one writer at a time,
so the check and the write cannot interleave with another booking.
"""

from django.db import migrations

HOLDING = "('booked', 'done')"


def _sqlite_trigger(column: str, event: str) -> str:
    return f"""
CREATE TRIGGER appointment_{column}_free_on_{event.lower()}
BEFORE {event} ON scheduling_appointment
WHEN NEW.status IN {HOLDING}
BEGIN
    SELECT RAISE(ABORT, 'double booking: {column} already booked at this time')
    WHERE EXISTS (
        SELECT 1 FROM scheduling_appointment AS other
        WHERE other.{column} = NEW.{column}
          AND other.status IN {HOLDING}
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at
          AND other.id IS NOT NEW.id
    );
END
"""


def _postgresql_constraint(column: str) -> str:
    return f"""
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_{column}_never_double_booked
EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at) WITH &&)
WHERE (status IN {HOLDING})
"""


COLUMNS = ("practitioner_id", "room_id")
STATEMENTS = {
    "postgresql": (
        ["CREATE EXTENSION IF NOT EXISTS btree_gist"]
        + [_postgresql_constraint(column) for column in COLUMNS],
        [
            f"ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_{column}_never_double_booked"
            for column in COLUMNS
        ],
    ),
    "sqlite": (
        [_sqlite_trigger(column, event) for column in COLUMNS for event in ("INSERT", "UPDATE")],
        [
            f"DROP TRIGGER appointment_{column}_free_on_{event}"
            for column in COLUMNS
            for event in ("insert", "update")
        ],
    ),
}


def install(apps, schema_editor):
    forward, _ = STATEMENTS[schema_editor.connection.vendor]
    for statement in forward:
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    _, backward = STATEMENTS[schema_editor.connection.vendor]
    for statement in backward:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_calendar")]

    operations = [migrations.RunPython(install, remove)]
