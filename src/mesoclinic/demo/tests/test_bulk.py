import datetime

import pytest

from mesoclinic.audit.models import AuditEvent
from mesoclinic.demo.bulk import insert_rows, insert_values, new
from mesoclinic.patients.models import Condition, Patient


def test_inserted_rows_read_back_as_given_with_their_ids(db, practitioner, patient_a):
    given = [
        AuditEvent(
            actor=practitioner,
            action="read",
            object_type="patient",
            object_id=str(patient_a.pk),
            patient_id=patient_a.pk,
            details={"seen": ["record", "photos"], "page": number},
            ip_address="10.0.0.7",
        )
        for number in range(3)
    ]

    saved = insert_rows(AuditEvent, given)

    ids = [event.pk for event in saved]
    assert len(set(ids)) == 3
    assert all(event.pk is not None and not event._state.adding for event in saved)
    stored = AuditEvent.objects.filter(pk__in=ids).order_by("pk")
    assert [
        (event.actor_id, event.patient_id, event.details, event.ip_address) for event in stored
    ] == [
        (practitioner.pk, patient_a.pk, {"seen": ["record", "photos"], "page": number}, "10.0.0.7")
        for number in range(3)
    ]
    assert all(event.occurred_at is not None for event in stored)  # stamped as on save
    later = AuditEvent.objects.create(action="read", object_type="patient")
    assert later.pk > max(ids)  # the table's ids carry on after the block


def test_an_object_saved_after_it_was_attached_gives_its_id(db, location_a):
    patient = Patient(
        location=location_a,
        given_name="Deniz",
        family_name="Arslan",
        birth_date=datetime.date(1990, 5, 4),
        sex="male",
    )
    condition = Condition(patient=patient, icd10_code="I10", description="Hypertension")

    insert_rows(Patient, [patient])
    insert_rows(Condition, [condition])

    assert Condition.objects.get(pk=condition.pk).patient_id == patient.pk
    assert Patient.objects.get(pk=patient.pk).full_name == "Deniz Arslan"


def test_nothing_to_insert_is_nothing_done(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Condition, []) == []


def test_values_go_in_as_rows_and_the_fields_not_named_as_on_save(db, practitioner):
    rows = [
        {"actor_id": practitioner.pk, "action": "read", "object_id": str(number)}
        for number in range(3)
    ]

    assert insert_values(AuditEvent, rows) == 3

    stored = AuditEvent.objects.order_by("pk")
    assert [(event.actor_id, event.action, event.object_id) for event in stored] == [
        (practitioner.pk, "read", str(number)) for number in range(3)
    ]
    assert all(event.details == {} and event.object_type == "" for event in stored)  # defaults
    assert all(event.occurred_at is not None for event in stored)  # stamped as on save


def test_a_new_object_is_what_the_constructor_makes(db, practitioner, patient_a):
    values = {"action": "read", "object_type": "patient", "ip_address": "10.0.0.7"}

    made = new(AuditEvent, actor=practitioner, patient_id=patient_a.pk, **values)
    constructed = AuditEvent(actor=practitioner, patient_id=patient_a.pk, **values)

    fields = [field.attname for field in AuditEvent._meta.concrete_fields]
    assert [getattr(made, name) for name in fields] == [
        getattr(constructed, name) for name in fields
    ]
    assert made.actor is practitioner  # attached, as the constructor attaches it
    assert made.details is not new(AuditEvent).details  # a default made afresh for each
    insert_rows(AuditEvent, [made])
    assert AuditEvent.objects.get(pk=made.pk).patient_id == patient_a.pk


def test_a_new_object_of_a_field_the_model_lacks_is_refused(db):
    with pytest.raises(TypeError, match="AuditEvent has no field 'acter'"):
        new(AuditEvent, acter=None)
