import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient
from mesoclinic.patients.services import (
    medical_history_add,
    medical_history_remove,
    patient_create,
    patient_update,
)
from mesoclinic.patients.tests.factories import register_patient


def test_registering_writes_the_patient_the_history_and_one_audit_row(patient_a, practitioner):
    assert [str(c) for c in patient_a.conditions.all()] == ["E03.9 Hypothyroidism, unspecified"]
    assert [m.name for m in patient_a.medications.all()] == ["levothyroxine"]
    assert [a.substance for a in patient_a.allergies.all()] == ["lidocaine"]
    event = AuditEvent.objects.get(action=AuditAction.CREATE, patient_id=patient_a.pk)
    assert event.actor == practitioner
    assert event.changes["family_name"] == [None, "Yılmaz"]
    assert event.details["allergies"] == ["lidocaine"]


def test_one_bad_history_entry_writes_nothing_at_all(practitioner, location_a):
    with pytest.raises(ValidationError) as refused:
        register_patient(
            actor=practitioner,
            location=location_a,
            conditions=[("E11.9", True), ("diabetes", None)],
        )
    assert "conditions.1.icd10_code" in refused.value.message_dict
    assert (Patient.objects.count(), Condition.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_birth_date_in_the_future_is_refused(practitioner, location_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        register_patient(actor=practitioner, location=location_a, birth_date=tomorrow)
    assert refused.value.message_dict["birth_date"] == ["The birth date cannot be in the future."]
    assert Patient.objects.count() == 0


def test_reception_registers_demographics_but_not_medical_history(reception, location_a):
    patient = register_patient(actor=reception, location=location_a, phone="+90 532 000 0000")
    assert patient.phone == "+90 532 000 0000"
    with pytest.raises(PermissionDenied):
        register_patient(actor=reception, location=location_a, allergies=["latex"])
    assert Allergy.objects.count() == 0


def test_nobody_registers_a_patient_at_a_location_they_do_not_work_at(reception, location_b):
    with pytest.raises(PermissionDenied):
        register_patient(actor=reception, location=location_b)
    assert Patient.objects.count() == 0


def test_an_update_records_every_old_and_new_value(patient_a, practitioner):
    patient_update(
        actor=practitioner,
        patient=patient_a,
        fields={"phone": "+90 555 111 2233", "is_pregnant": True},
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == {"is_pregnant": [None, True], "phone": ["", "+90 555 111 2233"]}
    patient_a.refresh_from_db()
    assert patient_a.is_pregnant is True


def test_an_update_that_changes_nothing_writes_no_audit_row(patient_a, practitioner):
    patient_update(actor=practitioner, patient=patient_a, fields={"given_name": "Ayşe"})
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_reception_cannot_change_pregnancy_status(patient_a, reception):
    with pytest.raises(PermissionDenied):
        patient_update(actor=reception, patient=patient_a, fields={"is_pregnant": True})
    patient_a.refresh_from_db()
    assert patient_a.is_pregnant is None


def test_an_unknown_field_is_refused_by_name(patient_a, practitioner):
    with pytest.raises(ValidationError) as refused:
        patient_update(actor=practitioner, patient=patient_a, fields={"user": None})
    assert list(refused.value.message_dict) == ["user"]


def test_moving_a_patient_needs_a_post_at_the_new_location(patient_a, practitioner, location_b):
    with pytest.raises(PermissionDenied):
        patient_update(actor=practitioner, patient=patient_a, fields={"location": location_b})
    patient_a.refresh_from_db()
    assert patient_a.location_id != location_b.pk


def test_history_entries_are_normalized_and_listed_once(patient_a, practitioner):
    added = medical_history_add(
        actor=practitioner, patient=patient_a, entry=Medication(name="  Warfarin ", dose="5 mg")
    )
    assert (added.name, added.dose) == ("warfarin", "5 mg")
    condition = medical_history_add(
        actor=practitioner, patient=patient_a, entry=Condition(icd10_code="l64.9")
    )
    assert (condition.icd10_code, condition.description) == (
        "L64.9",
        "Androgenic alopecia, unspecified",
    )
    with pytest.raises(ValidationError):
        medical_history_add(
            actor=practitioner, patient=patient_a, entry=Allergy(substance="Lidocaine")
        )
    assert patient_a.allergies.count() == 1


def test_removing_an_entry_keeps_what_it_said_in_the_audit_log(patient_a, practitioner):
    allergy = patient_a.allergies.get()
    medical_history_remove(actor=practitioner, entry=allergy)
    assert patient_a.allergies.count() == 0
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert (event.object_type, event.changes["substance"]) == (
        "patients.allergy",
        ["lidocaine", None],
    )


def test_a_patient_needs_a_location(practitioner):
    with pytest.raises(ValidationError) as refused:
        patient_create(actor=practitioner, fields={"given_name": "A"})
    assert "location" in refused.value.message_dict
