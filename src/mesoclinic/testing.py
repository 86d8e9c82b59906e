"""Pytest fixtures shared by every test: a clinic group, two locations, staff of each role."""

import pytest
from django.core.cache import cache

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import LocationFactory, make_user
from mesoclinic.patients.tests.factories import register_patient


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test's user id is used again by
    the next test, and its cached copy must not be."""
    cache.clear()


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


@pytest.fixture
def rooms(location_a):
    """Location A open Monday to Friday, 9–13 and 14–18, with two rooms."""
    import datetime

    from mesoclinic.scheduling.models import OpeningHours, Room

    for weekday in range(5):  # Monday to Friday, 9–13 and 14–18 with a lunch break
        OpeningHours.objects.create(
            location=location_a, weekday=weekday, opens=datetime.time(9), closes=datetime.time(13)
        )
        OpeningHours.objects.create(
            location=location_a, weekday=weekday, opens=datetime.time(14), closes=datetime.time(18)
        )
    return [Room.objects.create(location=location_a, name=f"Room {n}") for n in (1, 2)]


@pytest.fixture
def accepted_plan(practitioner, location_a):
    """`accepted_plan("weekly_8", preferred_weekdays=[1])`: a patient's plan ready to book;
    `examined={...}` changes what the consultation found."""
    from mesoclinic.assessments.tests.factories import consult
    from mesoclinic.formulary.services import formulation_prescribe
    from mesoclinic.formulary.tests.factories import composition
    from mesoclinic.patients.tests.factories import register_patient
    from mesoclinic.plans.models import PlanStatus, Protocol
    from mesoclinic.plans.services import plan_create, plan_transition, protocol_defaults_install

    protocol_defaults_install(group=location_a.group)

    def make(protocol_code: str = "weekly_8", *, examined: dict | None = None, **preferences):
        patient = register_patient(actor=practitioner, location=location_a)
        consult(practitioner, patient, **(examined or {}))
        formulation = formulation_prescribe(
            actor=practitioner, patient=patient, composition=composition()
        )
        plan = plan_create(
            actor=practitioner,
            patient=patient,
            protocol=Protocol.objects.get(clinic_group=location_a.group, code=protocol_code),
            formulation=formulation,
            **preferences,
        )
        return plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)

    return make


@pytest.fixture
def api(client):
    """`api(user, "post", "/plans/1/status", {...})`: a JSON API call as that user."""

    def call(user, method, path, body=None):
        client.force_login(user)
        return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")

    return call
