import datetime

import pytest
from django.utils import timezone


def at(day: str, clock: str) -> datetime.datetime:
    """An aware datetime in the clinic's time zone, e.g. at("2026-11-23", "10:00")."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


@pytest.fixture(autouse=True)
def friday_before(clinic_now):
    """Calendar tests book the week of Monday 2026-11-23, seen from the Friday before."""
    return clinic_now("2026-11-20T08:00")
