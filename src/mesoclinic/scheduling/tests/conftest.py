import datetime

import pytest
from django.utils import timezone

from mesoclinic.scheduling.models import OpeningHours, Room


def at(day: str, clock: str) -> datetime.datetime:
    """An aware datetime in the clinic's time zone, e.g. at("2026-11-23", "10:00")."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


@pytest.fixture(autouse=True)
def friday_before(clinic_now):
    """Calendar tests book the week of Monday 2026-11-23, seen from the Friday before."""
    return clinic_now("2026-11-20T08:00")


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


@pytest.fixture
def accepted_plan(practitioner, location_a):
    """`accepted_plan("weekly_8", preferred_weekdays=[1])`: a patient's plan ready to book."""
    from mesoclinic.assessments.tests.factories import consult
    from mesoclinic.formulary.services import formulation_prescribe
    from mesoclinic.formulary.tests.factories import composition
    from mesoclinic.patients.tests.factories import register_patient
    from mesoclinic.plans.models import PlanStatus, Protocol
    from mesoclinic.plans.services import plan_create, plan_transition, protocol_defaults_install

    protocol_defaults_install(group=location_a.group)

    def make(protocol_code: str = "weekly_8", **preferences):
        patient = register_patient(actor=practitioner, location=location_a)
        consult(practitioner, patient)
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
