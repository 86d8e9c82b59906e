"""A location's calendar as its manager keeps it: rooms, opening hours with their breaks,
and the practitioners' absences.

Every booking is checked against these (`calendar.CalendarState`), so a change that would
strand a visit already booked is refused, naming the visits, unless the manager confirms
that they will move them. Each change is audited with its old and new value.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import Location, Role, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.scheduling.calendar import DAY_NAMES, OpeningSpan
from mesoclinic.scheduling.models import Absence, Appointment, AppointmentStatus, OpeningHours, Room

LISTED_VISITS = 5  # a refusal names this many stranded visits, then counts the rest


class StrandedVisits(ValidationError):
    """A change that would leave booked visits outside the calendar; the manager may
    confirm it and move the visits afterwards."""

    def __init__(self, visits: list[Appointment], change: str):
        listed = ", ".join(_visit_text(visit) for visit in visits[:LISTED_VISITS])
        more = len(visits) - LISTED_VISITS
        message = f"{len(visits)} booked visit(s) {change}: {listed}"
        if more > 0:
            message += f" and {more} more"
        super().__init__(
            f"{message}. Move them first, or confirm that you will move them.",
            code="stranded_visits",
        )
        self.visits = visits


def room_create(*, actor: User, location: Location, name: str) -> Room:
    require_permission(user=actor, permission=Permission.CALENDAR_SETTINGS_EDIT, location=location)
    name = name.strip()
    with transaction.atomic():
        _refuse_taken_name(location, name)
        room = Room(location=location, name=name)
        room.full_clean()
        room.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="scheduling.room",
            object_id=room.pk,
            location_id=location.pk,
            details={"name": name},
        )
    return room


def room_update(
    *, actor: User, room: Room, name: str, is_active: bool, confirm_stranded: bool = False
) -> Room:
    """Rename a room, or take it out of use (refused while visits are booked in it, unless
    confirmed) or back into use."""
    require_permission(
        user=actor, permission=Permission.CALENDAR_SETTINGS_EDIT, location=room.location
    )
    name = name.strip()
    with transaction.atomic():
        _refuse_taken_name(room.location, name, besides=room)
        if room.is_active and not is_active and not confirm_stranded:
            stranded = list(_booked_ahead().filter(room=room))
            if stranded:
                raise StrandedVisits(stranded, f"are booked in {room.name}")
        updated, _changes = audited_update(
            actor=actor,
            instance=room,
            fields={"name": name, "is_active": is_active},
            patient_id=None,
            location_id=room.location_id,
        )
    return updated


def opening_hours_set(
    *,
    actor: User,
    location: Location,
    spans: Sequence[OpeningSpan],
    confirm_stranded: bool = False,
) -> list[OpeningHours]:
    """Replace a location's whole week of opening hours in one step."""
    require_permission(user=actor, permission=Permission.CALENDAR_SETTINGS_EDIT, location=location)
    _refuse_bad_spans(spans)
    with transaction.atomic():
        # One manager at a time rewrites a location's week.
        Location.objects.select_for_update().get(pk=location.pk)
        before = [
            str(OpeningSpan.of(hours)) for hours in OpeningHours.objects.filter(location=location)
        ]
        if not confirm_stranded:
            stranded = [
                visit
                for visit in _booked_ahead().filter(location=location)
                if not _fits(visit, spans)
            ]
            if stranded:
                raise StrandedVisits(stranded, "fall outside the new hours")
        OpeningHours.objects.filter(location=location).delete()
        rows = [OpeningHours(location=location, **span._asdict()) for span in sorted(spans)]
        for row in rows:
            row.full_clean()
        OpeningHours.objects.bulk_create(rows)
        after = [str(span) for span in sorted(spans)]
        if before != after:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type="accounts.location",
                object_id=location.pk,
                location_id=location.pk,
                changes={"opening_hours": [before, after]},
            )
    return rows


def absence_create(
    *,
    actor: User,
    practitioner: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str = "",
    confirm_stranded: bool = False,
) -> Absence:
    """Record a practitioner away; nothing is booked for them then."""
    location = _shared_location(actor, practitioner)
    errors = {}
    if practitioner.role != Role.PRACTITIONER:
        errors["practitioner"] = f"{practitioner} is not a practitioner."
    if ends_at <= starts_at:
        errors["ends_at"] = "The absence must end after it starts."
    elif ends_at <= clock.now():
        errors["ends_at"] = "This absence is already over; record absences still to come."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One change at a time to a practitioner's absences, so two cannot overlap.
        User.objects.select_for_update().get(pk=practitioner.pk)
        overlapping = Absence.objects.filter(
            practitioner=practitioner, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).first()
        if overlapping is not None:
            raise ValidationError({"starts_at": f"It overlaps {_absence_text(overlapping)}."})
        if not confirm_stranded:
            stranded = list(
                _booked_ahead().filter(
                    practitioner=practitioner, starts_at__lt=ends_at, ends_at__gt=starts_at
                )
            )
            if stranded:
                raise StrandedVisits(stranded, f"are booked with {practitioner} then")
        absence = Absence(
            practitioner=practitioner, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()
        )
        absence.full_clean()
        absence.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="scheduling.absence",
            object_id=absence.pk,
            location_id=location.pk,
            details={"text": _absence_text(absence), "reason": absence.reason},
        )
    return absence


def absence_remove(*, actor: User, absence: Absence) -> None:
    """Take back an absence still to come (plans changed); past ones stay as a record."""
    location = _shared_location(actor, absence.practitioner)
    if absence.ends_at <= clock.now():
        raise ValidationError("This absence is over and stays on record.")
    with transaction.atomic():
        text = _absence_text(absence)
        deleted, _rows = Absence.objects.filter(pk=absence.pk).delete()
        if not deleted:
            raise ValidationError("This absence was already removed.")
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="scheduling.absence",
            object_id=absence.pk,
            location_id=location.pk,
            details={"text": text, "reason": absence.reason},
        )


def _refuse_taken_name(location: Location, name: str, besides: Room | None = None) -> None:
    rooms = Room.objects.filter(location=location, name__iexact=name)
    if besides is not None:
        rooms = rooms.exclude(pk=besides.pk)
    if rooms.exists():
        raise ValidationError({"name": f"{location} already has a room called {name}."})


def _refuse_bad_spans(spans: Sequence[OpeningSpan]) -> None:
    """Each span is a real weekday, runs forward, and overlaps no other span that day."""
    errors: dict[str, str] = {}
    for index, span in enumerate(spans):
        if not 0 <= span.weekday <= 6:
            errors[f"spans.{index}.weekday"] = "The weekday is 0 (Monday) to 6 (Sunday)."
        elif span.closes <= span.opens:
            errors[f"spans.{index}.closes"] = (
                f"{DAY_NAMES[span.weekday]}: it closes at {span.closes:%H:%M}, "
                f"not after it opens at {span.opens:%H:%M}."
            )
        else:
            clash = next(
                (
                    other
                    for other in spans[:index]
                    if other.weekday == span.weekday
                    and other.opens < span.closes
                    and span.opens < other.closes
                ),
                None,
            )
            if clash is not None:
                errors[f"spans.{index}.opens"] = f"{span} overlaps {clash}."
    if errors:
        raise ValidationError(errors)


def _shared_location(actor: User, practitioner: User) -> Location:
    """A location where the manager may keep this practitioner's calendar; the refusal is
    audited when they share none."""
    locations = practitioner.locations.order_by("pk")
    shared = locations.filter(pk__in=actor.location_ids).first()
    location = shared or locations.first()
    if location is None:
        raise ValidationError({"practitioner": f"{practitioner} works at no location."})
    require_permission(user=actor, permission=Permission.CALENDAR_SETTINGS_EDIT, location=location)
    return location


def _booked_ahead() -> QuerySet[Appointment]:
    """Visits still booked and not yet over: the ones a calendar change can strand."""
    return (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED, ends_at__gt=clock.now())
        .select_related("practitioner", "room")
        .order_by("starts_at", "pk")
    )


def _fits(visit: Appointment, spans: Sequence[OpeningSpan]) -> bool:
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    return any(span.holds(start, end) for span in spans)


def _visit_text(visit: Appointment) -> str:
    return (
        f"{timezone.localtime(visit.starts_at):%a %d %b %H:%M} "
        f"with {visit.practitioner} in {visit.room.name}"
    )


def _absence_text(absence: Absence) -> str:
    start, end = timezone.localtime(absence.starts_at), timezone.localtime(absence.ends_at)
    return f"{absence.practitioner}'s absence {start:%a %d %b %H:%M} – {end:%a %d %b %H:%M}"
