"""SQLite's double-booking triggers read one day of the calendar, not all its past.

The triggers of 0002 looked for an overlapping visit among every visit of the practitioner
(or room) that starts before the new one ends: the (practitioner, starts_at) index gave
them no lower bound, so each booking read that practitioner's whole history (4.5 ms at
4,000 visits, and growing). A visit that lasts under a day and overlaps the new one
starts less than a day before it, so the triggers now read only that day.

That bound needs every holding visit to last under a day, so both databases now refuse
one that does not: SQLite in the same triggers, PostgreSQL by a check constraint. A visit
lies within one day's opening hours anyway (the booking service checks it); this makes it
a rule of the database, which the bound relies on.
"""

from django.db import migrations

HOLDING = "('booked', 'done')"
COLUMNS = ("practitioner_id", "room_id")
EVENTS = ("INSERT", "UPDATE")


def _sqlite_trigger(column: str, event: str, *, one_day: bool) -> str:
    if one_day:
        length_rule = """
    SELECT RAISE(ABORT, 'a visit must end less than a day after it starts')
    WHERE julianday(NEW.ends_at) - julianday(NEW.starts_at) >= 1;"""
        lower_bound = "\n          AND other.starts_at > datetime(NEW.starts_at, '-1 day')"
    else:
        length_rule = lower_bound = ""
    return f"""
CREATE TRIGGER appointment_{column}_free_on_{event.lower()}
BEFORE {event} ON scheduling_appointment
WHEN NEW.status IN {HOLDING}
BEGIN{length_rule}
    SELECT RAISE(ABORT, 'double booking: {column} already booked at this time')
    WHERE EXISTS (
        SELECT 1 FROM scheduling_appointment AS other
        WHERE other.{column} = NEW.{column}
          AND other.status IN {HOLDING}{lower_bound}
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at
          AND other.id IS NOT NEW.id
    );
END
"""


def _sqlite_triggers(*, one_day: bool) -> list[str]:
    drops = [
        f"DROP TRIGGER appointment_{column}_free_on_{event.lower()}"
        for column in COLUMNS
        for event in EVENTS
    ]
    creates = [
        _sqlite_trigger(column, event, one_day=one_day) for column in COLUMNS for event in EVENTS
    ]
    return drops + creates


STATEMENTS = {
    "postgresql": (
        [
            f"""ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_lasts_under_a_day
            CHECK (status NOT IN {HOLDING} OR ends_at - starts_at < interval '1 day')"""
        ],
        ["ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_lasts_under_a_day"],
    ),
    "sqlite": (_sqlite_triggers(one_day=True), _sqlite_triggers(one_day=False)),
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
    dependencies = [("scheduling", "0003_location_calendar_index")]

    operations = [migrations.RunPython(install, remove)]
