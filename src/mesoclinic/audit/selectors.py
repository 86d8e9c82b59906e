from django.db.models import Exists, OuterRef, Q, QuerySet

from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditEvent

AUDIT_PAGE_SIZE = 100


def audit_events_for_user(
    *, user: User, patient_id: int | None = None, action: str = "", limit: int = AUDIT_PAGE_SIZE
) -> list[AuditEvent]:
    """The newest events a manager may read: their locations' patients and their staff's logins."""
    require_permission(user=user, permission=Permission.AUDIT_VIEW)
    location_ids = user.location_ids
    colleague = User.locations.through.objects.filter(
        user_id=OuterRef("actor_id"), location_id__in=location_ids
    )
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(
        Q(location_id__in=location_ids) | Q(location_id__isnull=True, patient_id__isnull=True)
    ).filter(Q(location_id__isnull=False) | Exists(colleague))
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    if action:
        events = events.filter(action=action)
    return list(events[:limit])
