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


def window_ahead(window: Window, not_before: datetime.date) -> tuple[Window, bool]:
    """The part of a window not yet past, and whether the session is late.

    A window that closed before `not_before` (a missed visit, a course that paused) is
    moved to open on `not_before` with its width kept, so the session is laid as soon
    as it can be, and it is marked late for the clinician to see.
    """
    if window.latest < not_before:
        width = window.latest - window.earliest
        return Window(not_before, not_before + width), True
    return Window(max(window.earliest, not_before), window.latest), False


@dataclass(frozen=True)
class LaidSession:
    number: int  # 1-based position in the course
    window: Window
    day: datetime.date | None  # None: no free day inside the window
    is_late: bool = False  # its protocol window had closed; laid as soon as possible


def lay_course(
    phases: Sequence[Phase],
    *,
    done: Sequence[datetime.date],
    first_window: Window,
    pick: Callable[[int, Window], datetime.date | None],
    not_before: datetime.date | None = None,
    last_number: int | None = None,
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
    end = len(intervals) if last_number is None else min(last_number, len(intervals))
    for index in range(len(done), end):
        interval = intervals[index]
        if previous is None or interval is None:
            window = first_window
        else:
            window = window_after(previous, interval)
        is_late = False
        if not_before is not None:
            window, is_late = window_ahead(window, not_before)
        day = pick(index + 1, window)
        if day is not None and day not in window:
            raise ValueError(f"the calendar offered {day}, outside {window}")
        laid.append(LaidSession(number=index + 1, window=window, day=day, is_late=is_late))
        if day is None:
            break
        previous = day
    return laid
