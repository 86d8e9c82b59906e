import datetime
import json

import pytest
from django.utils import timezone

from mesoclinic.accounts.services import api_token_create
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients.models import Condition, Patient
from mesoclinic.patients.tests.factories import register_patient


@pytest.fixture
def api(client, practitioner):
    """A JSON client authenticated with a bearer token, as an integration would be."""
    token = api_token_create(user=practitioner, name="tests")

    def call(method, path, body=None):
        return getattr(client, method)(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


def new_patient(location, **changes):
    return {
        "location_id": location.pk,
        "given_name": "Elif",
        "family_name": "Şahin",
        "birth_date": "1991-06-30",
        "sex": "female",
        **changes,
    }


def test_registering_a_patient_returns_the_whole_record(api, location_a):
    response = api(
        "post",
        "/patients",
        new_patient(
            location_a,
            is_breastfeeding=True,
            conditions=[{"icd10_code": "e28.2"}],
            allergies=[{"substance": "Nickel"}],
        ),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["location_name"] == "Istanbul Nişantaşı"
    history = body["medical_history"]
    assert history["is_breastfeeding"] is True
    assert [(c["icd10_code"], c["description"]) for c in history["conditions"]] == [
        ("E28.2", "Polycystic ovarian syndrome")
    ]
    assert [a["substance"] for a in history["allergies"]] == ["nickel"]


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"birth_date": "yesterday"}, ["body", "payload", "birth_date"]),
        ({"birth_date": None}, ["body", "payload", "birth_date"]),
        ({"sex": "unknown"}, ["body", "payload", "sex"]),
        ({"location_id": "first"}, ["body", "payload", "location_id"]),
        ({"given_name": ""}, ["body", "payload", "given_name"]),
        ({"is_pregnant": "maybe"}, ["body", "payload", "is_pregnant"]),
        ({"email": "not an email"}, ["body", "email"]),
        ({"conditions": [{"icd10_code": "XYZ"}]}, ["body", "conditions", "0", "icd10_code"]),
        ({"location_id": 999_999}, ["body", "location_id"]),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(api, location_a, changes, location):
    response = api("post", "/patients", new_patient(location_a, **changes))
    assert response.status_code == 422
    assert location in [error["loc"] for error in response.json()["detail"]]
    assert Patient.objects.count() == 0
    assert Condition.objects.count() == 0


def test_a_future_birth_date_is_refused_with_the_reason(api, location_a):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api("post", "/patients", new_patient(location_a, birth_date=tomorrow))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "birth_date"], "msg": "The birth date cannot be in the future."}
    ]


def test_missing_required_fields_are_each_named(api):
    response = api("post", "/patients", {})
    assert response.status_code == 422
    missing = {error["loc"][-1] for error in response.json()["detail"]}
    assert missing == {"location_id", "given_name", "family_name", "birth_date", "sex"}


def test_another_locations_patient_is_403_and_shows_nothing(api, patient_b):
    response = api("get", f"/patients/{patient_b.pk}")
    assert response.status_code == 403
    assert "Mehmet" not in response.content.decode()


def test_registering_at_another_location_is_403_and_writes_nothing(api, location_b):
    response = api("post", "/patients", new_patient(location_b))
    assert response.status_code == 403
    assert Patient.objects.count() == 0


def test_no_credentials_get_401(client, patient_a):
    assert client.get(f"/api/v1/patients/{patient_a.pk}").status_code == 401
    bad = client.get(f"/api/v1/patients/{patient_a.pk}", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_a_patch_changes_only_what_is_sent_and_is_audited(api, patient_a):
    response = api("patch", f"/patients/{patient_a.pk}", {"phone": "+90 533 000 1122"})
    assert response.status_code == 200
    assert response.json()["phone"] == "+90 533 000 1122"
    assert response.json()["family_name"] == "Yılmaz"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes == {"phone": ["", "+90 533 000 1122"]}


def test_history_entries_are_added_and_removed(api, patient_a):
    added = api("post", f"/patients/{patient_a.pk}/medications", {"name": "Finasteride"})
    assert added.status_code == 201
    assert added.json()["name"] == "finasteride"
    entry_id = added.json()["id"]
    assert api("delete", f"/patients/{patient_a.pk}/medications/{entry_id}").status_code == 204
    assert list(patient_a.medications.values_list("name", flat=True)) == ["levothyroxine"]


def test_a_duplicate_allergy_is_422(api, patient_a):
    response = api("post", f"/patients/{patient_a.pk}/allergies", {"substance": "lidocaine"})
    assert response.status_code == 422
    assert patient_a.allergies.count() == 1


def test_the_list_is_paged_and_searchable(api, practitioner, location_a, patient_a):
    for number in range(3):
        register_patient(actor=practitioner, location=location_a, given_name=f"Deniz{number}")
    response = api("get", "/patients?search=deniz&limit=2")
    body = response.json()
    assert (body["total"], len(body["items"]), body["items"][0]["given_name"]) == (3, 2, "Deniz0")


def test_a_search_matching_too_many_patients_is_422_on_search(
    api, practitioner, location_a, patient_a, monkeypatch
):
    from mesoclinic.patients import selectors

    register_patient(actor=practitioner, location=location_a, given_name="Ayla")
    monkeypatch.setattr(selectors, "SEARCH_LIMIT", 1)

    response = api("get", "/patients?search=ay")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "search"]
    assert problem["msg"].startswith("More than 1 patients match “ay”")
    assert api("get", "/patients?search=ayla").json()["total"] == 1


def test_the_list_costs_the_same_queries_for_many_patients(
    api, practitioner, location_a, django_assert_max_num_queries
):
    for number in range(30):
        register_patient(actor=practitioner, location=location_a, given_name=f"P{number}")
    with django_assert_max_num_queries(6):
        assert len(api("get", "/patients").json()["items"]) == 30


def test_the_record_costs_the_same_queries_for_a_long_history(
    api, patient_a, django_assert_max_num_queries
):
    for code in ["E11.9", "I10", "L21.0", "E55.9", "D50.9"]:
        api("post", f"/patients/{patient_a.pk}/conditions", {"icd10_code": code})
    with django_assert_max_num_queries(8):
        body = api("get", f"/patients/{patient_a.pk}").json()
    assert len(body["medical_history"]["conditions"]) == 6


def test_reception_gets_no_medical_history_from_the_api(client, reception, patient_a):
    client.force_login(reception)
    body = client.get(f"/api/v1/patients/{patient_a.pk}").json()
    assert body["medical_history"] is None
    assert body["family_name"] == "Yılmaz"


def test_session_writes_need_the_csrf_token(client, practitioner, location_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    response = strict.post(
        "/api/v1/patients",
        data=json.dumps(new_patient(location_a)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Patient.objects.count() == 0


def test_openapi_is_served(client):
    assert client.get("/api/docs").status_code == 302
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}" in schema["paths"]
