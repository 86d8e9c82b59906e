import datetime

from django.utils import timezone

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.dashboard.selectors import location_figures, stock_warnings_at_a_glance
from mesoclinic.patients.models import Patient
from mesoclinic.patients.selectors import patients_registered_recently
from mesoclinic.patients.tests.factories import register_patient


def test_each_location_counts_its_patients_and_active_staff_once_a_minute(
    location_a,
    location_b,
    practitioner,
    reception,
    patient_a,
    patient_b,
    practitioner_b,
    django_assert_num_queries,
):
    group_manager = make_user(Role.MANAGER, [location_a, location_b], username="group")
    leaver = make_user(Role.RECEPTION, [location_b], username="leaver")
    leaver.is_active = False
    leaver.save()
    register_patient(actor=practitioner, location=location_a, given_name="Ayla")

    figures = location_figures(user=group_manager)

    assert [(f.location, f.patient_count, f.staff_count) for f in figures] == sorted(
        [(location_a, 2, 3), (location_b, 1, 2)], key=lambda row: row[0].name
    )
    with django_assert_num_queries(0):  # the same locations again within the minute
        assert location_figures(user=group_manager) == figures


def test_the_patients_registered_in_the_last_30_days_come_newest_first_from_the_users_locations(
    reception, practitioner, location_a, patient_a, patient_b
):
    ayla = register_patient(actor=practitioner, location=location_a, given_name="Ayla")
    emre = register_patient(actor=practitioner, location=location_a, given_name="Emre")
    deniz = register_patient(actor=practitioner, location=location_a, given_name="Deniz")
    now = timezone.now()
    for patient, days_ago in [(patient_a, 3), (ayla, 1), (emre, 2), (deniz, 31)]:
        Patient.objects.filter(pk=patient.pk).update(
            created_at=now - datetime.timedelta(days=days_ago)
        )

    assert patients_registered_recently(user=reception, limit=2) == [ayla, emre]
    # patient_b is registered at location B, Deniz too long ago
    assert patients_registered_recently(user=reception, limit=9) == [ayla, emre, patient_a]
    latest = AuditEvent.objects.filter(action=AuditAction.LIST, actor=reception).first()
    assert latest.details["patient_ids"] == [ayla.pk, emre.pk, patient_a.pk]


def test_the_managers_stock_warnings_are_worked_out_once_a_minute(
    manager, django_assert_num_queries
):
    warnings = stock_warnings_at_a_glance(user=manager)

    with django_assert_num_queries(0):
        assert stock_warnings_at_a_glance(user=manager) == warnings
