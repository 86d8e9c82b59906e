"""Course arithmetic: the window each session of a protocol must fall in, and laying a
course session by session. Pure Python over dates; the calendar decides which day in a
window is free.

A protocol is a list of phases {sessions, interval_days_min, interval_days_max}. The first
session of the course may fall on any day; every later one must come between the
minimum and maximum number of days after the session before it, counted from the day
that session was actually done (or, for sessions not done yet, the day it is booked).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    sessions: int
    interval_days_min: int
    interval_days_max: int

    def __post_init__(self) -> None:
        if self.sessions < 1:
            raise ValueError("a phase has one session at least")
        if not 1 <= self.interval_days_min <= self.interval_days_max:
            raise ValueError("intervals need 1 <= interval_days_min <= interval_days_max")


@dataclass(frozen=True)
class Interval:
    """Days allowed after the previous session; the first session of a course has none."""

    days_min: int
    days_max: int


@dataclass(frozen=True)
class Window:
    earliest: datetime.date
    latest: datetime.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.earliest <= day <= self.latest

    def days(self) -> list[datetime.date]:
        span = (self.latest - self.earliest).days
        return [self.earliest + datetime.timedelta(days=n) for n in range(span + 1)]


def session_count(phases: Sequence[Phase]) -> int:
    return sum(phase.sessions for phase in phases)


def session_intervals(phases: Sequence[Phase]) -> list[Interval | None]:
    """One entry per session of the course: None for the first, then its interval."""
    intervals: list[Interval | None] = []
    for phase in phases:
        for _ in range(phase.sessions):
            intervals.append(
                None
                if not intervals
                else Interval(phase.interval_days_min, phase.interval_days_max)
            )
    return intervals


def window_after(previous: datetime.date, interval: Interval) -> Window:
    return Window(
        earliest=previous + datetime.timedelta(days=interval.days_min),
        latest=previous + datetime.timedelta(days=interval.days_max),
    )


@dataclass(frozen=True)
class LaidSession:
    number: int  # 1-based position in the course
    window: Window
    day: datetime.date | None  # None: no free day inside the window


def lay_course(
    phases: Sequence[Phase],
    *,
    done: Sequence[datetime.date],
    first_window: Window,
    pick: Callable[[int, Window], datetime.date | None],
) -> list[LaidSession]:
    """Lay every session not done yet, each inside its window after the one before.

    `done` are the days of the sessions already done, in order. `first_window` is where
    the first session not done may go when the course has not started. `pick(number,
    window)` returns a free day inside the window (the calendar's choice) or None. Laying
    stops at the first session that finds no day: later windows depend on it.
    """
    intervals = session_intervals(phases)
    if len(done) > len(intervals):
        raise ValueError("more sessions done than the protocol has")
    laid: list[LaidSession] = []
    previous = done[-1] if done else None
    for index in range(len(done), len(intervals)):
        interval = intervals[index]
        if previous is None or interval is None:
            window = first_window
        else:
            window = window_after(previous, interval)
        day = pick(index + 1, window)
        if day is not None and day not in window:
            raise ValueError(f"the calendar offered {day}, outside {window}")
        laid.append(LaidSession(number=index + 1, window=window, day=day))
        if day is None:
            break
        previous = day
    return laid
