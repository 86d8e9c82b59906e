"""Demo rooms, opening hours, treatment plans and their visits.

Plans are laid with the same window arithmetic as the real booking (plans/windows.py)
into an in-memory calendar that never puts two visits in one room or with one
practitioner at once, then written in bulk: the database's double-booking guard
checks every row as it goes in. Visits before today are done, later ones booked; a
plan whose sessions are all done is completed, and most such patients come back a few
weeks later for a follow-on course (maintenance, or PRP again), planned on the same
formulation as the real service would. Every location's first plan and every 20th after
it are left accepted with nothing booked, for `mesoclinic schedule --plans waiting`.
"""

import datetime
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field

import holidays
from django.utils import timezone

from mesoclinic.accounts.models import Location
from mesoclinic.demo.bulk import insert_rows, new
from mesoclinic.formulary.models import Formulation
from mesoclinic.plans.models import PlanStatus, Protocol, TreatmentPlan
from mesoclinic.plans.services import TREATABLE
from mesoclinic.plans.windows import Window, lay_course
from mesoclinic.scheduling.models import Appointment, AppointmentStatus, OpeningHours, Room
from mesoclinic.screening.models import ScreeningDecision

ROOMS_PER_LOCATION = 3  # at least; a busy location has a room per practitioner
OPENING = [(datetime.time(9), datetime.time(13)), (datetime.time(14), datetime.time(19))]
SATURDAY = [(datetime.time(10), datetime.time(14))]
PROTOCOLS_BY_MODALITY = {
    "cocktail": ["weekly_8", "weekly_then_fortnightly", "moftah_2013_dutasteride"],
    "prp": ["prp_monthly_3"],
}
PLANNED_SHARE = 0.7  # of formulations that allow treatment
# A completed course is followed by a lighter one (clinical.md §6: "then less often").
FOLLOW_ON_PROTOCOL = {"cocktail": "maintenance", "prp": "prp_monthly_3"}
FOLLOW_ON_SHARE = 0.6  # of patients whose course is done
FOLLOW_ON_AFTER_DAYS = (14, 42)  # from the last session to the follow-on plan
WAITING_EVERY = 20  # every 20th plan of a location (its first included) waits to be booked


def seed_rooms_and_hours(locations: list[Location], *, rooms: int) -> None:
    Room.objects.bulk_create(
        Room(location=location, name=f"Room {n}")
        for location in locations
        for n in range(1, rooms + 1)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes)
        for location in locations
        for weekday in range(6)
        for opens, closes in (SATURDAY if weekday == 5 else OPENING)
    )


@dataclass
class DemoCalendar:
    """Free times of the demo clinic, filled as plans are laid."""

    today: datetime.date
    rooms: dict[int, list[int]]  # location -> room ids
    closed: holidays.HolidayBase
    plans_seen: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # by location
    room_taken: set[tuple[int, datetime.datetime]] = field(default_factory=set)
    practitioner_taken: set[tuple[int, datetime.datetime]] = field(default_factory=set)

    @classmethod
    def load(cls, locations: list[Location], today: datetime.date) -> "DemoCalendar":
        rooms: dict[int, list[int]] = defaultdict(list)
        for room in Room.objects.filter(location__in=locations).order_by("id"):
            rooms[room.location_id].append(room.pk)
        years = range(today.year - 3, today.year + 2)
        return cls(today, rooms, holidays.country_holidays(locations[0].group.country, years=years))

    def place(
        self, location_id: int, practitioner_id: int, day: datetime.date
    ) -> tuple[datetime.datetime, int] | None:
        """The first half hour of the day with the practitioner and a room free."""
        if day in self.closed or day.weekday() == 6:
            return None
        for opens, closes in SATURDAY if day.weekday() == 5 else OPENING:
            start = timezone.make_aware(datetime.datetime.combine(day, opens))
            end = timezone.make_aware(datetime.datetime.combine(day, closes))
            while start + datetime.timedelta(minutes=30) <= end:
                if (practitioner_id, start) not in self.practitioner_taken:
                    room = next(
                        (r for r in self.rooms[location_id] if (r, start) not in self.room_taken),
                        None,
                    )
                    if room is not None:
                        self.practitioner_taken.add((practitioner_id, start))
                        self.room_taken.add((room, start))
                        return start, room
                start += datetime.timedelta(minutes=30)
        return None


def demo_plans_and_visits(
    rng: random.Random,
    formulations: list[tuple[Formulation, ScreeningDecision]],
    protocols: dict[str, Protocol],
    calendar: DemoCalendar,
    location_of: dict[int, int],  # patient id -> location id
) -> tuple[list[TreatmentPlan], list[Appointment]]:
    """Plans for most formulations that allow treatment, each course laid from a week or
    two after its consultation, and follow-on plans after done courses; saved, returned."""
    plans = []
    for formulation, screening in formulations:
        codes = PROTOCOLS_BY_MODALITY.get(formulation.modality)
        if formulation.indication != "hair_loss" or not codes or rng.random() > PLANNED_SHARE:
            continue
        if screening.effective_decision not in TREATABLE:
            continue  # a referral is answered, or overridden, before any course
        protocol = protocols[rng.choice(codes)]
        weekdays = sorted(rng.sample(range(5), 2))
        # planned once the screening allows it: at once, or when its referral was answered
        created_at = max(formulation.created_at, screening.overridden_at or formulation.created_at)
        plan = _plan(formulation, screening, protocol, created_at, weekdays)
        plans.append(plan)
    visits = []
    to_lay = deque(plans)
    while to_lay:
        plan = to_lay.popleft()
        location_id = location_of[plan.patient_id]
        calendar.plans_seen[location_id] += 1
        if calendar.plans_seen[location_id] % WAITING_EVERY == 1:
            continue
        laid = _lay_visits(rng, plan, calendar, location_id)
        visits += laid
        if plan.status == PlanStatus.COMPLETED and rng.random() < FOLLOW_ON_SHARE:
            follow_on = _follow_on(rng, plan, laid[-1], protocols, calendar.today)
            if follow_on is not None:
                plans.append(follow_on)
                to_lay.append(follow_on)
    insert_rows(TreatmentPlan, plans)
    insert_rows(Appointment, visits)  # each visit's plan has its id by now
    return plans, visits


def _follow_on(
    rng: random.Random,
    plan: TreatmentPlan,
    last_visit: Appointment,
    protocols: dict[str, Protocol],
    today: datetime.date,
) -> TreatmentPlan | None:
    """The next course of a patient whose course is done, if they are back before today."""
    created_at = last_visit.ends_at + datetime.timedelta(days=rng.randint(*FOLLOW_ON_AFTER_DAYS))
    if created_at.date() >= today:
        return None
    protocol = protocols[FOLLOW_ON_PROTOCOL[plan.formulation.modality]]
    return _plan(plan.formulation, plan.screening, protocol, created_at, plan.preferred_weekdays)


def _plan(
    formulation: Formulation,
    screening: ScreeningDecision,
    protocol: Protocol,
    created_at: datetime.datetime,
    preferred_weekdays: list[int],
) -> TreatmentPlan:
    """An accepted plan on the formulation, by the practitioner who prescribed it."""
    return new(
        TreatmentPlan,
        patient=formulation.patient,
        consultation=formulation.consultation,
        screening=screening,
        protocol=protocol,
        phases=protocol.phases,
        review_at_session=protocol.review_at_session,
        session_minutes=30,
        formulation=formulation,
        target_zones=["vertex", "mid_scalp"],
        preferred_weekdays=preferred_weekdays,
        status=PlanStatus.ACCEPTED,
        created_by_id=formulation.created_by_id,
        created_at=created_at,
        status_changed_at=created_at,
    )


def _lay_visits(
    rng: random.Random, plan: TreatmentPlan, calendar: DemoCalendar, location_id: int
) -> list[Appointment]:
    practitioner_id = plan.created_by_id
    placed: dict[int, tuple[datetime.datetime, int]] = {}

    def pick(number: int, window: Window) -> datetime.date | None:
        preferred = plan.preferred_weekdays
        for day in sorted(window.days(), key=lambda d: (d.weekday() not in preferred, d)):
            found = calendar.place(location_id, practitioner_id, day)
            if found:
                placed[number] = found
                return day
        return None

    start = plan.created_at.date() + datetime.timedelta(days=rng.randint(5, 14))
    laid = lay_course(
        plan.phase_list(),
        done=[],
        first_window=Window(start, start + datetime.timedelta(14)),
        pick=pick,
    )
    visits = [
        new(
            Appointment,
            patient_id=plan.patient_id,
            plan=plan,
            session_number=session.number,
            location_id=location_id,
            room_id=placed[session.number][1],
            practitioner_id=practitioner_id,
            starts_at=placed[session.number][0],
            ends_at=placed[session.number][0] + datetime.timedelta(minutes=30),
            status=AppointmentStatus.DONE
            if placed[session.number][0].date() < calendar.today
            else AppointmentStatus.BOOKED,
            created_by_id=practitioner_id,
            created_at=plan.created_at,
        )
        for session in laid
        if session.day is not None
    ]
    done = sum(visit.status == AppointmentStatus.DONE for visit in visits)
    if visits and done == len(visits) == plan.session_count:
        plan.status = PlanStatus.COMPLETED
    elif done:
        plan.status = PlanStatus.ACTIVE
    return visits
