"""Reads of the calendar, each scoped to what the user may see."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.plans.windows import Window, session_intervals, window_after
from mesoclinic.scheduling.calendar import (
    CalendarState,
    OpeningDays,
    OpeningSpan,
    Slot,
    day_start,
)
from mesoclinic.scheduling.models import (
    HOLDING_STATUSES,
    Absence,
    Appointment,
    OpeningHours,
    Room,
)
from mesoclinic.scheduling.services import BOOKABLE_PLAN_STATUSES


def plans_to_schedule(
    *, user: User, selection: str, location_id: int | None = None
) -> list[TreatmentPlan]:
    """Plans named by id ("12,15"), or "waiting": the location's plans accepted or active
    with no session booked. Only plans of the user's locations."""
    plans = TreatmentPlan.objects.select_related("patient__location").filter(
        patient__location__in=user.location_ids
    )
    if selection == "waiting":
        if location_id is None:
            raise ValidationError({"location": ["Say which location's waiting plans."]})
        chosen = list(
            plans.filter(patient__location_id=location_id, status__in=BOOKABLE_PLAN_STATUSES)
            .exclude(appointments__status__in=HOLDING_STATUSES)
            .order_by("pk")
        )
        if not chosen:
            raise ValidationError({"plans": ["No plan is waiting to be booked there."]})
        return chosen
    try:
        ids = [int(part) for part in selection.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids:
        raise ValidationError({"plans": ["Give plan ids separated by commas, or 'waiting'."]})
    chosen = list(plans.filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {plan.pk for plan in chosen})
    if missing:
        raise ValidationError(
            {"plans": [f"No plan {', '.join(map(str, missing))} at your locations."]}
        )
    return chosen


@dataclass(frozen=True)
class SessionRow:
    """One session of a plan on its screen: its window and where it is booked."""

    number: int
    window: Window | None  # None: the first session, or the one before is not booked
    visit: Appointment | None
    earlier: list[Appointment]  # missed or cancelled visits for this session

    @property
    def is_outside_window(self) -> bool:
        return (
            self.window is not None
            and self.visit is not None
            and timezone.localdate(self.visit.starts_at) not in self.window
        )


def plan_sessions(*, user: User, plan: TreatmentPlan) -> list[SessionRow]:
    """Every session of the plan with its window after the one before (as done or
    booked) and its visits; one query, audited as a read of the patient's calendar."""
    require_permission(user=user, permission=Permission.PATIENT_VIEW, patient=plan.patient)
    visits = list(
        plan.appointments.select_related("practitioner", "room", "treatment").order_by(
            "session_number", "id"
        )
    )
    held = {v.session_number: v for v in visits if v.status in HOLDING_STATUSES}
    rows = []
    intervals = session_intervals(plan.phase_list())
    for number, interval in enumerate(intervals, start=1):
        previous = held.get(number - 1)
        window = (
            window_after(timezone.localdate(previous.starts_at), interval)
            if previous is not None and interval is not None
            else None
        )
        earlier = [v for v in visits if v.session_number == number and v not in held.values()]
        rows.append(SessionRow(number, window, held.get(number), earlier))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="scheduling.appointment",
        patient_id=plan.patient_id,
        location_id=plan.patient.location_id,
        details={"plan": plan.pk},
    )
    return rows


# What the calendar shows of a visit (page and API): its time, status and session, the
# patient's name, the practitioner's name, the room and the plan's length.
CALENDAR_COLUMNS = (
    "location_id",
    "starts_at",
    "ends_at",
    "status",
    "session_number",
    "patient__given_name",
    "patient__family_name",
    "practitioner__username",
    "practitioner__first_name",
    "practitioner__last_name",
    "room__name",
    "plan__phases",
)


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    is_open: bool
    visits: list[Appointment]


def calendar_days(
    *, user: User, location: Location, first_day: datetime.date, days: int
) -> list[CalendarDay]:
    """A location's visits day by day (a day or a week), in a fixed number of queries;
    audited as a listing, since it names patients. A busy week holds hundreds of visits,
    so each is read with only the columns a calendar shows."""
    require_permission(user=user, permission=Permission.APPOINTMENT_BOOK, location=location)
    last_day = first_day + datetime.timedelta(days=days - 1)
    hours = OpeningDays.load(location, first_day, last_day)
    visits = list(
        Appointment.objects.filter(
            location=location,
            starts_at__gte=day_start(first_day),
            starts_at__lt=day_start(last_day + datetime.timedelta(days=1)),
        )
        .select_related("patient", "practitioner", "room", "plan")
        .only(*CALENDAR_COLUMNS)
        .order_by("starts_at", "id")
    )
    by_day: dict[datetime.date, list[Appointment]] = {}
    for visit in visits:
        by_day.setdefault(timezone.localdate(visit.starts_at), []).append(visit)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="scheduling.appointment",
        location_id=location.pk,
        details={"from": first_day.isoformat(), "days": days, "count": len(visits)},
    )
    return [
        CalendarDay(day, hours.is_open(day), by_day.get(day, []))
        for day in (first_day + datetime.timedelta(days=n) for n in range(days))
    ]


def visit_get_for_user(*, user: User, visit_id: int) -> Appointment:
    visit = get_object_or_404(
        Appointment.objects.select_related("patient", "practitioner", "room", "location", "plan"),
        pk=visit_id,
    )
    require_permission(user=user, permission=Permission.APPOINTMENT_BOOK, patient=visit.patient)
    return visit


@dataclass(frozen=True)
class FreeTime:
    slot: Slot
    practitioner: str  # the name, for the button that offers it


def free_times(*, visit: Appointment, day: datetime.date) -> list[FreeTime]:
    """Where a visit could move on a day: its practitioner first, then the others."""
    calendar = CalendarState.load(visit.location, day, day, ignoring=[visit.pk])
    minutes = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
    names = calendar.practitioner_names
    order = [visit.practitioner_id] + [pk for pk in names if pk != visit.practitioner_id]
    return [
        FreeTime(slot, names[pk]) for pk in order for slot in calendar.free_slots(day, pk, minutes)
    ]


@dataclass(frozen=True)
class CalendarSettings:
    """What a location's calendar enforces, as its manager sees it to change it."""

    location: Location
    rooms: list[Room]
    opening: list[OpeningSpan]
    practitioners: list[User]
    absences: list[Absence]  # those not over yet, soonest first


def calendar_settings_get(*, user: User, location: Location) -> CalendarSettings:
    require_permission(user=user, permission=Permission.CALENDAR_SETTINGS_EDIT, location=location)
    practitioners = list(location.practitioners().order_by("last_name", "first_name", "pk"))
    return CalendarSettings(
        location=location,
        rooms=list(Room.objects.filter(location=location).order_by("name")),
        opening=[OpeningSpan.of(hours) for hours in OpeningHours.objects.filter(location=location)],
        practitioners=practitioners,
        absences=list(
            Absence.objects.filter(practitioner__in=practitioners, ends_at__gt=clock.now())
            .select_related("practitioner")
            .order_by("starts_at", "pk")
        ),
    )
