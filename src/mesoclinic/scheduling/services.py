"""Booking visits. The database refuses double bookings (migration 0002); this service
also checks what only it can know: opening hours, holidays, absences, and the plan's
window after the previous session, and turns a lost race into a clear refusal."""

import datetime

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.plans.windows import session_intervals, window_after
from mesoclinic.scheduling.models import (
    HOLDING_STATUSES,
    Absence,
    Appointment,
    OpeningHours,
    Room,
)

DEFAULT_MINUTES = 30
BOOKABLE_PLAN_STATUSES = {PlanStatus.ACCEPTED, PlanStatus.ACTIVE}


def appointment_book(
    *,
    actor: User,
    patient: Patient,
    practitioner: User,
    room: Room,
    starts_at: datetime.datetime,
    plan: TreatmentPlan | None = None,
) -> Appointment:
    """Book a visit (a plan's next session when `plan` is given), or ValidationError."""
    require_permission(user=actor, permission=Permission.APPOINTMENT_BOOK, patient=patient)
    minutes = plan.session_minutes if plan is not None else DEFAULT_MINUTES
    appointment = Appointment(
        patient=patient,
        plan=plan,
        location=room.location,
        room=room,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        created_by=actor,
    )
    with transaction.atomic():
        if plan is not None:
            appointment.session_number = _next_session_number(plan, patient, starts_at)
        problems = slot_problems(appointment)
        if problems:
            raise ValidationError({"starts_at": problems})
        appointment.full_clean()
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise ValidationError(
                {"starts_at": ["This time was booked by someone else a moment ago."]}
            ) from None
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="scheduling.appointment",
            object_id=appointment.pk,
            patient_id=patient.pk,
            location_id=room.location_id,
            details={
                "starts_at": starts_at.isoformat(),
                "practitioner": practitioner.pk,
                "room": room.pk,
                "plan": getattr(plan, "pk", None),
                "session": appointment.session_number,
            },
        )
    return appointment


def slot_problems(appointment: Appointment) -> list[str]:
    """Why this visit cannot be at this time, in plain words; empty when it can."""
    location, practitioner = appointment.location, appointment.practitioner
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    problems = []
    if location.pk not in practitioner.location_ids or not practitioner.is_clinic_staff:
        problems.append(f"{practitioner} does not work at {location}.")
    if not appointment.room.is_active:
        problems.append(f"{appointment.room.name} is not in use.")
    if start.date() in holidays.country_holidays(location.group.country, years=start.year):
        problems.append(f"{start:%Y-%m-%d} is a public holiday.")
    elif (
        not OpeningHours.objects.filter(
            location=location,
            weekday=start.weekday(),
            opens__lte=start.time(),
            closes__gte=end.time(),
        ).exists()
        or start.date() != end.date()
    ):
        problems.append(f"{location} is not open {start:%A %H:%M}–{end:%H:%M}.")
    if Absence.objects.filter(
        practitioner=practitioner,
        starts_at__lt=appointment.ends_at,
        ends_at__gt=appointment.starts_at,
    ).exists():
        problems.append(f"{practitioner} is away then.")
    overlapping = Appointment.objects.filter(
        status__in=HOLDING_STATUSES,
        starts_at__lt=appointment.ends_at,
        ends_at__gt=appointment.starts_at,
    ).exclude(pk=appointment.pk)
    if overlapping.filter(practitioner=practitioner).exists():
        problems.append(f"{practitioner} has another visit then.")
    if overlapping.filter(room=appointment.room).exists():
        problems.append(f"{appointment.room.name} is taken then.")
    return problems


def _next_session_number(
    plan: TreatmentPlan, patient: Patient, starts_at: datetime.datetime
) -> int:
    """The plan's next session, if this day is inside its window after the one before."""
    locked = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.patient_id != patient.pk:
        raise ValidationError({"plan": ["This plan belongs to another patient."]})
    if locked.status not in BOOKABLE_PLAN_STATUSES:
        raise ValidationError(
            {"plan": [f"A plan that is {locked.get_status_display().lower()} is not booked."]}
        )
    held = list(locked.appointments.filter(status__in=HOLDING_STATUSES).order_by("session_number"))
    intervals = session_intervals(locked.phase_list())
    number = len(held) + 1
    if number > len(intervals):
        raise ValidationError({"plan": ["Every session of this plan is booked already."]})
    interval = intervals[number - 1]
    if interval is not None:
        previous_day = timezone.localtime(held[-1].starts_at).date()
        window = window_after(previous_day, interval)
        if timezone.localtime(starts_at).date() not in window:
            raise ValidationError(
                {
                    "starts_at": [
                        f"Session {number} belongs between {window.earliest} and "
                        f"{window.latest} ({interval.days_min}–{interval.days_max} days "
                        f"after session {number - 1} on {previous_day})."
                    ]
                }
            )
    return number
