"""Pytest fixtures shared by every test: a clinic group, two locations, staff of each role."""

import pytest

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import LocationFactory, make_user
from mesoclinic.patients.tests.factories import register_patient


@pytest.fixture
def location_a(db):
    return LocationFactory(name="Istanbul Nişantaşı", city="Istanbul")


@pytest.fixture
def location_b(location_a):
    return LocationFactory(group=location_a.group, name="Ankara Çankaya", city="Ankara")


@pytest.fixture
def practitioner(location_a):
    return make_user(Role.PRACTITIONER, [location_a], username="dr-a")


@pytest.fixture
def reception(location_a):
    return make_user(Role.RECEPTION, [location_a], username="reception-a")


@pytest.fixture
def manager(location_a):
    return make_user(Role.MANAGER, [location_a], username="manager-a")


@pytest.fixture
def reception_b(location_b):
    return make_user(Role.RECEPTION, [location_b], username="reception-b")


@pytest.fixture
def practitioner_b(location_b):
    return make_user(Role.PRACTITIONER, [location_b], username="dr-b")


@pytest.fixture
def patient_a(practitioner, location_a):
    """A woman registered at location A, with a condition, a medication and an allergy."""
    return register_patient(
        actor=practitioner,
        location=location_a,
        given_name="Ayşe",
        family_name="Yılmaz",
        sex="female",
        may_become_pregnant=True,
        conditions=[("E03.9", True)],
        medications=["levothyroxine"],
        allergies=["lidocaine"],
    )


@pytest.fixture
def patient_b(practitioner_b, location_b):
    return register_patient(
        actor=practitioner_b, location=location_b, given_name="Mehmet", family_name="Kaya"
    )


@pytest.fixture
def clinic_now(monkeypatch):
    """Freeze the clinic's clock: `clinic_now("2026-11-20T08:00")`."""
    import datetime

    from django.utils import timezone

    from mesoclinic import clock

    def freeze(moment: str) -> datetime.datetime:
        frozen = timezone.make_aware(datetime.datetime.fromisoformat(moment))
        monkeypatch.setattr(clock, "_frozen", frozen)
        return frozen

    return freeze
