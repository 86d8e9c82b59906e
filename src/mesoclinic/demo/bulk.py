"""Making and saving the generator's many rows: `bulk_create`'s contract, faster on
PostgreSQL, and new objects made without Django's general constructor.

Profiling a PostgreSQL build showed most of its time in Django compiling each batch into
one INSERT and in the driver quoting every value of it in Python. On PostgreSQL the rows
go in by COPY instead, their ids taken from the table's own sequence first (one query for
the whole batch), so the saved objects carry their ids as after `bulk_create`. Plain
values (text, numbers, dates, times, foreign keys) go to the driver as they are, which
is what Django's own preparation of them comes to on PostgreSQL; any other field (JSON,
for one) is prepared by the field. Elsewhere (SQLite) this is `bulk_create`.

Making the objects themselves took a quarter of a build's time in Django's constructor,
which handles every way of calling it and sets each field through its descriptor: `new`
fills a new object's fields directly from values the generator names exactly.
"""

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
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


@dataclass(frozen=True)
class _Blank:
    """What a new object of a model holds before it is given any value."""

    defaults: dict[str, Any]  # by attribute name, those the same for every object
    made_defaults: list[Any]  # fields whose default is made afresh for each (a dict...)
    relations: dict[str, Any]  # foreign keys by name, which may be given an object
    names: frozenset[str]  # every name a value may be given by


@functools.cache
def _blank(model: type[models.Model]) -> _Blank:
    fields = model._meta.concrete_fields
    made = [field for field in fields if callable(field.default)]
    relations = {field.name: field for field in fields if field.many_to_one or field.one_to_one}
    return _Blank(
        defaults={field.attname: field.get_default() for field in fields if field not in made},
        made_defaults=made,
        relations=relations,
        names=frozenset([*relations, *(field.attname for field in fields)]),
    )


def new(model: type[ModelT], **values: Any) -> ModelT:
    """What `model(**values)` makes, for values named by field (`patient`, a saved or
    unsaved object) or by attribute (`patient_id`): every other field at its default."""
    blank = _blank(model)
    if unknown := values.keys() - blank.names:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
    instance = model.__new__(model)
    instance._state = ModelState()
    fields = instance.__dict__
    fields.update(blank.defaults)
    for field in blank.made_defaults:
        fields[field.attname] = field.get_default()
    for name, value in values.items():
        relation = blank.relations.get(name)
        if relation is None:
            fields[name] = value
        else:
            target = relation.target_field.attname
            fields[relation.attname] = None if value is None else getattr(value, target)
            relation.set_cached_value(instance, value)
    return instance


def insert_rows(model: type[ModelT], objects: Iterable[ModelT]) -> list[ModelT]:
    """Save these new objects of one model in one go and return them, with their ids."""
    objects = list(objects)
    meta = model._meta
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql" or meta.auto_field is None or not objects:
        return model._default_manager.bulk_create(objects)
    fields = [field for field in meta.concrete_fields if not field.generated]
    values = [_value_getter(field, database) for field in fields]
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
        field
        for field in meta.concrete_fields
        if not (field.primary_key or field.generated or field in given)
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
    if field.many_to_one or field.one_to_one:
        return _related_id_getter(field)
    if field.get_internal_type() in PLAIN_FIELDS and not is_stamped:
        return operator.attrgetter(field.attname)
    return lambda instance: field.get_db_prep_save(field.pre_save(instance, True), database)


def _related_id_getter(field: Any) -> Callable[[Any], Any]:
    """A foreign key's value, or the id of the object attached to it, which may have been
    saved since it was attached (what `save()` checks through every field of every
    object, here only where the key is empty)."""
    attname, target = field.attname, field.target_field.attname

    def related_id(instance: Any) -> Any:
        value = instance.__dict__.get(attname)
        if value is None and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None:
                value = getattr(related, target)
                if value is None:
                    raise ValueError(f"{field.name} is attached but not saved yet.")
                instance.__dict__[attname] = value
        return value

    return related_id


def _take_ids(cursor: Any, meta: Any, objects: list) -> None:
    """Number the objects from the table's id sequence, as their INSERTs would have. The
    ids need not follow one another, so nothing is locked: another writer (a second
    builder, the clinic itself) takes its own ids from the same sequence meanwhile."""
    cursor.execute(
        "SELECT nextval(sequence) FROM (SELECT pg_get_serial_sequence(%s, %s) AS sequence) "
        "AS named, generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objects)],
    )
    for (number,), instance in zip(sorted(cursor.fetchall()), objects, strict=True):
        instance.pk = number
