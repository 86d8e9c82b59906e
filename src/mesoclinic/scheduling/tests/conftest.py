import datetime

import pytest
from django.utils import timezone

from mesoclinic.scheduling.models import OpeningHours, Room


def at(day: str, clock: str) -> datetime.datetime:
    """An aware datetime in the clinic's time zone, e.g. at("2026-11-23", "10:00")."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


@pytest.fixture
def rooms(location_a):
    for weekday in range(5):  # Monday to Friday, 9–13 and 14–18 with a lunch break
        OpeningHours.objects.create(
            location=location_a, weekday=weekday, opens=datetime.time(9), closes=datetime.time(13)
        )
        OpeningHours.objects.create(
            location=location_a, weekday=weekday, opens=datetime.time(14), closes=datetime.time(18)
        )
    return [Room.objects.create(location=location_a, name=f"Room {n}") for n in (1, 2)]
