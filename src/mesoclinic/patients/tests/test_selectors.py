import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients import selectors
from mesoclinic.patients.selectors import patient_get_for_user, patient_list
from mesoclinic.patients.services import patient_login_link, patient_update
from mesoclinic.patients.tests.factories import register_patient


def test_every_patient_read_is_audited(practitioner, patient_a):
    record = patient_get_for_user(user=practitioner, patient_id=patient_a.pk)
    assert record.patient == patient_a
    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert (event.actor, event.patient_id, event.object_id, event.details) == (
        practitioner,
        patient_a.pk,
        str(patient_a.pk),
        {"medical_history": True},
    )


def test_reception_of_location_a_cannot_read_a_patient_of_location_b(reception, patient_b):
    with pytest.raises(PermissionDenied):
        patient_get_for_user(user=reception, patient_id=patient_b.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()
    assert AuditEvent.objects.get(action=AuditAction.DENIED).patient_id == patient_b.pk


def test_reception_reads_contact_details_without_the_medical_history(reception, patient_a):
    record = patient_get_for_user(user=reception, patient_id=patient_a.pk)
    assert record.medical_history is None
    assert record.can_edit
    assert not record.can_edit_medical_history


def test_a_missing_patient_is_a_404(practitioner):
    with pytest.raises(Http404):
        patient_get_for_user(user=practitioner, patient_id=999_999)


def test_lists_show_only_the_users_locations_and_are_audited(reception, patient_a, patient_b):
    page = patient_list(user=reception)
    assert page.items == [patient_a]
    assert page.total == 1
    event = AuditEvent.objects.get(action=AuditAction.LIST)
    assert event.details["patient_ids"] == [patient_a.pk]


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("ayş", True),
        ("Yılmaz", True),
        ("ayşe yıl", True),
        ("kaya", False),
        ("ayşe kaya", False),
        # Turkish letters typed plain or in capitals, as any keyboard gives them
        ("YILMAZ", True),
        ("ayse yilmaz", True),
        ("AYŞE", True),
        # words shorter than three letters, alone or beside longer ones
        ("a", True),
        ("ay yıl", True),
        ("ay kay", False),
        ('ay"şe', False),  # a quote is searched for as text, not taken as syntax
    ],
)
def test_search_matches_every_word_in_names(practitioner, patient_a, patient_b, search, found):
    assert (patient_a in patient_list(user=practitioner, search=search).items) is found


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("5321234567", True),  # the phone's digits, without its spaces
        ("532 123", True),
        ("+90 532", True),
        ("5329999", False),
        ("ozturk.e@example", True),  # part of the email
        ("@example.com", True),
        ("gmail", False),
        ("emre 4567", True),  # a name and a phone's part
    ],
)
def test_search_finds_a_patient_by_phone_or_email(practitioner, location_a, search, found):
    patient = register_patient(
        actor=practitioner,
        location=location_a,
        given_name="Emre",
        family_name="Öztürk",
        phone="+90 532 123 4567",
        email="ozturk.e@example.com",
    )

    assert (patient in patient_list(user=practitioner, search=search).items) is found


def test_a_renamed_patient_is_found_by_the_new_name(practitioner, patient_a):
    patient_update(actor=practitioner, patient=patient_a, fields={"family_name": "Şahin"})

    assert patient_list(user=practitioner, search="sahin").items == [patient_a]
    assert patient_list(user=practitioner, search="yilmaz").items == []


def test_the_search_index_follows_every_write(practitioner, location_a, patient_a):
    """On SQLite the search reads a trigram table that triggers keep in step with the
    patients; its own check compares the two after registrations and renames."""
    for number in range(3):
        register_patient(
            actor=practitioner,
            location=location_a,
            given_name=f"Deniz{number}",
            family_name="Arslan",
            phone=f"+90 555 000 00{number:02}",
        )
    patient_update(actor=practitioner, patient=patient_a, fields={"given_name": "Ayla"})

    assert patient_list(user=practitioner, search="arslan").total == 3
    assert patient_list(user=practitioner, search="555 000 0001").items[0].given_name == "Deniz1"
    assert patient_list(user=practitioner, search="ayla yil").items == [patient_a]
    assert patient_list(user=practitioner, search="ayse").items == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # raises "database disk image is malformed" if not
            cursor.execute(
                "INSERT INTO patients_patient_search(patients_patient_search, rank)"
                " VALUES ('integrity-check', 1)"
            )


def test_a_search_matching_too_many_patients_asks_for_more_of_the_name(
    practitioner, location_a, patient_a, monkeypatch
):
    for given_name, family_name in [("Deniz1", "Arslan"), ("Deniz0", "Arslan"), ("Deniz2", "Kaya")]:
        register_patient(
            actor=practitioner, location=location_a, given_name=given_name, family_name=family_name
        )
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 2)

    with pytest.raises(ValidationError) as refused:
        patient_list(user=practitioner, search="deniz")
    assert "More than 2 patients match “deniz”" in refused.value.message_dict["search"][0]
    assert not AuditEvent.objects.filter(action=AuditAction.LIST).exists()  # nothing shown
    # as many as the limit are listed, in name order; the list without a search has no limit
    found = patient_list(user=practitioner, search="arslan")
    assert (found.total, [p.given_name for p in found.items]) == (2, ["Deniz0", "Deniz1"])
    assert patient_list(user=practitioner).total == 4


def test_a_patient_login_sees_only_itself(location_a, patient_a, patient_b):
    user = make_user(Role.PATIENT, [], username="ayse")
    patient_login_link(actor=None, patient=patient_a, user=user)
    assert patient_list(user=user).items == [patient_a]
    with pytest.raises(PermissionDenied):
        patient_get_for_user(user=user, patient_id=patient_b.pk)
