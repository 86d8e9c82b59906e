import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.calendar_settings import absence_create
from mesoclinic.scheduling.models import Appointment, AppointmentStatus
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at

MONDAY = "2026-11-23"
TUESDAY = "2026-11-24"


def book(actor, patient, practitioner, room, when, **extra):
    return appointment_book(
        actor=actor, patient=patient, practitioner=practitioner, room=room, starts_at=when, **extra
    )


def test_reception_books_a_visit_and_it_is_audited(reception, practitioner, patient_a, rooms):
    visit = book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))

    assert visit.ends_at - visit.starts_at == datetime.timedelta(minutes=30)
    assert AuditEvent.objects.filter(
        object_type="scheduling.appointment", object_id=str(visit.pk), patient_id=patient_a.pk
    ).exists()


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (at(MONDAY, "08:30"), "is not open Monday 08:30–09:00"),
        (at(MONDAY, "12:45"), "is not open Monday 12:45–13:15"),  # runs into lunch
        (at("2026-11-28", "10:00"), "is not open Saturday"),
        (at("2027-10-29", "10:00"), "2027-10-29 is a public holiday"),  # Republic Day, TR
        (at("2026-11-19", "10:00"), "is in the past"),
    ],
)
def test_visits_happen_only_when_the_clinic_is_open(
    reception, practitioner, patient_a, rooms, when, message
):
    with pytest.raises(ValidationError, match=message):
        book(reception, patient_a, practitioner, rooms[0], when)
    assert not Appointment.objects.exists()


def test_a_practitioner_away_or_busy_is_not_booked(
    reception, manager, practitioner, patient_a, rooms
):
    absence_create(
        actor=manager,
        practitioner=practitioner,
        starts_at=at("2026-11-24", "00:00"),
        ends_at=at("2026-11-25", "00:00"),
        reason="training",
    )
    book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))

    with pytest.raises(ValidationError, match="is away then"):
        book(reception, patient_a, practitioner, rooms[0], at("2026-11-24", "10:00"))
    with pytest.raises(ValidationError, match="has another visit then"):
        book(reception, patient_a, practitioner, rooms[1], at(MONDAY, "10:15"))
    assert Appointment.objects.count() == 1


def test_a_cancelled_visit_frees_its_slot(reception, practitioner, patient_a, rooms):
    first = book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.CANCELLED)

    book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))

    assert Appointment.objects.filter(status="booked").count() == 1


def unchecked_visit(patient, practitioner, room, starts_at, ends_at) -> Appointment:
    """A visit as it would go straight to the database, past every check of the service."""
    return Appointment(
        patient=patient,
        location=room.location,
        room=room,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=practitioner,
    )


@pytest.mark.parametrize("shared", ["practitioner", "room"])
def test_the_database_itself_refuses_a_double_booking(
    reception, practitioner, practitioner_b, location_a, patient_a, rooms, shared
):
    practitioner_b.locations.add(location_a)
    first = book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))
    overlapping = unchecked_visit(
        patient_a,
        practitioner if shared == "practitioner" else practitioner_b,
        rooms[0] if shared == "room" else rooms[1],
        first.starts_at + datetime.timedelta(minutes=10),
        first.ends_at + datetime.timedelta(minutes=10),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    assert Appointment.objects.count() == 1


def test_the_database_refuses_a_visit_of_a_day_or_more(practitioner, patient_a, rooms):
    # The double-booking guard looks back one day from a new visit, so no visit may last longer.
    day_long = unchecked_visit(
        patient_a, practitioner, rooms[0], at(MONDAY, "10:00"), at(TUESDAY, "10:00")
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        day_long.save()
    assert not Appointment.objects.exists()


def test_the_database_finds_an_overlap_with_a_visit_begun_the_day_before(
    practitioner, patient_a, rooms
):
    overnight = unchecked_visit(  # 23 h 45 min
        patient_a, practitioner, rooms[0], at(MONDAY, "10:00"), at(TUESDAY, "09:45")
    )
    overnight.save()
    next_morning = unchecked_visit(
        patient_a, practitioner, rooms[1], at(TUESDAY, "09:30"), at(TUESDAY, "10:00")
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        next_morning.save()
    assert list(Appointment.objects.all()) == [overnight]


def test_back_to_back_visits_do_not_overlap(reception, practitioner, patient_a, rooms):
    book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))
    book(reception, patient_a, practitioner, rooms[0], at(MONDAY, "10:30"))
    assert Appointment.objects.count() == 2


def test_staff_of_another_location_may_not_book_here(reception_b, practitioner, patient_a, rooms):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        book(reception_b, patient_a, practitioner, rooms[0], at(MONDAY, "10:00"))


def test_a_plans_sessions_are_booked_inside_their_windows(
    reception, practitioner, location_a, rooms
):
    from mesoclinic.assessments.tests.factories import consult
    from mesoclinic.formulary.services import formulation_prescribe
    from mesoclinic.formulary.tests.factories import composition
    from mesoclinic.patients.tests.factories import register_patient
    from mesoclinic.plans.models import PlanStatus, Protocol
    from mesoclinic.plans.services import plan_create, plan_transition, protocol_defaults_install

    protocol_defaults_install(group=location_a.group)
    patient = register_patient(actor=practitioner, location=location_a)
    consult(practitioner, patient)
    formulation = formulation_prescribe(
        actor=practitioner, patient=patient, composition=composition()
    )
    plan = plan_create(
        actor=practitioner,
        patient=patient,
        protocol=Protocol.objects.get(code="weekly_8"),
        formulation=formulation,
    )
    with pytest.raises(ValidationError, match="is not booked"):
        book(reception, patient, practitioner, rooms[0], at(MONDAY, "10:00"), plan=plan)
    plan = plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)

    first = book(reception, patient, practitioner, rooms[0], at(MONDAY, "10:00"), plan=plan)
    with pytest.raises(
        ValidationError, match="Session 2 belongs between 2026-11-29 and 2026-12-02"
    ):
        book(reception, patient, practitioner, rooms[0], at("2026-11-26", "10:00"), plan=plan)
    second = book(reception, patient, practitioner, rooms[0], at("2026-11-30", "10:00"), plan=plan)

    assert (first.session_number, second.session_number) == (1, 2)
