import pytest

from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients.models import Patient
from mesoclinic.patients.tests.factories import register_patient


def form_data(location, **changes):
    return {
        "location": location.pk,
        "given_name": "Elif",
        "family_name": "Şahin",
        "birth_date": "1991-06-30",
        "sex": "female",
        "preferred_language": "tr",
        **changes,
    }


def test_reception_registers_a_patient_from_the_form(client, reception, location_a):
    client.force_login(reception)
    form = client.get("/patients/new/")
    assert b'name="is_pregnant"' not in form.content  # clinical fields are not reception's
    response = client.post("/patients/new/", form_data(location_a))
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert (patient.family_name, patient.preferred_language) == ("Şahin", "tr")


def test_the_form_shows_each_error_beside_its_field_and_saves_nothing(
    client, practitioner, location_a
):
    client.force_login(practitioner)
    response = client.post(
        "/patients/new/", form_data(location_a, birth_date="2999-01-01", given_name="")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["birth_date"] == ["The birth date cannot be in the future."]
    assert errors["given_name"] == ["This field is required."]
    assert Patient.objects.count() == 0


def test_a_location_the_user_does_not_work_at_is_not_offered(
    client, reception, location_a, location_b
):
    client.force_login(reception)
    response = client.post("/patients/new/", form_data(location_b))
    assert "location" in response.context["form"].errors
    assert Patient.objects.count() == 0


def test_the_practitioner_edits_pregnancy_status(client, practitioner, patient_a):
    client.force_login(practitioner)
    data = form_data(
        patient_a.location,
        given_name="Ayşe",
        family_name="Yılmaz",
        is_pregnant="true",
        smoking="never",
    )
    response = client.post(f"/patients/{patient_a.pk}/edit/", data)
    assert response.status_code == 302
    patient_a.refresh_from_db()
    assert (patient_a.is_pregnant, patient_a.smoking) == (True, "never")
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).changes["is_pregnant"] == [None, True]


def test_the_record_page_shows_history_to_clinicians_only(
    client, practitioner, reception, patient_a
):
    client.force_login(practitioner)
    assert "lidocaine" in client.get(f"/patients/{patient_a.pk}/").content.decode()
    client.force_login(reception)
    page = client.get(f"/patients/{patient_a.pk}/").content.decode()
    assert "Yılmaz" in page
    assert "lidocaine" not in page
    assert "visible to practitioners and managers only" in page


def test_another_locations_patient_page_is_403(client, reception, patient_b):
    client.force_login(reception)
    response = client.get(f"/patients/{patient_b.pk}/")
    assert response.status_code == 403
    assert "Mehmet" not in response.content.decode()


def test_adding_an_allergy_with_htmx_returns_the_history_fragment(client, practitioner, patient_a):
    client.force_login(practitioner)
    response = client.post(
        f"/patients/{patient_a.pk}/allergies/",
        {"substance": "Latex", "reaction": "hives"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="medical-history">')
    assert ">latex</span>" in page
    assert "<html" not in page


def test_a_bad_icd10_code_is_shown_in_the_fragment(client, practitioner, patient_a):
    client.force_login(practitioner)
    response = client.post(
        f"/patients/{patient_a.pk}/conditions/", {"icd10_code": "hair"}, HTTP_HX_REQUEST="true"
    )
    assert "is not an ICD-10 code" in response.content.decode()
    assert patient_a.conditions.count() == 1


def test_reception_cannot_post_to_the_medical_history(client, reception, patient_a):
    client.force_login(reception)
    response = client.post(f"/patients/{patient_a.pk}/allergies/", {"substance": "latex"})
    assert response.status_code == 403
    assert patient_a.allergies.count() == 1


def test_live_search_returns_only_the_rows(client, practitioner, patient_a):
    client.force_login(practitioner)
    response = client.get("/patients/?q=ayşe", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Yılmaz, Ayşe" in page
    assert "<html" not in page


def test_a_search_matching_too_many_patients_says_so_instead_of_listing_them(
    client, practitioner, location_a, patient_a, monkeypatch
):
    from mesoclinic.patients import selectors

    register_patient(actor=practitioner, location=location_a, given_name="Ayla")
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 1)
    client.force_login(practitioner)

    page = client.get("/patients/?q=ay", HTTP_HX_REQUEST="true").content.decode()
    assert "More than 1 patients match “ay”" in page
    assert "Yılmaz, Ayşe" not in page
    assert "Yılmaz, Ayşe" in client.get("/patients/?q=ayşe").content.decode()


def test_a_patient_login_opening_the_list_lands_on_its_own_record(client, patient_a):
    from mesoclinic.accounts.models import Role
    from mesoclinic.accounts.tests.factories import make_user
    from mesoclinic.patients.services import patient_login_link

    user = make_user(Role.PATIENT, [], username="ayse")
    patient_login_link(actor=None, patient=patient_a, user=user)
    client.force_login(user)
    response = client.get("/patients/")
    assert response["Location"] == f"/patients/{patient_a.pk}/"
    assert client.get(f"/patients/{patient_a.pk}/edit/").status_code == 403


@pytest.mark.parametrize("count", [5, 40])
def test_list_and_record_pages_cost_constant_queries(
    client, practitioner, location_a, django_assert_max_num_queries, count
):
    for number in range(count):
        register_patient(
            actor=practitioner,
            location=location_a,
            given_name=f"P{number}",
            conditions=[("E11.9", True)],
            medications=["metformin"],
        )
    client.force_login(practitioner)
    with django_assert_max_num_queries(8):
        assert client.get("/patients/").status_code == 200
    # session, user, locations, patient, history ×3, consultations ×2, formulations ×2,
    # adverse events, audit ×4
    with django_assert_max_num_queries(17):
        assert client.get(f"/patients/{Patient.objects.first().pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_the_edit_form_keeps_a_recorded_pregnancy_when_saved_unchanged(
    client, practitioner, patient_a
):
    from mesoclinic.patients.services import patient_update

    patient_update(actor=practitioner, patient=patient_a, fields={"is_pregnant": True})
    client.force_login(practitioner)
    form = client.get(f"/patients/{patient_a.pk}/edit/").context["form"]
    assert '<option value="true" selected>Yes</option>' in str(form["is_pregnant"])
    data = {
        name: value
        for name, value in ((field.name, field.value()) for field in form)
        if value is not None
    }
    data["is_pregnant"], data["location"] = "true", patient_a.location_id
    assert client.post(f"/patients/{patient_a.pk}/edit/", data).status_code == 302
    patient_a.refresh_from_db()
    assert patient_a.is_pregnant is True
