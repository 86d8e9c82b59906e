import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.assessments.models import Consultation
from mesoclinic.assessments.tests.factories import consult
from mesoclinic.audit.models import AuditAction, AuditEvent


def form_data(**changes):
    data = {
        "held_on": "2026-11-22",
        "indication": "hair_loss",
        "modality": "cocktail",
        "diagnoses_text": "L64.9",
        "cause_investigated": "true",
        "follicles_present": "true",
        "scalp_infection": "false",
        "zone_vertex": "moderate",
        "pull_frontal_grasped": "50",
        "pull_frontal_pulled": "7",
        "norwood_hamilton": "III-vertex",
    }
    data.update(changes)
    return data


def test_the_practitioner_records_a_consultation_and_sees_the_screening(
    client, practitioner, patient_a
):
    client.force_login(practitioner)
    response = client.post(f"/patients/{patient_a.pk}/consultations/new/", form_data())
    consultation = Consultation.objects.get()
    assert response["Location"] == f"/consultations/{consultation.pk}/"
    assert consultation.scalp_map == {"vertex": "moderate"}
    assert consultation.pull_test == [{"site": "frontal", "grasped": 50, "pulled": 7}]
    page = client.get(response["Location"]).content.decode()
    assert "Eligible with precautions" in page
    assert "Source: clinical.md §5: clinic seeds; Melo 2022" in page
    assert 'data-zone="vertex" x="52" y="130" width="96" height="62" class="level-moderate"' in page


def test_form_errors_are_shown_by_field(client, practitioner, patient_a):
    client.force_login(practitioner)
    response = client.post(
        f"/patients/{patient_a.pk}/consultations/new/",
        form_data(diagnoses_text="thinning", pull_frontal_pulled=""),
    )
    assert response.status_code == 200
    assert "is not an ICD-10 code" in response.content.decode()
    assert "Give both counts for this site." in response.content.decode()
    assert Consultation.objects.count() == 0


def test_the_override_is_shown_wherever_the_decision_is(client, practitioner, patient_a):
    consultation = consult(practitioner, patient_a, follicles_present=None)
    screening = consultation.screenings.get()
    client.force_login(practitioner)
    response = client.post(
        f"/screenings/{screening.pk}/override/",
        {
            "decision": "eligible_with_precautions",
            "justification": "Follicles confirmed by trichoscopy photo, see notes.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert "overridden" in page
    assert "The rules said “Refer first”" in page
    assert "Follicles confirmed by trichoscopy photo" in page


def test_a_short_justification_is_refused_on_the_page(client, practitioner, patient_a):
    screening = consult(practitioner, patient_a).screenings.get()
    client.force_login(practitioner)
    response = client.post(
        f"/screenings/{screening.pk}/override/", {"decision": "eligible", "justification": "fine"}
    )
    assert response.status_code == 400
    assert "Write at least 20 characters" in response.content.decode()


@pytest.mark.parametrize("role", ["reception", "reception_b", "practitioner_b"])
def test_others_cannot_open_the_consultation(client, request, practitioner, patient_a, role):
    consultation = consult(practitioner, patient_a)
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_the_consultation_page_costs_constant_queries(
    client, practitioner, patient_a, django_assert_max_num_queries
):
    consultation = consult(practitioner, patient_a)
    client.force_login(practitioner)
    with django_assert_max_num_queries(10):
        assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    with django_assert_max_num_queries(17):  # the record, its sections and their audit rows
        assert client.get(f"/patients/{patient_a.pk}/").status_code == 200


def test_the_api_records_lists_and_reads_consultations(client, practitioner, patient_a):
    client.force_login(practitioner)
    created = client.post(
        f"/api/v1/patients/{patient_a.pk}/consultations",
        content_type="application/json",
        data={
            "indication": "hair_loss",
            "diagnoses": ["L64.9"],
            "follicles_present": True,
            "scalp_infection": False,
            "cause_investigated": True,
        },
    )
    assert created.status_code == 201
    assert created.json()["screening"]["decision"] == "eligible_with_precautions"
    with CaptureQueriesContext(connection) as one:
        client.get(f"/api/v1/patients/{patient_a.pk}/consultations")
    for _ in range(5):
        consult(practitioner, patient_a)
    with CaptureQueriesContext(connection) as six:
        listed = client.get(f"/api/v1/patients/{patient_a.pk}/consultations").json()
    assert len(listed) == 6
    assert len(six) == len(one) <= 12
    assert all(item["screening"]["rulebook_version"] for item in listed)


def test_the_api_refuses_bad_findings_with_422(client, practitioner, patient_a):
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/patients/{patient_a.pk}/consultations",
        content_type="application/json",
        data={"indication": "hair_loss", "diagnoses": ["baldness"]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "diagnoses"]
    assert Consultation.objects.count() == 0


def test_the_api_overrides_with_a_justification(client, practitioner, patient_a):
    screening = consult(practitioner, patient_a, follicles_present=None).screenings.get()
    client.force_login(practitioner)
    response = client.post(
        f"/api/v1/screenings/{screening.pk}/override",
        content_type="application/json",
        data={"decision": "eligible", "justification": "short"},
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/screenings/{screening.pk}/override",
        content_type="application/json",
        data={
            "decision": "eligible",
            "justification": "Follicles confirmed on the trichoscopy photo.",
        },
    )
    assert response.status_code == 200
    assert response.json()["effective_decision"] == "eligible"
