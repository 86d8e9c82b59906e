"""A manager keeps a location's rooms, opening hours and absences; bookings follow them,
and a change that would strand a booked visit is refused until confirmed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.scheduling.calendar import OpeningSpan
from mesoclinic.scheduling.calendar_settings import (
    StrandedVisits,
    absence_create,
    absence_remove,
    opening_hours_set,
    room_create,
    room_update,
)
from mesoclinic.scheduling.models import Absence, OpeningHours, Room
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at

MONDAY = "2026-11-23"
NINE, ONE, TWO, SIX = (datetime.time(hour) for hour in (9, 13, 14, 18))


def weekdays(*spans: tuple[datetime.time, datetime.time], days=range(5)) -> list[OpeningSpan]:
    return [OpeningSpan(day, opens, closes) for day in days for opens, closes in spans]


def hours_of(location) -> list[str]:
    return [str(OpeningSpan.of(hours)) for hours in OpeningHours.objects.filter(location=location)]


@pytest.fixture
def monday_visit(reception, practitioner, patient_a, rooms):
    return appointment_book(
        actor=reception,
        patient=patient_a,
        practitioner=practitioner,
        room=rooms[0],
        starts_at=at(MONDAY, "10:00"),
    )


# Rooms


def test_a_manager_adds_a_room_and_it_is_audited(manager, location_a):
    room = room_create(actor=manager, location=location_a, name=" Room 3 ")

    assert (room.name, room.is_active) == ("Room 3", True)
    event = AuditEvent.objects.get(object_type="scheduling.room", object_id=str(room.pk))
    assert (event.action, event.location_id, event.actor) == (
        AuditAction.CREATE,
        location_a.pk,
        manager,
    )


def test_two_rooms_of_a_location_never_share_a_name(manager, location_a, rooms):
    with pytest.raises(ValidationError) as refused:
        room_create(actor=manager, location=location_a, name="room 1")

    assert refused.value.message_dict == {
        "name": [f"{location_a} already has a room called room 1."]
    }
    assert Room.objects.filter(location=location_a).count() == 2


@pytest.mark.parametrize("who", ["reception", "practitioner", "manager_b"])
def test_only_a_manager_of_the_location_changes_its_rooms(
    request, location_a, location_b, rooms, who
):
    actor = (
        make_user(Role.MANAGER, [location_b], username="manager-b")
        if who == "manager_b"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        room_create(actor=actor, location=location_a, name="Room 9")
    with pytest.raises(PermissionDenied):
        room_update(actor=actor, room=rooms[0], name="Renamed", is_active=False)

    assert list(Room.objects.values_list("name", "is_active")) == [
        ("Room 1", True),
        ("Room 2", True),
    ]
    assert AuditEvent.objects.filter(actor=actor, action=AuditAction.DENIED).count() == 2


def test_a_room_with_visits_booked_leaves_use_only_when_the_manager_confirms(
    manager, reception, practitioner, patient_a, rooms, monday_visit
):
    with pytest.raises(StrandedVisits, match="1 booked visit.* Mon 23 Nov 10:00 with .* Room 1"):
        room_update(actor=manager, room=rooms[0], name="Room 1", is_active=False)
    rooms[0].refresh_from_db()
    assert rooms[0].is_active

    room_update(actor=manager, room=rooms[0], name="Room 1", is_active=False, confirm_stranded=True)

    rooms[0].refresh_from_db()
    assert not rooms[0].is_active
    event = AuditEvent.objects.get(object_type="scheduling.room", action=AuditAction.UPDATE)
    assert event.changes == {"is_active": [True, False]}
    with pytest.raises(ValidationError, match="The room is not in use"):
        appointment_book(
            actor=reception,
            patient=patient_a,
            practitioner=practitioner,
            room=rooms[0],
            starts_at=at(MONDAY, "15:00"),
        )


# Opening hours


def test_a_manager_replaces_the_week_and_bookings_follow_it(
    manager, reception, practitioner, patient_a, location_a, rooms
):
    saturday = OpeningSpan(5, datetime.time(10), datetime.time(14))

    opening_hours_set(actor=manager, location=location_a, spans=[*weekdays((NINE, ONE)), saturday])

    assert hours_of(location_a) == [
        "Mon 09:00–13:00",
        "Tue 09:00–13:00",
        "Wed 09:00–13:00",
        "Thu 09:00–13:00",
        "Fri 09:00–13:00",
        "Sat 10:00–14:00",
    ]
    event = AuditEvent.objects.get(object_type="accounts.location", object_id=str(location_a.pk))
    before, after = event.changes["opening_hours"]
    assert ("Mon 14:00–18:00" in before, "Sat 10:00–14:00" in after) == (True, True)
    book = dict(actor=reception, patient=patient_a, practitioner=practitioner, room=rooms[0])
    with pytest.raises(ValidationError, match="is not open Monday 15:00"):
        appointment_book(**book, starts_at=at(MONDAY, "15:00"))
    assert appointment_book(**book, starts_at=at("2026-11-28", "10:00")).pk


@pytest.mark.parametrize(
    ("spans", "errors"),
    [
        (
            [OpeningSpan(0, ONE, NINE)],
            {"spans.0.closes": ["Mon: it closes at 09:00, not after it opens at 13:00."]},
        ),
        (
            [OpeningSpan(2, NINE, TWO), OpeningSpan(2, ONE, SIX)],
            {"spans.1.opens": ["Wed 13:00–18:00 overlaps Wed 09:00–14:00."]},
        ),
        (
            [OpeningSpan(7, NINE, ONE)],
            {"spans.0.weekday": ["The weekday is 0 (Monday) to 6 (Sunday)."]},
        ),
    ],
)
def test_impossible_hours_are_refused_and_the_week_is_unchanged(
    manager, location_a, rooms, spans, errors
):
    before = hours_of(location_a)

    with pytest.raises(ValidationError) as refused:
        opening_hours_set(actor=manager, location=location_a, spans=spans)

    assert refused.value.message_dict == errors
    assert hours_of(location_a) == before


def test_hours_that_strand_a_booked_visit_need_the_managers_confirmation(
    manager, location_a, monday_visit
):
    before = hours_of(location_a)
    tuesday_to_friday = weekdays((NINE, ONE), (TWO, SIX), days=range(1, 5))

    with pytest.raises(StrandedVisits, match="fall outside the new hours: Mon 23 Nov 10:00"):
        opening_hours_set(actor=manager, location=location_a, spans=tuesday_to_friday)
    assert hours_of(location_a) == before

    opening_hours_set(
        actor=manager, location=location_a, spans=tuesday_to_friday, confirm_stranded=True
    )
    assert hours_of(location_a)[0] == "Tue 09:00–13:00"


def test_saving_the_same_hours_again_records_no_change(manager, location_a, rooms):
    opening_hours_set(actor=manager, location=location_a, spans=weekdays((NINE, ONE), (TWO, SIX)))

    assert not AuditEvent.objects.filter(object_type="accounts.location").exists()


# Absences


def test_an_absence_stops_bookings_for_the_practitioner_then(
    manager, reception, practitioner, patient_a, rooms
):
    absence = absence_create(
        actor=manager,
        practitioner=practitioner,
        starts_at=at("2026-11-24", "00:00"),
        ends_at=at("2026-11-26", "00:00"),
        reason=" training ",
    )

    assert absence.reason == "training"
    event = AuditEvent.objects.get(object_type="scheduling.absence", action=AuditAction.CREATE)
    assert event.details["text"] == f"{practitioner}'s absence Tue 24 Nov 00:00 – Thu 26 Nov 00:00"
    with pytest.raises(ValidationError, match="is away then"):
        appointment_book(
            actor=reception,
            patient=patient_a,
            practitioner=practitioner,
            room=rooms[0],
            starts_at=at("2026-11-25", "10:00"),
        )


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "errors"),
    [
        (
            at(MONDAY, "12:00"),
            at(MONDAY, "09:00"),
            {"ends_at": ["The absence must end after it starts."]},
        ),
        (
            at("2026-11-16", "09:00"),
            at("2026-11-19", "18:00"),
            {"ends_at": ["This absence is already over; record absences still to come."]},
        ),
        (
            at("2026-11-27", "09:00"),
            at("2026-11-30", "09:00"),
            {"starts_at": ["It overlaps {name}'s absence Thu 26 Nov 00:00 – Sat 28 Nov 00:00."]},
        ),
    ],
)
def test_impossible_absences_are_refused_with_the_reason(
    manager, practitioner, rooms, starts_at, ends_at, errors
):
    absence_create(
        actor=manager,
        practitioner=practitioner,
        starts_at=at("2026-11-26", "00:00"),
        ends_at=at("2026-11-28", "00:00"),
    )

    with pytest.raises(ValidationError) as refused:
        absence_create(
            actor=manager, practitioner=practitioner, starts_at=starts_at, ends_at=ends_at
        )

    expected = {
        field: [message.format(name=practitioner) for message in messages]
        for field, messages in errors.items()
    }
    assert refused.value.message_dict == expected
    assert Absence.objects.count() == 1


def test_an_absence_over_booked_visits_needs_the_managers_confirmation(
    manager, practitioner, monday_visit
):
    whole_monday = dict(starts_at=at(MONDAY, "00:00"), ends_at=at("2026-11-24", "00:00"))

    with pytest.raises(StrandedVisits, match="are booked with .* then: Mon 23 Nov 10:00"):
        absence_create(actor=manager, practitioner=practitioner, **whole_monday)
    assert not Absence.objects.exists()

    absence_create(actor=manager, practitioner=practitioner, confirm_stranded=True, **whole_monday)
    assert Absence.objects.count() == 1


def test_a_manager_keeps_only_the_absences_of_their_own_practitioners(
    manager, practitioner_b, rooms
):
    with pytest.raises(PermissionDenied):
        absence_create(
            actor=manager,
            practitioner=practitioner_b,
            starts_at=at(MONDAY, "09:00"),
            ends_at=at(MONDAY, "18:00"),
        )
    assert not Absence.objects.exists()


def test_an_absence_to_come_is_taken_back_and_a_past_one_stays(
    manager, practitioner, rooms, clinic_now
):
    absence = absence_create(
        actor=manager,
        practitioner=practitioner,
        starts_at=at(MONDAY, "09:00"),
        ends_at=at(MONDAY, "18:00"),
    )
    kept = absence_create(
        actor=manager,
        practitioner=practitioner,
        starts_at=at("2026-11-24", "09:00"),
        ends_at=at("2026-11-24", "18:00"),
    )

    absence_remove(actor=manager, absence=absence)
    assert list(Absence.objects.all()) == [kept]
    assert AuditEvent.objects.filter(
        object_type="scheduling.absence", action=AuditAction.DELETE, object_id=str(absence.pk)
    ).exists()

    clinic_now("2026-11-25T08:00")
    with pytest.raises(ValidationError, match="is over and stays on record"):
        absence_remove(actor=manager, absence=kept)
    assert list(Absence.objects.all()) == [kept]
