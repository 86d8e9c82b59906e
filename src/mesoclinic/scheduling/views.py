"""Calendar screens: a location's day or week, and moving or marking a visit without
dragging anything: every action is a link or a button, reachable by keyboard; htmx
swaps the move panel in place, and the plain page works without it."""

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.scheduling import calendar_settings as calendar_settings_services
from mesoclinic.scheduling import selectors, services
from mesoclinic.scheduling.calendar_settings import StrandedVisits
from mesoclinic.scheduling.forms import (
    AbsenceForm,
    MarkForm,
    MoveForm,
    OpeningHoursForm,
    RoomForm,
)
from mesoclinic.scheduling.models import Absence, Appointment, Room
from mesoclinic.web import (
    AuthenticatedHttpRequest,
    add_service_errors,
    chosen_location,
    is_htmx_partial,
    user_locations,
)


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    locations = user_locations(user)
    location = chosen_location(request, locations)
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _day_from(request.GET.get("day"))
    first = day if view == "day" else day - datetime.timedelta(days=day.weekday())
    length = 1 if view == "day" else 7
    step = datetime.timedelta(days=length)
    return render(
        request,
        "scheduling/calendar.html",
        {
            "location": location,
            "locations": locations,
            "view": view,
            "days": selectors.calendar_days(
                user=user, location=location, first_day=first, days=length
            ),
            "day": first,
            "previous": first - step,
            "next": first + step,
            "today": clock.today(),
        },
    )


@login_required
def visit_move(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    """The free times on a chosen day for a visit (GET), or the move itself (POST)."""
    visit = selectors.visit_get_for_user(user=request.user, visit_id=visit_id)
    back = _calendar_url(visit)
    if request.method == "POST":
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the free times listed."))
            return redirect(back)
        practitioner_id, room_id, starts_at = form.cleaned_data["slot"]
        try:
            moves = services.appointment_move(
                actor=request.user,
                appointment=visit,
                starts_at=starts_at,
                practitioner=get_object_or_404(User, pk=practitioner_id),
                room=get_object_or_404(Room, pk=room_id),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _tell(request, moves)
        return redirect(back)
    day = _day_from(request.GET.get("day"), default=timezone.localdate(visit.starts_at))
    context = {
        "visit": visit,
        "day": day,
        "free_times": selectors.free_times(visit=visit, day=day),
        "back": back,
    }
    if is_htmx_partial(request):
        return render(request, "scheduling/partials/move_panel.html", context)
    return render(request, "scheduling/move.html", context)


@login_required
@require_POST
def visit_mark(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get_for_user(user=request.user, visit_id=visit_id)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose done, missed or cancelled."))
        return redirect(_calendar_url(visit))
    try:
        result = services.appointment_mark(
            actor=request.user, appointment=visit, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(patient)s: %(status)s.")
            % {"patient": visit.patient, "status": result.appointment.get_status_display()},
        )
        _tell(request, result.moves)
        if result.problem:
            messages.warning(request, result.problem)
    return redirect(_calendar_url(visit))


def _tell(request: AuthenticatedHttpRequest, moves: list[services.Move]) -> None:
    """What moved, one line per session, so the staff can tell the patient."""
    for move in moves:
        messages.info(request, str(move))


def _calendar_url(visit: Appointment) -> str:
    day = timezone.localdate(visit.starts_at).isoformat()
    return f"{reverse('scheduling:calendar')}?location={visit.location_id}&day={day}&view=day"


def _day_from(text: str | None, default: datetime.date | None = None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return default or clock.today()


@login_required
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rooms, opening hours and absences of a location, each with its own form."""
    location = chosen_location(request, user_locations(request.user))
    return _settings_page(request, location)


@login_required
@require_POST
def room_add(request: AuthenticatedHttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id)
    form = RoomForm(request.POST, prefix="new-room")
    if form.is_valid():
        try:
            room = calendar_settings_services.room_create(
                actor=request.user, location=location, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(room)s added.") % {"room": room.name})
            return redirect(_settings_url(location))
    return _settings_page(request, location, room_form=form)


@login_required
@require_POST
def room_edit(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("location"), pk=room_id)
    form = RoomForm(request.POST, prefix=f"room-{room.pk}")
    if form.is_valid():
        try:
            calendar_settings_services.room_update(
                actor=request.user, room=room, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("%(room)s saved.") % {"room": form.cleaned_data["name"]})
            return redirect(_settings_url(room.location))
    return _settings_page(request, room.location, edited_room=(room.pk, form))


@login_required
@require_POST
def opening_hours(request: AuthenticatedHttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id)
    form = OpeningHoursForm(request.POST)
    if form.is_valid():
        try:
            calendar_settings_services.opening_hours_set(
                actor=request.user,
                location=location,
                spans=form.spans(),
                confirm_stranded=form.cleaned_data["confirm_stranded"],
            )
        except ValidationError as error:
            _refused(form, error, field_for=form.field_for)
        else:
            messages.success(request, _("Opening hours saved; bookings follow them from now on."))
            return redirect(_settings_url(location))
    return _settings_page(request, location, hours_form=form)


@login_required
@require_POST
def absence_add(request: AuthenticatedHttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id)
    settings = selectors.calendar_settings_get(user=request.user, location=location)
    form = AbsenceForm(request.POST, practitioners=settings.practitioners)
    if form.is_valid():
        try:
            calendar_settings_services.absence_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Absence of %(practitioner)s recorded.")
                % {"practitioner": form.cleaned_data["practitioner"]},
            )
            return redirect(_settings_url(location))
    return _settings_page(request, location, absence_form=form, settings=settings)


@login_required
@require_POST
def absence_remove(
    request: AuthenticatedHttpRequest, location_id: int, absence_id: int
) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id)
    absence = get_object_or_404(Absence.objects.select_related("practitioner"), pk=absence_id)
    try:
        calendar_settings_services.absence_remove(actor=request.user, absence=absence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Absence removed."))
    return redirect(_settings_url(location))


def _settings_page(
    request: AuthenticatedHttpRequest,
    location: Location,
    *,
    settings: selectors.CalendarSettings | None = None,
    room_form: RoomForm | None = None,
    edited_room: tuple[int, RoomForm] | None = None,
    hours_form: OpeningHoursForm | None = None,
    absence_form: AbsenceForm | None = None,
) -> HttpResponse:
    """The settings page, with any form that was just refused shown with its errors."""
    settings = settings or selectors.calendar_settings_get(user=request.user, location=location)
    room_forms = [
        (
            room,
            edited_room[1]
            if edited_room and edited_room[0] == room.pk
            else RoomForm(
                prefix=f"room-{room.pk}", initial={"name": room.name, "is_active": room.is_active}
            ),
        )
        for room in settings.rooms
    ]
    return render(
        request,
        "scheduling/settings.html",
        {
            "location": location,
            "locations": user_locations(request.user),
            "settings": settings,
            "room_forms": room_forms,
            "room_form": room_form or RoomForm(prefix="new-room"),
            "hours_form": hours_form or OpeningHoursForm(opening=settings.opening),
            "absence_form": absence_form or AbsenceForm(practitioners=settings.practitioners),
        },
        status=400 if any((room_form, edited_room, hours_form, absence_form)) else 200,
    )


def _refused(
    form: forms.Form, error: ValidationError, field_for: Callable[[str], str | None] | None = None
) -> None:
    """Show a refusal on the form; when booked visits stand in the way, offer to confirm."""
    add_service_errors(form, error, field_for=field_for)
    form.offers_confirmation = isinstance(error, StrandedVisits)  # type: ignore[attr-defined]


def _settings_url(location: Location) -> str:
    return f"{reverse('scheduling:settings')}?location={location.pk}"
