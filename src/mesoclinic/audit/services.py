from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import connection, models

from mesoclinic.audit.context import current_origin, current_reads
from mesoclinic.audit.models import AuditAction, AuditEvent

FieldChanges = dict[str, list[Any]]
ModelT = TypeVar("ModelT", bound=models.Model)
# Events that record a look, not a change: a request writes these together at its end.
READ_ACTIONS = frozenset({AuditAction.READ, AuditAction.LIST, AuditAction.DENIED})


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    object_type: str = "",
    object_id: Any = None,
    patient_id: int | None = None,
    location_id: int | None = None,
    changes: FieldChanges | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the write it records.

    In a web request, a read outside any write's transaction is written with the
    request's other reads before the response leaves (audit/middleware.py): one insert
    for the page, not one per read.
    """
    origin = current_origin.get()
    is_known_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_known_user else None,
        actor_username=actor.get_username() if is_known_user else "",
        actor_role=getattr(actor, "role", "") if is_known_user else "",
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        patient_id=patient_id,
        location_id=location_id,
        changes=changes or {},
        details=details or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        path=origin.path,
    )
    reads = current_reads.get()
    if (
        reads is not None
        and action in READ_ACTIONS
        and len(connection.atomic_blocks) == reads.transaction_depth
    ):
        reads.events.append(event)
    else:
        event.save()
    return event


def json_value(value: Any) -> Any:
    """A value as the audit log stores it: JSON types, dates as ISO text, models as their id."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> FieldChanges:
    """{field: [old, new]} for every field whose value differs; a side that lacks it is None."""
    changes = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = json_value(before.get(name)), json_value(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def audited_update(
    *,
    actor: Any,
    instance: ModelT,
    fields: Mapping[str, Any],
    patient_id: int | None,
    location_id: int | None,
    details: dict[str, Any] | None = None,
) -> tuple[ModelT, FieldChanges]:
    """Lock the row, apply the fields, validate, save and audit old and new values.

    Runs inside the caller's transaction. Returns the locked row and its changes; when
    nothing changed, nothing is saved or audited and the changes are empty.
    """
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    before = {name: json_value(getattr(locked, name)) for name in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    changes = field_changes(before, {name: json_value(getattr(locked, name)) for name in fields})
    if changes:
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=locked._meta.label_lower,
            object_id=locked.pk,
            patient_id=patient_id,
            location_id=location_id,
            changes=changes,
            details=details,
        )
    return locked, changes
