from typing import Any

from django.db import models

from mesoclinic.audit.context import current_origin
from mesoclinic.audit.models import AuditAction, AuditEvent

FieldChanges = dict[str, list[Any]]


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
    """Append one event. Call it inside the transaction of the write it records."""
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
