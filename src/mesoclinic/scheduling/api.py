"""Booking over JSON: a plan's sessions, booking the whole course, the calendar of a
location, and moving or marking a visit (the answer says what moved)."""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.plans.api import plan_get
from mesoclinic.scheduling import selectors, services
from mesoclinic.scheduling.models import Room
from mesoclinic.web import api_user

router = Router(tags=["booking"])


class VisitOut(Schema):
    id: int
    patient_id: int
    plan_id: int | None
    session_number: int | None
    location_id: int
    room_id: int
    room: str = Field(alias="room.name")
    practitioner_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str


class WindowOut(Schema):
    earliest: datetime.date
    latest: datetime.date


class SessionOut(Schema):
    number: int
    window: WindowOut | None
    visit: VisitOut | None
    is_outside_window: bool


class MoveOut(Schema):
    session_number: int
    before: datetime.datetime | None
    after: datetime.datetime
    practitioner: str
    is_late: bool
    text: str


class CourseIn(Schema):
    start_from: datetime.date | None = None


class MoveIn(Schema):
    starts_at: datetime.datetime
    practitioner_id: int | None = None
    room_id: int | None = None


class MarkIn(Schema):
    status: Literal["done", "missed", "cancelled"]


class MarkOut(Schema):
    visit: VisitOut
    moves: list[MoveOut]
    problem: str


class DayOut(Schema):
    day: datetime.date
    is_open: bool
    visits: list[VisitOut]


class CalendarQuery(Schema):
    location: int
    start: datetime.date | None = Field(default=None, alias="from")
    days: int = Field(default=7, ge=1, le=31)


class FreeTimeOut(Schema):
    starts_at: datetime.datetime = Field(alias="slot.starts_at")
    ends_at: datetime.datetime = Field(alias="slot.ends_at")
    practitioner_id: int = Field(alias="slot.practitioner_id")
    practitioner: str
    room_id: int = Field(alias="slot.room_id")


@router.get("/plans/{plan_id}/sessions", response=list[SessionOut], summary="Sessions, windows")
def plan_sessions(request: HttpRequest, plan_id: int) -> list:
    return selectors.plan_sessions(user=api_user(request), plan=plan_get(request, plan_id))


@router.post(
    "/plans/{plan_id}/book-course",
    response=list[MoveOut],
    summary="Book every remaining session inside its window; all or none",
)
def book_course(request: HttpRequest, plan_id: int, payload: CourseIn) -> list:
    moves = services.course_book(
        actor=api_user(request), plan=plan_get(request, plan_id), start_from=payload.start_from
    )
    return [_move_out(move) for move in moves]


@router.get("/calendar", response=list[DayOut], summary="A location's visits, day by day")
def calendar(request: HttpRequest, query: Query[CalendarQuery]) -> list:
    user = api_user(request)
    location = get_object_or_404(Location, pk=query.location)
    return selectors.calendar_days(
        user=user, location=location, first_day=query.start or clock.today(), days=query.days
    )


@router.get("/visits/{visit_id}/free-times", response=list[FreeTimeOut], summary="Where it may go")
def free_times(request: HttpRequest, visit_id: int, day: datetime.date) -> list:
    visit = selectors.visit_get_for_user(user=api_user(request), visit_id=visit_id)
    return selectors.free_times(visit=visit, day=day)


@router.post(
    "/visits/{visit_id}/move",
    response=list[MoveOut],
    summary="Move a visit; later sessions of its plan are re-laid inside their windows",
)
def move(request: HttpRequest, visit_id: int, payload: MoveIn) -> list:
    user = api_user(request)
    visit = selectors.visit_get_for_user(user=user, visit_id=visit_id)
    moves = services.appointment_move(
        actor=user,
        appointment=visit,
        starts_at=payload.starts_at,
        practitioner=get_object_or_404(User, pk=payload.practitioner_id)
        if payload.practitioner_id
        else None,
        room=get_object_or_404(Room, pk=payload.room_id) if payload.room_id else None,
    )
    return [_move_out(move) for move in moves]


@router.post("/visits/{visit_id}/mark", response=MarkOut, summary="Done, missed or cancelled")
def mark(request: HttpRequest, visit_id: int, payload: MarkIn) -> dict:
    user = api_user(request)
    visit = selectors.visit_get_for_user(user=user, visit_id=visit_id)
    result = services.appointment_mark(actor=user, appointment=visit, status=payload.status)
    return {
        "visit": result.appointment,
        "moves": [_move_out(move) for move in result.moves],
        "problem": result.problem,
    }


def _move_out(move: services.Move) -> dict:
    return {**vars(move), "text": str(move)}
