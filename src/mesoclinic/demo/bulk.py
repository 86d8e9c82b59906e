"""Saving the generator's many rows: `bulk_create`'s contract, faster on PostgreSQL.

Profiling a PostgreSQL build showed most of its time in Django compiling each batch into
one INSERT and in the driver quoting every value of it in Python. On PostgreSQL the rows
go in by COPY instead, their ids taken from the table's own sequence first (one block for
the whole batch), so the saved objects carry their ids as after `bulk_create`. Plain
values (text, numbers, dates, times, foreign keys) go to the driver as they are, which
is what Django's own preparation of them comes to on PostgreSQL; any other field (JSON,
for one) is prepared by the field. Elsewhere (SQLite) this is `bulk_create`.
"""

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

ModelT = TypeVar("ModelT", bound=models.Model)
# Fields whose value PostgreSQL's driver takes as it is.
PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(model: type[ModelT], objects: Iterable[ModelT]) -> list[ModelT]:
    """Save these new objects of one model in one go and return them, with their ids."""
    objects = list(objects)
    meta = model._meta
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql" or meta.auto_field is None or not objects:
        return model._default_manager.bulk_create(objects)
    fields = meta.concrete_fields
    values = [_value_getter(field, database) for field in fields]
    for instance in objects:  # a related object saved since it was attached gives its id
        instance._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
    with transaction.atomic(), database.cursor() as cursor:
        _take_ids(cursor, meta, objects)
        with cursor.cursor.copy(_copy_statement(meta, fields)) as copy:
            for instance in objects:
                copy.write_row([value(instance) for value in values])
    for instance in objects:
        instance._state.adding, instance._state.db = False, database.alias
    return objects


def insert_values(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Save new rows that nothing refers to, given as plain values by attribute name
    (`session_id`, not `session`), without making an object of each: a checklist answer
    is five rows a session, and building a model object costs more than copying its row.
    Every row names the same fields, in the same order; the others take their defaults.
    Returns how many rows."""
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql" or not rows:
        model._default_manager.bulk_create([model(**row) for row in rows])
        return len(rows)
    meta = model._meta
    given = [cast(models.Field, meta.get_field(name)) for name in rows[0]]
    defaulted = [
        field for field in meta.concrete_fields if not field.primary_key and field not in given
    ]
    # The others' values once for every row, as saving a new object would give them
    # (defaults, and a stamp for an auto_now field), prepared by each field.
    blank = model()
    defaults = [
        field.get_db_prep_save(field.pre_save(blank, True), database) for field in defaulted
    ]
    statement = _copy_statement(meta, given + defaulted)
    with transaction.atomic(), database.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([*row.values(), *defaults])
    return len(rows)


def _copy_statement(meta: Any, fields: Sequence[Any]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join([sql.Identifier(str(field.column)) for field in fields]),
    )


def _value_getter(field: Any, database: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    is_stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if field.get_internal_type() in PLAIN_FIELDS and not is_stamped:
        return operator.attrgetter(field.attname)
    return lambda instance: field.get_db_prep_save(field.pre_save(instance, True), database)


def _take_ids(cursor: Any, meta: Any, objects: list) -> None:
    """Number the objects from the table's id sequence, as the INSERT would have: one block
    of ids, taken while the table is locked against other writers until the transaction
    ends, so nobody else's row can take an id in the block."""
    cursor.execute(
        sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(sql.Identifier(meta.db_table))
    )
    cursor.execute(
        "SELECT setval(sequence, nextval(sequence) + %s - 1) "
        "FROM (SELECT pg_get_serial_sequence(%s, %s) AS sequence) AS named",
        [len(objects), meta.db_table, meta.pk.column],
    )
    (last,) = cursor.fetchone()
    for number, instance in enumerate(objects, start=last - len(objects) + 1):
        instance.pk = number
