from dataclasses import dataclass

from django.db.models import Count, Q

from mesoclinic.accounts.models import Location, User
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.portal.models import ContactRequest


@dataclass(frozen=True)
class LocationFigures:
    location: Location
    patient_count: int
    staff_count: int


def location_figures(*, user: User) -> list[LocationFigures]:
    """Patients and staff per location the user works at: counts only, no patient data."""
    locations = (
        Location.objects.filter(pk__in=user.location_ids)
        .annotate(
            patient_count=Count("patients", distinct=True),
            staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
        )
        .order_by("name")
    )
    return [
        LocationFigures(location=loc, patient_count=loc.patient_count, staff_count=loc.staff_count)
        for loc in locations
    ]


def refused_access_count(*, user: User) -> int:
    """Refused attempts on patients of the manager's locations, as a warning sign."""
    return AuditEvent.objects.filter(
        action=AuditAction.DENIED, location_id__in=user.location_ids
    ).count()


def open_contact_requests(*, user: User, limit: int) -> list[ContactRequest]:
    """Self-assessment visitors waiting for a call back at the user's locations (staff only)."""
    if not user.is_clinic_staff:
        return []
    waiting = ContactRequest.objects.filter(location_id__in=user.location_ids, is_handled=False)
    return list(waiting.select_related("location")[:limit])
