"""Many people book the same practitioner at the same moment: exactly one visit is kept."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from mesoclinic.scheduling.calendar import CalendarState
from mesoclinic.scheduling.models import Appointment, Room
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at

WORKERS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("service_checks", [True, False], ids=["service", "database-only"])
def test_concurrent_bookings_of_one_slot_keep_exactly_one(
    reception, practitioner, patient_a, location_a, rooms, monkeypatch, service_checks
):
    if not service_checks:  # what holds is the database's constraint, not the service's look
        monkeypatch.setattr(CalendarState, "problems", lambda *_: [])
    # Each worker takes its own room, so only the practitioner's constraint can refuse them.
    own_rooms = [
        Room.objects.create(location=location_a, name=f"Booth {n}") for n in range(WORKERS)
    ]
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []

    def book(room):
        try:
            start.wait()
            appointment_book(
                actor=reception,
                patient=patient_a,
                practitioner=practitioner,
                room=room,
                starts_at=at("2026-11-23", "11:00"),
            )
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(room,)) for room in own_rooms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked"] + ["refused"] * (WORKERS - 1)
    assert Appointment.objects.count() == 1
