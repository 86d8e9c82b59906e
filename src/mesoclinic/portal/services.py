from django.db import transaction

from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.portal.models import ContactRequest


def contact_request_create(*, request: ContactRequest) -> ContactRequest:
    """Keep a visitor's call-back request; the audit row records it without the contact details."""
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="portal.contactrequest",
            object_id=request.pk,
            location_id=request.location_id,
            details={"outcome": request.outcome},
        )
    return request
