"""Booking over JSON: a plan's sessions, booking the whole course, the calendar of a
location, and moving or marking a visit (the answer says what moved); and the rooms,
opening hours and absences that every booking is checked against."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.plans.api import plan_get
from mesoclinic.scheduling import calendar_settings as settings_services
from mesoclinic.scheduling import selectors, services
from mesoclinic.scheduling.calendar import OpeningSpan
from mesoclinic.scheduling.models import Absence, Room
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


# A location's calendar settings: rooms, opening hours, absences (managers).


class RoomOut(Schema):
    id: int
    location_id: int
    name: str
    is_active: bool


class RoomIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class RoomChange(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    is_active: bool | None = None
    confirm_stranded: bool = False


class OpeningSpanIO(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    opens: datetime.time
    closes: datetime.time


class OpeningHoursIn(Schema):
    spans: list[OpeningSpanIO]
    confirm_stranded: bool = False


class AbsenceOut(Schema):
    id: int
    practitioner_id: int
    practitioner: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str

    @staticmethod
    def resolve_practitioner(absence: Absence) -> str:
        return str(absence.practitioner)


class AbsenceIn(Schema):
    practitioner_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str = Field(default="", max_length=200)
    confirm_stranded: bool = False


class CalendarSettingsOut(Schema):
    location_id: int = Field(alias="location.pk")
    rooms: list[RoomOut]
    opening: list[OpeningSpanIO]
    absences: list[AbsenceOut]


@router.get(
    "/locations/{location_id}/calendar-settings",
    response=CalendarSettingsOut,
    summary="Rooms, opening hours and absences to come",
)
def calendar_settings(request: HttpRequest, location_id: int) -> selectors.CalendarSettings:
    location = get_object_or_404(Location, pk=location_id)
    return selectors.calendar_settings_get(user=api_user(request), location=location)


@router.post("/locations/{location_id}/rooms", response={201: RoomOut}, summary="Add a room")
def add_room(request: HttpRequest, location_id: int, payload: RoomIn) -> Status:
    location = get_object_or_404(Location, pk=location_id)
    room = settings_services.room_create(
        actor=api_user(request), location=location, name=payload.name
    )
    return Status(201, room)


@router.patch(
    "/rooms/{room_id}",
    response=RoomOut,
    summary="Rename a room, or take it out of use (refused while visits are booked in it)",
)
def change_room(request: HttpRequest, room_id: int, payload: RoomChange) -> Room:
    room = get_object_or_404(Room.objects.select_related("location"), pk=room_id)
    return settings_services.room_update(
        actor=api_user(request),
        room=room,
        name=room.name if payload.name is None else payload.name,
        is_active=room.is_active if payload.is_active is None else payload.is_active,
        confirm_stranded=payload.confirm_stranded,
    )


@router.put(
    "/locations/{location_id}/opening-hours",
    response=list[OpeningSpanIO],
    summary="Replace the week's opening hours; breaks are the gaps between spans",
)
def set_opening_hours(request: HttpRequest, location_id: int, payload: OpeningHoursIn) -> list:
    location = get_object_or_404(Location, pk=location_id)
    return settings_services.opening_hours_set(
        actor=api_user(request),
        location=location,
        spans=[OpeningSpan(span.weekday, span.opens, span.closes) for span in payload.spans],
        confirm_stranded=payload.confirm_stranded,
    )


@router.post(
    "/locations/{location_id}/absences",
    response={201: AbsenceOut},
    summary="Record a practitioner's absence (refused over booked visits unless confirmed)",
)
def add_absence(request: HttpRequest, location_id: int, payload: AbsenceIn) -> Status:
    user = api_user(request)
    location = get_object_or_404(Location, pk=location_id)
    settings = selectors.calendar_settings_get(user=user, location=location)
    practitioner = next(
        (p for p in settings.practitioners if p.pk == payload.practitioner_id), None
    )
    if practitioner is None:
        raise ValidationError({"practitioner": f"No practitioner {payload.practitioner_id} here."})
    absence = settings_services.absence_create(
        actor=user,
        practitioner=practitioner,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        confirm_stranded=payload.confirm_stranded,
    )
    return Status(201, absence)


@router.delete(
    "/locations/{location_id}/absences/{absence_id}",
    response={204: None},
    summary="Take back an absence still to come",
)
def remove_absence(request: HttpRequest, location_id: int, absence_id: int) -> Status:
    user = api_user(request)
    location = get_object_or_404(Location, pk=location_id)
    settings = selectors.calendar_settings_get(user=user, location=location)
    absence = next((a for a in settings.absences if a.pk == absence_id), None)
    if absence is None:
        raise Http404("No such absence to come here.")
    settings_services.absence_remove(actor=user, absence=absence)
    return Status(204, None)
