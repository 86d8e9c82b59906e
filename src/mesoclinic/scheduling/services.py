"""Booking visits and laying courses. The database refuses double bookings (migration
0002); these services check what only they can know (opening hours, holidays, absences,
each session's window after the one before) and turn a lost race into a clear refusal.

Booking one session, booking the whole course, moving a session and re-laying after a
missed one are the same operation: lay the plan's sessions from some point on, each
inside its window after the one before, keeping what still fits and pinning what the
staff chose. `_lay_sessions` does it; the public services say from where and what is
pinned. Each runs in one transaction: either every session lands or none moves.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.plans.windows import LaidSession, Window, lay_course, session_intervals
from mesoclinic.scheduling import optimiser
from mesoclinic.scheduling.calendar import CalendarState, Slot
from mesoclinic.scheduling.models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentStatus,
    Room,
)

DEFAULT_MINUTES = 30
FIRST_WINDOW_DAYS = 14  # a course not started begins within two weeks of the day asked
BOOKABLE_PLAN_STATUSES = {PlanStatus.ACCEPTED, PlanStatus.ACTIVE}
LOST_RACE = "This time was booked by someone else a moment ago; choose again."
# PostgreSQL's code for a deadlock: two inserts checked against the no-double-booking
# exclusion constraint at once can each wait for the other, and one is aborted. That one
# lost the race like any other.
DEADLOCK = "40P01"


@dataclass(frozen=True)
class Move:
    """What booking or re-laying did to one session, shown to the staff."""

    session_number: int
    before: datetime.datetime | None  # None: newly booked
    after: datetime.datetime
    practitioner: str
    is_late: bool

    def __str__(self) -> str:
        after = f"{timezone.localtime(self.after):%a %d %b %H:%M} with {self.practitioner}"
        late = " (late: its window had closed)" if self.is_late else ""
        if self.before is None:
            return f"Session {self.session_number}: booked {after}{late}"
        return (
            f"Session {self.session_number}: {timezone.localtime(self.before):%a %d %b %H:%M}"
            f" → {after}{late}"
        )


@dataclass(frozen=True)
class Relaid:
    """A visit's new status and what re-laying the sessions after it did, or why it could
    not (the staff then book those sessions by hand)."""

    appointment: Appointment
    moves: list[Move]
    problem: str = ""


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
    slot = Slot(
        starts_at, starts_at + datetime.timedelta(minutes=minutes), practitioner.pk, room.pk
    )
    with transaction.atomic():
        if plan is None:
            return _book_visit(actor=actor, patient=patient, slot=slot, location=room.location)
        locked = _lock_bookable(plan, patient)
        held = _held_sessions(locked)
        number = _first_unbooked(held, locked)
        _lay_sessions(
            actor=actor,
            plan=locked,
            held=held,
            keep_through=number - 1,
            last_number=number,
            pinned={number: slot},
            # a first session the staff place by hand may be any day from today on
            first_window=Window(clock.today(), max(clock.today(), _day(starts_at))),
        )
    return Appointment.objects.get(plan=locked, session_number=number, status__in=HOLDING_STATUSES)


def course_book(
    *, actor: User, plan: TreatmentPlan, start_from: datetime.date | None = None
) -> list[Move]:
    """Book every session of the plan not booked yet, each inside its window, preferring
    the patient's weekdays, times and practitioner; all of them or none."""
    require_permission(user=actor, permission=Permission.APPOINTMENT_BOOK, patient=plan.patient)
    with transaction.atomic():
        locked = _lock_bookable(plan, plan.patient)
        held = _held_sessions(locked)
        number = _first_unbooked(held, locked)
        first_day = max(start_from or clock.today(), clock.today())
        return _lay_sessions(
            actor=actor,
            plan=locked,
            held=held,
            keep_through=number - 1,
            last_number=locked.session_count,
            pinned={},
            first_window=Window(first_day, first_day + datetime.timedelta(FIRST_WINDOW_DAYS)),
        )


def appointment_move(
    *,
    actor: User,
    appointment: Appointment,
    starts_at: datetime.datetime,
    practitioner: User | None = None,
    room: Room | None = None,
) -> list[Move]:
    """Move a booked visit; a plan's later sessions are re-laid inside their windows."""
    require_permission(
        user=actor, permission=Permission.APPOINTMENT_BOOK, patient=appointment.patient
    )
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError({"status": ["Only a booked visit can be moved."]})
        slot = Slot(
            starts_at,
            starts_at + (current.ends_at - current.starts_at),
            (practitioner or current.practitioner).pk,
            (room or current.room).pk,
        )
        if current.plan is None:
            calendar = CalendarState.load(
                current.location, _day(starts_at), _day(starts_at), ignoring=[current.pk]
            )
            _refuse_problems(calendar, slot)
            before = current.starts_at
            _save_slot(actor, current, slot)
            return [Move(0, before, slot.starts_at, str(current.practitioner), False)]
        plan = _lock_bookable(current.plan, current.patient)
        held = _held_sessions(plan)
        number = current.session_number or 0
        return _lay_sessions(
            actor=actor,
            plan=plan,
            held=held,
            keep_through=number - 1,
            last_number=max(held),
            pinned={number: slot},
        )


def appointment_mark(*, actor: User, appointment: Appointment, status: str) -> Relaid:
    """Record that a visit was done, missed or cancelled. A plan session missed or
    cancelled is laid again with the sessions after it, inside their windows."""
    require_permission(
        user=actor, permission=Permission.APPOINTMENT_BOOK, patient=appointment.patient
    )
    if status not in {
        AppointmentStatus.DONE,
        AppointmentStatus.MISSED,
        AppointmentStatus.CANCELLED,
    }:
        raise ValidationError({"status": [f"Unknown status {status!r}."]})
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status != AppointmentStatus.BOOKED:
            raise ValidationError(
                {"status": [f"This visit is {current.get_status_display().lower()} already."]}
            )
        if status in {AppointmentStatus.DONE, AppointmentStatus.MISSED} and (
            current.starts_at > clock.now()
        ):
            raise ValidationError({"status": ["A visit still to come is not done or missed."]})
        current, _changes = audited_update(
            actor=actor,
            instance=current,
            fields={"status": status},
            patient_id=current.patient_id,
            location_id=current.location_id,
        )
        if status == AppointmentStatus.DONE or current.plan_id is None:
            return Relaid(current, [])
        plan = TreatmentPlan.objects.select_for_update().get(pk=current.plan_id)
        if plan.status not in BOOKABLE_PLAN_STATUSES:
            return Relaid(current, [], "The plan is not being booked; nothing was re-laid.")
        held = _held_sessions(plan)
        number = current.session_number or 0
        try:
            with transaction.atomic():
                moves = _lay_sessions(
                    actor=actor,
                    plan=plan,
                    held=held,
                    keep_through=number - 1,
                    last_number=max([number, *held]),
                    pinned={},
                )
        except ValidationError as error:
            return Relaid(current, [], " ".join(error.messages))
    return Relaid(current, moves)


def _lay_sessions(
    *,
    actor: User,
    plan: TreatmentPlan,
    held: dict[int, Appointment],
    keep_through: int,
    last_number: int,
    pinned: dict[int, Slot],
    first_window: Window | None = None,
) -> list[Move]:
    """Lay sessions keep_through+1 … last_number of a locked plan and save the result.

    Sessions up to keep_through stay where they are. A later session already booked
    keeps its time while that is still inside its window and free; otherwise it goes to
    the best free slot of its window (see `_best_slot`). `pinned` sessions go exactly
    where the staff put them, or the whole operation is refused.
    """
    missing = next((n for n in range(1, keep_through + 1) if n not in held), None)
    if missing is not None:
        raise ValidationError({"plan": [f"Book session {missing} first."]})
    relaid = {number: visit for number, visit in held.items() if number > keep_through}
    if any(visit.status != AppointmentStatus.BOOKED for visit in relaid.values()):
        raise ValidationError({"status": ["A later session is done already; nothing moved."]})
    today = clock.today()
    first_window = first_window or Window(today, today + datetime.timedelta(FIRST_WINDOW_DAYS))
    calendar = CalendarState.load(
        plan.patient.location,
        today,
        _course_horizon(plan, first_window.latest),
        ignoring=[visit.pk for visit in relaid.values()],
    )
    practitioners = _practitioner_order(plan, held, calendar)
    chosen: dict[int, Slot] = {}

    def pick(number: int, window: Window) -> datetime.date | None:
        slot = pinned.get(number)
        if slot is not None:
            if _day(slot.starts_at) not in window:
                raise ValidationError({"starts_at": [_outside_window(number, window)]})
            _refuse_problems(calendar, slot)
        else:
            slot = _kept_slot(calendar, relaid.get(number), window) or _best_slot(
                calendar, plan, window, practitioners
            )
        if slot is None:
            return None
        calendar.take(slot)
        chosen[number] = slot
        return _day(slot.starts_at)

    laid = lay_course(
        plan.phase_list(),
        done=[_day(held[number].starts_at) for number in range(1, keep_through + 1)],
        first_window=first_window,
        pick=pick,
        not_before=today,
        last_number=last_number,
    )
    unplaced = next((session for session in laid if session.day is None), None)
    if unplaced is not None:
        raise ValidationError(
            {
                "starts_at": [
                    f"Session {unplaced.number} finds no free time between "
                    f"{unplaced.window.earliest} and {unplaced.window.latest}; nothing was booked."
                ]
            }
        )
    return _save_laid(actor, plan, laid, chosen, relaid, calendar)


def _save_laid(
    actor: User,
    plan: TreatmentPlan,
    laid: list[LaidSession],
    chosen: dict[int, Slot],
    relaid: dict[int, Appointment],
    calendar: CalendarState,
) -> list[Move]:
    changed = [
        session
        for session in laid
        if session.number not in relaid
        or _slot_of(relaid[session.number]) != chosen[session.number]
    ]
    # Step the moving visits out of the way first, so that session 3 may take the time
    # session 4 is leaving without the database seeing two bookings at once.
    Appointment.objects.filter(
        pk__in=[relaid[s.number].pk for s in changed if s.number in relaid]
    ).update(status=AppointmentStatus.CANCELLED)
    moves = []
    try:
        with transaction.atomic():
            for session in changed:
                slot = chosen[session.number]
                visit = relaid.get(session.number)
                before = visit.starts_at if visit else None
                if visit is None:
                    visit = _create_visit(actor, plan.patient, slot, calendar, plan, session.number)
                else:
                    visit.status = AppointmentStatus.BOOKED
                    _save_slot(actor, visit, slot)
                moves.append(
                    Move(
                        session.number,
                        before,
                        slot.starts_at,
                        calendar.practitioner_names[slot.practitioner_id],
                        session.is_late,
                    )
                )
    except (IntegrityError, OperationalError) as error:
        _refuse_lost_race(error, field="starts_at")
    return moves


def _refuse_lost_race(error: Exception, *, field: str) -> NoReturn:
    """Turn the database's refusal of a double booking into the user's "choose again";
    any other database error is raised as it is."""
    if isinstance(error, IntegrityError) or getattr(error.__cause__, "sqlstate", None) == DEADLOCK:
        raise ValidationError({field: [LOST_RACE]}) from None
    raise error


def _book_visit(*, actor: User, patient: Patient, slot: Slot, location) -> Appointment:
    calendar = CalendarState.load(location, _day(slot.starts_at), _day(slot.starts_at))
    _refuse_problems(calendar, slot)
    try:
        with transaction.atomic():
            return _create_visit(actor, patient, slot, calendar, None, None)
    except (IntegrityError, OperationalError) as error:
        _refuse_lost_race(error, field="starts_at")


def _create_visit(
    actor: User,
    patient: Patient,
    slot: Slot,
    calendar: CalendarState,
    plan: TreatmentPlan | None,
    number: int | None,
) -> Appointment:
    visit = Appointment(
        patient=patient,
        plan=plan,
        session_number=number,
        location=calendar.location,
        room_id=slot.room_id,
        practitioner_id=slot.practitioner_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        created_by=actor,
    )
    visit.full_clean()
    visit.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="scheduling.appointment",
        object_id=visit.pk,
        patient_id=patient.pk,
        location_id=calendar.location.pk,
        details={
            "starts_at": slot.starts_at.isoformat(),
            "practitioner": slot.practitioner_id,
            "room": slot.room_id,
            "plan": getattr(plan, "pk", None),
            "session": number,
        },
    )
    return visit


def _save_slot(actor: User, visit: Appointment, slot: Slot) -> None:
    before = _slot_of(visit)
    visit.starts_at, visit.ends_at = slot.starts_at, slot.ends_at
    visit.practitioner_id, visit.room_id = slot.practitioner_id, slot.room_id
    visit.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="scheduling.appointment",
        object_id=visit.pk,
        patient_id=visit.patient_id,
        location_id=visit.location_id,
        changes={
            "starts_at": [before.starts_at.isoformat(), slot.starts_at.isoformat()],
            "practitioner": [before.practitioner_id, slot.practitioner_id],
            "room": [before.room_id, slot.room_id],
        },
    )


def _kept_slot(calendar: CalendarState, visit: Appointment | None, window: Window) -> Slot | None:
    """A booked session stays where it is while that is inside its window and free."""
    if visit is None or _day(visit.starts_at) not in window:
        return None
    slot = _slot_of(visit)
    return None if calendar.problems(*_slot_args(slot)) else slot


def _best_slot(
    calendar: CalendarState,
    plan: TreatmentPlan,
    window: Window,
    practitioners: list[int],
) -> Slot | None:
    """The free slot in the window that best suits the patient: a preferred weekday,
    then a preferred time, then the preferred practitioner, then the earliest."""

    def misses(slot: Slot) -> tuple:
        start = timezone.localtime(slot.starts_at)
        return (
            bool(plan.preferred_weekdays) and start.weekday() not in plan.preferred_weekdays,
            not plan.prefers_time(start.time()),
            practitioners.index(slot.practitioner_id),
            slot.starts_at,
        )

    best: Slot | None = None
    for day in window.days():
        for practitioner_id in practitioners:
            for slot in calendar.free_slots(day, practitioner_id, plan.session_minutes):
                if best is None or misses(slot) < misses(best):
                    best = slot
                    if misses(best)[:3] == (False, False, 0):
                        return best  # nothing later can suit better
    return best


def _practitioner_order(
    plan: TreatmentPlan, held: dict[int, Appointment], calendar: CalendarState
) -> list[int]:
    """Who treats the patient, best first: the preferred practitioner, then whoever did
    the latest session (continuity), then the location's others."""
    first = [
        plan.preferred_practitioner_id,
        *(held[number].practitioner_id for number in sorted(held, reverse=True)),
    ]
    ordered = [pk for pk in first if pk in calendar.practitioner_names]
    ordered += [pk for pk in calendar.practitioner_names if pk not in ordered]
    return list(dict.fromkeys(ordered))


def _lock_bookable(plan: TreatmentPlan, patient: Patient) -> TreatmentPlan:
    locked = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    if locked.patient_id != patient.pk:
        raise ValidationError({"plan": ["This plan belongs to another patient."]})
    if locked.status not in BOOKABLE_PLAN_STATUSES:
        raise ValidationError(
            {"plan": [f"A plan that is {locked.get_status_display().lower()} is not booked."]}
        )
    return locked


def _held_sessions(plan: TreatmentPlan) -> dict[int, Appointment]:
    return {
        visit.session_number: visit
        for visit in plan.appointments.filter(status__in=HOLDING_STATUSES).order_by(
            "session_number"
        )
        if visit.session_number is not None
    }


def _first_unbooked(held: dict[int, Appointment], plan: TreatmentPlan) -> int:
    number = next(n for n in range(1, len(held) + 2) if n not in held)
    if number > plan.session_count:
        raise ValidationError({"plan": ["Every session of this plan is booked already."]})
    return number


def _refuse_problems(calendar: CalendarState, slot: Slot) -> None:
    problems = calendar.problems(*_slot_args(slot))
    if problems:
        raise ValidationError({"starts_at": problems})


def _outside_window(number: int, window: Window) -> str:
    return (
        f"Session {number} belongs between {window.earliest} and {window.latest} "
        "(its interval after the session before)."
    )


def _slot_of(visit: Appointment) -> Slot:
    return Slot(visit.starts_at, visit.ends_at, visit.practitioner_id, visit.room_id)


def _slot_args(slot: Slot) -> tuple:
    return (slot.starts_at, slot.ends_at, slot.practitioner_id, slot.room_id)


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


CANDIDATE_PRACTITIONERS = 3  # per course in the batch planner: keeps the model small


@dataclass
class BatchSchedule:
    """What the batch planner did: the solver's answer and what was booked from it."""

    problem: optimiser.Problem
    answer: optimiser.Answer
    booked: list[Appointment]
    short: dict[int, str]  # plan id -> why it has fewer sessions than its course


def courses_schedule(
    *,
    actor: User,
    plans: Sequence[TreatmentPlan],
    start_from: datetime.date,
    time_limit: float,
    book: bool = True,
) -> BatchSchedule:
    """Lay many new courses of one location at once (e.g. a clinic week's new plans):
    CP-SAT chooses the practitioner and day of every session (greedy earliest fit when
    it finds nothing better in time), then each session gets the best free time of its
    day. All bookings are written in one transaction, or none with `book=False`."""
    if not plans:
        raise ValidationError({"plans": ["Choose at least one plan."]})
    locations = {plan.patient.location_id for plan in plans}
    if len(locations) != 1:
        raise ValidationError({"plans": ["Schedule one location's plans at a time."]})
    for plan in plans:
        require_permission(user=actor, permission=Permission.APPOINTMENT_BOOK, patient=plan.patient)
    start_from = max(start_from, clock.today())
    with transaction.atomic():
        locked = list(
            TreatmentPlan.objects.select_for_update()
            .select_related("patient__location__group")
            .filter(pk__in=[plan.pk for plan in plans])
            .order_by("pk")
        )
        _refuse_unschedulable(locked)
        first_latest = start_from + datetime.timedelta(days=FIRST_WINDOW_DAYS)
        horizon = max(_course_horizon(plan, first_latest) for plan in locked)
        calendar = CalendarState.load(locked[0].patient.location, start_from, horizon)
        problem = _batch_problem(locked, calendar, start_from, horizon)
        answer = optimiser.plan_cp_sat(problem, time_limit=time_limit)
        booked, short = _book_answer(actor, locked, answer, calendar, start_from)
        if not book:
            transaction.set_rollback(True)
    return BatchSchedule(problem, answer, booked, short)


def _refuse_unschedulable(plans: list[TreatmentPlan]) -> None:
    errors = []
    held = set(
        Appointment.objects.filter(plan__in=plans, status__in=HOLDING_STATUSES).values_list(
            "plan_id", flat=True
        )
    )
    for plan in plans:
        if plan.status not in BOOKABLE_PLAN_STATUSES:
            errors.append(f"Plan {plan.pk} is {plan.get_status_display().lower()}.")
        elif plan.pk in held:
            errors.append(f"Plan {plan.pk} has sessions booked; book the rest from its page.")
    if errors:
        raise ValidationError({"plans": errors})


def _course_horizon(plan: TreatmentPlan, first_latest: datetime.date) -> datetime.date:
    """The last day the course can reach when its first session is due by first_latest."""
    longest = sum(i.days_max for i in session_intervals(plan.phase_list()) if i)
    return first_latest + datetime.timedelta(days=longest)


def _batch_problem(
    plans: list[TreatmentPlan],
    calendar: CalendarState,
    start_from: datetime.date,
    horizon: datetime.date,
) -> optimiser.Problem:
    staff = list(calendar.practitioner_names)
    if not staff:
        raise ValidationError({"plans": [f"No practitioner works at {calendar.location}."]})
    days = (horizon - start_from).days + 1
    courses = []
    for plan in plans:
        preferred = plan.preferred_practitioner_id
        rotation = [staff[(plan.pk + n) % len(staff)] for n in range(len(staff))]
        candidates = list(dict.fromkeys([p for p in [preferred, *rotation] if p in staff]))
        courses.append(
            optimiser.CourseRequest(
                key=plan.pk,
                intervals=tuple(session_intervals(plan.phase_list())),
                minutes=plan.session_minutes,
                first_day=0,
                first_latest=FIRST_WINDOW_DAYS,
                practitioners=tuple(candidates[:CANDIDATE_PRACTITIONERS]),
                preferred_weekdays=frozenset(plan.preferred_weekdays or ()),
                has_preferred_practitioner=preferred in staff,
            )
        )
    return optimiser.Problem(
        courses=courses,
        days=days,
        first_weekday=start_from.weekday(),
        free_minutes={
            (practitioner, day): calendar.free_minutes(
                start_from + datetime.timedelta(days=day), practitioner
            )
            for practitioner in staff
            for day in range(days)
        },
    )


def _book_answer(
    actor: User,
    plans: list[TreatmentPlan],
    answer: optimiser.Answer,
    calendar: CalendarState,
    start_from: datetime.date,
) -> tuple[list[Appointment], dict[int, str]]:
    """Give each planned session the best free time of its day and book it; a course
    whose session finds no time that day (minutes free, but no room then) stops there."""
    booked: list[Appointment] = []
    short: dict[int, str] = {}
    try:
        with transaction.atomic():
            for plan in plans:
                placed = answer.courses.get(plan.pk)
                visits = _book_days(actor, plan, placed, calendar, start_from) if placed else []
                booked += visits
                laid = len(visits)
                if laid < plan.session_count:
                    short[plan.pk] = f"sessions {laid + 1}–{plan.session_count} found no time"
    except (IntegrityError, OperationalError) as error:
        _refuse_lost_race(error, field="plans")
    return booked, short


def _book_days(
    actor: User,
    plan: TreatmentPlan,
    placed: optimiser.CourseAnswer,
    calendar: CalendarState,
    start_from: datetime.date,
) -> list[Appointment]:
    visits: list[Appointment] = []
    for number, day_number in enumerate(placed.days, start=1):
        day = start_from + datetime.timedelta(days=day_number)
        slot = _best_slot(calendar, plan, Window(day, day), [placed.practitioner])
        if slot is None:
            break
        calendar.take(slot)
        visits.append(_create_visit(actor, plan.patient, slot, calendar, plan, number))
    return visits
