"""A location's calendar held in memory: which practitioner and room are free when.

Laying a whole course, re-laying after a move and the batch planner each ask "where is
the first free time on this day" hundreds of times; asking the database each time would
be hundreds of queries. `CalendarState.load` reads opening hours, holidays, absences and
held appointments for a span of days once (five queries, whatever the span), and
`take` records each choice so that one course never books two sessions into one slot.
The database's exclusion constraint still has the last word when the choices are saved.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import holidays
from django.db.models import Q
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import Location
from mesoclinic.scheduling.models import (
    HOLDING_STATUSES,
    Absence,
    Appointment,
    OpeningHours,
    Room,
)

STEP_MINUTES = 15  # visits start on the quarter hour
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Span = tuple[datetime.datetime, datetime.datetime]


class OpeningSpan(NamedTuple):
    """One span a location is open on a weekday; a break is the gap between two spans."""

    weekday: int
    opens: datetime.time
    closes: datetime.time

    def __str__(self) -> str:
        return f"{DAY_NAMES[self.weekday]} {self.times}"

    @property
    def times(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"

    @classmethod
    def of(cls, hours: OpeningHours) -> "OpeningSpan":
        return cls(hours.weekday, hours.opens, hours.closes)

    def holds(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        """Whether a visit from start to end (local times) lies inside this span."""
        return (
            start.weekday() == self.weekday
            and start.date() == end.date()
            and self.opens <= start.time()
            and end.time() <= self.closes
        )


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    practitioner_id: int
    room_id: int


def _overlaps(spans: Iterable[Span], start: datetime.datetime, end: datetime.datetime) -> bool:
    return any(busy_start < end and start < busy_end for busy_start, busy_end in spans)


@dataclass(frozen=True)
class OpeningDays:
    """When a location is open over a span of days: its weekly hours (one query, whatever
    the span), less public holidays. A calendar page needs no more than this to mark the
    days it is closed."""

    opening: dict[int, list[OpeningSpan]]  # weekday -> its spans, in order
    closed_days: set[datetime.date]

    @classmethod
    def load(
        cls, location: Location, first_day: datetime.date, last_day: datetime.date
    ) -> "OpeningDays":
        opening: dict[int, list[OpeningSpan]] = defaultdict(list)
        for hours in OpeningHours.objects.filter(location=location).order_by("weekday", "opens"):
            opening[hours.weekday].append(OpeningSpan.of(hours))
        years = range(first_day.year, last_day.year + 1)
        return cls(opening, set(holidays.country_holidays(location.group.country, years=years)))

    def is_open(self, day: datetime.date) -> bool:
        return day not in self.closed_days and bool(self.opening.get(day.weekday()))


@dataclass
class CalendarState:
    location: Location
    practitioner_names: dict[int, str]  # the location's practitioners, in booking order
    room_names: dict[int, str]  # its rooms in use
    hours: OpeningDays
    away: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))
    busy_practitioner: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))
    busy_room: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(
        cls,
        location: Location,
        first_day: datetime.date,
        last_day: datetime.date,
        *,
        ignoring: Sequence[int] = (),
    ) -> "CalendarState":
        """The calendar from first_day to last_day; appointments in `ignoring` (the ones
        being re-laid) count as free."""
        start = day_start(first_day)
        end = day_start(last_day + datetime.timedelta(days=1))
        practitioners = location.practitioners().order_by("id")
        state = cls(
            location=location,
            practitioner_names={user.pk: str(user) for user in practitioners},
            room_names=dict(
                Room.objects.filter(location=location, is_active=True)
                .order_by("name")
                .values_list("id", "name")
            ),
            hours=OpeningDays.load(location, first_day, last_day),
        )
        practitioner_ids = list(state.practitioner_names)
        for practitioner_id, away_from, away_until in Absence.objects.filter(
            practitioner_id__in=practitioner_ids, starts_at__lt=end, ends_at__gt=start
        ).values_list("practitioner_id", "starts_at", "ends_at"):
            state.away[practitioner_id].append((away_from, away_until))
        # Every holding appointment of these practitioners or rooms, wherever it is: a
        # practitioner working at two locations is busy at both. A visit lies within one
        # day's opening hours, so one that overlaps starts less than a day before `start`:
        # that lower bound lets the (practitioner|room, starts_at) indexes skip the past.
        held = (
            Appointment.objects.filter(
                status__in=HOLDING_STATUSES,
                starts_at__gt=start - datetime.timedelta(days=1),
                starts_at__lt=end,
                ends_at__gt=start,
            )
            .filter(Q(practitioner_id__in=practitioner_ids) | Q(room_id__in=state.room_names))
            .exclude(pk__in=ignoring)
            .values_list("practitioner_id", "room_id", "starts_at", "ends_at")
        )
        for practitioner_id, room_id, starts_at, ends_at in held:
            state.busy_practitioner[practitioner_id].append((starts_at, ends_at))
            state.busy_room[room_id].append((starts_at, ends_at))
        return state

    def problems(
        self,
        starts_at: datetime.datetime,
        ends_at: datetime.datetime,
        practitioner_id: int,
        room_id: int,
    ) -> list[str]:
        """Why a visit cannot be at this time, in plain words; empty when it can."""
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        practitioner = self.practitioner_names.get(practitioner_id)
        problems = []
        if starts_at < clock.now():
            problems.append(f"{start:%Y-%m-%d %H:%M} is in the past.")
        if practitioner is None:
            problems.append(f"The practitioner does not work at {self.location}.")
        if room_id not in self.room_names:
            problems.append(f"The room is not in use at {self.location}.")
        if start.date() in self.hours.closed_days:
            problems.append(f"{start:%Y-%m-%d} is a public holiday.")
        elif not self._within_opening_hours(start, end):
            problems.append(f"{self.location} is not open {start:%A %H:%M}–{end:%H:%M}.")
        if _overlaps(self.away[practitioner_id], starts_at, ends_at):
            problems.append(f"{practitioner} is away then.")
        if _overlaps(self.busy_practitioner[practitioner_id], starts_at, ends_at):
            problems.append(f"{practitioner} has another visit then.")
        if _overlaps(self.busy_room[room_id], starts_at, ends_at):
            problems.append(f"{self.room_names.get(room_id, 'The room')} is taken then.")
        return problems

    def _within_opening_hours(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        return any(span.holds(start, end) for span in self.hours.opening.get(start.weekday(), []))

    def free_slots(self, day: datetime.date, practitioner_id: int, minutes: int) -> Iterator[Slot]:
        """Every start on the day, in order, when the practitioner and some room are free."""
        length = datetime.timedelta(minutes=minutes)
        for start in self._practitioner_free_starts(day, practitioner_id, length):
            room_id = self._free_room(start, start + length)
            if room_id is not None:
                yield Slot(start, start + length, practitioner_id, room_id)

    def free_minutes(self, day: datetime.date, practitioner_id: int) -> int:
        """Minutes of the day still to come when the practitioner is free while the
        location is open: the batch planner's capacity, counted by the same rule as
        free_slots, which books (today's past hours would be planned but never booked)."""
        step = datetime.timedelta(minutes=STEP_MINUTES)
        return STEP_MINUTES * sum(
            1 for _ in self._practitioner_free_starts(day, practitioner_id, step)
        )

    def _practitioner_free_starts(
        self, day: datetime.date, practitioner_id: int, length: datetime.timedelta
    ) -> Iterator[datetime.datetime]:
        """Each start on the quarter hour, not yet past, when the location is open for
        `length` and the practitioner is neither busy nor away."""
        if not self.hours.is_open(day) or practitioner_id not in self.practitioner_names:
            return
        now = clock.now()
        busy = self.busy_practitioner[practitioner_id] + self.away[practitioner_id]
        for span in self.hours.opening[day.weekday()]:
            start = _at(day, span.opens)
            while start + length <= _at(day, span.closes):
                if start >= now and not _overlaps(busy, start, start + length):
                    yield start
                start += datetime.timedelta(minutes=STEP_MINUTES)

    def _free_room(self, start: datetime.datetime, end: datetime.datetime) -> int | None:
        return next(
            (room for room in self.room_names if not _overlaps(self.busy_room[room], start, end)),
            None,
        )

    def take(self, slot: Slot) -> None:
        self.busy_practitioner[slot.practitioner_id].append((slot.starts_at, slot.ends_at))
        self.busy_room[slot.room_id].append((slot.starts_at, slot.ends_at))


def _at(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def day_start(day: datetime.date) -> datetime.datetime:
    return _at(day, datetime.time(0))
