import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mesoclinic.audit.selectors import AUDIT_PAGE_SIZE, audit_events_for_user

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime.datetime
    actor_username: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    patient_id: int | None
    location_id: int | None
    changes: dict
    details: dict
    ip_address: str | None


class AuditFilters(Schema):
    patient_id: int | None = None
    action: str = ""
    limit: int = Field(AUDIT_PAGE_SIZE, ge=1, le=1000)


@router.get("", response=list[AuditEventOut], summary="The audit log (managers)")
def list_events(request: HttpRequest, filters: Query[AuditFilters]) -> list:
    return audit_events_for_user(
        user=request.auth,  # type: ignore[attr-defined]
        patient_id=filters.patient_id,
        action=filters.action,
        limit=filters.limit,
    )
