"""Calendar screens: a location's day or week, and moving or marking a visit without
dragging anything: every action is a link or a button, reachable by keyboard; htmx
swaps the move panel in place, and the plain page works without it."""

import datetime

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
from mesoclinic.scheduling import selectors, services
from mesoclinic.scheduling.forms import MarkForm, MoveForm
from mesoclinic.scheduling.models import Appointment, Room
from mesoclinic.web import AuthenticatedHttpRequest, is_htmx_partial


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    locations = Location.objects.filter(pk__in=user.location_ids).order_by("name")
    location = get_object_or_404(
        locations, pk=request.GET.get("location") or getattr(locations.first(), "pk", 0)
    )
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
