from dataclasses import dataclass

from django.db.models import Count

from mesoclinic.accounts.models import Location, User
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.caching import kept_for
from mesoclinic.formulary.selectors import StockWarnings, stock_warnings_for_manager
from mesoclinic.patients.models import Patient
from mesoclinic.portal.models import ContactRequest

# The home page's counts and stock warnings may lag what happened by this much.
FIGURES_FRESH_SECONDS = 60
EVER = 10**6  # days: later than any lot expires


@dataclass(frozen=True)
class LocationFigures:
    location: Location
    patient_count: int
    staff_count: int


def location_figures(*, user: User) -> list[LocationFigures]:
    """Patients and active staff per location the user works at: counts only, no patient
    data. Counting reads every patient's index entry, so for the same locations the
    figures are worked out at most every FIGURES_FRESH_SECONDS."""
    location_ids = sorted(user.location_ids)
    key = "location-figures:" + ",".join(map(str, location_ids))
    return kept_for(key, FIGURES_FRESH_SECONDS, lambda: _location_figures(location_ids))


def stock_warnings_at_a_glance(*, user: User) -> list[StockWarnings]:
    """The stock warnings of every location the user manages, the most urgent first (an
    opened vial near its limit, then the soonest expiry), worked out at most every
    FIGURES_FRESH_SECONDS: a lot's vials on hand are the sum of its whole ledger."""
    return kept_for(
        f"stock-warnings:{user.pk}",
        FIGURES_FRESH_SECONDS,
        lambda: sorted(stock_warnings_for_manager(user=user), key=_urgency),
    )


def _urgency(warnings: StockWarnings) -> tuple[bool, int, str]:
    soonest = min((line.days_to_expiry for line in warnings.expiring), default=EVER)
    return (not warnings.opened_vials_ending, soonest, warnings.location.name)


def _location_figures(location_ids: list[int]) -> list[LocationFigures]:
    """Each count grouped by location on its own: joining patients and staff in one
    query would count every pair of them."""
    patients = dict(
        Patient.objects.filter(location_id__in=location_ids)
        .order_by()
        .values_list("location_id")
        .annotate(Count("id"))
    )
    staff = dict(
        User.objects.filter(locations__in=location_ids, is_active=True)
        .order_by()
        .values_list("locations")
        .annotate(Count("id"))
    )
    return [
        LocationFigures(location, patients.get(location.pk, 0), staff.get(location.pk, 0))
        for location in Location.objects.filter(pk__in=location_ids).order_by("name")
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
